"""Capitals (CEA-608 broadcast captions) -> sentence case, names spelled as the glossary says.

Broadcast captions are upper case because the 608 decoders of the 1990s were; on a web page
that reads as shouting. Every word is lower-cased except: a sentence's first word, "I" (and
I'm, I'll, I've, I'd), initialisms written with dots ("U.S."), days and months, and the show's
glossary terms, which take the glossary's exact spelling (multi-word terms too: "IAN BREMMER"
-> "Ian Bremmer"). A title just before a glossary name is capitalised too ("President Tokayev"). Words are never
added, dropped or reordered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..glossary import Glossary

UPPER_SHARE = 0.9  # of the letters, for a text to count as written in capitals
MIN_LETTERS = 20
_I_FORMS = {"i", "i'm", "i'll", "i've", "i'd", "i’m", "i’ll", "i’ve", "i’d"}
_PROPER = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "english",
    "american",
    "europe",
    "european",
}  # fmt: skip  ("march" and "may" are ordinary words too often to capitalise blindly)
_INITIALISM = re.compile(r"^[\"'(\[]*(?:[A-Za-z]\.){2,}")
_CORE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.DOTALL)
_SENTENCE_END = (".", "?", "!", "\u2026", '."', '?"', '!"', ".'", "?'", "!'", ".\u201d")


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


_POSSESSIVE = ("'s", "\u2019s", "'", "\u2019")
_TITLES = {"president", "prime", "minister", "senator", "governor", "chancellor", "general",
           "king", "queen", "pope", "mr.", "mrs.", "ms.", "dr.", "secretary"}  # fmt: skip


def _split_possessive(core: str) -> tuple[str, str]:
    """``kazakhstan's`` -> (``kazakhstan``, ``'s``): a name's possessive is still the name."""
    for ending in _POSSESSIVE:
        if core.lower().endswith(ending) and len(core) > len(ending):
            return core[: -len(ending)], core[-len(ending) :]
    return core, ""


def _match(index: dict[tuple[str, ...], tuple[str, ...]], lowered: Sequence[str], i: int,
           longest: int) -> tuple[int, tuple[str, ...], str] | None:  # fmt: skip
    """(words, spelling, possessive ending) of the longest glossary term starting at ``i``."""
    for n in range(min(longest, len(lowered) - i), 0, -1):
        head = tuple(lowered[i : i + n - 1])
        last, ending = lowered[i + n - 1], ""
        spelled = index.get((*head, last))
        if spelled is None:
            last, ending = _split_possessive(last)
            spelled = index.get((*head, last)) if ending else None
        if spelled:
            return n, spelled, ending
    return None


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
        found = _match(index, lowered, i, longest) if index else None
        if found:
            n, spelled, ending = found
            for j in range(n):
                lead, core, tail = cores[i + j]
                word = _core(spelled[j])[1] + (ending if j == n - 1 else "")
                out.append(lead + word + tail)
            if i > 0 and lowered[i - 1] in _TITLES:
                lead, core, tail = cores[i - 1]
                out[-n - 1] = lead + _capitalize(core.lower()) + tail  # "President Tokayev"
            i += n
        else:
            lead, core, tail = cores[i]
            word = lowered[i]
            if _INITIALISM.match(words[i]):
                fixed = core
            elif word in _I_FORMS or sentence_start or word in _PROPER:
                fixed = _capitalize(word)
            else:
                fixed = word
            out.append(lead + fixed + tail)
            i += 1
        sentence_start = out[-1].endswith(_SENTENCE_END) and not _INITIALISM.match(out[-1])
    return out
