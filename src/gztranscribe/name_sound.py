"""How a written name sounds, roughly, and how far apart two such sounds are (pure).

The glossary corrector needs to tell "the model heard this name and spelled it its own way"
("Kazakstan", "Canakstan", "Timmali" for Kazakhstan, Kazakhstan, Emomali) from "this is another
word" ("Brenner" is not "Bremmer"). Spelling distance alone cannot: names are transliterated
("kh", "ph", "ou"), and a speech model writes what it hears. So both sides are reduced to an
approximate English pronunciation and compared with a weighted edit distance:

- ``sound_key`` spells the sounds with one letter each: digraphs become one sound ("kh" -> k,
  "ph" -> f, "sh" -> S, "ch" -> C, "zh" -> Z), soft c is s, hard c and q are k, x is ks (z at the
  start: "Xavier"), j and "dj"/"dzh" are J; h is silent, w next to a vowel is a glide and
  dropped; y and every vowel become "a" and runs collapse, since vowels are what a synthetic or
  accented voice, and the model, vary most; a final silent e is dropped; doubled letters collapse.
- ``sound_distance`` is a Levenshtein distance over those keys where a vowel inserted or dropped
  costs 0.5, a voicing pair (t/d, k/g, s/z, f/v, p/b, S/Z, C/J) or s/S, C/S, z/Z costs 0.5, and
  every other consonant change costs 1.
- ``sound_budget`` is how far a heard word may be from a name of a given length;
  ``same_onset`` whether two words start with the same sound.

This is not a transcription system; it only has to rank "same name, other spelling" below "other
name or word", and the glossary's thresholds (``glossary.py``) are measured against it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

VOWELS = frozenset("a")
_CHEAP_PAIRS = frozenset(
    frozenset(p) for p in ("td", "kg", "sz", "fv", "pb", "SZ", "CJ", "sS", "CS", "zZ")
)
# Spellings of one sound, longest first; "c" and "w" depend on what follows (``_sound_of``).
_SPELLINGS = {
    "tch": "C", "sch": "S", "dzh": "J", "ch": "C", "sh": "S", "zh": "Z", "dj": "J", "kh": "k",
    "gh": "g", "ph": "f", "th": "t", "dh": "d", "bh": "b", "ck": "k", "qu": "kv", "q": "k",
    "x": "ks", "j": "J", "h": "", "y": "a", "e": "a", "i": "a", "o": "a", "u": "a",
}


def _sound_of(letters: str, at: int) -> tuple[str, int]:
    """The sound spelled at ``letters[at:]`` and how many letters spell it."""
    if letters[at] == "x" and at == 0:  # "Xavier", "Xayaburi", "Xi": never "ks" at the start
        return "z", 1
    for size in (3, 2, 1):
        piece = letters[at : at + size]
        if len(piece) == size and piece in _SPELLINGS:
            return _SPELLINGS[piece], size
    ch = letters[at]
    after = letters[at + 1 : at + 2]
    if ch == "c":
        return ("s" if after in ("e", "i", "y") else "k"), 1
    if ch == "w":  # a glide before or after a vowel ("Walesa" aside), else a v ("Lwow")
        before = letters[at - 1 : at] if at else ""
        vowel = "aeiouy"
        return ("" if (after and after in vowel) or (before and before in vowel) else "v"), 1
    return ch, 1


@lru_cache(maxsize=4096)
def sound_key(text: str) -> str:
    """The approximate sounds of a word or name, one letter a sound (see the module docstring)."""
    letters = "".join(
        ch for ch in unicodedata.normalize("NFKD", text.casefold()) if "a" <= ch <= "z"
    )
    letters = re.sub(r"(?<=[^aeiouy])e$", "", letters) if len(letters) > 3 else letters  # silent e
    sounds, at = [], 0
    while at < len(letters):
        sound, size = _sound_of(letters, at)
        sounds.append(sound)
        at += size
    return re.sub(r"(.)\1+", r"\1", "".join(sounds))


def _change_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if frozenset((a, b)) in _CHEAP_PAIRS:
        return 0.5
    return 1.0


def _edit_cost(ch: str) -> float:
    return 0.5 if ch in VOWELS else 1.0


@lru_cache(maxsize=65536)
def sound_distance(a: str, b: str) -> float:
    """Weighted edit distance between two ``sound_key`` results (0: the same sounds)."""
    previous = [0.0]
    for ch in b:
        previous.append(previous[-1] + _edit_cost(ch))
    for ca in a:
        current = [previous[0] + _edit_cost(ca)]
        for j, cb in enumerate(b, start=1):
            current.append(min(
                previous[j] + _edit_cost(ca),
                current[j - 1] + _edit_cost(cb),
                previous[j - 1] + _change_cost(ca, cb),
            ))
        previous = current
    return previous[-1]


def sound_budget(letters: str) -> float:
    """How much ``sound_distance`` a heard word may be from a name spelled with ``letters``.

    By letters, not sounds: a long spelling is more for the model to get wrong, even when its
    vowels collapse into few sounds ("Xayaburi"). Up to 6 letters nothing (one sound away from
    a short name is usually another real name: "Brenner" for "Bremmer"), 7 letters half a sound,
    then half a sound more per two letters."""
    size = sum(ch.isalpha() for ch in letters)
    return 0.0 if size < 7 else 0.5 + 0.5 * ((size - 6) // 2)


def same_onset(a: str, b: str) -> bool:
    """The two words start with the same sound, or a voicing pair of it ("Canakstan" and
    "Kazakhstan" do; "Harrington" and "Washington" do not). A listener, and the model, hear how
    a word starts best; another name usually differs there. An initial h, w or y counts."""
    first = [_onset(a), _onset(b)]
    return first[0] == first[1] or frozenset(first) in _CHEAP_PAIRS


def _onset(text: str) -> str:
    letters = "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if "a" <= ch <= "z")
    if letters[:1] in ("h", "w", "y") and letters[1:2] in tuple("aeiouy"):
        return letters[0]
    return sound_key(letters)[:1]
