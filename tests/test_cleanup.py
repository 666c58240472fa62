"""Clean verbatim, as a specification table: what goes, what must stay, where punctuation goes.

Each row is what the model wrote -> what the episode page and the captions show. Words are
scripted (one a second) so every row also checks that kept words keep their own times.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gztranscribe.cleanup import (
    clean_transcript,
    clean_verbatim,
    clean_words,
    is_filler,
    repair_punctuation,
)
from gztranscribe.types import Segment, Transcript, Word


def words(text: str, start: float = 0.0) -> list[Word]:
    """One word a second, 0.8 s long: word n spans [n, n + 0.8)."""
    return [Word(start + n, start + n + 0.8, t, 0.9) for n, t in enumerate(text.split())]


def text_of(ws: list[Word]) -> str:
    return " ".join(w.text for w in ws)


# --- removed -----------------------------------------------------------------------------------

REMOVED = [
    # fillers, with the punctuation that marked the hesitation
    ("So, um, we went home.", "So, we went home.", "filler between commas"),
    ("Um, so we went home.", "So we went home.", "filler opening a sentence hands on the capital"),
    ("We went, uh, home.", "We went, home.", "the comma before a filler is the speaker's"),
    ("We went uh home.", "We went home.", "bare filler"),
    ("and then, uh.", "and then.", "a filler's full stop goes back to the word before"),
    ("Is it, um?", "Is it?", "a filler's question mark goes back too"),
    ("Montreal forced um... a liner.", "Montreal forced a liner.", "ellipsis of a hesitation"),
    ("I think um... The point is clear.", "I think... The point is clear.", "trailing off"),
    ("Montreal, uh, uh, uh, forced.", "Montreal, forced.", "a run of fillers"),
    ("Er, hmm, the plan.", "The plan.", "every spelling"),
    ("Ummm, the plan. Uhh, done. Hmmm, mm, ah, erm, ok.", "The plan. Done. Ok.", "drawn out"),
    ("It is. Um. It is.", "It is. It is.", "a filler alone as a sentence"),
    ('"Um, the plan," he said.', '"The plan," he said.', "an opening quote moves on"),
    ("he left um", "he left", "trailing filler"),
    ("um, so we left", "so we left", "lower case stays lower case (repair_punctuation's job)"),
    # stutters: the same word twice in a row
    ("I I think so.", "I think so.", "I I"),
    ("the the plan", "the plan", "the the"),
    ("The the plan works.", "The plan works.", "a sentence-initial stutter keeps its capital"),
    ("the the the plan", "the plan", "three times"),
    ("I, I think so.", "I think so.", "across a comma, a word that cannot end a clause"),
    ("I... I think so.", "I think so.", "across an ellipsis"),
    ("we we, we went", "we went", "mixed"),
    ("it's it's fine", "it's fine", "contraction"),
    ("I, uh, I think so.", "I think so.", "a stutter around a filler"),
    ("th- the plan", "the plan", "cut-off fragment restarted"),
    ("Mont- Montreal forced", "Montreal forced", "cut-off name"),
    ("so we- we went", "so we went", "fragment of a whole word"),
    # exact restarts of a short phrase
    ("I think I think we should.", "I think we should.", "two words"),
    ("in the, in the morning", "in the morning", "ends on 'the': unfinished, restarted"),
    ("a liner a liner", "a liner", "two words, no comma"),
    ("we need to we need to go", "we need to go", "three words"),
]

# --- kept --------------------------------------------------------------------------------------

KEPT = [
    ("It was very, very bad.", "emphasis across a comma"),
    ("No, no, no, that's wrong.", "emphatic no"),
    ("It was very very bad.", "emphatic doubling without a comma"),
    ("I really really mean it.", "really really"),
    ("Word, another word, here's some more word, word, word.", "content word repeated with commas"),
    ("He had had enough.", "grammatical had had"),
    ("I knew that that was wrong.", "grammatical that that"),
    ("able to do, do the Americans agree?", "a clause ends on 'do', the next starts with it"),
    ("I told you, you should go.", "'you' can end a clause"),
    ("Thank you, thank you.", "set phrase"),
    ("Bye bye.", "bye bye"),
    ("Ha ha.", "laughter words are words"),
    ("No. No.", "a repeat across a sentence end"),
    ("Montreal? Montreal?", "a repeated question"),
    ("We flew to Bora Bora.", "a name"),
    ("Walla Walla is in Washington.", "a name at a sentence start"),
    ("It was 1 1 thing.", "numbers are not stutters"),
    ("Uh-huh, that's right.", "uh-huh answers"),
    ("Mm-hmm.", "mm-hmm answers"),
    ("Uh-oh.", "uh-oh"),
    ("I hardly know 'er.", "'er is her"),
    ("He went to the ER.", "ER is an acronym"),
    ("To err is human.", "err is a verb"),
    ("Well, you know, I mean, it's like that.", "discourse words carry meaning"),
    ("Oh, I see.", "oh"),
    ("pre- and post-war plans", "a suspended hyphen is not a cut-off"),
    ("We were, we are going.", "a false start that is not an exact repeat stays as said"),
    ("It fell to -5 degrees.", "a minus sign is not a split word"),
    ("We went - no, we came.", "a spaced dash"),
]


@pytest.mark.parametrize("said, shown, why", REMOVED, ids=[r[2] for r in REMOVED])
def test_removed(said: str, shown: str, why: str) -> None:
    assert text_of(clean_words(words(said))) == shown


@pytest.mark.parametrize("said, why", KEPT, ids=[r[1] for r in KEPT])
def test_kept(said: str, why: str) -> None:
    assert text_of(clean_words(words(said))) == said


@pytest.mark.parametrize("said, shown, why", REMOVED, ids=[r[2] for r in REMOVED])
def test_kept_words_keep_their_own_times(said: str, shown: str, why: str) -> None:
    original = words(said)
    cleaned = clean_words(original)
    by_start = {w.start: w for w in original}
    for word in cleaned:
        source = by_start[word.start]  # every kept word is one of the originals...
        assert (word.end, word.probability) == (source.end, source.probability)
        # ...with the same letters (only case and punctuation may move)
        assert word.text.strip('.,?!"').lower() == source.text.strip('.,?!"').lower()
    assert [w.start for w in cleaned] == sorted(w.start for w in cleaned)


JOINED = [
    ("rather cold -hearted and", ["rather", "cold-hearted", "and"]),
    ("The US -Russia talks", ["The", "US-Russia", "talks"]),
    ("And 3 ,000 troops", ["And", "3,000", "troops"]),
    ("the COVID -19 rules", ["the", "COVID-19", "rules"]),
]


@pytest.mark.parametrize("said, shown", JOINED, ids=[r[0] for r in JOINED])
def test_words_split_by_the_tokenizer_are_joined(said: str, shown: list[str]) -> None:
    cleaned = clean_words(words(said))
    assert [w.text for w in cleaned] == shown
    joined = cleaned[1]
    assert (joined.start, joined.end) == (1.0, 2.8)  # from the first part's start to the last's end


def test_removed_time_disappears() -> None:
    cleaned = clean_words(words("So, um, we went."))
    assert [(w.start, w.end, w.text) for w in cleaned] == [
        (0.0, 0.8, "So,"),
        (2.0, 2.8, "we"),
        (3.0, 3.8, "went."),
    ]


def test_nothing_left() -> None:
    assert clean_words(words("Um, uh... hmm.")) == []
    assert clean_words([]) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("um", True),
        ("Um,", True),
        ("UH...", False),
        ("uh.", True),
        ("Ummm", True),
        ("hmm?", True),
        ("hm", True),
        ("mm", True),
        ("Er,", True),
        ("erm", True),
        ("ah", True),
        ("uh-", True),
        ("uh-huh", False),
        ("mm-hmm", False),
        ("err", False),
        ("'er", False),
        ("m", False),
        ("oh", False),
        ("aha", False),
        ("her", False),
        ("umbrella", False),
        ("ER", False),
    ],
)
def test_is_filler(text: str, expected: bool) -> None:
    assert is_filler(text) is expected


# --- punctuation repair ------------------------------------------------------------------------

REPAIRED = [
    ("it was late. we left.", "It was late. We left.", "sentence case"),
    ("i think i'm right and i'll go", "I think I'm right and I'll go.", "i -> I, final stop"),
    ("Really? yes! ok.", "Really? Yes! Ok.", "after ? and !"),
    ("wait... what", "Wait... what.", "an ellipsis does not start a sentence"),
    ("Mr. smith left", "Mr. smith left.", "nor does Mr."),
    ("So..., we went", "So, we went.", "..., -> ,"),
    ("So.., we went", "So, we went.", ".., -> ,"),
    ("we went,. then", "We went. Then.", ",. -> ."),
    ("really?. yes", "Really? Yes.", "?. -> ?"),
    ("ok.. fine", "Ok. Fine.", ".. -> ."),
    ("wait.... what", "Wait... what.", ".... -> ..."),
    ("the U.S., he said", "The U.S., he said.", "an abbreviation keeps its full stop"),
    ("it was the end,", "It was the end.", "a final comma becomes a full stop"),
    ("it was the end...", "It was the end...", "trailing off is an ending"),
    ("He asked why?", "He asked why?", "already ended"),
    ("iPhone sales. iPad too", "iPhone sales. iPad too.", "brand names keep their case"),
    ("in 1813", "In 1813.", "numbers"),
    ('he said "no', 'He said "no.', "a quote"),
]


@pytest.mark.parametrize("said, shown, why", REPAIRED, ids=[r[2] for r in REPAIRED])
def test_repair_punctuation(said: str, shown: str, why: str) -> None:
    original = words(said)
    repaired = repair_punctuation(original)
    assert text_of(repaired) == shown
    assert [(w.start, w.end) for w in repaired] == [(w.start, w.end) for w in original]


def test_repair_changes_only_case_and_punctuation() -> None:
    said = "well i went to the u.s. and it was fine,, really.. the end"
    for before, after in zip(words(said), repair_punctuation(words(said))):
        assert before.text.lower().strip(".,") == after.text.lower().strip(".,")


def test_clean_verbatim_is_both() -> None:
    said = "um, i i think we should, uh, go"
    assert text_of(clean_verbatim(words(said))) == "I think we should, go."


# --- whole transcripts -------------------------------------------------------------------------


def _segment(ws: list[Word]) -> Segment:
    return Segment(ws[0].start, ws[-1].end, " ".join(w.text for w in ws), tuple(ws))


def test_clean_transcript_keeps_segments_and_cleans_across_them() -> None:
    first = words("Um, we went to the", 0.0)
    second = words("the market. Uh.", 10.0)
    third = words("Hmm.", 20.0)
    transcript = Transcript(segments=(_segment(first), _segment(second), _segment(third)))
    cleaned = clean_transcript(transcript)
    assert [s.text for s in cleaned.segments] == ["We went to", "the market."]
    assert [w.text for w in cleaned.words] == ["We", "went", "to", "the", "market."]
    assert cleaned.segments[0].start == 1.0  # the first kept word, not the filler
    assert cleaned.segments[1].end == 11.8
    assert cleaned.text == "We went to the market."


# --- properties --------------------------------------------------------------------------------


_VOCAB = [
    "um",
    "Um,",
    "uh",
    "uh.",
    "er",
    "hmm...",
    "I",
    "I,",
    "the",
    "the,",
    "The",
    "we",
    "went",
    "very,",
    "very",
    "no,",
    "home.",
    "home",
    "so",
    "So,",
    "in",
    "th-",
    "Montreal,",
    "Montreal",
    "really?",
    "and",
    "it's",
    "'er",
    "uh-huh",
    "1",
    "well,",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_VOCAB), max_size=25))
def test_never_invents_reorders_or_retimes(tokens: list[str]) -> None:
    original = words(" ".join(tokens))
    cleaned = clean_verbatim(original)
    by_start = {w.start: w for w in original}
    assert [w.start for w in cleaned] == sorted({w.start for w in cleaned})
    for word in cleaned:
        source = by_start[word.start]
        assert word.end == source.end
        assert _letters(word.text) == _letters(source.text)
    assert not any(is_filler(w.text) for w in cleaned)
    assert clean_verbatim(cleaned) == cleaned  # cleaning clean text changes nothing


def _letters(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum() or c == "'")
