"""Silero's speech probabilities -> speech regions, and the "maybe speech" around them (pure).

faster-whisper's ``get_speech_timestamps`` runs Silero and thresholds its probabilities in one call.
We need two thresholds from one run: the regions the decode windows are planned on (the usual 0.5),
and *hints*, stretches where Silero leaned towards speech without reaching it. A whispered or creaky
passage under a music bed can sit there: 2-4 dB above the bed, so no louder than the recording's
floor by ``coverage``'s measure, and Silero's probability 0.3-0.46 where the same clip on its own
(its 512-sample windows falling 8,000 samples later) scores 0.5-0.7. Hints are examined by the
model like an uncovered audible stretch (``transcribe``), so the detector proposes and the model
decides. Running Silero twice would cost as much again (0.5 s of CPU for 5 minutes); so
``regions`` repeats faster-whisper 1.2's thresholding over probabilities computed once, and a test
holds it to the library's own function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

WINDOW = 512  # samples Silero scores at once (16 kHz)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """faster-whisper's ``VadOptions``, in samples where it counts."""

    threshold: float = 0.5
    min_speech_ms: int = 0
    max_speech_s: float = float("inf")
    min_silence_ms: int = 2000
    pad_ms: int = 400


def regions(
    probs: Sequence[float], n_samples: int, t: Thresholds, sample_rate: int = 16_000
) -> list[tuple[int, int]]:
    """(start, end) samples of speech, exactly as ``faster_whisper.vad.get_speech_timestamps``
    finds them from the same probabilities (one per ``WINDOW`` samples)."""
    neg = max(t.threshold - 0.15, 0.01)
    min_speech = sample_rate * t.min_speech_ms / 1000
    pad = sample_rate * t.pad_ms / 1000
    max_speech = sample_rate * t.max_speech_s - WINDOW - 2 * pad
    min_silence = sample_rate * t.min_silence_ms / 1000
    min_silence_at_max = sample_rate * 98 / 1000

    triggered = False
    speeches: list[list[int]] = []  # [start, end]
    start = 0
    temp_end = prev_end = next_start = 0
    for i, p in enumerate(probs):
        at = WINDOW * i
        if p >= t.threshold and temp_end:
            temp_end = 0
            if next_start < prev_end:
                next_start = at
        if p >= t.threshold and not triggered:
            triggered, start = True, at
            continue
        if triggered and at - start > max_speech:
            if prev_end:
                speeches.append([start, prev_end])
                if next_start < prev_end:  # silence since, and still no speech
                    triggered = False
                else:
                    start = next_start
                prev_end = next_start = temp_end = 0
            else:
                speeches.append([start, at])
                prev_end = next_start = temp_end = 0
                triggered = False
                continue
        if p < neg and triggered:
            if not temp_end:
                temp_end = at
            if at - temp_end > min_silence_at_max:
                prev_end = temp_end
            if at - temp_end < min_silence:
                continue
            if temp_end - start > min_speech:
                speeches.append([start, temp_end])
            prev_end = next_start = temp_end = 0
            triggered = False
            continue
    if triggered and n_samples - start > min_speech:
        speeches.append([start, n_samples])

    for k, speech in enumerate(speeches):
        if k == 0:
            speech[0] = int(max(0, speech[0] - pad))
        if k != len(speeches) - 1:
            silence = speeches[k + 1][0] - speech[1]
            if silence < 2 * pad:
                speech[1] += int(silence // 2)
                speeches[k + 1][0] = int(max(0, speeches[k + 1][0] - silence // 2))
            else:
                speech[1] = int(min(n_samples, speech[1] + pad))
                speeches[k + 1][0] = int(max(0, speeches[k + 1][0] - pad))
        else:
            speech[1] = int(min(n_samples, speech[1] + pad))
    return [(a, b) for a, b in speeches]


def raised(probs: np.ndarray, start: int, afresh: Mapping[int, np.ndarray]) -> np.ndarray:
    """``probs`` of one run of Silero from sample ``start``, each window raised to what a run
    started afresh at sample ``at`` (a whole number of windows after ``start``) gave it: for each
    ``at: probs_from_at`` in ``afresh``. Either hearing is enough to propose speech."""
    out = np.array(probs, dtype=np.float32)
    for at, fresh in afresh.items():
        first = (at - start) // WINDOW
        count = max(0, min(len(fresh), len(out) - first))
        out[first : first + count] = np.maximum(out[first : first + count], fresh[:count])
    return out
