"""Pure planning of what the model decodes: speech regions -> decode windows -> what was missed,
and where a recording can be cut in two without cutting speech (``cut_point``).

Why this exists (measured, see README "How decoding was chosen"): faster-whisper's batched pipeline
is ~2x faster than sequential decoding on CPU, but its own VAD merging glues unrelated utterances
into one 30-second window and the model then drops whole utterances (WER 0.22 on the long-form mix).
We plan windows ourselves, never bridging a pause longer than ``max_gap``, and after decoding we
look for speech regions that received no words at all and decode just those again.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence

import numpy as np

from .types import SAMPLE_RATE, Word

Region = tuple[float, float]  # (start, end) in seconds


def merge_regions(regions: Iterable[Region], *, max_gap: float, max_len: float) -> list[Region]:
    """Join neighbouring speech regions into decode windows of at most ``max_len`` seconds."""
    windows: list[Region] = []
    for start, end in sorted(regions):
        if windows and start - windows[-1][1] <= max_gap and end - windows[-1][0] <= max_len:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def uncovered_regions(
    regions: Sequence[Region], words: Sequence[Word], *, min_len: float, margin: float = 0.1
) -> list[Region]:
    """Speech regions at least ``min_len`` long that no decoded word overlaps."""
    starts = [w.start for w in words]
    # Words arrive in time order and never overlap, so the latest end among the words that start
    # before a region ends is a running maximum: one binary search per region.
    latest_end: list[float] = []
    for w in words:
        latest_end.append(max(w.end, latest_end[-1]) if latest_end else w.end)
    missed = []
    for start, end in regions:
        if end - start < min_len:
            continue
        i = bisect.bisect_left(starts, end - margin)
        if i == 0 or latest_end[i - 1] <= start + margin:
            missed.append((start, end))
    return missed


FRAME_SECONDS = 0.02
QUIET_PERCENTILE = 10  # the quiet level: the energy this share of frames is below
QUIET_DB = 6.0  # a frame within this many dB of the quiet level counts as quiet
# Silero VAD's 512-sample windows, Whisper's 20 ms time steps (320), onsets' 10 ms hop (160)
CUT_GRID = math.lcm(512, 320, 160)  # 2560 samples, 0.16 s


def _quiet_frames(samples: np.ndarray, start: int, end: int) -> np.ndarray:
    """Which 20-ms frames of ``samples[start:end]`` are quiet: within ``QUIET_DB`` of its quiet level."""
    frame = max(1, int(FRAME_SECONDS * SAMPLE_RATE))
    count = (end - start) // frame
    frames = samples[start : start + count * frame].reshape(count, frame).astype(np.float64)
    energy = 10 * np.log10(np.mean(frames * frames, axis=1) + 1e-12)
    # Relative to a low percentile, not the minimum: a clip's digital-silence padding (-120 dB)
    # must not make the room noise of a real pause look loud.
    return energy <= np.percentile(energy, QUIET_PERCENTILE) + QUIET_DB if count else energy > 0


def _quiet_runs(quiet: np.ndarray) -> list[tuple[int, int]]:
    """(first frame, frame count) of every run of quiet frames."""
    runs, run_start = [], -1
    for i, is_quiet in enumerate(np.append(quiet, False)):
        if is_quiet and run_start < 0:
            run_start = i
        elif not is_quiet and run_start >= 0:
            runs.append((run_start, i - run_start))
            run_start = -1
    return runs


def _on_grid(start: int, frame_index: int) -> int:
    # On the grid every stage frames the audio on (from its first sample), so each chunk sees
    # the same frames the whole file would: the outputs then match to the millisecond
    return (start + frame_index * int(FRAME_SECONDS * SAMPLE_RATE)) // CUT_GRID * CUT_GRID


def cut_point(samples: np.ndarray, start: int, end: int) -> int:
    """Where to end a chunk within ``samples[start:end]``: the middle of the longest quiet run.

    Pure: frame energies (20 ms), quiet = within ``QUIET_DB`` of the range's quiet level, then
    the longest run of quiet frames. Returns an index into ``samples``.
    """
    if (end - start) // int(FRAME_SECONDS * SAMPLE_RATE) < 2:
        return end
    best_start, best_len = max(_quiet_runs(_quiet_frames(samples, start, end)), key=lambda r: r[1],
                               default=(0, 0))
    return _on_grid(start, best_start + best_len // 2)


def pause_cuts(samples: np.ndarray, min_pause: float, outside: Sequence[Region] = ()) -> list[int]:
    """The middle of every quiet run of at least ``min_pause`` seconds, quiet by the whole
    recording's quiet level, that falls outside every region of ``outside`` (sorted, merged; in
    seconds): where a detector that carries state from window to window can start afresh
    (``transcribe``), so what it hears after a pause does not depend on what came before."""
    frames = round(min_pause / FRAME_SECONDS)
    runs = _quiet_runs(_quiet_frames(samples, 0, len(samples)))
    cuts = [_on_grid(0, first + count // 2) for first, count in runs if count >= frames]
    return [cut for cut in cuts if not _within(outside, cut / SAMPLE_RATE)]


def _within(regions: Sequence[Region], at: float) -> bool:
    i = bisect.bisect_right(regions, (at, math.inf)) - 1
    return i >= 0 and regions[i][0] <= at <= regions[i][1]
