"""Two batches on one folder cooperate: every file is transcribed once, nothing is lost.

Real processes, real model, real media: two ``gztranscribe batch`` commands started together on
one folder (the same files, or disjoint ``--glob``s), then a third run that must find nothing to
do. Claims are also checked directly: a claim of a live process is respected, a dead one's is
taken over.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVAL, MEDIA, REPO_ROOT

from gztranscribe.batch import MANIFEST_NAME, REPORT_NAME
from gztranscribe.manifest import CLAIMS_DIR, Manifest

FILES = {
    "a-speech.wav": MEDIA / "speech.wav",
    "a-jfk.flac": EVAL / "real-en" / "jfk.flac",
    "b-speech.m4a": MEDIA / "speech.m4a",
    "b-lj.wav": EVAL / "real-en" / "LJ002-0020.wav",
}


def uploads(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in FILES.items():
        shutil.copyfile(source, folder / name)
    return folder


def start_batch(folder: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gztranscribe", "batch", str(folder), "--jobs", "1", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "COLUMNS": "200"},
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=600)
    return process.returncode, stderr


def marks(stderr: str) -> dict[str, str]:
    """The per-file lines a batch prints: file name -> "done", "skip" or "FAIL"."""
    found = {}
    for line in stderr.splitlines():
        mark, _, rest = line.strip().partition("  ")
        if mark in ("done", "skip", "FAIL") and rest:
            found[Path(rest.strip()).name] = mark
    return found


def manifest_sources(folder: Path) -> set[str]:
    data = json.loads((folder / MANIFEST_NAME).read_text())
    return {Path(name).name for entry in data["files"].values() for name in entry["sources"]}


@pytest.mark.slow
def test_two_batches_on_one_folder_transcribe_each_file_once(tmp_path: Path) -> None:
    folder = uploads(tmp_path / "uploads")
    first, second = start_batch(folder), start_batch(folder)
    (code1, err1), (code2, err2) = finish(first), finish(second)
    assert (code1, code2) == (0, 0), err1 + err2
    one, two = marks(err1), marks(err2)
    assert set(one) == set(two) == set(FILES)
    for name in FILES:  # transcribed by exactly one of them; the other skipped it
        assert sorted([one[name], two[name]]) == ["done", "skip"], (name, one, two)
    assert manifest_sources(folder) == set(FILES)
    report = json.loads((folder / REPORT_NAME).read_text())
    assert {Path(f["source"]).name: f["status"] for f in report["files"]} == dict.fromkeys(
        FILES, "done"
    )
    assert report["batches"] == 2
    assert not list((folder / CLAIMS_DIR).iterdir())  # every claim released

    again = start_batch(folder)
    code, err = finish(again)
    assert code == 0 and marks(err) == dict.fromkeys(FILES, "skip")


@pytest.mark.slow
def test_two_batches_with_disjoint_globs_keep_each_others_work(tmp_path: Path) -> None:
    folder = uploads(tmp_path / "uploads")
    first, second = start_batch(folder, "--glob", "a-*"), start_batch(folder, "--glob", "b-*")
    (code1, err1), (code2, err2) = finish(first), finish(second)
    assert (code1, code2) == (0, 0), err1 + err2
    assert manifest_sources(folder) == set(FILES)
    report = json.loads((folder / REPORT_NAME).read_text())
    assert sorted(Path(f["source"]).name for f in report["files"]) == sorted(FILES)
    code, err = finish(start_batch(folder))
    assert code == 0 and marks(err) == dict.fromkeys(FILES, "skip")


def test_a_claim_is_respected_while_its_process_lives_and_taken_over_after(tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        theirs = Manifest(tmp_path / MANIFEST_NAME)
        claim = tmp_path / CLAIMS_DIR / "abc-123.claim"
        claim.parent.mkdir()
        claim.write_text(json.dumps({"pid": sleeper.pid, "host": socket.gethostname()}))
        assert theirs.claim("abc", "123") == f"pid {sleeper.pid} on {socket.gethostname()}"
        assert theirs.held_elsewhere("abc", "123")
    finally:
        sleeper.kill()
        sleeper.wait()
    ours = Manifest(tmp_path / MANIFEST_NAME)
    assert not ours.held_elsewhere("abc", "123")  # its batch was killed: the claim is stale
    assert ours.claim("abc", "123") == ""
    assert json.loads(claim.read_text())["pid"] == os.getpid()
    ours.release("abc", "123")
    assert not claim.exists()


def test_records_of_two_batches_are_merged_not_overwritten(tmp_path: Path) -> None:
    one, two = Manifest(tmp_path / MANIFEST_NAME), Manifest(tmp_path / MANIFEST_NAME)
    (tmp_path / "a.vtt").write_text("x")
    (tmp_path / "b.vtt").write_text("y")
    one.record("aaa", "f", tmp_path / "a.wav", [tmp_path / "a.vtt"])
    two.record("bbb", "f", tmp_path / "b.wav", [tmp_path / "b.vtt"])  # two never read a's entry
    fresh = Manifest(tmp_path / MANIFEST_NAME)
    assert fresh.done_outputs("aaa", "f", tmp_path / "a.wav") == (
        [tmp_path / "a.vtt"],
        tmp_path / "a.wav",
    )
    assert fresh.done_outputs("bbb", "f", tmp_path / "b.wav") == (
        [tmp_path / "b.vtt"],
        tmp_path / "b.wav",
    )
