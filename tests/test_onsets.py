"""Word onsets follow the sound, not Whisper's attention: a specification on synthetic audio."""

from __future__ import annotations

import numpy as np
import pytest

from gztranscribe.onsets import refine_onsets
from gztranscribe.types import Word

SR = 16_000


def audio_with_bursts(*bursts: tuple[float, float], total: float = 4.0, noise_db: float = -80) -> np.ndarray:
    """Noise floor plus 'speech' (a loud 200 Hz tone) in each (start, end) burst."""
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 10 ** (noise_db / 20), int(total * SR)).astype(np.float32)
    t = np.arange(int(total * SR)) / SR
    for start, end in bursts:
        mask = (t >= start) & (t < end)
        audio[mask] += 0.3 * np.sin(2 * np.pi * 200 * t[mask]).astype(np.float32)
    return audio


@pytest.mark.parametrize("whisper_start", [0.80, 0.95, 1.15, 1.25], ids=lambda s: f"whisper@{s}")
def test_a_word_after_silence_starts_where_the_sound_starts(whisper_start: float) -> None:
    audio = audio_with_bursts((1.0, 1.6))
    [word] = refine_onsets([Word(whisper_start, 1.6, "Hello")], audio, SR)
    assert word.start == pytest.approx(1.0, abs=0.02)


def test_a_word_in_fluent_speech_keeps_whispers_time() -> None:
    audio = audio_with_bursts((1.0, 2.0))
    words = [Word(1.0, 1.5, "Good"), Word(1.5, 2.0, "evening")]
    assert refine_onsets(words, audio, SR)[1] == words[1]


def test_the_previous_words_tail_is_not_taken_for_an_onset() -> None:
    audio = audio_with_bursts((0.5, 1.2), (1.6, 2.2))
    words = [Word(0.5, 1.1, "one."), Word(1.35, 2.2, "Two")]
    assert refine_onsets(words, audio, SR)[1].start == pytest.approx(1.6, abs=0.02)


def test_no_sound_near_the_word_leaves_it_alone() -> None:
    audio = audio_with_bursts()
    words = [Word(1.0, 1.5, "ghost")]
    assert refine_onsets(words, audio, SR) == words


def test_starts_never_move_before_the_previous_word_ends_nor_after_the_words_end() -> None:
    audio = audio_with_bursts((0.2, 3.5))
    words = [Word(0.2, 1.0, "a"), Word(1.2, 1.3, "b"), Word(1.5, 1.55, "c")]
    refined = refine_onsets(words, audio, SR)
    for before, word in zip(refined, refined[1:]):
        assert before.end <= word.start <= word.end


def test_no_words_no_work() -> None:
    assert refine_onsets([], np.zeros(SR, dtype=np.float32), SR) == []


# --- the pause before a word, on any voice ----------------------------------------------------


def audio_with_shapes(*shapes: tuple[float, float, float], total: float = 4.0) -> np.ndarray:
    """Like ``audio_with_bursts``, with a level (0..1) per (start, end, level) burst."""
    rng = np.random.default_rng(0)
    audio = rng.normal(0, 1e-4, int(total * SR)).astype(np.float32)
    t = np.arange(int(total * SR)) / SR
    for start, end, level in shapes:
        mask = (t >= start) & (t < end)
        audio[mask] += 0.3 * level * np.sin(2 * np.pi * 200 * t[mask]).astype(np.float32)
    return audio


def test_a_stop_consonants_release_is_not_taken_for_the_next_words_onset() -> None:
    # "supposed." ends in a closure then a short, quiet release burst (1.05-1.09 s); the pause
    # after it is the longest quiet stretch, and the next word starts after that pause.
    audio = audio_with_shapes((0.3, 1.0, 1.0), (1.05, 1.09, 0.05), (1.6, 2.2, 1.0))
    words = [Word(0.3, 1.0, "supposed."), Word(1.4, 2.2, "It")]
    assert refine_onsets(words, audio, SR)[1].start == pytest.approx(1.6, abs=0.02)


