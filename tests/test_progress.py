"""Progress that tells the truth: phases, totals known from the start, an ETA that never lies low.

Unit tests for the pure parts (``progress.py``), then the real CLI under a pseudo-terminal (so
rich draws its live display exactly as a producer sees it), whose frames are read back and
checked against what actually happened.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import EVAL, REPO_ROOT, SAMPLE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gztranscribe.progress import (
    FINDING_SPEECH,
    HOLD,
    READING_AUDIO,
    REPAIRING,
    TAIL_SHARE,
    TRANSCRIBING,
    WRITING,
    BatchEta,
    Eta,
    decode_batches,
)

EPISODE = EVAL / "episodes" / "quicktake-slt" / "quicktake-slt.mp4"


# --- pure parts -------------------------------------------------------------------------------


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy CI machine
@given(st.integers(0, 400), st.integers(1, 32), st.integers(1, 4))
def test_decode_batches_cover_every_window_once_and_report_early(
    windows: int, batch: int, lanes: int
) -> None:
    sizes = decode_batches(windows, batch, lanes)
    assert sum(sizes) == windows and all(s > 0 for s in sizes)
    per_lane = max(1, batch // lanes)
    assert all(s <= per_lane for s in sizes), "the lanes share one batch of windows"
    if windows > 2:
        # The first rate is measured after at most two windows, whichever lane finishes first.
        assert sizes[0] <= 2
    full = -(-windows // per_lane)
    assert len(sizes) <= full + lanes, "small first calls are few: the speed comes from full ones"


def test_two_lanes_start_with_a_window_each_then_take_their_share_of_the_batch() -> None:
    assert decode_batches(13, 4, lanes=2) == [1, 1, 2, 2, 2, 2, 2, 1]
    assert decode_batches(13, 8, lanes=1) == [2, 8, 3]
    assert decode_batches(1, 4, lanes=2) == [1]
    assert decode_batches(0, 4, lanes=2) == []


def test_eta_is_unknown_until_decoding_has_been_measured() -> None:
    eta = Eta(tail=1.0, safety=1.0)
    for phase in (READING_AUDIO, FINDING_SPEECH):
        eta.phase(phase, 0.0)
        eta.progress(100.0, 300.0, 1.0)  # reading progress says nothing about decoding time
        assert eta.remaining(1.0) is None
    eta.phase(TRANSCRIBING, 2.0)
    assert eta.remaining(2.0) is None
    # 60 s of audio decoded in 3 s: 240 s left take 12 s; decoding all of it takes 15 s, and
    # what follows (onsets, captions, writing) a share of that.
    eta.progress(60.0, 300.0, 5.0)
    tail = TAIL_SHARE * 15.0
    assert eta.remaining(5.0) == pytest.approx(12.0 + tail)
    assert eta.remaining(9.0) == pytest.approx(8.0 + tail), "counts down between reports"
    assert eta.remaining(30.0) == pytest.approx(HOLD * (12.0 + tail)), "and holds while work goes on"
    eta.progress(300.0, 300.0, 17.0)
    assert eta.remaining(17.0) == pytest.approx(tail), "decoded: the tail is left"
    eta.phase(REPAIRING, 20.0)
    assert eta.remaining(20.0) is None, "a repair pass is measured afresh"
    eta.phase(WRITING, 25.0)
    assert eta.remaining(25.0) == pytest.approx(tail)


def test_eta_errs_on_the_long_side() -> None:
    eta = Eta(tail=0.0)
    eta.phase(TRANSCRIBING, 0.0)
    eta.progress(100.0, 200.0, 10.0)
    assert eta.remaining(10.0) > 10.0


def test_batch_eta_measures_transcribed_audio_only() -> None:
    eta = BatchEta(safety=1.0)
    eta.plan(600.0)
    eta.settle(300.0)  # a long file skipped at once: no speed information
    eta.start(0.0)
    assert eta.remaining(0.0) is None
    eta.progress(100.0, 10.0)  # 10 s of audio a second; 200 s left
    assert eta.remaining(10.0) == pytest.approx(20.0)


# --- the real CLI under a pseudo-terminal -----------------------------------------------------


@dataclass(frozen=True)
class Frame:
    at: float  # seconds since the command started
    rows: tuple[str, ...]


_ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
_NEW_FRAME = re.compile(rb"\r(?:\x1b\[2K\x1b\[1A)*\x1b\[2K")


def run_in_terminal(*args: str | Path, timeout: float = 600) -> tuple[int, list[Frame], str]:
    """Run ``gztranscribe ARGS`` on a pseudo-terminal; (exit code, frames drawn, all text)."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "140", "LINES": "50", "TERM": "xterm"}
    env.pop("NO_COLOR", None)
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gztranscribe", *map(str, args)],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=REPO_ROOT, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    frames: list[Frame] = []
    pending, everything = b"", b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                if proc.poll() is not None:
                    break
                if time.monotonic() - start > timeout:
                    raise TimeoutError(f"gztranscribe {args} ran over {timeout} s")
                continue
            try:
                data = os.read(master, 1 << 16)
            except OSError:  # the terminal closed: the process is gone
                break
            if not data:
                break
            now = time.monotonic() - start
            everything += data
            parts = _NEW_FRAME.split(pending + data)
            pending = parts.pop()
            frames.extend(_frame(now, part) for part in parts)
        frames.append(_frame(time.monotonic() - start, pending))  # the last one, and what follows
    finally:
        proc.wait(timeout=60)
        os.close(master)
    text = _ANSI.sub(b"", everything).decode("utf-8", "replace")
    return proc.returncode, frames, text


