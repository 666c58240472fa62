"""The format writers: pure functions from scripted captions/paragraphs/transcripts to file text."""

from __future__ import annotations

import html
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
import webvtt
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gztranscribe.errors import InputError, UsageError
from gztranscribe.formats import DEFAULT_FORMATS, WRITERS, parse_formats, srt, txt, vtt
from gztranscribe.formats.jsonfile import read_transcript, render_transcript, to_dict
from gztranscribe.formats.timestamps import format_timestamp
from gztranscribe.types import Captions, Cue, Paragraph, Segment, Transcript, Word

_STAMP = r"\d{2,}:[0-5]\d:[0-5]\d\.\d{3}"
TIMING = re.compile(rf"^{_STAMP} --> {_STAMP}$")  # hours may exceed 99; never a comma in VTT

CUES = Captions(
    cues=(
        Cue(0.0, 1.5, ("Good evening, and welcome",), identifier="1"),
        Cue(1.5, 4.25, ("to Quick Take. Tonight:", "tax & spending <live>")),
        Cue(3725.5, 3727.125, ("An hour in: a --> b",)),
    )
)


# --------------------------------------------------------------------------- timestamps
@pytest.mark.parametrize(
    ("seconds", "vtt_text", "srt_text"),
    [
        (0.0, "00:00:00.000", "00:00:00,000"),
        (1.5, "00:00:01.500", "00:00:01,500"),
        (59.999, "00:00:59.999", "00:00:59,999"),
        (61.25, "00:01:01.250", "00:01:01,250"),
        (3600.0, "01:00:00.000", "01:00:00,000"),
        (3725.042, "01:02:05.042", "01:02:05,042"),
        (36000.0 + 59 * 60 + 59.5, "10:59:59.500", "10:59:59,500"),
        (0.0004, "00:00:00.000", "00:00:00,000"),
        (0.0005, "00:00:00.001", "00:00:00,001"),  # half a millisecond rounds up
        (0.0025, "00:00:00.003", "00:00:00,003"),  # ...also when the millisecond below is even
        (0.9996, "00:00:01.000", "00:00:01,000"),  # rounding carries into the seconds
        (59.9999, "00:01:00.000", "00:01:00,000"),  # ...and into the minutes
        (-0.2, "00:00:00.000", "00:00:00,000"),  # never a negative timestamp
    ],
)
def test_timestamps_are_hh_mm_ss_mmm_rounded_to_the_nearest_millisecond(
    seconds: float, vtt_text: str, srt_text: str
) -> None:
    assert format_timestamp(seconds) == vtt_text
    assert format_timestamp(seconds, ",") == srt_text


@settings(max_examples=300, deadline=None)
@example(0.0005).via("a half millisecond that random search rarely hits")
@example(0.0025).via("a half millisecond above an even one")
@example(3661.2345).via("an hour in")
@given(st.floats(min_value=0, max_value=100_000, allow_nan=False, allow_infinity=False))
def test_a_timestamp_shows_the_same_millisecond_as_the_json_transcript(seconds: float) -> None:
    """VTT/SRT and JSON must agree on every time, or a re-render from JSON moves cues."""
    json_seconds = to_dict(Transcript(segments=(), duration=seconds))["duration"]
    millis = int(Decimal(repr(json_seconds)).scaleb(3).to_integral_value(ROUND_HALF_UP))
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    assert format_timestamp(seconds) == f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


# --------------------------------------------------------------------------- WebVTT
def test_a_vtt_file_starts_with_the_webvtt_header_and_ends_with_a_newline() -> None:
    text = vtt.render_captions(CUES)
    assert text.startswith("WEBVTT\n\n")
    assert text.endswith("\n") and not text.endswith("\n\n\n")


def test_an_empty_caption_list_is_still_a_valid_vtt_file() -> None:
    text = vtt.render_captions(Captions(cues=()))
    assert text == "WEBVTT\n"
    assert webvtt.from_string(text).captions == []


def test_vtt_cue_blocks_are_identifier_timing_then_text_separated_by_blank_lines() -> None:
    blocks = vtt.render_captions(CUES).rstrip("\n").split("\n\n")
    assert blocks == [
        "WEBVTT",
        "1\n00:00:00.000 --> 00:00:01.500\nGood evening, and welcome",
        "00:00:01.500 --> 00:00:04.250\nto Quick Take. Tonight:\ntax &amp; spending &lt;live&gt;",
        "01:02:05.500 --> 01:02:07.125\nAn hour in: a --&gt; b",
    ]


