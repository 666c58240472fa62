"""Speech regions from Silero's probabilities, computed once: the same regions faster-whisper finds,
and the quieter "maybe speech" hints beside them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from faster_whisper.vad import VadOptions, get_speech_timestamps, get_vad_model

from gztranscribe import speech_detection as sd
from gztranscribe.media import extract_audio

REPO = Path(__file__).resolve().parents[1]


def silero(audio: np.ndarray) -> np.ndarray:
    """Probabilities the way faster-whisper computes them (padded to whole windows, always)."""
    padded = np.pad(audio, (0, sd.WINDOW - audio.shape[0] % sd.WINDOW))
    return get_vad_model()(padded)


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    return extract_audio(REPO / "samples" / "commentary.mp4")


def noisy_speech(sample: np.ndarray) -> np.ndarray:
    """The sample with its level stepped down and pink-ish noise under it: regions begin and end
    at many thresholds."""
    rng = np.random.default_rng(3)
    audio = sample[: 40 * 16_000].copy()
    audio *= np.repeat([1.0, 0.1, 0.03, 0.5], len(audio) // 4 + 1)[: len(audio)].astype(np.float32)
    return audio + np.cumsum(rng.normal(0, 0.002, len(audio))).astype(np.float32) * 0.01


@pytest.mark.parametrize(
    "options",
    [
        VadOptions(),
        VadOptions(threshold=0.5, min_silence_duration_ms=300, speech_pad_ms=200, max_speech_duration_s=28),
        VadOptions(threshold=0.3, min_silence_duration_ms=300, speech_pad_ms=200, max_speech_duration_s=28),
        VadOptions(threshold=0.5, min_silence_duration_ms=100, speech_pad_ms=30, max_speech_duration_s=3,
                   min_speech_duration_ms=250),
    ],
    ids=["library-defaults", "ours", "hints", "short-max-speech"],
)
@pytest.mark.parametrize("which", ["sample", "quieter-and-noisy"])
def test_regions_are_faster_whispers_own(sample: np.ndarray, options: VadOptions, which: str) -> None:
    audio = sample if which == "sample" else noisy_speech(sample)
    expected = [(s["start"], s["end"]) for s in get_speech_timestamps(audio, options)]
    thresholds = sd.Thresholds(
        threshold=options.threshold, min_speech_ms=options.min_speech_duration_ms,
        max_speech_s=options.max_speech_duration_s, min_silence_ms=options.min_silence_duration_ms,
        pad_ms=options.speech_pad_ms,
    )
    assert sd.regions(silero(audio), len(audio), thresholds) == expected
    assert expected  # the comparison means something


def test_no_probabilities_no_regions() -> None:
    assert sd.regions([], 0, sd.Thresholds()) == []
    assert sd.regions([0.1] * 100, 51_200, sd.Thresholds()) == []


def test_a_fresh_run_raises_the_windows_it_covers_and_never_lowers_one() -> None:
    first = np.array([0.1, 0.6, 0.1, 0.1, 0.1, 0.2], dtype=np.float32)  # a run from sample 512
    afresh = {3 * sd.WINDOW: np.array([0.7, 0.0, 0.9, 0.9, 0.9], dtype=np.float32)}  # from window 2
    assert sd.raised(first, sd.WINDOW, afresh).tolist() == pytest.approx([0.1, 0.6, 0.7, 0.1, 0.9, 0.9])
    assert sd.raised(first, sd.WINDOW, {}).tolist() == pytest.approx(first.tolist())