def _frame(at: float, raw: bytes) -> Frame:
    text = _ANSI.sub(b"", raw).decode("utf-8", "replace")
    return Frame(at, tuple(r.strip() for r in text.splitlines() if r.strip()))


_ROW = re.compile(
    r"(?P<what>.*?)\s+━*[╸╺]?━*\s+(?P<done>\d+:\d\d) / (?P<total>\d+:\d\d) audio\s+"
    r"ETA (?P<eta>-:--|\d+:\d\d)$"
)


def _seconds(clock: str) -> float:
    minutes, seconds = clock.split(":")
    return int(minutes) * 60 + int(seconds)


def parsed_rows(frame: Frame) -> list[re.Match[str]]:
    return [m for m in (_ROW.search(row) for row in frame.rows) if m]


@pytest.mark.slow
def test_one_file_shows_its_phases_its_total_at_once_and_an_eta_that_never_lies_low(
    tmp_path: Path,
) -> None:
    code, frames, text = run_in_terminal(EPISODE, "-o", tmp_path)
    assert code == 0, text[-2000:]
    done_at = next(f.at for f in frames if any("wrote " in r for r in f.rows))
    rows = [(f.at, m) for f in frames for m in parsed_rows(f) if f.at < done_at]
    assert len(rows) > 50, f"the live display was drawn ({len(rows)} frames)"

    # The total is known from the first frame (the file was probed before the model loaded).
    first_at, first = rows[0]
    assert first_at - frames[0].at < 1.0
    assert _seconds(first["total"]) >= 290, first.group(0)
    assert all(_seconds(m["total"]) >= 290 for _, m in rows), "never 0:00 / 0:00"

    # The phases, in order.
    phases = []
    for _, m in rows:
        phase = m["what"].lstrip("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ ").strip()
        if not phases or phases[-1] != phase:
            phases.append(phase)
    wanted = [READING_AUDIO, FINDING_SPEECH, TRANSCRIBING]
    assert [p for p in phases if p in wanted] == wanted, phases
    transcribing = [(at, m) for at, m in rows if TRANSCRIBING in m["what"]]
    assert transcribing[0][0] - rows[0][0] < 15

    # Progress inside the decoding pass: the bar moves before decoding ends.
    moved = {m["done"] for _, m in transcribing}
    assert len(moved) >= 3, f"progress inside the pass: {sorted(moved)}"

    # The ETA: shown for most of the decoding, and never below the time actually left by more
    # than 30% (a frame is drawn every 0.1 s and shows whole seconds: 0.3 s of slack for that).
    with_eta = [(at, _seconds(m["eta"])) for at, m in rows if m["eta"] != "-:--"]
    assert len(with_eta) >= len(transcribing) / 2, "an ETA is shown for most of the work"
    for at, eta in with_eta:
        left = done_at - at
        assert eta >= 0.7 * left - 0.3, f"at {at:.1f} s the ETA said {eta} s; {left:.1f} s were left"


@pytest.mark.slow
def test_a_batch_with_two_jobs_shows_one_row_per_running_file_and_the_overall_bar(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "monday.mp4")
    # another recording: two copies of one file would be one job (the second reuses the first's)
    shutil.copy(EVAL / "real-en" / "lucier.mp3", folder / "tuesday.mp4")
    code, frames, text = run_in_terminal("batch", folder, "--jobs", "2")
    assert code == 0, text[-2000:]
    first_done = next(f.at for f in frames if any(r.startswith("done ") for r in f.rows))
    together = [
        f
        for f in frames
        if f.at < first_done
        and any("files" in r for r in f.rows)
        and sum(1 for r in f.rows if re.search(r"(monday|tuesday)\.mp4: ", r)) == 2
    ]
    assert together, "both running files have a row of their own, under the overall bar"
    moving = [
        m
        for f in together
        for m in parsed_rows(f)
        if ".mp4:" in m["what"] and _seconds(m["done"]) > 0
    ]
    assert moving, "a running file's row moves before any file has finished"
    overall = [m for f in frames for m in parsed_rows(f) if "files" in m["what"]]
    assert overall and all(_seconds(m["total"]) >= 120 for m in overall), "the batch's total audio"
