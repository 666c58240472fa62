"""Sentences and paragraphs: the rules an editor follows, on scripted words.

Scripted sentences are ``(pause before it in seconds, text)``; each word lasts 0.3 s and words
within a sentence touch, so the only pauses are the ones a row asks for.
"""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from conftest import EVAL, REPO_ROOT

from gztranscribe.text import (
    ParagraphStyle,
    break_points,
    is_sign_off,
    is_turn,
    paragraphs,
    split_sentences,
)
from gztranscribe.types import Word

FILLER_SENTENCE = "The council met again on Tuesday to talk about the plan for the new bridge."
# 15 words


def script(rows: list[tuple[float, str]]) -> list[Word]:
    out: list[Word] = []
    t = 0.0
    for pause, sentence in rows:
        t += pause
        for token in sentence.split():
            out.append(Word(round(t, 3), round(t + 0.3, 3), token))
            t += 0.3
    return out


def starts(rows: list[tuple[float, str]]) -> list[int]:
    """Indices of the scripted sentences that open a paragraph (after the first)."""
    return break_points(split_sentences(script(rows)), ParagraphStyle())


def plain(n: int, pause: float = 0.5) -> list[tuple[float, str]]:
    return [(pause, FILLER_SENTENCE)] * n


def ws(text: str) -> list[Word]:
    return script([(0.0, text)])


# --- sentences --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, sentences",
    [
        ("One. Two? Three! Four", ["One.", "Two?", "Three!", "Four"]),
        ('She said "go." Then left.', ['She said "go."', "Then left."]),
        ("Mr. Dashwood had leisure.", ["Mr. Dashwood had leisure."]),
        ("Dr. Smith and Mrs. Jones met.", ["Dr. Smith and Mrs. Jones met."]),
        ("The U.S. government said no.", ["The U.S. government said no."]),
        ("Talks with the U.S. The Russians agree.", ["Talks with the U.S.", "The Russians agree."]),
        ("Looks like this... Yes, there is.", ["Looks like this...", "Yes, there is."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert [" ".join(w.text for w in s) for s in split_sentences(ws(text))] == sentences


# --- what counts as a topic turn ----------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "First, I'll start off on Kazakhstan.",
        "First of all, the budget.",
        "Secondly, the schedule.",
        "Next, the weather.",
        "Finally, a word on sport.",
        "Meanwhile in Brussels, talks stalled.",
        "In other news, the bridge reopened.",
        "Turning to the markets, stocks fell.",
        "And what's most interesting is the timing.",
        "That of course leads to the big question.",
        "Which brings us to Ukraine.",
        "The big question is what comes next.",
        "Now, the real question is whether it lasts.",
        "Let's turn to the budget.",
        "Another big issue is the cost.",
    ],
)
def test_turns(sentence: str) -> None:
    assert is_turn(ws(sentence))


@pytest.mark.parametrize(
    "sentence",
    [
        "It was a surprise to everyone.",
        "The first thing they did was leave.",  # "first" not at the start
        "They want to join NATO.",
        "Because of course, Ukraine is independent.",
        "Questions remain.",
        "Nextdoor neighbours complained.",
    ],
)
def test_not_turns(sentence: str) -> None:
    assert not is_turn(ws(sentence))


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("That's it for me.", True),
        ("That's all from us tonight.", True),
        ("Thanks for listening.", True),
        ("Thank you so much for watching.", True),
        ("Talk to you soon.", True),
        ("See you next week.", True),
        ("That's it, the whole plan.", False),
        ("Thanks to the grant, it was built.", False),
    ],
)
def test_sign_offs(sentence: str, expected: bool) -> None:
    assert is_sign_off(ws(sentence)) is expected


# --- paragraph rules --------------------------------------------------------------------------


def test_empty_and_single_sentence() -> None:
    assert paragraphs([]) == []
    (only,) = paragraphs(ws("Just one sentence here."))
    assert only.text == "Just one sentence here."


def test_no_cue_no_break() -> None:
    assert starts(plain(8)) == []  # 120 words at an even pace: one paragraph


def test_a_long_pause_breaks() -> None:
    rows = plain(4) + [(1.0, FILLER_SENTENCE)] + plain(4)
    assert starts(rows) == [4]


