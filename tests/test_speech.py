"""Decode planning, as a specification: which audio the model sees, and what gets a second try."""

from __future__ import annotations

import pytest

from gztranscribe.speech import merge_regions, uncovered_regions
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
