"""Pure text shaping: words -> sentences -> paragraphs for the episode page.

Where does an editor put a paragraph break in a spoken monologue? Reading published transcripts
of commentary episodes, three things decide it, in this order:

1. **The pause.** Speakers take a breath between topics that is clearly longer than the pause
   between sentences. What counts as "longer" depends on the speaker, so a pause is measured
   against the episode's own typical pause between sentences (the median), never in absolute
   seconds: a 1-second gap is a topic break for a fast talker and nothing for a slow one.
2. **A topic turn in the words.** Sentences that open a new topic say so: "First, ...", "Next",
   "Meanwhile", "The big question is", "That leads us to", "And what's most interesting is",
   "Turning to"; a sign-off opens the closing lines ("That's it for me", "Thanks for
   listening"). A turn lowers the pause needed for a break; on its own, without any pause, it is
   not enough (a speaker says "So the real question is..." in the middle of a thought too).
   A sentence that starts in lower case is the model splitting one sentence in two: never a break.
3. **Length.** Paragraphs on an episode page run about 4-8 sentences (60-200 words). A middle
   paragraph is never a scrap (under ``min_words``); a stretch longer than ``max_words`` is split
   at its strongest boundary, even without a clear pause. The opening line (the greeting) and the
   sign-off may stand alone as short paragraphs, when a pause sets them apart.

Like the caption engine, scoring boundaries is kept apart from choosing them: ``_boundary_scores``
rates every sentence boundary, then one dynamic programme picks all breaks at once, maximising
the breaks' strength minus the length costs of the paragraphs they make. A greedy pass would
commit to a break before seeing that the next boundary is much stronger.

How the numbers were chosen (``benchmarks/bench_text.py`` measures them): on the published
5-minute episode and the bundled sample, transcribed by the bundled model, every published break
is found and none added, and the same holds when the words carry the references' exact sentence
times. ``break_pause`` 1.5 and ``turn_bonus`` 0.4 sit in the middle of the range that does this
(1.5-1.55 x 0.3-0.5). Those recordings are synthetic and pause a little longer between
paragraphs; re-synthesised *without* that extra pause (two voices), turns and length alone still
find 5 of the episode's 6 breaks, with no break added.

Note: ``cleanup.repair_punctuation`` puts every sentence in sentence case, so after it the
lower-case continuation signal is gone; it still helps on raw model words.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from .tokens import closing_punctuation, sentence_end
from .types import Paragraph, Word


@dataclass(frozen=True, slots=True)
class ParagraphStyle:
    """How readily a paragraph breaks. Pauses are in units of the episode's typical pause."""

    break_pause: float = 1.5  # a pause this many times the typical one is a break on its own
    turn_bonus: float = 0.4  # a topic turn or sign-off counts as this much extra pause
    continuation_penalty: float = 2.0  # a sentence starting in lower case continues the last one
    min_typical_pause: float = 0.25  # seconds: floor for the typical pause (tightly cut audio)
    max_pause: float = 4.0  # cap on a pause's weight (one long silence is still one break)
    min_words: int = 40  # shorter costs ``short_cost`` (not the opening line, nor a sign-off)
    max_words: int = 200  # every word over this costs ``long_cost`` per ``max_words`` words
    short_cost: float = 3.0
    long_cost: float = 3.0


# --- sentences --------------------------------------------------------------------------------


def split_sentences(words: Sequence[Word]) -> list[tuple[Word, ...]]:
    """Words grouped into sentences where ``tokens.sentence_end`` says one ends (not after
    "Mr.", not inside "U.S. troops", not before a lower-case word), and after an acronym before
    a capital."""
    sentences: list[tuple[Word, ...]] = []
    current: list[Word] = []
    for n, word in enumerate(words):
        current.append(word)
        following = words[n + 1] if n + 1 < len(words) else None
        right = following.text if following else None
        # An acronym before a capital may end a sentence ("the U.S. The Russians"): a paragraph
        # may break there, where a cue need not.
        if sentence_end(word.text, right) or closing_punctuation(word.text, right) == "acronym":
            sentences.append(tuple(current))
            current = []
    if current:
        sentences.append(tuple(current))
    return sentences


def join_words(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words).strip()


# --- topic turns ------------------------------------------------------------------------------


def _phrases(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"^(?:" + "|".join(patterns) + r")\b")


