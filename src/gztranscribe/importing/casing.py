"""Capitals (CEA-608 broadcast captions) -> sentence case, names spelled as the glossary says.

Broadcast captions are upper case because the 608 decoders of the 1990s were; on a web page
that reads as shouting. Every word is lower-cased except: a sentence's first word, "I" (and
I'm, I'll, I've, I'd), initialisms written with dots ("U.S."), days and months, and the show's
glossary terms, which take the glossary's exact spelling (multi-word terms too: "IAN BREMMER"
-> "Ian Bremmer"). Words are never added, dropped or reordered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..glossary import Glossary

UPPER_SHARE = 0.9  # of the letters, for a text to count as written in capitals
MIN_LETTERS = 20
_I_FORMS = {"i", "i'm", "i'll", "i've", "i'd", "i’m", "i’ll", "i’ve", "i’d"}
_PROPER = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "april", "june", "july", "august", "september", "october", "november",
    "december", "english", "american", "europe", "european",
}  # fmt: skip  ("march" and "may" are ordinary words too often to capitalise blindly)
_INITIALISM = re.compile(r"^[\"'(\[]*(?:[A-Za-z]\.){2,}")
_CORE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.S)
_SENTENCE_END = (".", "?", "!", "\u2026", ".\"", "?\"", "!\"", ".'", "?'", "!'", ".\u201d")


def is_upper_case(words: Sequence[str]) -> bool:
    letters = [ch for word in words for ch in word if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        return False
    return sum(ch.isupper() for ch in letters) >= UPPER_SHARE * len(letters)


def _core(token: str) -> tuple[str, str, str]:
    match = _CORE.match(token)
    assert match is not None  # the pattern matches any string
    return match.group(1), match.group(2), match.group(3)


def _term_index(glossary: Glossary | None) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Lower-cased word sequence -> the glossary's spelling, for every term."""
    index: dict[tuple[str, ...], tuple[str, ...]] = {}
    for term in glossary.terms if glossary else ():
        words = tuple(term.text.split())
        if words:
            index[tuple(_core(w)[1].lower() for w in words)] = words
    return index


def _capitalize(core: str) -> str:
    return core[:1].upper() + core[1:]


def sentence_case(words: Sequence[str], glossary: Glossary | None = None) -> list[str]:
    """``words`` in sentence case; each output word differs from its input only in case."""
    index = _term_index(glossary)
    longest = max((len(k) for k in index), default=0)
    cores = [_core(w) for w in words]
    lowered = [c[1].lower() for c in cores]
    out: list[str] = []
    sentence_start = True
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            spelled = index.get(tuple(lowered[i : i + n]))
            if spelled:
                for j in range(n):
                    lead, _, tail = cores[i + j]
                    out.append(lead + _core(spelled[j])[1] + tail)
                i += n
                break
        else:
            lead, core, tail = cores[i]
            word = lowered[i]
            if _INITIALISM.match(words[i]):
                fixed = core
            elif word in _I_FORMS:
                fixed = _capitalize(word)
            elif sentence_start or word in _PROPER:
                fixed = _capitalize(word)
            else:
                fixed = word
            out.append(lead + fixed + tail)
            i += 1
        sentence_start = out[-1].endswith(_SENTENCE_END)
    return out
