"""Decode planning, as a specification: which audio the model sees, and what gets a second try."""

from __future__ import annotations

import numpy as np
import pytest

from gztranscribe.speech import CUT_GRID, merge_regions, pause_cuts, uncovered_regions
from gztranscribe.types import Word


@pytest.mark.parametrize(
    "regions, expected",
    [
        pytest.param([], [], id="no speech, no windows"),
        pytest.param([(1, 3)], [(1, 3)], id="one region is one window"),
        pytest.param([(1, 3), (4, 6)], [(1, 6)], id="a short pause is bridged"),
        pytest.param([(1, 3), (5.5, 6)], [(1, 3), (5.5, 6)], id="a long pause is never bridged"),
        pytest.param([(0, 15), (16, 25), (26, 35)], [(0, 25), (26, 35)], id="windows stay short"),
        pytest.param([(4, 6), (1, 3)], [(1, 6)], id="order of input does not matter"),
    ],
)
def test_merge_regions(regions, expected) -> None:
    assert merge_regions(regions, max_gap=2.0, max_len=28.0) == expected


def words_at(*spans: tuple[float, float]) -> list[Word]:
    return [Word(start, end, "w") for start, end in spans]


@pytest.mark.parametrize(
    "regions, words, expected",
    [
        pytest.param([(0, 2)], words_at((0.5, 0.9)), [], id="a region with a word is covered"),
        pytest.param([(0, 2)], [], [(0, 2)], id="a region with no word is missed"),
        pytest.param([(0, 0.5)], [], [], id="too short to be worth a second try"),
        pytest.param(
            [(0, 2), (3, 5), (6, 8)],
            words_at((0.2, 1.0), (6.5, 7.0)),
            [(3, 5)],
            id="the dropped utterance in the middle",
        ),
        pytest.param(
            [(3, 5)], words_at((2.0, 3.05)), [(3, 5)], id="a word merely touching the edge does not count"
        ),
        pytest.param(
            [(3, 5)], words_at((1.0, 4.0)), [], id="a long word reaching into the region counts"
        ),
    ],
)
def test_uncovered_regions(regions, words, expected) -> None:
    assert uncovered_regions(regions, words, min_len=0.8) == expected


SR = 16_000


def bursts_and_pauses(*pauses: float, bed_db: float | None = None) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Half-second noise bursts with the given pauses between them, and the (start, end) of each pause."""
    rng = np.random.default_rng(0)
    parts, spans, at = [], [], 0
    for pause in (*pauses, None):
        parts.append(rng.uniform(-0.5, 0.5, SR // 2))
        at += SR // 2
        if pause is not None:
            parts.append(np.zeros(int(pause * SR)))
            spans.append((at, at + int(pause * SR)))
            at += int(pause * SR)
    audio = np.concatenate(parts)
    if bed_db is not None:
        audio = audio + rng.standard_normal(len(audio)) * 10 ** (bed_db / 20)
    return audio.astype(np.float32), spans


def test_pause_cuts_fall_in_the_middle_of_every_long_enough_pause_on_the_windows_grid() -> None:
    audio, (_short, long, longer) = bursts_and_pauses(0.5, 1.5, 3.0)
    cuts = pause_cuts(audio, 1.0)
    assert len(cuts) == 2, "the 0.5-s pause is too short"
    for cut, (start, end) in zip(cuts, (long, longer), strict=True):
        assert abs(cut - (start + end) / 2) <= CUT_GRID + 0.02 * SR
        assert cut % CUT_GRID == 0 and cut % 512 == 0, "Silero's windows line up with a whole run's"


def test_pause_cuts_measure_quiet_against_the_recordings_own_floor() -> None:
    audio, _ = bursts_and_pauses(0.5, 1.5, 3.0)
    noisy, _ = bursts_and_pauses(0.5, 1.5, 3.0, bed_db=-40)
    assert pause_cuts(noisy, 1.0) == pause_cuts(audio, 1.0)


def test_no_pause_no_cut() -> None:
    audio, _ = bursts_and_pauses(0.3, 0.6, 0.9)
    assert pause_cuts(audio, 1.0) == []


def test_no_pause_cut_inside_what_the_detector_heard_or_leaned_towards() -> None:
    audio, (_short, long, longer) = bursts_and_pauses(0.5, 1.5, 3.0)
    heard = [((long[0] - SR) / SR, (long[1] + SR) / SR)]  # the 1.5-s pause, inside a region
    cuts = pause_cuts(audio, 1.0, outside=heard)
    assert len(cuts) == 1 and longer[0] <= cuts[0] <= longer[1]
