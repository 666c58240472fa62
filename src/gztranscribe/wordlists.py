"""English word lists shared by the caption engine, the caption linter and text cleanup. Pure data.

One definition of each list, so ``captions`` (which steers its break costs with them) and
``checking`` (which flags bad breaks with them) agree on what a bad break is, and ``cleanup``
and ``checking`` agree on what a filler is. Every entry is lower case and bare of punctuation
(compare with a token's core: "(Kazakhstan's," -> "kazakhstan's").

The lists are approximations of parts of speech: English words change class with context ("I
came *before*" vs "*before* the vote"). So the prepositions and conjunctions come in two parts:

- ``PREPOSITIONS`` and ``CONJUNCTIONS`` are the words that (almost) always open a phrase. A line
  or cue ending on one of them leaves that phrase dangling; the linter flags exactly these
  (``DANGLING_WORDS``, with ``ARTICLES``) and the engine treats a break after them as one to
  take only when nothing better exists.
- ``OTHER_PREPOSITIONS`` and ``OTHER_CONJUNCTIONS`` are words that usually open a phrase but often
  also end one ("the day *before*", "I know *that*", "and *so*"). The engine prefers not to break
  after them and likes breaking before them; the linter stays quiet about them (no false alarms).
"""

from __future__ import annotations

__all__ = [
    "ALL_CONJUNCTIONS",
    "ALL_PREPOSITIONS",
    "ARTICLES",
    "AUXILIARIES",
    "CLAUSE_SUBJECTS",
    "CONJUNCTIONS",
    "DANGLING_WORDS",
    "DETERMINERS",
    "FILLERS",
    "MODIFIERS",
    "OBJECT_PRONOUNS",
    "OTHER_CONJUNCTIONS",
    "OTHER_PREPOSITIONS",
    "PREPOSITIONS",
    "SEMI_MODALS",
    "STUTTER_WORDS",
    "SUBJECT_PRONOUNS",
    "TITLES",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- phrase openers: a break right after one of these leaves its phrase dangling ----------------

ARTICLES = _words("a an the")
DETERMINERS = ARTICLES | _words(
    """this these those my your his her its our their whose some any no every each another
    either neither such which what"""
)
"""Articles, demonstratives, possessives, quantifiers: they always come before their noun."""

PREPOSITIONS = _words(
    """of in on at to for with from by about into onto over under between through during
    without within against among across toward towards upon via per than"""
)
"""Prepositions that (almost) always take an object."""
OTHER_PREPOSITIONS = _words(
    """after before behind beyond around like near inside outside despite except along amid
    beneath beside besides past since until unlike"""
)
"""Prepositions that are often adverbs or conjunctions too ("the day before")."""
ALL_PREPOSITIONS = PREPOSITIONS | OTHER_PREPOSITIONS

CONJUNCTIONS = _words("and but or nor because although though whereas unless if whether")
"""Conjunctions that always open a clause."""
OTHER_CONJUNCTIONS = _words("so yet while when whenever where wherever that which who whom as once")
"""Words that open a clause as often as they end one ("I know that", "and so")."""
ALL_CONJUNCTIONS = CONJUNCTIONS | OTHER_CONJUNCTIONS

DANGLING_WORDS = ARTICLES | PREPOSITIONS | CONJUNCTIONS
"""What a line or cue must not end on (the linter flags these; the engine avoids them)."""

# --- verbs and pronouns -----------------------------------------------------------------------

AUXILIARIES = _words(
    """is are was were be been being am has have had do does did will would shall should can
    could may might must not to isn't aren't wasn't weren't hasn't haven't hadn't don't doesn't
    didn't won't wouldn't shan't shouldn't can't cannot couldn't mustn't i'm you're we're
    they're i've you've we've they've i'll you'll he'll she'll we'll they'll it'll i'd you'd
    he'd she'd we'd they'd let's"""
)
"""Auxiliaries and contractions ending in one: they come before their main verb."""
SEMI_MODALS = _words("going have has had want wants wanted need needs needed used able ought got")
"""Verbs that bind to a following "to" ("going to", "have to")."""
SUBJECT_PRONOUNS = _words("i you he she we they it there")
CLAUSE_SUBJECTS = _words("i he she we they")
"""Subject pronouns that are never objects: a new clause starts at one."""
OBJECT_PRONOUNS = _words("me us him them")

# --- modifiers and names ----------------------------------------------------------------------

MODIFIERS = _words(
    """new old good bad great big small little large long short high low young first last next
    other same few many much more most less least own whole real best better worst major main
    public political national local economic social important former huge key entire certain
    several various early late recent final full free true only different very really quite too
    so extremely one two three four five six seven eight nine ten eleven twelve twenty thirty
    forty fifty hundred thousand million billion trillion dozen half second third"""
)
"""Adjectives, numbers and intensifiers: they come before the word they modify."""
TITLES = _words("mr mrs ms dr prof st sen rep gov gen col lt sgt capt mt fr rev pres")
"""Abbreviated titles: "Mr." does not end a sentence and binds to the name after it."""

# --- clean verbatim -----------------------------------------------------------------------------

FILLERS = _words("um umm uh uhh uhm er erm ehm hmm hm mm mmm ah ahh")
"""Pure hesitation sounds, left out of clean-verbatim text (um, uh, er, erm, hmm, mm, ah and
their drawn-out spellings)."""
STUTTER_WORDS = _words(
    "a an the i and but or to of in on at we it is was he she they you my that's i'm"
)
"""Function words whose doubling is a stutter ("the the"); "very very", "no no" are emphasis."""
