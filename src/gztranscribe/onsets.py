"""Tighten word start times to the audio's energy onsets (pure numpy, no I/O).

Whisper's word timestamps come from cross-attention and drift by ~0.1-0.3 s, worst on the first word
after a pause, which is exactly where a caption starts. Measured on the 5-minute episode against its
exact sentence onsets: median error 111 ms before, ~10 ms after. Only words after a pause move, and
only within a small window, so a word inside fluent speech keeps Whisper's time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .types import Word

HOP = 0.010  # seconds between energy frames
WINDOW = 0.025  # seconds of audio in one energy frame


@dataclass(frozen=True, slots=True)
class OnsetOptions:
    min_gap: float = 0.08  # only words after at least this much silence are moved
    search_before: float = 0.5  # how far before Whisper's start an onset may be
    search_after: float = 0.3  # ...and how far after
    rise_db: float = 12.0  # onset must rise this far above the local floor
    below_peak_db: float = 30.0  # ...and come within this of the word's own loudness
    sustain_frames: int = 3  # ...for this many frames, so a click is not an onset


def energy_db(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Short-time energy in dB, one value per HOP."""
    hop = int(HOP * sample_rate)
    win = int(WINDOW * sample_rate)
    if len(audio) < win:
        return np.full(1, -100.0)
    # Sums over blocks of gcd(hop, win) samples, added up per frame: linear time and one float64
    # value per block, where a strided frame view squares every sample 2.5 times (an hour of
    # audio would hold gigabytes). Same values as the mean over each frame.
    block = math.gcd(hop, win)
    frames = (len(audio) - win) // hop + 1
    used = (frames - 1) * hop + win
    sums = np.square(audio[:used].reshape(-1, block), dtype=np.float64).sum(axis=1)
    per_frame = np.convolve(sums, np.ones(win // block), mode="valid")[:: hop // block]
    power = np.maximum(per_frame[:frames], 0.0) / win
    return 10.0 * np.log10(power + 1e-10)


def refine_onsets(
    words: Sequence[Word],
    audio: np.ndarray,
    sample_rate: int,
    options: OnsetOptions = OnsetOptions(),
) -> list[Word]:
    """Return ``words`` with starts after a pause moved to where the sound actually begins."""
    if not words:
        return []
    db = energy_db(audio, sample_rate)
    refined: list[Word] = []
    previous_end = 0.0
    for index, word in enumerate(words):
        gap = word.start - previous_end if index else word.start
        start = word.start
        if gap >= options.min_gap:
            onset = _find_onset(db, word, previous_end, options)
            if onset is not None:
                start = min(onset, word.end)
        refined.append(replace(word, start=max(start, previous_end)) if start != word.start else word)
        previous_end = max(previous_end, word.end)
    return refined


def _find_onset(db: np.ndarray, word: Word, previous_end: float, o: OnsetOptions) -> float | None:
    lo = max(previous_end, word.start - o.search_before, 0.0)
    hi = min(word.start + o.search_after, word.end)
    f0, f1 = int(lo / HOP), int(hi / HOP)
    if f1 - f0 <= o.sustain_frames or f1 > len(db):
        return None
    floor = float(np.percentile(db[max(0, f0 - 20) : f1], 5))
    peak_from = int(word.start / HOP)
    peak = float(db[peak_from : peak_from + 30].max()) if peak_from < len(db) else floor
    threshold = max(floor + o.rise_db, peak - o.below_peak_db)
    loud = db[f0:f1] > threshold
    if o.sustain_frames > 1:
        sustained = np.lib.stride_tricks.sliding_window_view(loud, o.sustain_frames).all(axis=1)
    else:
        sustained = loud
    # A rising edge, not just loudness: a window that opens on the previous word's tail is loud
    # from its first frame, and that tail is not this word's onset.
    quiet = np.flatnonzero(~loud)
    if quiet.size == 0:
        return None
    hits = np.flatnonzero(sustained[quiet[0] :]) + quiet[0]
    if hits.size == 0:
        return None
    # A frame covers [t, t + WINDOW]: sound starting inside it shows at its middle on average.
    return (f0 + int(hits[0])) * HOP + WINDOW / 2
