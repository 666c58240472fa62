"""Batch: a folder of uploads is processed safely — real model, real media, real processes."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jiwer
import pytest
from conftest import EVAL, MEDIA, SAMPLE, run_module
from processes import ctrl_c_as_in_a_terminal

from gztranscribe.batch import MANIFEST_NAME, REPORT_NAME, discover, plan
from gztranscribe.errors import ExitCode
from gztranscribe.settings import Overrides, resolve_settings

GOOD = {
    "clip one.wav": MEDIA / "speech.wav",
    "clip-é.m4a": MEDIA / "speech.m4a",
    "-dash.ogg": MEDIA / "speech.ogg",
    "jfk.flac": EVAL / "real-en" / "jfk.flac",
    "LJ002-0020.wav": EVAL / "real-en" / "LJ002-0020.wav",
}
BROKEN = {
    "empty.mp4": (MEDIA / "empty.mp4", "empty"),
    "text.mp4": (MEDIA / "text.mp4", "not a media file (it is text)"),
    "truncated.mp4": (MEDIA / "truncated.mp4", "not a media file"),
    "no-audio.mp4": (MEDIA / "no-audio.mp4", "no audio track"),
}


def uploads(folder: Path, files: dict[str, Path]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / name)
    return folder


def report(folder: Path) -> dict:
    return json.loads((folder / REPORT_NAME).read_text())


def outputs_of(folder: Path, name: str) -> list[str]:
    stem = Path(name).stem
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(stem + ".") and p.name != name)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = uploads(
        tmp_path_factory.mktemp("uploads"),
        {**GOOD, **{name: src for name, (src, _) in BROKEN.items()}},
    )
    (folder / "notes.docx").write_text("not media")
    (folder / ".hidden.wav").write_bytes((MEDIA / "speech.wav").read_bytes())
    return folder, run_module([folder], timeout=300)


@pytest.mark.slow
def test_every_good_file_gets_its_outputs_beside_it(first_run) -> None:
    folder, _ = first_run
    for name in GOOD:
        assert outputs_of(folder, name) == sorted(f"{Path(name).stem}.{e}" for e in ("json", "txt", "vtt"))
        assert (folder / f"{Path(name).stem}.txt").read_text().strip()


@pytest.mark.slow
def test_every_broken_file_is_listed_with_its_reason_and_the_exit_code_says_so(first_run) -> None:
    folder, proc = first_run
    assert proc.returncode == ExitCode.BATCH_FAILURES, proc.stderr
    files = {Path(f["source"]).name: f for f in report(folder)["files"]}
    for name, (_, reason) in BROKEN.items():
        assert files[name]["status"] == "failed"
        assert reason in files[name]["reason"]
        assert files[name]["exit_code"] == ExitCode.MEDIA
        assert re.search(rf"failed: .*{re.escape(name)}: .*{re.escape(reason)}", proc.stderr)
        assert outputs_of(folder, name) == []
    assert {f["status"] for n, f in files.items() if n in GOOD} == {"done"}


@pytest.mark.slow
def test_hidden_files_and_non_media_are_left_alone(first_run) -> None:
    folder, proc = first_run
    names = {Path(f["source"]).name for f in report(folder)["files"]}
    assert ".hidden.wav" not in names and "notes.docx" not in names
    assert report(folder)["ignored"] == [str(folder / "notes.docx")]
    assert "ignored 1 non-media file" in proc.stderr


@pytest.mark.slow
def test_the_summary_counts_done_skipped_failed_and_audio(first_run) -> None:
    folder, proc = first_run
    data = report(folder)
    assert (data["done"], data["skipped"], data["failed"]) == (len(GOOD), 0, len(BROKEN))
    assert data["audio_seconds"] > 25
    for column in ("done", "skipped", "failed", "audio", "wall time", "speed"):
        assert column in proc.stderr


@pytest.mark.slow
def test_a_second_run_skips_everything_done_in_seconds(first_run) -> None:
    folder, _ = first_run
    started = time.monotonic()
    proc = run_module([folder, "-q"], timeout=120)
    elapsed = time.monotonic() - started
    data = report(folder)
    assert data["skipped"] == len(GOOD) and data["done"] == 0, proc.stderr
    assert proc.returncode == ExitCode.BATCH_FAILURES  # the broken files are still broken
    assert elapsed < 15, "skipping must not load the model or decode audio"


@pytest.mark.slow
def test_a_changed_setting_redoes_the_files_and_force_redoes_everything(tmp_path: Path) -> None:
    folder = uploads(tmp_path / "up", {"a.wav": MEDIA / "speech.wav"})
    assert run_module([folder, "-q"]).returncode == 0
    assert report(folder)["done"] == 1
    assert run_module([folder, "-q", "--profile", "bbc"]).returncode == 0
    assert report(folder)["done"] == 1, "a different caption profile is a different result"
    assert run_module([folder, "-q", "--profile", "bbc"]).returncode == 0
    assert report(folder)["skipped"] == 1
    assert run_module(["batch", folder, "-q", "--profile", "bbc", "--force"]).returncode == 0
    assert report(folder)["done"] == 1


@pytest.mark.slow
def test_a_renamed_file_is_not_transcribed_again(tmp_path: Path) -> None:
    folder = uploads(tmp_path / "up", {"a.wav": MEDIA / "speech.wav"})
    assert run_module([folder, "-q"]).returncode == 0
    (folder / "a.wav").rename(folder / "renamed.wav")
    assert run_module([folder, "-q"]).returncode == 0
    assert report(folder)["skipped"] == 1
    assert (folder / "renamed.vtt").read_text() == (folder / "a.vtt").read_text()


@pytest.mark.slow
def test_same_stems_in_different_folders_never_overwrite_each_other(tmp_path: Path) -> None:
    folder = uploads(tmp_path / "up", {"a/ep.wav": MEDIA / "speech.wav", "b/ep.wav": MEDIA / "speech-8k.wav"})
    uploads(folder, {"a/ep.mp3": MEDIA / "speech.mp3"})
    out = tmp_path / "out"
    proc = run_module(["batch", folder, "-r", "-o", out, "-q", "--format", "txt"])
    assert proc.returncode == 0, proc.stderr
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.txt")) == [
        "a/ep.mp3.txt", "a/ep.wav.txt", "b/ep.txt",
    ]  # fmt: skip


@pytest.mark.slow
def test_glob_narrows_the_files(tmp_path: Path) -> None:
    folder = uploads(tmp_path / "up", {"a.wav": MEDIA / "speech.wav", "b.mp3": MEDIA / "speech.mp3"})
    assert run_module(["batch", folder, "--glob", "*.mp3", "-q"]).returncode == 0
    assert [Path(f["source"]).name for f in report(folder)["files"]] == ["b.mp3"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.slow
def test_a_killed_batch_leaves_no_partial_output_and_a_rerun_finishes(tmp_path: Path, sig) -> None:
    folder = uploads(tmp_path / "up", {"a.wav": MEDIA / "speech.wav", "b.mp4": SAMPLE})
    proc = subprocess.Popen(
        [sys.executable, "-m", "gztranscribe", str(folder), "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    deadline = time.monotonic() + 60
    while not (folder / MANIFEST_NAME).exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the manifest appears once a.wav is done: b.mp4 is then in progress
    time.sleep(0.5)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, stderr
    assert outputs_of(folder, "b.mp4") == []
    assert not [p for p in folder.iterdir() if p.name.endswith(".gztmp")]
    assert (folder / "a.vtt").exists()

    rerun = run_module([folder, "-q"])
    assert rerun.returncode == 0, rerun.stderr
    data = report(folder)
    assert (data["done"], data["skipped"]) == (1, 1)
    assert outputs_of(folder, "b.mp4") == ["b.json", "b.txt", "b.vtt"]


@pytest.mark.slow
def test_real_en_as_a_batch_meets_the_accuracy_promise(tmp_path: Path) -> None:
    """Corpus WER of the batch's transcripts with tests/data/eval/wer_dir.py: at most 0.07."""
    out = tmp_path / "out"
    proc = run_module(["batch", EVAL / "real-en", "-o", out, "--format", "txt", "-q"], timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert len(list(out.glob("*.txt"))) == 16
    scored = subprocess.run(
        [sys.executable, EVAL / "wer_dir.py", EVAL / "real-en", out, "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(scored.stdout)
    assert result["missing"] == 0
    assert result["wer"] <= 0.07


def test_discovery_probes_content_and_plan_keeps_same_stems_apart(tmp_path: Path) -> None:
    folder = uploads(
        tmp_path,
        {"ep.mp4": MEDIA / "speech.m4a", "ep.mov": MEDIA / "speech.mov", "noext": MEDIA / "speech.wav"},
    )
    (folder / "ep.vtt").write_text("WEBVTT\n")
    (folder / "readme").write_text("hello")
    found, ignored = discover(folder)
    assert [p.name for p in found] == ["ep.mov", "ep.mp4", "noext"]
    assert [p.name for p in ignored] == ["readme"]
    settings = resolve_settings(folder, Overrides(formats="vtt"))
    assert [item.outputs["vtt"].name for item in plan(folder, found, settings)] == [
        "ep.mov.vtt", "ep.mp4.vtt", "noext.vtt",
    ]  # fmt: skip


def test_the_library_call_yields_results_as_files_finish(tmp_path: Path, transcriber) -> None:
    from gztranscribe.batch import process_folder

    folder = uploads(tmp_path, {"a.wav": MEDIA / "speech.wav", "z.mp4": MEDIA / "empty.mp4"})
    settings = resolve_settings(folder, Overrides(formats="txt"))
    results = list(process_folder(folder, settings, transcriber=transcriber))
    assert [(r.source.name, r.status) for r in results] == [("a.wav", "done"), ("z.mp4", "failed")]
    reference = (MEDIA / "speech.txt").read_text()
    assert jiwer.wer(reference.lower(), (folder / "a.txt").read_text().lower()) < 0.3


@pytest.mark.slow
def test_jobs_run_files_at_once_with_the_same_results(tmp_path: Path) -> None:
    files = {"a.wav": MEDIA / "speech.wav", "b.flac": MEDIA / "speech.flac", "c.mp3": MEDIA / "speech.mp3"}
    one = uploads(tmp_path / "one", files)
    two = uploads(tmp_path / "two", files)
    assert run_module(["batch", one, "-q"]).returncode == 0
    assert run_module(["batch", two, "-q", "--jobs", "2"]).returncode == 0
    assert report(two)["done"] == 3
    for name in ("a", "b", "c"):
        for ext in ("vtt", "txt"):
            assert (one / f"{name}.{ext}").read_bytes() == (two / f"{name}.{ext}").read_bytes()
