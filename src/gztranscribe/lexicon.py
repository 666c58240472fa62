"""Is a word ordinary English, or a name English dictionaries already know? (read-only data)

The glossary corrector must never turn a word the model wrote on purpose into a show name:
"Camping" is not "Kampong", "Mistakes" is not "Mitsotakis", "Washington" is not "Wellington".
The built-in list in ``glossary.COMMON_WORDS`` holds the most frequent words only; this module
asks two full dictionaries shipped by the ``english-words`` package (Webster's 2nd, 236k entries,
and GCIDE, 115k): an entry written in lowercase is an English word, one written with a capital
is a name (a place, a person) the model may well have meant. Loaded once, on first use (~0.2 s,
~40 MiB).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Inflections the dictionaries list only in their base form: (ending, what replaces it). Not
# "-er": names end in it ("Bremer" is not "breme" + "-er").
_ENDINGS = (
    ("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""),
    ("s", ""),
)


@lru_cache(maxsize=1)
def _entries() -> frozenset[str] | set[str]:
    """Every entry as the dictionaries write it: lowercase for words, capitalised for names."""
    try:
        from english_words import get_english_words_set
    except ImportError:  # pragma: no cover - english-words is a dependency
        return frozenset()
    return get_english_words_set(["web2", "gcide"], lower=False, alpha=True)


def is_english_word(word: str) -> bool:
    """An ordinary English word, or a regular inflection of one ("camping", "mistakes")."""
    word = word.lower()
    if not word.isalpha():
        return False
    entries = _entries()
    if word in entries:
        return True
    for ending, base in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            stem = word[: -len(ending)] + base
            if stem in entries or (base == "" and re.search(r"(.)\1$", stem) and stem[:-1] in entries):
                return True
    return False


def is_known_name(word: str) -> bool:
    """A name the dictionaries list with a capital ("Washington", "Pakistan", "Margaret")."""
    return word[:1].upper() + word[1:].lower() in _entries()