@pytest.mark.parametrize(
    ("line", "written"),
    [
        ("Q&A", "Q&amp;A"),
        ("1 < 2", "1 &lt; 2"),
        ("2 > 1", "2 &gt; 1"),
        ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
        ("&amp; stays literal", "&amp;amp; stays literal"),
        ("a --> b", "a --&gt; b"),
        ("plain words, unchanged", "plain words, unchanged"),
    ],
)
def test_vtt_cue_text_escapes_ampersand_and_angle_brackets(line: str, written: str) -> None:
    text = vtt.render_captions(Captions(cues=(Cue(1.0, 2.0, (line,)),)))
    assert text.splitlines()[-1] == written


def test_an_arrow_in_cue_text_never_appears_in_a_cue_payload() -> None:
    cues = Captions(cues=(Cue(1.0, 2.0, ("-->", "x-->y", "--> -->")),))
    lines = vtt.render_captions(cues).splitlines()
    assert [ln for ln in lines if "-->" in ln] == ["00:00:01.000 --> 00:00:02.000"]


def test_notes_are_written_as_note_blocks_that_cannot_hold_an_arrow_or_a_blank_line() -> None:
    text = vtt.render_captions(Captions(cues=CUES.cues, notes=("made by --> us", "two\n\nparas")))
    parsed = webvtt.from_string(text)
    assert len(parsed.captions) == len(CUES.cues)
    assert "NOTE made by -> us" in text
    assert sum("-->" in ln for ln in text.splitlines()) == len(CUES.cues)


def test_blank_lines_in_a_cue_are_dropped_so_they_cannot_end_the_cue_early() -> None:
    text = vtt.render_captions(Captions(cues=(Cue(1.0, 2.0, ("first", "  ", "second")),)))
    parsed = webvtt.from_string(text)
    assert [c.text for c in parsed.captions] == ["first\nsecond"]


def test_cue_identifiers_are_written_above_the_timing_and_read_back() -> None:
    parsed = webvtt.from_string(vtt.render_captions(CUES)).captions
    assert [c.identifier for c in parsed] == ["1", None, None]


def _parsed_cues(text: str) -> list[tuple[str, str, str]]:
    return [(c.start, c.end, html.unescape(c.text)) for c in webvtt.from_string(text).captions]


def test_every_cue_reads_back_with_webvtt_py_with_its_times_and_text() -> None:
    assert _parsed_cues(vtt.render_captions(CUES)) == [
        (format_timestamp(c.start), format_timestamp(c.end), "\n".join(c.lines)) for c in CUES.cues
    ]


_cue_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zl", "Zp"),  # no control chars or line separators
        whitelist_characters="&<>-",
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip())


@st.composite
def _captions(draw: st.DrawFn) -> Captions:
    count = draw(st.integers(min_value=0, max_value=6))
    cues, t = [], 0.0
    for _ in range(count):
        start = t + draw(st.integers(min_value=0, max_value=5000)) / 1000
        end = start + draw(st.integers(min_value=1, max_value=7000)) / 1000
        lines = tuple(draw(st.lists(_cue_text, min_size=1, max_size=2)))
        cues.append(Cue(start, end, lines))
        t = end
    return Captions(cues=tuple(cues))


@settings(max_examples=150, deadline=None)
@given(_captions())
def test_every_vtt_we_write_parses_with_webvtt_py_and_reads_back_the_same_cues(
    captions: Captions,
) -> None:
    text = vtt.render_captions(captions)
    timings = [ln for ln in text.splitlines() if "-->" in ln]
    assert len(timings) == len(captions.cues) and all(TIMING.match(t) for t in timings)
    assert _parsed_cues(text) == [
        (format_timestamp(c.start), format_timestamp(c.end), "\n".join(c.lines))
        for c in captions.cues
    ]


# --------------------------------------------------------------------------- SubRip
def test_srt_numbers_cues_from_one_and_uses_a_comma_before_milliseconds() -> None:
    text = srt.render_captions(CUES)
    assert text == (
        "1\n00:00:00,000 --> 00:00:01,500\nGood evening, and welcome\n\n"
        "2\n00:00:01,500 --> 00:00:04,250\nto Quick Take. Tonight:\ntax & spending <live>\n\n"
        "3\n01:02:05,500 --> 01:02:07,125\nAn hour in: a -> b\n"
    )


def test_srt_numbering_ignores_vtt_identifiers() -> None:
    cues = Captions(cues=(Cue(0, 1, ("a",), identifier="intro"), Cue(1, 2, ("b",), identifier="x")))
    blocks = srt.render_captions(cues).split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == ["1", "2"]


def test_srt_reads_back_with_webvtt_py(tmp_path) -> None:
    path = tmp_path / "cues.srt"
    path.write_text(srt.render_captions(CUES), encoding="utf-8")
    parsed = webvtt.from_srt(str(path))  # (webvtt-py strips <tags> from SRT text, so times only)
    assert [(c.start, c.end) for c in parsed.captions] == [
        (format_timestamp(c.start), format_timestamp(c.end)) for c in CUES.cues
    ]