def test_pauses_are_measured_against_the_speakers_own() -> None:
    # The same 1-second gap, from a speaker who always pauses 0.9 s between sentences.
    rows = plain(4, 0.9) + [(1.0, FILLER_SENTENCE)] + plain(4, 0.9)
    assert starts(rows) == []


def test_a_topic_turn_needs_a_smaller_pause() -> None:
    turn = "Meanwhile in Brussels the talks went on for a second day without any result."
    assert starts(plain(4) + [(0.6, turn)] + plain(4)) == [4]  # 1.2x typical + a turn
    assert starts(plain(4) + [(0.6, FILLER_SENTENCE)] + plain(4)) == []  # 1.2x alone: no
    assert starts(plain(4) + [(0.5, turn)] + plain(4)) == []  # a turn with no pause: no


def test_a_lower_case_start_continues_the_sentence() -> None:
    rest = "that the council will vote on it next week and then again in the spring."
    assert starts(plain(4) + [(1.5, rest)] + plain(4)) == []


def test_no_scraps_in_the_middle() -> None:
    # Long pauses on both sides of one short sentence: an editor keeps it with a neighbour.
    rows = plain(4) + [(1.2, "Not everyone agreed.")] + [(1.2, FILLER_SENTENCE)] + plain(3)
    assert len(starts(rows)) == 1


def test_the_opening_line_may_stand_alone() -> None:
    rows = [(0.0, "Hey everybody, Ian Bremmer here, and kicking off the week.")]
    rows += [(1.1, FILLER_SENTENCE)] + plain(5)
    assert starts(rows) == [1]


def test_the_sign_off_may_stand_alone_and_stays_together() -> None:
    rows = plain(6) + [(1.2, "That's it for me.")] + [(0.5, "Hope everyone is well.")]
    rows += [(0.8, "Talk to you soon.")]
    assert starts(rows) == [6]


def test_a_short_last_sentence_is_not_split_off_unless_it_signs_off() -> None:
    assert starts(plain(6) + [(1.1, "And that was that.")]) == []


def test_a_long_stretch_is_split_at_its_strongest_boundary() -> None:
    rows = plain(10) + [(0.6, FILLER_SENTENCE)] + plain(10)  # 315 words, one slightly longer gap
    assert starts(rows) == [10]
    for paragraph in paragraphs(script(rows)):
        assert len(paragraph.text.split()) <= ParagraphStyle().max_words


def test_paragraph_times_and_text() -> None:
    rows = plain(4) + [(1.0, "Meanwhile, a new topic starts here and it goes on for some time.")]
    rows += plain(3)
    words = script(rows)
    first, second = paragraphs(words)
    assert first.start == words[0].start
    assert second.start == words[60].start and second.text.startswith("Meanwhile,")
    assert second.end == words[-1].end
    assert f"{first.text} {second.text}" == " ".join(w.text for w in words)


# --- the published transcripts, with their exact sentence timings ------------------------------


REFERENCES = {
    "episode": EVAL / "episodes" / "quicktake-slt" / "reference.json",  # 47 sentences, 7 paragraphs
    "sample": REPO_ROOT / "samples" / "reference" / "commentary.json",  # 11 sentences, 2 paragraphs
}


def published(reference: str) -> tuple[list[Word], list[int]]:
    """Words spread evenly over each sentence's exact time, and the published break indices."""
    sentences = json.loads(REFERENCES[reference].read_text())["sentences"]
    words: list[Word] = []
    for s in sentences:
        tokens = s["text"].split()
        step = (s["end"] - s["start"]) / len(tokens)
        words += [
            Word(s["start"] + i * step, s["start"] + (i + 1) * step, token)
            for i, token in enumerate(tokens)
        ]
    breaks = [
        i for i, (a, b) in enumerate(pairwise(sentences), 1) if a["paragraph"] != b["paragraph"]
    ]
    return words, breaks


@pytest.mark.parametrize("reference", sorted(REFERENCES))
def test_published_breaks_from_exact_timings(reference: str) -> None:
    """With exact pauses, every published break is found, and no other."""
    words, breaks = published(reference)
    sentences = split_sentences(words)
    assert len(sentences) == len(json.loads(REFERENCES[reference].read_text())["sentences"])
    assert break_points(sentences, ParagraphStyle()) == breaks
