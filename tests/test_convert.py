"""``gztranscribe convert``: SRT <-> WebVTT with times and text kept exactly, ``--shift``, and
a one-line error naming the line for malformed input (exit 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gztranscribe.caption_files import (
    parse_caption_text,
    read_caption_file,
    read_captions,
    shift_captions,
    write_captions,
)
from gztranscribe.errors import CaptionFileError, ExitCode
from gztranscribe.formats import srt as srt_format
from gztranscribe.formats import vtt as vtt_format
from gztranscribe.types import Captions, Cue

FIXTURES = Path(__file__).parent / "data" / "captions"


@pytest.fixture(scope="module")
def run():
    """Invoke the real app; registers check/convert if cli.py has not done so yet."""
    from gztranscribe.cli import app
    from gztranscribe.cli_captions import register

    if "convert" not in [c.name for c in app.registered_commands]:
        register(app)
    runner = CliRunner()

    def invoke(*args: object):
        result = runner.invoke(app, [str(a) for a in args])
        assert "Traceback" not in result.output
        if result.exception is not None:
            assert isinstance(result.exception, SystemExit), repr(result.exception)
        return result

    return invoke


def timed_text(captions: Captions) -> list[tuple[float, float, tuple[str, ...]]]:
    return [(c.start, c.end, c.lines) for c in captions.cues]


# --- round trips ------------------------------------------------------------------------------


def test_srt_vtt_srt_round_trip(run, tmp_path: Path) -> None:
    source = FIXTURES / "clean.srt"
    assert run("convert", source, tmp_path / "a.vtt").exit_code == 0
    assert run("convert", tmp_path / "a.vtt", tmp_path / "b.srt").exit_code == 0
    original = read_captions(source)
    assert timed_text(read_captions(tmp_path / "a.vtt")) == timed_text(original)
    assert timed_text(read_captions(tmp_path / "b.srt")) == timed_text(original)
    assert (tmp_path / "a.vtt").read_text().startswith("WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n")
    assert "&amp;" in (tmp_path / "a.vtt").read_text()  # the SRT's raw & is escaped in WebVTT
    assert len(webvtt.read(str(tmp_path / "a.vtt")).captions) == len(original.cues)
    assert len(webvtt.from_srt(str(tmp_path / "b.srt")).captions) == len(original.cues)


def test_vtt_srt_vtt_round_trip(run, tmp_path: Path) -> None:
    source = FIXTURES / "clean.vtt"
    assert run("convert", source, tmp_path / "a.srt").exit_code == 0
    assert run("convert", tmp_path / "a.srt", tmp_path / "b.vtt").exit_code == 0
    original = read_captions(source)
    assert timed_text(read_captions(tmp_path / "b.vtt")) == timed_text(original)
    srt_text = (tmp_path / "a.srt").read_text()
    assert "Shop owners are worried & unhappy." in srt_text
    assert "<v" not in srt_text and "<i>" not in srt_text


def test_same_format_normalises(run, tmp_path: Path) -> None:
    out = tmp_path / "out.vtt"
    assert run("convert", FIXTURES / "unescaped-amp.vtt", out).exit_code == 0
    assert "Shops &amp; the council" in out.read_text()
    assert run("check", out).exit_code == 0
    assert run("convert", FIXTURES / "missing-header.vtt", out).exit_code == 0
    assert out.read_text().startswith("WEBVTT\n\n")
    assert run("check", out).exit_code == 0


def test_vtt_identifiers_and_notes_survive_vtt_to_vtt(run, tmp_path: Path) -> None:
    out = tmp_path / "out.vtt"
    assert run("convert", FIXTURES / "clean.vtt", out).exit_code == 0
    text = out.read_text()
    assert "\nintro\n00:00:01.000 --> 00:00:03.500\n" in text
    assert "NOTE A clean file" in text


def test_srt_numbers_do_not_become_vtt_identifiers(run, tmp_path: Path) -> None:
    out = tmp_path / "out.vtt"
    assert run("convert", FIXTURES / "clean.srt", out).exit_code == 0
    assert all(cue.identifier == "" for cue in read_captions(out).cues)


cue_text = st.lists(
    st.text(alphabet="abcXYZ019&,.?!'", min_size=1, max_size=8), min_size=1, max_size=6
).map(" ".join)


@st.composite
def captions_strategy(draw) -> Captions:
    starts = sorted(draw(st.lists(st.integers(0, 10_000_000), min_size=1, max_size=6)))
    cues = []
    for start in starts:
        length = draw(st.integers(1, 9_000))
        lines = tuple(draw(st.lists(cue_text, min_size=1, max_size=2)))
        cues.append(Cue(start / 1000, (start + length) / 1000, lines))
    return Captions(tuple(cues))


@settings(max_examples=60, deadline=None)
@given(captions_strategy())
def test_write_then_read_is_exact(captions: Captions) -> None:
    for kind in ("vtt", "srt"):
        parsed = parse_caption_text(write_captions(captions, kind), kind=kind, name=f"t.{kind}")
        assert timed_text(parsed.captions) == timed_text(captions)
        assert not [p for p in parsed.problems if p.severity == "error"]


def test_write_captions_delegates_to_the_format_writers() -> None:
    captions = read_captions(FIXTURES / "clean.vtt")
    assert write_captions(captions, "vtt") == vtt_format.render_captions(captions)
    assert write_captions(captions, "srt") == srt_format.render_captions(captions)


# --- --shift ----------------------------------------------------------------------------------


def test_shift_moves_every_cue(run, tmp_path: Path) -> None:
    out = tmp_path / "shifted.srt"
    result = run("convert", FIXTURES / "clean.vtt", out, "--shift", "2.5")
    assert result.exit_code == 0, result.output
    before = read_captions(FIXTURES / "clean.vtt").cues
    after = read_captions(out).cues
    assert len(after) == len(before)
    for old, new in zip(before, after):
        assert round((new.start - old.start) * 1000) == 2500
        assert round((new.end - old.end) * 1000) == 2500
        assert new.lines == old.lines


def test_negative_shift_drops_cues_before_zero(run, tmp_path: Path) -> None:
    out = tmp_path / "shifted.vtt"
    result = run("convert", FIXTURES / "clean.vtt", out, "--shift", "-9")
    assert result.exit_code == 0, result.output
    assert "dropped 2 cues" in result.output
    cues = read_captions(out).cues
    # clean.vtt: 1-3.5, 3.5-7, 8-10.5, 10.5-13, 14-16 -> the first two end before 0
    assert [(c.start, c.end) for c in cues] == [(0.0, 1.5), (1.5, 4.0), (5.0, 7.0)]
    assert cues[0].lines == ("The council voted seven to two.",)


def test_shift_captions_library() -> None:
    captions = Captions(
        (
            Cue(0.2, 0.5, ("a",)),
            Cue(0.5, 1.0, ("b",)),
            Cue(0.8, 1.5, ("c",)),
            Cue(2.0, 3.25, ("d",)),
        )
    )
    shifted, dropped = shift_captions(captions, -1.0)
    assert dropped == 2  # "a" would end at -0.5, "b" exactly at 0
    assert timed_text(shifted) == [(0.0, 0.5, ("c",)), (1.0, 2.25, ("d",))]  # "c" clamped at 0
    assert shift_captions(captions, 0.001)[0].cues[0].start == 0.201


# --- malformed input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,line",
    [
        ("comma-timestamp.vtt", 3),
        ("short-timestamp.vtt", 3),
        ("unreadable-timing.vtt", 6),
        ("blank-line-in-cue.vtt", 9),
        ("cues-run-together.srt", 4),
        ("binary.vtt", None),
        ("utf16.vtt", 1),
        ("empty.vtt", 1),
        ("prose.vtt", 1),
    ],
)
def test_malformed_input_is_refused_with_its_line(run, tmp_path: Path, name: str, line) -> None:
    out = tmp_path / "out.srt"
    result = run("convert", FIXTURES / name, out)
    assert result.exit_code == ExitCode.CAPTION_FILE, result.output
    (message,) = result.output.strip().splitlines()
    expected_line = str(line) if line else r"\d+"
    assert re.match(rf"^error: {re.escape(str(FIXTURES / name))}:{expected_line}: \S", message)
    assert not out.exists()


def test_strict_reader_raises() -> None:
    with pytest.raises(CaptionFileError, match=r"comma-timestamp.vtt:3: '00:00:01,000'"):
        read_captions(FIXTURES / "comma-timestamp.vtt", strict=True)
    assert len(read_captions(FIXTURES / "comma-timestamp.vtt").cues) == 3  # tolerant


def test_unknown_output_extension_is_a_usage_error(run, tmp_path: Path) -> None:
    result = run("convert", FIXTURES / "clean.vtt", tmp_path / "out.txt")
    assert result.exit_code == ExitCode.USAGE
    assert ".vtt or .srt" in result.output


def test_missing_output_folder_is_named(run, tmp_path: Path) -> None:
    result = run("convert", FIXTURES / "clean.vtt", tmp_path / "nope" / "out.srt")
    assert result.exit_code == ExitCode.OUTPUT
    assert "nope: no such folder" in result.output


def test_kind_detected_from_content_when_the_extension_says_nothing(run, tmp_path: Path) -> None:
    source = tmp_path / "captions.txt"
    source.write_text((FIXTURES / "clean.srt").read_text())
    assert read_caption_file(source).kind == "srt"
    assert run("convert", source, tmp_path / "out.vtt").exit_code == 0
    source.write_text((FIXTURES / "clean.vtt").read_text())
    assert read_caption_file(source).kind == "vtt"


def test_a_caption_file_without_cues_converts_to_webvtt_but_not_to_an_empty_srt(
    run, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.vtt"
    empty.write_text("WEBVTT\n\nNOTE nothing said yet\n", encoding="utf-8")
    assert run("convert", empty, tmp_path / "out.vtt").exit_code == 0
    refused = run("convert", empty, tmp_path / "out.srt")
    assert refused.exit_code == ExitCode.CAPTION_FILE
    assert "an SRT file needs at least one" in refused.output
    assert not (tmp_path / "out.srt").exists()


# --- notes an SRT file cannot hold ----------------------------------------------------------------


def test_converting_noted_webvtt_to_srt_warns_that_the_notes_are_left_out(run, tmp_path: Path) -> None:
    """The engine's fast-speech notes turn a forced fast cue into a `check` warning; SRT has no
    notes, so the producer is told the SRT will fail `check` on those cues."""
    from test_fast_speech import fast_episode

    from gztranscribe.captions import build_cues

    captions = build_cues(fast_episode())
    noted = sum(1 for c in captions.cues if c.note)
    assert noted
    source = tmp_path / "episode.vtt"
    source.write_text(write_captions(Captions(captions.cues, ("a producer's own note",)), "vtt"))
    result = run("convert", source, tmp_path / "episode.srt")
    assert result.exit_code == 0
    assert f"warning: SRT has no notes: {noted + 1} NOTE blocks left out, {noted} of them" in result.output
    assert "reading speed as errors" in result.output
    kept = run("convert", source, tmp_path / "copy.vtt")  # WebVTT keeps them: nothing to say
    assert kept.exit_code == 0 and "warning" not in kept.output
    assert read_captions(tmp_path / "copy.vtt").cues == read_captions(source).cues


def test_a_producers_own_note_lost_to_srt_is_named_without_the_reading_speed_warning(
    run, tmp_path: Path
) -> None:
    source = tmp_path / "plain.vtt"
    source.write_text("WEBVTT\n\nNOTE checked by the desk\n\n00:00:01.000 --> 00:00:03.000\nHello there.\n")
    result = run("convert", source, tmp_path / "plain.srt")
    assert result.exit_code == 0
    assert "warning: SRT has no notes: 1 NOTE block left out\n" in result.output
    assert "reading speed" not in result.output
