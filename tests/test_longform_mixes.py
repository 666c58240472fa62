"""The long-form generator and its scoring (``tests/longform.py``), on synthetic clips: no model.

The benchmark's verdicts are only as good as its mixes: a seed must always give the same mix, a clip
"alone" must be that clip and its own silence, never a neighbour's word, and a clip counts as lost
only when the mix drops words it gets right alone.
"""

from __future__ import annotations

import numpy as np
import pytest
from longform import SR, Clip, MixSettings, Words, cut, make_mix, recut, score

QUIET = MixSettings(seconds=60.0, p_noise=0.0, p_music=0.0, p_intro=0.0)


def clip(index: int, text: str = "one two three four") -> Clip:
    """Noise of its own length standing in for a recording: every sample non-zero."""
    rng = np.random.default_rng(index)
    n = int((1.0 + index * 0.5) * SR)
    audio = rng.uniform(0.05, 0.7, n) * rng.choice([-1.0, 1.0], n)
    return Clip(f"c{index}", audio.astype(np.float32), text)


CLIPS = [clip(i) for i in range(8)]


def test_a_seed_always_gives_the_same_mix_and_another_seed_another() -> None:
    first, again, other = make_mix(CLIPS, 7), make_mix(CLIPS, 7), make_mix(CLIPS, 8)
    assert np.array_equal(first.audio, again.audio) and first.clips == again.clips
    assert [c.name for c in first.clips] != [c.name for c in other.clips]


def test_each_clip_is_placed_once_at_a_gain_of_minus_20_to_0_db() -> None:
    mix = make_mix(CLIPS, 3, QUIET)
    names = [c.name for c in mix.clips]
    assert len(set(names)) == len(names) == len(CLIPS)
    by_name = {c.name: c for c in CLIPS}
    for placed in mix.clips:
        inside = mix.audio[round(placed.start * SR) : round(placed.end * SR)]
        gain = float(np.abs(inside).max() / np.abs(by_name[placed.name].audio).max())
        assert 10 ** (-20 / 20) - 1e-6 <= gain <= 1.0 + 1e-6
        np.testing.assert_allclose(inside, by_name[placed.name].audio * np.float32(gain), atol=1e-5)


def test_pauses_between_clips_are_0_3_to_4_seconds_of_silence_without_beds() -> None:
    mix = make_mix(CLIPS, 5, QUIET)
    for before, after in zip(mix.clips, mix.clips[1:]):
        assert 0.3 <= after.start - before.end <= 4.0
        assert not mix.audio[round(before.end * SR) : round(after.start * SR)].any()


def test_a_mix_stops_adding_clips_once_it_is_long_enough() -> None:
    mix = make_mix(CLIPS, 2, MixSettings(seconds=5.0, p_noise=0.0, p_music=0.0, p_intro=0.0))
    assert 1 <= len(mix.clips) < len(CLIPS)
    assert mix.clips[-1].start < 5.0, "a clip is added only while the mix is shorter"


def test_beds_and_an_intro_are_described_and_sound_where_the_clips_are_silent() -> None:
    loud = MixSettings(seconds=30.0, p_noise=1.0, p_music=1.0, p_intro=1.0)
    mix = make_mix(CLIPS, 4, loud)
    assert "music intro" in mix.description and "music bed" in mix.description and "noise bed" in mix.description
    first, second = mix.clips[0], mix.clips[1]
    assert mix.audio[: round(first.start * SR)].any(), "the intro plays before the first clip"
    assert mix.audio[round(first.end * SR) : round(second.start * SR)].any(), "the beds play in a pause"


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_clip_alone_is_the_clip_and_at_most_half_of_each_pause_around_it(seed: int) -> None:
    mix = make_mix(CLIPS, seed, QUIET)
    for i, placed in enumerate(mix.clips):
        assert np.array_equal(cut(mix, placed), recut(mix, i, 0.5)), "cut is recut at 0.5 s"
        for most in (0.25, 0.5, 1.0):
            start, end = placed.start, placed.end
            audio = recut(mix, i, most)
            previous_end = mix.clips[i - 1].end if i else start
            next_start = mix.clips[i + 1].start if i + 1 < len(mix.clips) else mix.duration
            lead = min((start - previous_end) / 2, most)
            tail = min((next_start - end) / 2, most)
            assert abs(len(audio) / SR - (lead + (end - start) + tail)) <= 2 / SR
            assert np.count_nonzero(audio) == np.count_nonzero(mix.audio[round(start * SR) : round(end * SR)]), (
                "no sample of a neighbouring clip"
            )


def test_the_intro_is_no_clips_and_the_last_clip_keeps_half_of_the_closing_silence() -> None:
    mix = make_mix(CLIPS, 9, MixSettings(seconds=60.0, p_noise=0.0, p_music=0.0, p_intro=1.0))
    first, last = mix.clips[0], mix.clips[-1]
    assert len(recut(mix, 0, 30.0)) == round(first.end * SR) - round(first.start * SR) + (
        round(mix.clips[1].start * SR) - round(first.end * SR)) // 2
    closing = len(mix.audio) - round(last.end * SR)
    assert len(recut(mix, len(mix.clips) - 1, 30.0)) == (
        round(last.end * SR) - round(last.start * SR) + (round(last.start * SR) - round(mix.clips[-2].end * SR)) // 2
        + closing // 2)


def words(*timed: tuple[float, str]) -> Words:
    return Words(tuple((t, t + 0.2) for t, _ in timed), tuple(w for _, w in timed))


def exact_wer(refs: list[str], hyps: list[str]) -> float:
    return 0.0 if refs == hyps else 1.0


def test_a_clip_is_lost_when_the_mix_keeps_under_half_of_the_words_it_gets_right_alone() -> None:
    mix = make_mix(CLIPS[:2], 1, QUIET)
    a, b = mix.clips
    alone = [words((a.start, "one"), (a.start + 0.3, "two"), (a.start + 0.6, "three"), (a.start + 0.9, "four")),
             words((b.start, "one"), (b.start + 0.3, "two"), (b.start + 0.6, "three"), (b.start + 0.9, "four"))]
    # the mix keeps 2 of a's 4 (half: not lost) and 1 of b's 4 (lost)
    in_mix = words((a.start, "one"), (a.start + 0.3, "two"), (b.start, "one"))
    result = score(mix, "", in_mix, ["", ""], alone, exact_wer)
    assert result.lost == (b.name,)


def test_a_clip_heard_alone_with_under_three_right_words_is_never_counted_lost() -> None:
    mix = make_mix(CLIPS[:1], 1, QUIET)
    (a,) = mix.clips
    alone = [words((a.start, "one"), (a.start + 0.3, "two"), (a.start + 0.6, "forest"))]
    assert score(mix, "", words(), [""], alone, exact_wer).lost == ()


def test_words_outside_a_clips_stretch_do_not_count_for_it() -> None:
    mix = make_mix(CLIPS[:2], 1, QUIET)
    a, b = mix.clips
    alone = [words((a.start, "one"), (a.start + 0.3, "two"), (a.start + 0.6, "three")), words()]
    # the same words, but heard inside b's stretch: a is lost
    in_mix = words((b.start, "one"), (b.start + 0.3, "two"), (b.start + 0.6, "three"))
    assert score(mix, "", in_mix, ["", ""], alone, exact_wer).lost == (a.name,)
