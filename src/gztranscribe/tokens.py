"""Words as printed: punctuation around a token, its bare core, and the line-end rule.

One home for what the caption engine, the linter, cleanup, paragraphs and alignment all ask of a
token, so they cannot drift apart (they once disagreed on whether « opens a word). Pure.
"""

from __future__ import annotations

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
