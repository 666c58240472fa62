"""Words as printed: punctuation around a token, its bare core, and the line-end rule.

One home for what the caption engine, the linter, cleanup, paragraphs and alignment all ask of a
token, so they cannot drift apart (they once disagreed on whether « opens a word). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from . import wordlists

Severity = Literal["error", "warning"]

OPENERS = "\"'([{\u201c\u2018\u00ab"  # may stand before a word's letters
CLOSERS = "\"')]}\u201d\u2019\u00bb"  # may stand after its punctuation: '"Yes."'
MARKS = ".,;:!?\u2026-\u2014\u2013"  # punctuation that can follow a word's letters
DASHES = ("\u2014", "\u2013", "--")


def core(token: str) -> str:
    """The bare lower-case word: '(Kazakhstan's,' -> "kazakhstan's"; curly apostrophes straight."""
    return token.strip(OPENERS + CLOSERS + MARKS).replace("\u2019", "'").lower()


# Cleanup reads words as spoken, where an apostrophe belongs to the word ("'er", "runnin'").
WORD_OPENERS = OPENERS.replace("'", "")
WORD_CLOSERS = CLOSERS.replace("'", "")


def bare(token: str) -> str:
    """The word as cleanup compares it: lower case, without the punctuation around it, but with
    an apostrophe that belongs to it ("Um," -> "um"; "'er" and "runnin'" stay whole)."""
    return token.strip().lstrip(WORD_OPENERS).rstrip(MARKS + WORD_CLOSERS).lower()


def tail(token: str) -> str:
    """The token without closing quotes or brackets, so '"Yes."' ends with '.'."""
    return token.rstrip(CLOSERS)


def punctuated(token: str) -> bool:
    """The token ends in punctuation (or a closing quote/bracket): a phrase closes after it."""
    return bool(token) and token[-1] in MARKS + CLOSERS


def dangling(token: str) -> tuple[str, Severity] | None:
    """What a line or cue ending on ``token`` leaves open, and how bad that is; None if nothing.

    An article is an error, a preposition or conjunction of ``wordlists.DANGLING_WORDS`` a
    warning. A capital "A" alone may be "Plan A", and punctuation closes the phrase: neither is
    flagged. The linter reports exactly this; the engine pays for it, so it avoids what is flagged.
    """
    if not token or punctuated(token):
        return None
    word = core(token)
    if word in wordlists.ARTICLES:
        return None if token == "A" else ("the article", "error")
    if word in wordlists.PREPOSITIONS:
        return "the preposition", "warning"
    if word in wordlists.CONJUNCTIONS:
        return "the conjunction", "warning"
    return None


# --- where sentences end ----------------------------------------------------------------------
# Two questions, one home. In running text, with the next word at hand (``sentence_end``): the
# caption engine's cue breaks, the linter's sentence-break rule, paragraphs and alignment's
# captions. Of a word alone (``closes_sentence``): cleanup's sentence case and alignment's
# sentence marks, which must not guess from a next word that may itself be repaired or removed.

ABBREVIATIONS = wordlists.TITLES | frozenset({"jr", "sr", "vs"})
"""Words whose period is not a full stop ("Mr. Smith", "Smith Jr. said")."""
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")

PunctuationKind = Literal["sentence", "clause", "comma", "acronym", "title", "initial"]


def starts_sentence_like(token: str) -> bool:
    """True when the token could begin a sentence (capital, digit or opening quote)."""
    stripped = token.lstrip(OPENERS)
    return not stripped or stripped[0].isupper() or stripped[0].isdigit() or token[0] in OPENERS


def closing_punctuation(left: str, right: str | None) -> PunctuationKind | None:
    """What the punctuation ending ``left`` does before ``right`` (None: nothing follows).

    "sentence": a full stop ("lanes. Work", "why? because", a trailing "..." before a capital);
    "clause": ; : a dash, or "..." inside a sentence; "comma": a comma, or a period before a
    lower-case word ("lanes. work"); "acronym": an acronym before a capital, a sentence end or
    not ("the U.S. The Russians", "the U.S. Senate");
    "title"/"initial": a period that binds to the name after it ("Mr. | Smith", "J. | Smith").
    None: no punctuation, or an acronym inside a sentence ("U.S. officials").
    """
    end = tail(left)
    if not end:
        return None
    if end.endswith(("...", "\u2026")):
        return "sentence" if right is None or starts_sentence_like(right) else "clause"
    last = end[-1]
    if last in "?!":
        return "sentence"
    if last == ".":
        word = core(end)
        if word in wordlists.TITLES:
            return "title"
        if len(word) == 1 and word.isalpha():
            return "initial"
        if right is None:
            return "sentence"
        if _ACRONYM.match(end):  # "U.S." ends a sentence only sometimes
            return "acronym" if starts_sentence_like(right) else None
        return "sentence" if starts_sentence_like(right) else "comma"
    if last in ";:" or end.endswith(DASHES):
        return "clause"
    if last == ",":
        return "comma"
    return None


def stray(token: str) -> bool:
    """Punctuation with no word (a line or cue must not start with it), a dash aside."""
    return not any(ch.isalnum() for ch in token) and not token.startswith(DASHES)


def sentence_end(left: str, right: str | None) -> bool:
    """A sentence ends after ``left`` (``right`` follows it; None: nothing does).

    "lanes. Work" and "why? because" yes; "Mr. Smith", "U.S. officials" and "lanes. work" no;
    the last word of a text always ends its sentence, unless a title or initial leaves it open.
    """
    if right is not None and stray(right):
        return False
    kind = closing_punctuation(left, right)
    return kind == "sentence" or (kind is None and right is None)


def closes_sentence(token: str) -> bool:
    """A word that closes a sentence by itself: . ? ! (not an ellipsis, not "Mr." or "vs.")."""
    end = tail(token)
    if not end or end[-1] not in ".?!":
        return False
    if end.endswith(".."):
        return False  # "..." trails off; the next word is not a new sentence by itself
    return core(token) not in ABBREVIATIONS


def pause_after_full_stops(
    texts: Sequence[str], gaps: Sequence[float], share: float, sample: int
) -> float | None:
    """The pause this speaker leaves after ``share`` of their full stops at the least (that
    quantile of ``gaps[i]``, the silence after ``texts[i]``, over the words that close a
    sentence); None with fewer than ``sample`` full stops to judge by."""
    after = sorted(gap for text, gap in zip(texts, gaps) if closes_sentence(text))
    return after[int(share * len(after))] if len(after) >= max(sample, 1) else None
