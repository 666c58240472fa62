"""Pure planning of what the model decodes: speech regions -> decode windows -> what was missed.

Why this exists (measured, see README "How decoding was chosen"): faster-whisper's batched pipeline
is ~2x faster than sequential decoding on CPU, but its own VAD merging glues unrelated utterances
into one 30-second window and the model then drops whole utterances (WER 0.22 on the long-form mix).
We plan windows ourselves, never bridging a pause longer than ``max_gap``, and after decoding we
look for speech regions that received no words at all and decode just those again.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence

from .types import Word

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