def test_an_empty_caption_list_is_an_empty_srt_file() -> None:
    assert srt.render_captions(Captions(cues=())) == ""


# --------------------------------------------------------------------------- plain text
def test_txt_writes_one_paragraph_per_line() -> None:
    paragraphs = (
        Paragraph(0.0, 5.0, "Good evening. Welcome to Quick Take."),
        Paragraph(7.0, 12.0, "First, the budget."),
        Paragraph(13.0, 20.0, "And finally, the weather."),
    )
    text = txt.render_paragraphs(paragraphs)
    assert text.splitlines() == [p.text for p in paragraphs]
    assert text.endswith("\n") and "\n\n" not in text


def test_txt_of_no_paragraphs_is_empty() -> None:
    assert txt.render_paragraphs(()) == ""


# --------------------------------------------------------------------------- JSON
TRANSCRIPT = Transcript(
    segments=(
        Segment(
            0.52,
            2.04,
            "Good evening, Kazakhstan.",
            words=(Word(0.52, 0.9, "Good", 0.9871), Word(0.9, 1.3, "evening,", 0.5),
                   Word(1.32, 2.04, "Kazakhstan.", 0.25)),
            avg_logprob=-0.2531,
            no_speech_prob=0.0123,
        ),
        Segment(3725.125, 3726.0, "Café — naïve “quotes” & <tags>",
                words=(Word(3725.125, 3726.0, "Café — naïve “quotes” & <tags>", 1.0),)),
    ),
    language="en",
    duration=3727.5,
    model="tiny.en",
    options={"beam_size": 5, "language": "en", "initial_prompt": None},
    source="episode 1 é.mp4",
)


def test_json_round_trips_a_transcript_with_millisecond_times() -> None:
    assert read_transcript(render_transcript(TRANSCRIPT)) == TRANSCRIPT


def test_json_rounds_times_to_milliseconds() -> None:
    t = Transcript(segments=(Segment(1.23456, 2.0004, "hi", (Word(1.23456, 2.0004, "hi"),)),))
    data = json.loads(render_transcript(t))
    assert (data["segments"][0]["start"], data["segments"][0]["end"]) == (1.235, 2.0)
    assert data["segments"][0]["words"][0]["start"] == 1.235


def test_json_is_utf8_text_marked_as_ours_with_the_full_text() -> None:
    text = render_transcript(TRANSCRIPT)
    data = json.loads(text)
    assert "Café" in text  # not \u-escaped
    assert data["schema"] == "gztranscribe.transcript" and data["version"] == 1
    assert data["text"] == TRANSCRIPT.text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not json",
        "[1, 2]",
        '{"segments": []}',  # no schema: someone else's JSON
        '{"schema": "gztranscribe.transcript"}',  # no segments
        '{"schema": "gztranscribe.transcript", "segments": [{"start": "x", "end": 1, "text": ""}]}',
    ],
    ids=["empty", "not-json", "array", "foreign", "no-segments", "bad-time"],
)
def test_reading_a_json_that_is_not_our_transcript_raises_input_error_naming_the_file(
    text: str,
) -> None:
    with pytest.raises(InputError, match=r"^ep\.json: "):
        read_transcript(text, name="ep.json")


# --------------------------------------------------------------------------- registry
@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("vtt", ("vtt",)),
        ("vtt, SRT,.txt", ("vtt", "srt", "txt")),
        ("json,vtt,json,VTT", ("json", "vtt")),
        ("vtt,,txt,", ("vtt", "txt")),
        (["srt", " .JSON "], ("srt", "json")),
    ],
)
def test_parse_formats_accepts_case_dots_and_spaces_and_drops_duplicates(spec, expected) -> None:
    assert parse_formats(spec) == expected


@pytest.mark.parametrize("spec", ["doc", "vtt,doc", "", " , ", "vtt;srt"])
def test_parse_formats_refuses_unknown_or_no_formats_listing_the_known_ones(spec: str) -> None:
    with pytest.raises(UsageError, match="vtt, srt, txt, json, md, html"):
        parse_formats(spec)


def test_the_default_formats_are_vtt_txt_and_json_and_every_format_has_a_writer() -> None:
    assert DEFAULT_FORMATS == ("vtt", "txt", "json")
    assert set(WRITERS) == {"vtt", "srt", "txt", "json", "md", "html"}


def test_writer_modules_import_no_heavy_dependencies() -> None:
    import subprocess
    import sys

    code = (
        "import sys, gztranscribe.formats; "
        "print(sorted({'faster_whisper','ctranslate2','av','typer','ffmpeg'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
