"""Sentence-first cues hold when speech runs at or past the reading speed (scripted transcripts).

The fault this specifies away: on a fast voice, the engine ended a cue with the first word of the
next sentence ("The negotiations have gone nowhere yet. I / would say it is..."), because the
sentence that followed was too fast to read in cues of its own. The rules, in the order the engine
applies them:

1. every sentence starts a cue, at its first word's onset;
2. a cue may start up to 3 frames (``START_TOLERANCE``) before or after that onset, to borrow
   reading time from a slower cue beside it;
3. past that, a cue as fast as its own sentence forces is allowed (the style guide's "allow a
   faster cue"), never one faster than that, and never a sentence start hidden instead.
"""

from __future__ import annotations

import itertools

import pytest
from test_captions import (
    BROADCAST,
    EPISODE_TEXT,
    NEWS,
    assert_valid,
    sentence_starts_missed,
    straddling,
    words_from,
)

from gztranscribe.captions import START_TOLERANCE, build_cues, sentence_end
from gztranscribe.checking import check_captions
from gztranscribe.types import Cue, Word

TOLERANCE = START_TOLERANCE / 1000


def rate(cue: Cue) -> float:
    return len(cue.text) / cue.duration


def first_words(words: list[Word]) -> list[Word]:
    return [words[0]] + [b for a, b in itertools.pairwise(words) if sentence_end(a.text, b.text)]


def test_the_reported_fault_a_cue_never_ends_with_the_next_sentences_first_word() -> None:
    # A calm sentence, then a fast one with no pause between them: the fast one's first word
    # used to be pulled back into the calm sentence's cue, where there was time to read it.
    words = words_from("The negotiations have gone nowhere yet.", 13.0, sentence_pause=0.0)
    words += words_from(
        "I would say it is far too early to expect a breakthrough from either side of the table.",
        21.5,
        start=words[-1].end,
    )
    cues = build_cues(words).cues
    assert_valid(build_cues(words), words, BROADCAST)
    assert cues[0].text == "The negotiations have gone nowhere yet."
    assert cues[1].text.startswith("I would say")
    assert abs(cues[1].start - words[6].start) <= TOLERANCE


# Paces from the reading speed up to 40% past it. Without any pause after a sentence, the
# commentary's short sentences ("Looks like this...", "Talk to you soon.") cannot last the
# minimum duration past about 23 cps, even borrowing 3 frames either side: two whole sentences
# then share a cue (an error the speech does not force is worse), so that pace is not listed.
PACES = [(20.0, 0.0), (22.0, 0.0), (22.0, 0.2), (25.0, 0.1), (25.0, 0.3), (28.0, 0.1), (28.0, 0.3)]


@pytest.mark.parametrize("text", [NEWS, EPISODE_TEXT], ids=["news", "episode"])
@pytest.mark.parametrize(("cps", "pause"), PACES, ids=[f"{c:g}cps-{p:g}s" for c, p in PACES])
def test_every_sentence_starts_a_cue_at_any_pace(text: str, cps: float, pause: float) -> None:
    words = words_from(text, cps, sentence_pause=pause)
    captions = build_cues(words)
    assert_valid(captions, words, BROADCAST)
    assert sentence_starts_missed(words, captions.cues) == [], [c.text for c in captions.cues]
    assert straddling(captions.cues) == []


def test_a_cue_borrows_three_frames_from_a_slower_neighbour_rather_than_read_too_fast() -> None:
    # Every other sentence is a little too fast (21 cps, no pauses); the calm ones beside them
    # have time to spare. Starting the fast sentences' cues up to 3 frames early (or the calm
    # ones' late) makes every cue readable, with each sentence still starting a cue.
    calm = "The council met again on Tuesday evening."
    fast = "Most members said they would support the plan in principle next May."
    words: list[Word] = []
    for k in range(6):
        text, cps = (calm, 14.0) if k % 2 == 0 else (fast, 21.0)
        words += words_from(text, cps, start=words[-1].end if words else 0.0, sentence_pause=0.0)
    captions = build_cues(words)
    assert_valid(captions, words, BROADCAST)
    assert max(rate(c) for c in captions.cues) <= BROADCAST.max_cps + 1e-9
    assert sentence_starts_missed(words, captions.cues) == []
    assert [p for p in check_captions(captions, BROADCAST) if p.severity == "error"] == []


