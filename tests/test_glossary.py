"""Glossary: the file format, the decoding hint, and post-decoding correction as specification tables.

Every decision about what correction may and may not touch is one row below; the rules themselves
are in the docstring of ``gztranscribe.glossary``. One test runs the real model on the 5-minute
episode (one transcription) to check the promise end to end.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import EVAL, REPO_ROOT, wer

from gztranscribe.errors import ExitCode, InputError
from gztranscribe.glossary import (
    COMMON_WORDS,
    MAX_HINT_CHARS,
    Correction,
    Glossary,
    Term,
    correct_transcript,
    correct_words,
    decoding_hint,
    hint_text,
    load_glossary,
    parse_glossary,
)
from gztranscribe.types import Segment, Transcript, Word

GLOSSARIES = REPO_ROOT / "tests" / "data" / "glossary"
EPISODE = EVAL / "episodes" / "quicktake-slt"

# The glossary the correction tables use: the episode's names, plus a few shapes of term.
NAMES = Glossary.of(
    "Ian Bremmer",
    "Kazakhstan",
    "Kazakh",
    "Tokayev",
    "Nazarbayev: Nazar Bayev",
    "Kremlin",
    "NATO",
    "Crimea",
    "Belarus",
    "Ukraine",
    "Putin",
    "Biden",
    "Kassym-Jomart Tokayev",
    "European Union",
)


def words_of(text: str, step: float = 0.5) -> list[Word]:
    return [Word(k * step, k * step + 0.4, t, 0.9) for k, t in enumerate(text.split())]


def corrected(text: str, glossary: Glossary = NAMES) -> str:
    out, _ = correct_words(words_of(text), glossary)
    return " ".join(w.text for w in out)


# ---------------------------------------------------------------------------------------------
# The file format

PARSES = [
    # (file text, the terms it gives: (text, variants))
    ("Kazakhstan\n", [("Kazakhstan", ())]),
    ("Ian Bremmer\nKassym-Jomart Tokayev\n", [("Ian Bremmer", ()), ("Kassym-Jomart Tokayev", ())]),
    ("Nazarbayev: Nazar Bayev, Nasir Bayev", [("Nazarbayev", ("Nazar Bayev", "Nasir Bayev"))]),
    ("Tokayev = Takayev", [("Tokayev", ("Takayev",))]),
    ("  Ian   Bremmer \t\n", [("Ian Bremmer", ())]),  # spaces collapsed
    ("# the show's names\n\nNATO   # the alliance\n\n", [("NATO", ())]),  # comments, blanks
    ("C#\n", [("C#", ())]),  # '#' inside a word is not a comment
    ("\ufeffKremlin\r\nMoscow\r\n", [("Kremlin", ()), ("Moscow", ())]),  # BOM, CRLF
    ("Zu\u0308rich\nŁukashenko: Lukashenka\n", [("Zürich", ()), ("Łukashenko", ("Lukashenka",))]),
    ("Tokayev: Takayev\nTokayev: Tokaev, Takayev\n", [("Tokayev", ("Takayev", "Tokaev"))]),  # merged
    ("NATO: NATO, Nato, nato", [("NATO", ("Nato",))]),  # the term itself dropped; same letters once
    ("", []),
    ("# nothing but comments\n", []),
]


@pytest.mark.parametrize(("text", "terms"), PARSES)
def test_glossary_file_parses(text: str, terms: list[tuple[str, tuple[str, ...]]]) -> None:
    glossary = parse_glossary(text, name="names.txt")
    assert [(t.text, t.sounds_like) for t in glossary.terms] == terms


MALFORMED = [
    # (file text, line reported, words the message must contain)
    ("Kazakhstan\n: Nasir Bayev\n", 2, "no term before"),
    ("Kazakhstan\n\nNazarbayev:\n", 3, "nothing after"),
    ("Nazarbayev: Nasir Bayev,, Nazar Bayev", 1, "empty variant"),
    ("Nazarbayev: Nasir Bayev,", 1, "empty variant"),
    ("Kazakhstan, Tokayev, Nazarbayev", 1, "one term a line"),
    ("Kremlin\n3,000\n", 2, "no letters"),
    ("Kremlin\n" + "word " * 9, 2, "too long"),
    ("x" * 101, 1, "too long"),
    ("Kazakh: Kazakhstan\nKazakhstan\n", 1, "is itself a term"),
    ("Tokayev: Takayev\nTakaya: Takayev\n", 2, "already a variant of 'Tokayev' (line 1)"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_malformed_glossary_lines_are_input_errors_with_file_and_line(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(InputError) as error:
        parse_glossary(text, name="names.txt")
    assert str(error.value).startswith(f"names.txt:{line}: ")
    assert message in str(error.value)
    assert error.value.exit_code == ExitCode.INPUT


def test_load_glossary_reads_the_fixture_files() -> None:
    glossary = load_glossary(GLOSSARIES / "quicktake.txt")
    assert Term("Ian Bremmer") in glossary.terms
    assert Term("Nazarbayev") in glossary.terms
    assert glossary.source.endswith("quicktake.txt")
    assert [t.text for t in load_glossary(GLOSSARIES / "commentary.txt").terms][:3] == [
        "Dana Miller", "Brookfield", "Maria Lopez",
    ]


def test_load_glossary_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.txt: glossary file not found"):
        load_glossary(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="not a folder"):
        load_glossary(tmp_path)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Kremlin\nMoscow\nZ\u00fcrich\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.txt:3: the glossary is not UTF-8"):
        load_glossary(latin1)
    bad = tmp_path / "bad.txt"
    bad.write_text("Kremlin\n\n: Moskva\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.txt:3: no term before ':'"):
        load_glossary(bad)


# ---------------------------------------------------------------------------------------------
# Before decoding


def test_decoding_hint_is_hotwords_listing_the_terms_not_the_variants() -> None:
    glossary = Glossary.of("Ian Bremmer", "Nazarbayev: Nasir Bayev", "Kazakhstan")
    assert decoding_hint(glossary) == {"hotwords": "Ian Bremmer, Nazarbayev, Kazakhstan."}
    assert decoding_hint(Glossary()) == {}
    assert hint_text(Glossary.of("U.S.")) == "U.S."  # no second full stop


def test_a_long_glossary_is_cut_to_whole_terms_for_the_hint() -> None:
    glossary = Glossary.of(*[f"Name{chr(65 + k // 26)}{chr(65 + k % 26)}xyz" for k in range(200)])
    hint = hint_text(glossary)
    assert len(hint) <= MAX_HINT_CHARS
    assert hint.endswith("xyz.")
    assert all(re.fullmatch(r"Name[A-Z]{2}xyz", t) for t in hint.rstrip(".").split(", "))


# ---------------------------------------------------------------------------------------------
# After decoding: what is corrected

HITS = [
    # (transcribed, corrected)                       why
    ("Kazakstan", "Kazakhstan"),                     # a letter missing; "kh" sounds as "k"
    ("Kazakstan, and", "Kazakhstan, and"),           # punctuation kept
    ("(Kazakstan)", "(Kazakhstan)"),
    ('"Bremer,"', '"Bremmer,"'),
    ("Bremer's view", "Bremmer's view"),             # possessive kept; a part of "Ian Bremmer"
    ("Bremer\u2019s", "Bremmer\u2019s"),             # curly apostrophe
    ("Ian Bremer here.", "Ian Bremmer here."),
    ("Kazakstan's", "Kazakhstan's"),
    ("Takayev", "Tokayev"),                          # one vowel off, same consonants
    ("Tokaev", "Tokayev"),                           # another transliteration
    ("Nazarbaev", "Nazarbayev"),
    ("Nasir Bayev, the", "Nazarbayev, the"),         # two words merged into one term
    ("Nazar Bayev", "Nazarbayev"),                   # a "sounds like" variant
    ("nazar bayev", "Nazarbayev"),                   # variants match in any case
    ("bremmer", "Bremmer"),                          # case
    ("nato", "NATO"),
    ("Nato", "NATO"),
    ("KAZAKHSTAN", "Kazakhstan"),
    ("Kazakh stan", "Kazakhstan"),                   # split, same letters
    ("Kassym Jomart Tokayev", "Kassym-Jomart Tokayev"),
    ("european union", "European Union"),
    ("Nazarbaev-connected oligarchs", "Nazarbayev-connected oligarchs"),  # part of a hyphenated word
    ("Putin-Biden talks", "Putin-Biden talks"),      # already right
    ("President Takayev, Nasir Bayev and Ian Bremer.", "President Tokayev, Nazarbayev and Ian Bremmer."),
]


@pytest.mark.parametrize(("transcribed", "expected"), HITS)
def test_near_misses_are_corrected(transcribed: str, expected: str) -> None:
    assert corrected(transcribed) == expected


UNTOUCHED = [
    # transcribed                  why it must stay
    "remember",                    # ordinary words, whatever their spelling distance to a name
    "Remember",                    # ...also capitalised at the start of a sentence
    "member Member",
    "taking Taking",
    "cocky",
    "bear Bear",
    "the The",
    "crime a",                     # same letters as "Crimea", but ordinary words: no merge
    "3,000 2014",                  # numbers
    "Brenner",                     # a real, different name: n is not m (decided: left alone)
    "Bremner",                     # likewise (Rory Bremner)
    "Tokayeva",                    # a name plus a suffix is another word (decided: left alone)
    "Kazakhs",
    "Crimean",
    "Ukrainian",
    "Kazakh government",           # a right term is not merged into a longer one by a near-miss
    "Kazakhstan Kazakh Tokayev",   # already right
    "kazakstan",                   # lowercase: the model heard an ordinary word (add a variant)
    "Takaya",                      # too far from "Tokayev" (hotwords fix it before decoding)
    "Baden Bidden Puttin",         # terms under 6 letters are only respelled, never near-missed
    "Nasir, Bayev",                # a comma between words: no merge
    "Ian",                         # a short part of a multi-word term is not a term
    "union European",              # ordinary parts of a multi-word term are not terms
]


@pytest.mark.parametrize("transcribed", UNTOUCHED)
def test_ordinary_words_and_other_names_are_left_alone(transcribed: str) -> None:
    assert corrected(transcribed) == transcribed


@pytest.mark.parametrize(
    ("glossary", "transcribed", "expected"),
    [
        (Glossary.of("Kremlin: crumbling"), "the crumbling walls", "the Kremlin walls"),  # asked for
        (Glossary.of("Will"), "I will go, Will.", "I will go, Will."),  # an ordinary word as a term
        (Glossary.of("Main Street"), "along main street", "along Main Street"),
        (Glossary.of("Northern Sea Route"), "its northern border", "its northern border"),  # one word
        # one sound off an 8-sound name, not a word, not a known name: a near-miss (the old
        # Metaphone rule kept "Brooksfield"; the sound budget of a long name now takes it)
        (Glossary.of("Dana Miller", "Brookfield"), "Dana Millar in Brooksfield", "Dana Miller in Brookfield"),
        (Glossary.of("Brookfield"), "the Brookfeld council", "the Brookfield council"),
        (Glossary(), "Kazakstan", "Kazakstan"),
    ],
)
def test_other_glossaries(glossary: Glossary, transcribed: str, expected: str) -> None:
    assert corrected(transcribed, glossary) == expected


def test_no_common_word_is_ever_rewritten_in_any_case() -> None:
    text = " ".join(w for word in sorted(COMMON_WORDS) for w in (word, word.capitalize()))
    assert corrected(text) == text


# ---------------------------------------------------------------------------------------------
# After decoding: times and the corrections reported


def test_merged_words_span_both_times_with_the_lower_probability() -> None:
    words = [
        Word(55.9, 56.3, "and", 0.99),
        Word(56.47, 56.83, "Nasir", 0.62),
        Word(56.83, 57.21, "Bayev,", 0.81),
        Word(57.3, 57.5, "the", 0.99),
    ]
    out, made = correct_words(words, NAMES)
    assert out == [words[0], Word(56.47, 57.21, "Nazarbayev,", 0.62), words[3]]
    assert made == [Correction(56.47, 57.21, "Nasir Bayev,", "Nazarbayev,", "Nazarbayev", "near-miss")]
    assert out[0] is words[0]  # untouched words are the same objects; the input is not changed
    assert words[1].text == "Nasir"


def test_a_split_keeps_the_span_and_shares_it_by_length() -> None:
    words = [Word(1.0, 1.4, "Kassym"), Word(1.4, 1.8, "Jomart"), Word(1.8, 2.6, "Tokayev.")]
    out, made = correct_words(words, NAMES)
    assert [w.text for w in out] == ["Kassym-Jomart", "Tokayev."]
    assert out[0].start == 1.0 and out[-1].end == 2.6
    assert out[0].end == out[1].start and out[0].start < out[0].end < out[1].end
    assert made[0].reason == "respelled" and (made[0].start, made[0].end) == (1.0, 2.6)


def test_a_correction_reports_only_the_words_that_changed() -> None:
    _, made = correct_words(words_of("and Ian Bremer here"), NAMES)
    assert made == [Correction(1.0, 1.4, "Bremer", "Bremmer", "Ian Bremmer", "near-miss")]
    _, made = correct_words(words_of("the crumbling walls"), Glossary.of("Kremlin: crumbling"))
    assert [(c.original, c.corrected, c.reason) for c in made] == [("crumbling", "Kremlin", "variant")]


def test_correcting_twice_changes_nothing_more() -> None:
    once, _ = correct_words(words_of(" ".join(t for t, _ in HITS)), NAMES)
    twice, made = correct_words(once, NAMES)
    assert twice == once and made == []


def test_correct_transcript_rewrites_segment_text_and_words_alike() -> None:
    first = Segment(0.0, 2.0, "Ian Bremer here, in Kazakstan.", tuple(words_of("Ian Bremer here, in Kazakstan.")))
    second = Segment(3.0, 4.0, "Nothing to fix.", tuple(words_of("Nothing to fix.")))
    transcript = Transcript((first, second), duration=5.0)
    fixed, made = correct_transcript(transcript, NAMES)
    assert fixed.segments[0].text == "Ian Bremmer here, in Kazakhstan."
    assert " ".join(w.text for w in fixed.segments[0].words) == fixed.segments[0].text
    assert fixed.segments[1] is second
    assert [c.corrected for c in made] == ["Bremmer", "Kazakhstan."]
    assert correct_transcript(transcript, Glossary()) == (transcript, [])


# ---------------------------------------------------------------------------------------------
# The real model on the 5-minute episode (one transcription)


def _names_written(glossary: Glossary, text: str) -> dict[str, int]:
    return {t.text: len(re.findall(rf"(?<!\w){re.escape(t.text)}(?!\w)", text)) for t in glossary.terms}


@pytest.mark.slow
def test_episode_with_its_glossary_spells_every_name_right_everywhere(transcriber) -> None:
    from gztranscribe.document import build_document
    from gztranscribe.formats import render
    from gztranscribe.media import extract_audio
    from gztranscribe.transcribe import DecodeOptions

    glossary = load_glossary(GLOSSARIES / "quicktake.txt")
    reference = (EPISODE / "reference.txt").read_text()
    audio = extract_audio(EPISODE / "quicktake-slt.mp4")
    transcript = transcriber.transcribe(audio, DecodeOptions(**decoding_hint(glossary)))
    transcript, _ = correct_transcript(transcript, glossary)

    document = build_document(transcript)
    vtt = render(document, "vtt")
    cue_text = " ".join(
        line for line in vtt.splitlines()[1:] if line.strip() and "-->" not in line
    )
    data = json.loads(render(document, "json"))
    outputs = {
        "words": " ".join(w.text for w in transcript.words),
        "txt": render(document, "txt"),
        "vtt": cue_text,
        "json text": data["text"],
        "json segments": " ".join(s["text"] for s in data["segments"]),
        "json words": " ".join(w["text"] for s in data["segments"] for w in s["words"]),
    }
    assert wer(reference, outputs["txt"]) <= 0.02
    wanted = {k: v for k, v in _names_written(glossary, reference).items() if v}
    assert len(wanted) >= 12
    for name, text in outputs.items():
        written = _names_written(glossary, text)
        wrong = {t: (written[t], n) for t, n in wanted.items() if written[t] < n}
        assert not wrong, f"{name}: names written fewer times than spoken (written, spoken): {wrong}"


def test_a_name_split_across_two_segments_is_still_a_near_miss() -> None:
    """Whisper can end a segment inside a name: "...President Nazar" / "Bayev said." (issue 11)."""
    from gztranscribe.glossary import Glossary, correct_transcript
    from gztranscribe.types import Segment, Transcript, Word

    first = (Word(0.0, 0.5, "President"), Word(0.5, 1.0, "Nazar"))
    second = (Word(1.0, 1.5, "Bayev"), Word(1.5, 2.0, "said."))
    transcript = Transcript((Segment(0.0, 1.0, "President Nazar", first),
                             Segment(1.0, 2.0, "Bayev said.", second)))
    fixed, made = correct_transcript(transcript, Glossary.of("Nazarbayev"))
    assert [s.text for s in fixed.segments] == ["President Nazarbayev", "said."]
    assert [w.text for w in fixed.words] == ["President", "Nazarbayev", "said."]
    assert fixed.words[1].start == 0.5 and fixed.words[1].end == 1.5
    assert [c.corrected for c in made] == ["Nazarbayev"]


def test_a_finished_sentence_is_never_merged_with_the_next_segment() -> None:
    from gztranscribe.glossary import Glossary, correct_transcript
    from gztranscribe.types import Segment, Transcript, Word

    first = (Word(0.0, 0.5, "Ask"), Word(0.5, 1.0, "Nazar."))
    second = (Word(1.2, 1.5, "Bayev"), Word(1.5, 2.0, "agreed."))
    transcript = Transcript((Segment(0.0, 1.0, "Ask Nazar.", first), Segment(1.2, 2.0, "Bayev agreed.", second)))
    fixed, _ = correct_transcript(transcript, Glossary.of("Nazarbayev"))
    assert [s.text for s in fixed.segments] == ["Ask Nazar.", "Bayev agreed."]


@pytest.mark.parametrize(
    "heard, expected",
    [
        ("Margre Vestager", "Margrethe Vestager"),  # heard on a generated episode (issue 11)
        ("Margaret Vestager", "Margrethe Vestager"),
        ("Ian Brenner", "Ian Brenner"),  # a wrong surname is another person
        ("Remember Vestager", "Remember Vestager"),  # a common word is never rewritten
    ],
)
def test_a_given_name_near_miss_is_anchored_by_an_exact_surname(heard: str, expected: str) -> None:
    from gztranscribe.glossary import Glossary, correct_words
    from gztranscribe.types import Word

    words = [Word(i * 0.5, i * 0.5 + 0.4, t) for i, t in enumerate(f"said {heard} today".split())]
    fixed, _ = correct_words(words, Glossary.of("Margrethe Vestager", "Ian Bremmer"))
    assert " ".join(w.text for w in fixed) == f"said {expected} today"
