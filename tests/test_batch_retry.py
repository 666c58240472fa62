"""A permanently broken upload in a folder that cron runs every night.

Every later run says the file is "still failing, unchanged since the last run"; ``--skip-failed``
stops retrying it until its bytes (or the settings) change, and then it no longer makes the exit
status 9, so cron mails only news. Real model, real media (a few seconds of speech).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import MEDIA

from gztranscribe.errors import ExitCode


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    shutil.copy(MEDIA / "speech.wav", folder / "good.wav")
    shutil.copy(MEDIA / "truncated.mp4", folder / "broken.mp4")
    return folder


def report(folder: Path) -> dict:
    return json.loads((folder / "batch-report.json").read_text(encoding="utf-8"))


def reason_of(folder: Path, name: str) -> tuple[str, str]:
    (entry,) = [f for f in report(folder)["files"] if Path(f["source"]).name == name]
    return entry["status"], entry["reason"]


def test_a_broken_upload_is_reported_as_still_failing_and_skip_failed_stops_retrying_it(
    cli, model_loads, uploads: Path
) -> None:
    first = cli("batch", uploads)
    assert first.exit_code == ExitCode.BATCH_FAILURES
    status, first_reason = reason_of(uploads, "broken.mp4")
    assert status == "failed" and "still failing" not in first_reason

    second = cli("batch", uploads)
    assert second.exit_code == ExitCode.BATCH_FAILURES, "by default it is tried, and fails, again"
    status, reason = reason_of(uploads, "broken.mp4")
    assert status == "failed"
    assert reason == f"still failing, unchanged since the last run: {first_reason}"
    assert "--skip-failed" in second.stderr
    loads = len(model_loads)

    third = cli("batch", uploads, "--skip-failed")
    assert third.exit_code == ExitCode.OK, third.stderr
    status, reason = reason_of(uploads, "broken.mp4")
    assert status == "not-retried"
    assert reason.startswith("still failing, unchanged since the last run (failing since ")
    assert reason.endswith(f"; not retried: --skip-failed): {first_reason}")
    assert reason.count("still failing") == 1
    assert f"not retried: {reason}" in " ".join(third.stderr.split())
    assert report(uploads)["not_retried"] == 1 and report(uploads)["failed"] == 0
    assert len(model_loads) == loads, "nothing to do: the model is not even loaded"

    quiet = cli("batch", uploads, "--skip-failed", "-q")
    assert quiet.exit_code == ExitCode.OK and quiet.stderr == "", "cron mails nothing"


def test_a_replaced_upload_or_changed_settings_are_tried_again(
    cli, model_loads, uploads: Path
) -> None:
    assert cli("batch", uploads).exit_code == ExitCode.BATCH_FAILURES
    other = cli("batch", uploads, "--skip-failed", "--format", "vtt")
    assert other.exit_code == ExitCode.BATCH_FAILURES, "other settings: tried, and failing"
    assert reason_of(uploads, "broken.mp4")[0] == "failed"
    assert cli("batch", uploads, "--skip-failed", "--force").exit_code == ExitCode.BATCH_FAILURES

    shutil.copy(MEDIA / "speech.ogg", uploads / "broken.mp4")  # the complete upload arrives
    fixed = cli("batch", uploads, "--skip-failed")
    assert fixed.exit_code == ExitCode.OK, fixed.stderr
    assert reason_of(uploads, "broken.mp4")[0] == "done"
    assert (uploads / "broken.vtt").is_file()


def test_a_failure_that_is_not_the_files_fault_is_not_remembered(
    cli, model_loads, uploads: Path, tmp_path: Path
) -> None:
    from gztranscribe.batch import Manifest

    (uploads / "broken.mp4").unlink()
    out = tmp_path / "out"
    out.mkdir()
    (out / "good.vtt").mkdir()  # a folder where the caption file must go: an output problem
    result = cli("batch", uploads, "-o", out)
    assert result.exit_code == ExitCode.BATCH_FAILURES
    assert Manifest(out / ".gztranscribe-manifest.json").data.get("failed", {}) == {}
    (out / "good.vtt").rmdir()
    assert cli("batch", uploads, "-o", out, "--skip-failed").exit_code == ExitCode.OK
