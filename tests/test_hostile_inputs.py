"""Inputs a producer's folder really holds: unreadable files, symlink loops, duplicate copies.

Each is named in one line with its documented exit code (3: input problem), and a batch lists it
in its report instead of leaving it out. Unreadable files are made with ``chmod 000``; when the
tests run as root (who reads anything), the command runs without the two capabilities that let
root ignore file permissions (``setpriv``), so the file really is unreadable to it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MEDIA, REPO_ROOT

SPEECH = MEDIA / "speech.wav"
DROP_ROOT_READ = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


def run_unprivileged(*args: object, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``python -m gztranscribe ARGS`` as a process that file permissions apply to."""
    prefix = DROP_ROOT_READ if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "gztranscribe", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
    )


def unreadable_copy(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    target.chmod(0)
    return target


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    assert "Usage:" not in stderr and "Traceback" not in stderr
    return errors[0]


# --- item 4: unreadable input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["transcribe"], "episode.wav"),
        ([], "episode.wav"),  # the short form: gztranscribe FILE
        (["check"], "episode.vtt"),
        (["check", "--fix"], "episode.vtt"),
        (["convert", "{in}", "{out}/x.srt"], "episode.vtt"),
        (["render"], "episode.json"),
        (["review", "--no-browser"], "episode.wav"),
    ],
)
def test_an_unreadable_file_is_exit_3_and_one_line(
    command: list[str], name: str, tmp_path: Path
) -> None:
    source = {
        ".wav": SPEECH,
        ".vtt": REPO_ROOT / "tests" / "data" / "captions" / "clean.vtt",
        ".json": REPO_ROOT / "tests" / "data" / "captions" / "clean.vtt",  # never read anyway
    }[Path(name).suffix]
    path = unreadable_copy(source, tmp_path / name)
    if "{in}" in command:
        args = [a.format(**{"in": path, "out": tmp_path}) for a in command]
    else:
        args = [*command, path]
    done = run_unprivileged(*args)
    assert done.returncode == 3, done.stderr
    line = one_error_line(done.stderr)
    assert str(path) in line and "ermission denied" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # nothing written


def test_an_unreadable_file_in_a_batch_is_listed_as_failed(tmp_path: Path) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    unreadable_copy(SPEECH, folder / "locked.wav")
    done = run_unprivileged("batch", folder, "-q")
    assert done.returncode == 9, done.stderr
    report = json.loads((folder / "batch-report.json").read_text())
    (entry,) = report["files"]
    assert entry["status"] == "failed" and entry["exit_code"] == 3
    assert "locked.wav" in entry["reason"] and "ermission denied" in entry["reason"]


# --- item 8: symbolic link loops and broken links -----------------------------------------------


def make_links(folder: Path) -> None:
    (folder / "loop.mp4").symlink_to("loop.mp4")  # a link to itself
    (folder / "a.wav").symlink_to("b.wav")  # two links to each other
    (folder / "b.wav").symlink_to("a.wav")
    (folder / "gone.mp3").symlink_to("deleted.mp3")  # the upload it pointed at was removed


@pytest.mark.parametrize("command", [["transcribe"], [], ["check"], ["review", "--no-browser"]])
@pytest.mark.parametrize("name", ["loop.mp4", "a.wav"])
def test_a_symlink_loop_is_named_as_such(
    command: list[str], name: str, tmp_path: Path, cli, no_model
) -> None:
    make_links(tmp_path)
    result = cli(*command, tmp_path / name)
    assert result.exit_code == 3
    assert result.stderr == (
        f"error: {tmp_path / name}: a symbolic link loop (the link leads back to itself); "
        "point it at the real file or remove it\n"
    )


def test_a_broken_link_names_its_missing_target(tmp_path: Path, cli, no_model) -> None:
    make_links(tmp_path)
    result = cli(tmp_path / "gone.mp3")
    assert result.exit_code == 3
    assert "a broken symbolic link (to deleted.mp3, which does not exist)" in result.stderr
    assert "no such file" not in result.stderr


def test_a_batch_reports_each_symlink_loop(tmp_path: Path, cli, no_model) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    make_links(folder)
    (folder / "notes.doc").symlink_to("notes.doc")  # not media: listed as ignored, not failed
    result = cli("batch", folder, "-q")
    assert result.exit_code == 9
    report = json.loads((folder / "batch-report.json").read_text())
    reasons = {
        Path(f["source"]).name: (f["status"], f["exit_code"], f["reason"]) for f in report["files"]
    }
    assert set(reasons) == {"loop.mp4", "a.wav", "b.wav", "gone.mp3"}
    for name in ("loop.mp4", "a.wav", "b.wav"):
        assert reasons[name][:2] == ("failed", 3)
        assert "symbolic link loop" in reasons[name][2]
    assert "broken symbolic link" in reasons["gone.mp3"][2]
    assert [Path(p).name for p in report["ignored"]] == ["notes.doc"]
    for name in ("loop.mp4", "a.wav", "b.wav", "gone.mp3"):
        assert f"failed: {folder / name}: " in result.stderr


# --- item 5: copies with identical content ------------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_identical_copies_each_name_their_own_file(
    jobs: str, tmp_path: Path, cli, model_loads
) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    for name in ("monday.wav", "monday-copy.wav", "repost.wav"):
        shutil.copyfile(SPEECH, folder / name)
    result = cli("batch", folder, "-q", "--jobs", jobs)
    assert result.exit_code == 0, result.stderr
    report = json.loads((folder / "batch-report.json").read_text())
    statuses = sorted(f["status"] for f in report["files"])
    assert statuses == ["done", "skipped", "skipped"]  # transcribed once, copied twice
    texts = set()
    for name in ("monday.wav", "monday-copy.wav", "repost.wav"):
        data = json.loads((folder / f"{Path(name).stem}.json").read_text())
        assert data["source"] == name
        texts.add((folder / f"{Path(name).stem}.vtt").read_text())
    assert len(texts) == 1
    manifest = json.loads((folder / ".gztranscribe-manifest.json").read_text())
    (entry,) = manifest["files"].values()
    assert sorted(Path(p).name for p in entry["sources"]) == [
        "monday-copy.wav",
        "monday.wav",
        "repost.wav",
    ]
    for place in entry["sources"].values():
        assert [Path(p).suffix for p in place["outputs"]] == [".vtt", ".txt", ".json"]

    again = cli("batch", folder, "-q")  # a rerun: every copy already has its own outputs
    assert again.exit_code == 0
    assert {
        f["status"] for f in json.loads((folder / "batch-report.json").read_text())["files"]
    } == {"skipped"}