def test_cues_start_on_the_onset_unless_moving_them_spares_a_rule() -> None:
    # Ordinary pace: every cue starts exactly on its first word (see also test_captions).
    words = words_from(NEWS, 15.0, sentence_pause=0.3)
    onsets = {w.start for w in words}
    assert all(c.start in onsets for c in build_cues(words).cues)


@pytest.mark.parametrize("cps", [18.0, 21.0, 24.0, 30.0])
def test_no_cue_starts_more_than_three_frames_from_its_first_word(cps: float) -> None:
    words = words_from(EPISODE_TEXT, cps, sentence_pause=0.1)
    cues = build_cues(words).cues
    at = 0
    for cue in cues:
        assert abs(cue.start - words[at].start) <= TOLERANCE + 1e-9, cue.text
        at += len(cue.text.split())


def calm_fast_calm() -> tuple[list[Word], list[Word], list[Word]]:
    """A sentence spoken at 26 cps between two at 14, 0.3 s apart."""
    before = words_from("Here is the latest from the town hall tonight.", 14.0, sentence_pause=0.3)
    fast = words_from(
        "The council voted to spend the whole transport grant on new lanes this year.",
        26.0,
        start=before[-1].end + 0.3,
        sentence_pause=0.3,
    )
    after = words_from("We will have more on that tomorrow.", 14.0, start=fast[-1].end + 0.3)
    return before, fast, after


def test_a_faster_cue_only_where_the_sentence_itself_is_too_fast() -> None:
    # A sentence spoken at 26 cps cannot be read at 20 in any split: its cues may be faster,
    # as fast as it forces and no faster. The calm sentences around it stay within the rule.
    before, fast, after = calm_fast_calm()
    words = before + fast + after
    cues = build_cues(words).cues
    assert sentence_starts_missed(words, cues) == []
    fast_cues = [c for c in cues if fast[0].start - TOLERANCE <= c.start < after[0].start - 0.2]
    slow_cues = [c for c in cues if c not in fast_cues]
    assert max(rate(c) for c in slow_cues) <= BROADCAST.max_cps + 1e-9
    spoken = len(" ".join(w.text for w in fast)) / (after[0].start - fast[0].start)
    assert BROADCAST.max_cps < max(rate(c) for c in fast_cues) <= spoken * 1.1


def test_a_short_sentence_gets_its_own_cue_by_borrowing_time_around_it() -> None:
    # "Yes." lasts 0.6 s and the next sentence follows at once: a cue of its own could not last
    # the 0.83 s minimum at the onsets, but it can within 3 frames either side.
    yes = [Word(2.0, 2.6, "Yes.")]
    words = yes + words_from("We will open the new lanes on Monday morning.", 15.0, start=2.6)
    cues = build_cues(words).cues
    assert cues[0].text == "Yes."
    assert cues[0].duration >= BROADCAST.min_duration
    assert abs(cues[1].start - 2.6) <= TOLERANCE + 1e-9
    assert [p for p in check_captions(build_cues(words), BROADCAST) if p.severity == "error"] == []


def test_a_one_word_sentence_too_short_for_any_cue_of_its_own_shares_one() -> None:
    # 0.3 s with speech straight after: even 3 frames either side leaves it short of the
    # minimum duration, an error the speech does not force; two whole sentences share a cue.
    words = [Word(2.0, 2.3, "Yes.")] + words_from("We will open them soon.", 15.0, start=2.3)
    cues = build_cues(words).cues
    assert cues[0].text == "Yes. We will open them soon."
    assert first_words(words)[1].text == "We"
