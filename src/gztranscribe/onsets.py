"""Tighten word start times to the audio's energy onsets (pure numpy, no I/O).

Whisper's word timestamps come from cross-attention and drift by ~0.1-0.3 s, worst on the first word
after a pause, which is exactly where a caption starts; on some voices (flite's kal) it is often off
by 0.5 s either way, and the previous word's end runs on over the pause. Measured on the 5-minute
episode against its exact sentence onsets: median error 111 ms before, ~10 ms after.

A start is moved only where there is a pause to find: after a gap between Whisper's words, or after
a word ending in punctuation (where speakers pause, even when Whisper runs the two words together),
or anywhere the audio holds a quiet stretch of ``hidden_pause`` (0.3 s) or more that Whisper's
times hide inside its words: it often drops the full stop *and* stretches the word before over the
pause ("up stream [0.6 s] in Germany"), and such a word's time was off by 0.3-0.4 s on the
generated episodes. That is longer than a stop consonant's closure (50-150 ms), so it is a pause.
The onset is the sound that follows the *longest* quiet stretch near the word, not the first rise:
a stop consonant's closure and release ("suppose-d") is a short silence and a short burst inside
the previous word, and the pause between two sentences is longer. A word inside fluent speech
keeps Whisper's time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from .tokens import punctuated
from .types import Word

HOP = 0.010  # seconds between energy frames
WINDOW = 0.025  # seconds of audio in one energy frame


@dataclass(frozen=True, slots=True)
class OnsetOptions:
    min_gap: float = 0.08  # words after at least this much silence (by Whisper's times) are examined
    search_before: float = 1.0  # how far before Whisper's start an onset may be...
    search_after: float = 0.4  # ...and how far after
    rise_db: float = 12.0  # sound must rise this far above the local floor
    below_peak_db: float = 30.0  # ...and come within this of the word's own loudness
    sustain_frames: int = 3  # ...for this many frames, so a click is not an onset
    min_quiet: float = 0.03  # seconds of quiet before an onset: a pause, not a dip in a vowel
    hidden_pause: float = 0.3  # ...and where Whisper's times show no pause and no punctuation


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


@dataclass(frozen=True, slots=True)
class _Pause:
    quiet_from: float  # where the quiet stretch before the word begins (s)
    onset: float  # where the word's sound begins (s)


def refine_onsets(
    words: Sequence[Word],
    audio: np.ndarray,
    sample_rate: int,
    options: OnsetOptions = OnsetOptions(),
) -> list[Word]:
    """Return ``words`` with starts after a pause moved to where the sound actually begins.

    The word before gives the pause back whole when Whisper stretched it over the silence (its
    end moves back to where the quiet begins, also after punctuation: "Mali, [0.55 s] Colonel"
    with "Mali," run 0.3 s into the pause), so the caption engine and the full-stop questions
    weigh the pause the voice made; a start may move before Whisper's end of the previous word.
    Starts stay in order and every word keeps ``start <= end``.
    """
    if not words:
        return []
    db = energy_db(audio, sample_rate)
    hidden = replace(options, min_quiet=options.hidden_pause)
    refined: list[Word] = []
    for word in words:
        before = refined[-1] if refined else None
        previous_end = before.end if before else 0.0
        gap = word.start - previous_end
        marked = gap >= options.min_gap or (before is not None and punctuated(before.text))
        pause = _find_pause(db, word, before, options if marked else hidden)
        if pause is None:
            start = max(word.start, previous_end)
            refined.append(word if start == word.start else replace(word, start=start))
            continue
        floor = before.start if before else 0.0
        start = min(max(pause.onset, floor), word.end)
        # the word before gives the pause back whole, so the caption engine can weigh it
        if before is not None and before.end > pause.quiet_from:
            refined[-1] = replace(before, end=max(before.start, min(pause.quiet_from, start)))
        refined.append(replace(word, start=start) if start != word.start else word)
    return refined


def _find_pause(db: np.ndarray, word: Word, before: Word | None, o: OnsetOptions) -> _Pause | None:
    """The longest quiet stretch around the word's start and the sound after it, if any.

    The onset is searched from ``search_before`` before Whisper's start to a little after it,
    within the word; the quiet before it is measured whole, from as early as the middle of the
    previous word (its first half is surely that word's sound): a word Whisper put 0.7 s late
    after a 0.8 s pause has most of its pause outside the onset search, and measured from the
    search's edge that pause would lose to a comma's.
    """
    earliest = (before.start + before.end) / 2 if before else 0.0
    lo = max(earliest, word.start - o.search_before, 0.0)
    hi = min(word.start + o.search_after, word.end)
    f0, f1 = int(lo / HOP), min(int(hi / HOP), len(db))
    if f1 - f0 <= o.sustain_frames:
        return None
    fw = int(max(earliest, word.start - 2 * o.search_before, 0.0) / HOP)  # where quiet may begin
    floor = float(np.percentile(db[max(0, f0 - 20) : f1], 5))
    # The word's own loudness: over all of Whisper's time for it (at least 0.3 s), since a start
    # Whisper put early would otherwise measure a quiet lead-in, and a click would pass for speech.
    peak_from = int(word.start / HOP)
    peak_to = max(peak_from + 30, int(word.end / HOP) + 1)
    peak = float(db[peak_from:peak_to].max()) if peak_from < len(db) else floor
    threshold = max(floor + o.rise_db, peak - o.below_peak_db)
    # an onset near the window's end is confirmed by the frames just past it
    heard = db[fw : min(len(db), f1 + o.sustain_frames - 1)] > threshold
    loud = heard[: f1 - fw]
    if o.sustain_frames > 1:
        sustained = np.lib.stride_tricks.sliding_window_view(heard, o.sustain_frames).all(axis=1)
    else:
        sustained = heard
    best: _Pause | None = None
    best_len = max(1, round(o.min_quiet / HOP)) - 1
    for q0, q1 in _quiet_runs(loud):
        if fw + q1 < f0:
            continue  # over before the onset search begins: the previous word's own quiet
        # a rising edge, not just loudness: the sound must begin after the quiet stretch
        hits = np.flatnonzero(sustained[q1:]) + q1
        if hits.size == 0 or q1 - q0 < best_len:
            continue
        if q1 - q0 > best_len or best is None:
            # A frame covers [t, t + WINDOW]: sound starting inside it shows at its middle.
            onset = (fw + int(hits[0])) * HOP + WINDOW / 2
            best, best_len = _Pause((fw + q0) * HOP + WINDOW / 2, onset), q1 - q0
    return best


def _quiet_runs(loud: np.ndarray) -> list[tuple[int, int]]:
    """(first, stop) frame indices of every run of quiet frames."""
    quiet = np.concatenate(([False], ~loud, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(quiet))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
