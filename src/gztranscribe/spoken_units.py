"""Words as comparable spoken units: lower case, no punctuation or accents, numbers spelled out.

So "3,000" matches "three thousand" and "self-substantial" matches "self -substantial" when an
edited text is matched against what the model heard. Pure.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_ENDINGS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                    "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}  # fmt: skip
# Written forms whose spoken form differs; both sides are normalized, so this only matters when
# one side writes the short form and the other the long one.
_SPOKEN = {
    "mr": ("mister",), "mrs": ("missus",), "ms": ("miz",), "dr": ("doctor",),
    "st": ("saint",), "vs": ("versus",), "etc": ("etcetera",), "ok": ("okay",),
    "&": ("and",), "%": ("percent",), "+": ("plus",), "@": ("at",),
}  # fmt: skip
_SPLIT = re.compile(r"[\s\-\u2010-\u2015/_]+")
_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)*)(st|nd|rd|th|s)?$")


def _number_words(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        rest = _number_words(n % 100) if n % 100 else []
        return [_ONES[n // 100], "hundred", *rest]
    for value, name in _SCALES:
        if n >= value:
            rest = _number_words(n % value) if n % value else []
            return [*_number_words(n // value), name, *rest]
    return [str(n)]  # pragma: no cover - unreachable


def _ordinal(words: list[str]) -> list[str]:
    last = words[-1]
    if last in _ORDINAL_ENDINGS:
        last = _ORDINAL_ENDINGS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return [*words[:-1], last]


def _number_units(digits: str, suffix: str | None) -> list[str]:
    """Spelled-out units: 3,000 -> three thousand; 2.5 -> two point five; 1st -> first."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", digits):
        digits = digits.replace(",", "")
    whole, _, fraction = digits.partition(".")
    if not whole.isdigit() or len(whole) > 15:
        return [re.sub(r"\W", "", digits)]
    words = _number_words(int(whole))
    if fraction.isdigit():
        words += ["point", *(_ONES[int(d)] for d in fraction)]
    if suffix in ("st", "nd", "rd", "th"):
        words = _ordinal(words)
    elif suffix == "s":
        words[-1] += "s"
    return words


def normalize_units(token: str) -> tuple[str, ...]:
    """The comparable units of one written word: ``"Self-substantial,"`` -> (self, substantial).

    Lower case, accents and punctuation removed (apostrophes too: "it's" and "its" are one
    sound), split at hyphens, dashes and slashes, numbers spelled out. A bare punctuation token
    ("—", "...") has no units.
    """
    text = unicodedata.normalize("NFKD", token)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    units: list[str] = []
    for piece in _SPLIT.split(text):
        if piece in _SPOKEN:
            units.extend(_SPOKEN[piece])
            continue
        money = piece.startswith("$")
        percent = piece.endswith("%")
        core = piece.strip("$%\"'()[]{}<>.,;:!?*\u201c\u201d\u2018\u2019\u00ab\u00bb\u2026")
        number = _NUMBER.match(core)
        if number:
            units.extend(_number_units(number.group(1), number.group(2)))
        else:
            bare = re.sub(r"[^\w]|_", "", core)
            if bare in _SPOKEN:
                units.extend(_SPOKEN[bare])
            elif bare:
                units.append(bare)
            else:
                continue
        if percent:
            units.append("percent")
        if money:
            units.append("dollars")
    return tuple(units)