# Matched against the sentence's first words, lower case, punctuation removed, one leading
# "and"/"but"/"now"/"okay"/"so" dropped ("And what's most interesting is..." turns as well).
_TURNS = _phrases(
    # sequencing
    r"first(?:ly| of all| off)?",
    r"second(?:ly)?",
    r"third(?:ly)?",
    r"next",
    r"finally",
    r"lastly",
    r"last but not least",
    r"to (?:begin|start) with",
    r"(?:let me|let's|i'll|i will|i want to|i'd like to) (?:start|begin|turn|move|talk|switch)",
    # changing subject
    r"meanwhile",
    r"in other news",
    r"elsewhere",
    r"turning to",
    r"moving on",
    r"on to",
    r"back to",
    r"speaking of",
    r"as for",
    r"when it comes to",
    r"another (?:big |important )?(?:thing|point|issue|question|story|topic)",
    r"the other (?:big |important )?(?:thing|point|issue|question|story|topic)",
    r"one (?:more|last|final) (?:thing|point)",
    # framing the next question
    r"the (?:big|bigger|biggest|real|key|main|open) (?:question|story|issue)",
    r"what's (?:most|really|also|more) interesting",
    r"what is (?:most|really|also|more) interesting",
    r"(?:that|this|which)(?: \w+){0,2} (?:leads|brings|takes) (?:us |me )?to",
)
_SIGN_OFFS = _phrases(
    r"that's (?:it|all) (?:for|from)",
    r"that is (?:it|all) (?:for|from)",
    r"thanks? (?:you )?(?:so much |very much )?for (?:listening|watching|joining)",
    r"talk to you",
    r"see you",
    r"until next time",
    r"i'll see you",
    r"catch you",
    r"take care",
)
_LEADING_LINKS = re.compile(r"^(?:and|but|now|okay|ok|so|well) ")


def _opening(sentence: Sequence[Word], size: int = 8) -> str:
    text = " ".join(w.text for w in sentence[:size]).lower().replace("’", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^\w' ]+", " ", text)).strip()


def is_sign_off(sentence: Sequence[Word]) -> bool:
    """ "That's it for me", "Thanks for listening", "Talk to you soon"."""
    return bool(_SIGN_OFFS.match(_opening(sentence)))


def is_turn(sentence: Sequence[Word]) -> bool:
    """Does this sentence open a new topic?"""
    opening = _opening(sentence)
    return bool(_TURNS.match(opening) or _TURNS.match(_LEADING_LINKS.sub("", opening, count=1)))


def _continues(sentence: Sequence[Word]) -> bool:
    """A sentence starting in lower case is the model splitting one sentence in two."""
    first = sentence[0].text.lstrip('"“‘([')
    return bool(first) and first[0].islower()


# --- choosing the breaks ----------------------------------------------------------------------


def _boundary_scores(sentences: Sequence[tuple[Word, ...]], style: ParagraphStyle) -> list[float]:
    """How strongly each boundary (before sentence 1, 2, ...) asks for a paragraph break.

    Positive: break here unless length says otherwise; negative: keep going.
    """
    gaps = [max(0.0, b[0].start - a[-1].end) for a, b in pairwise(sentences)]
    if not gaps:
        return []
    typical = max(statistics.median(gaps), style.min_typical_pause)
    scores = []
    for gap, before, sentence in zip(gaps, sentences, sentences[1:]):
        strength = min(gap / typical, style.max_pause)
        # The first sign-off opens the closing lines; the ones after it belong with it.
        if is_turn(sentence) or (is_sign_off(sentence) and not is_sign_off(before)):
            strength += style.turn_bonus
        if _continues(sentence):
            strength -= style.continuation_penalty
        scores.append(strength - style.break_pause)
    return scores


def _length_cost(words: int, first: bool, last: bool, style: ParagraphStyle) -> float:
    cost = 0.0
    if words < style.min_words and not (first or last):
        cost += style.short_cost * (style.min_words - words) / style.min_words
    if words > style.max_words:
        cost += style.long_cost * (words - style.max_words) / style.max_words
    return cost


def break_points(sentences: Sequence[tuple[Word, ...]], style: ParagraphStyle) -> list[int]:
    """Indices of the sentences that start a new paragraph (never 0), chosen all at once."""
    n = len(sentences)
    if n < 2:
        return []
    scores = _boundary_scores(sentences, style)
    # The opening line may stand alone, and so may the closing lines if they are a sign-off.
    closing = [
        is_sign_off(s) and not (k > 0 and is_sign_off(sentences[k - 1]))
        for k, s in enumerate(sentences)
    ]
    counts = [0]
    for sentence in sentences:
        counts.append(counts[-1] + len(sentence))
    # best[j]: the best total for sentences[:j] with a paragraph ending before sentence j.
    best = [0.0] + [float("-inf")] * n
    back = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            size = counts[j] - counts[i]
            gain = scores[i - 1] if i > 0 else 0.0
            total = best[i] + gain - _length_cost(size, i == 0, j == n and closing[i], style)
            if total > best[j]:
                best[j], back[j] = total, i
            if size > 3 * style.max_words and i < j - 1:
                break  # longer paragraphs can only lose
    starts = []
    j = n
    while j > 0:
        j = back[j]
        if j > 0:
            starts.append(j)
    return sorted(starts)


def paragraphs(words: Sequence[Word], style: ParagraphStyle = ParagraphStyle()) -> list[Paragraph]:
    sentences = split_sentences(words)
    if not sentences:
        return []
    bounds = [0, *break_points(sentences, style), len(sentences)]
    groups = [sentences[a:b] for a, b in pairwise(bounds)]
    return [
        Paragraph(
            start=group[0][0].start,
            end=group[-1][-1].end,
            text=" ".join(join_words(s) for s in group),
        )
        for group in groups
    ]