def test_a_start_half_a_second_late_is_found_up_to_a_second_earlier() -> None:
    # Whisper put "Uzbekistan" 0.5 s after its sound began; the search reaches back past it.
    audio = audio_with_bursts((0.2, 1.0), (1.5, 2.4))
    words = [Word(0.2, 1.0, "stream."), Word(2.0, 2.4, "Uzbekistan")]
    assert refine_onsets(words, audio, SR)[1].start == pytest.approx(1.5, abs=0.02)


@pytest.mark.parametrize(
    ("words", "onset"),
    [
        # Whisper ran "one." over the pause and put "Two" late, with no gap between them by its
        # times: after a full stop the pause is searched for anyway.
        ([Word(0.2, 1.6, "one."), Word(1.6, 2.2, "Two")], 1.4),
        # "Start in Mali, [0.5 s] Colonel": a sentence end written as a comma, "Mali," run 0.3 s
        # into the pause, and a gap by Whisper's times: the pause weighed is the quiet itself.
        ([Word(0.2, 1.3, "Mali,"), Word(1.5, 2.2, "Colonel")], 1.5),
    ],
    ids=["no-gap-after-a-full-stop", "part-of-the-pause-after-a-comma"],
)
def test_a_word_stretched_over_the_pause_gives_it_back_whole(
    words: list[Word], onset: float
) -> None:
    audio = audio_with_bursts((0.2, 1.0), (onset, 2.2))
    before, after = refine_onsets(words, audio, SR)
    assert after.start == pytest.approx(onset, abs=0.02)
    assert before.end == pytest.approx(1.0, abs=0.03)


def test_after_punctuation_without_a_pause_the_start_stays() -> None:
    audio = audio_with_bursts((0.2, 2.2))
    words = [Word(0.2, 1.2, "one,"), Word(1.2, 2.2, "two")]
    assert refine_onsets(words, audio, SR)[1] == words[1]


def test_without_punctuation_or_gap_a_short_dip_keeps_whispers_time() -> None:
    # Fluent speech keeps Whisper's time when a dip shorter than a pause lies near the word
    # (a stop consonant's closure, a breath between words).
    audio = audio_with_bursts((0.2, 1.0), (1.2, 2.2))
    words = [Word(0.2, 1.4, "one"), Word(1.4, 2.2, "two")]
    assert refine_onsets(words, audio, SR)[1:] == words[1:]


def test_a_pause_whisper_hid_inside_its_words_is_found_and_given_back() -> None:
    # No full stop and no gap by Whisper's times ("up stream in Germany"), but 0.4 s of silence:
    # the word starts where its sound does, and the word before ends where the quiet begins, so
    # the pause is there to weigh (a cue break, a paragraph).
    audio = audio_with_bursts((0.2, 1.0), (1.4, 2.2))
    words = [Word(0.2, 1.2, "stream"), Word(1.2, 2.2, "in")]
    before, after = refine_onsets(words, audio, SR)
    assert after.start == pytest.approx(1.4, abs=0.02)
    assert before.end == pytest.approx(1.0, abs=0.03)


def test_a_long_pause_mostly_before_the_search_still_wins_over_a_commas_dip() -> None:
    # "for? [0.8 s] First, the money": Whisper put "First," 0.95 s late, on "the money", so only
    # the pause's last 0.05 s lies inside the onset search, and the comma's 0.15 s dip after
    # "First" is longer than that. The pause is measured whole, and wins.
    audio = audio_with_bursts((0.2, 1.0), (1.8, 2.3), (2.45, 3.2))
    words = [Word(0.2, 1.0, "for?"), Word(2.75, 2.9, "First,"), Word(2.9, 3.2, "money.")]
    assert refine_onsets(words, audio, SR)[1].start == pytest.approx(1.8, abs=0.02)
