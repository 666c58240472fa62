"""``check --fix`` never adds a problem it then reports, and never silently drops a word.

The invariant, on every fixture and on many generated files: for every rule, the fixed file
(written, read back, checked) has at most as many problems as the input had. A producer who runs
``--fix`` must never get new warnings for the cues it touched (five short cues merged into three
long ones with new sentence-break warnings was the bug).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gztranscribe.caption_files import (
    ParsedCaptions,
    parse_caption_text,
    read_caption_file,
    write_captions,
)
from gztranscribe.caption_tools import plain_captions as _plain
from gztranscribe.checking import check_parsed, fix_captions
from gztranscribe.errors import CaptionFileError, ExitCode
from gztranscribe.profiles import PROFILES
from gztranscribe.types import Captions

FIXTURES = Path(__file__).parent / "data" / "captions"


def readable_fixtures() -> list[Path]:
    paths = []
    for path in sorted(FIXTURES.glob("*.*t")):
        try:
            parsed = read_caption_file(path)
        except CaptionFileError:
            continue
        if not any(p.rule == "dropped" for p in parsed.problems):  # --fix refuses those
            paths.append(path)
    return paths


def added_problems(parsed: ParsedCaptions, profile_name: str) -> tuple[dict[str, int], list[str]]:
    """Rules reported more often after --fix than before; whether the words changed."""
    profile, kind = PROFILES[profile_name], parsed.kind
    before = check_parsed(parsed, profile)
    fixed = fix_captions(_plain(parsed), profile, problems=before)
    reread = parse_caption_text(write_captions(fixed, kind), kind=kind, name="fixed")
    after = check_parsed(reread, profile)
    counts_before, counts_after = Counter(p.rule for p in before), Counter(p.rule for p in after)
    added = {r: n - counts_before[r] for r, n in counts_after.items() if n > counts_before[r]}
    lost = [] if _words(parsed.captions) == _words(reread.captions) else ["words differ"]
    return added, lost


def _words(captions: Captions) -> list[str]:
    return [w for cue in sorted(captions.cues, key=lambda c: c.start) for w in cue.text.split()]


def _vtt(text: str) -> ParsedCaptions:
    return parse_caption_text(text, kind="vtt", name="input")


def test_there_are_fixtures_to_fix() -> None:
    assert len(readable_fixtures()) >= 25


@pytest.mark.parametrize("profile", sorted(PROFILES))
@pytest.mark.parametrize("path", readable_fixtures(), ids=lambda p: p.name)
def test_fix_adds_no_problem_to_any_fixture(path: Path, profile: str) -> None:
    added, lost = added_problems(read_caption_file(path), profile)
    assert added == {}, f"--fix added {added}"
    assert lost == []


def test_five_short_cues_are_not_merged_into_long_ones_with_new_sentence_breaks() -> None:
    """The reported case: short cues, each a sentence or its tail, too brief to read."""
    text = (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:01.600\nThe vote was close.\n\n"
        "00:00:01.600 --> 00:00:02.300\nSeven to two\n\n"
        "00:00:02.300 --> 00:00:02.900\nafter a long night. The mayor\n\n"
        "00:00:02.900 --> 00:00:03.500\nwas not there.\n\n"
        "00:00:03.500 --> 00:00:04.100\nShe sent a note.\n"
    )
    added, lost = added_problems(_vtt(text), "broadcast")
    assert added == {} and lost == []


WORDS = ["the", "council", "met", "last", "night", "and", "voted", "seven", "to", "two", "for", "new", "bike", "lanes", "on", "Main", "Street", "but", "shop", "owners", "say", "they", "were", "not", "asked", "I", "see", "it", "begins", "in", "March", "with", "a", "new", "plan", "for", "the", "river", "road", "and", "a", "bridge", "that", "the", "mayor", "wants", "finished", "before", "winter"]


@st.composite
def caption_files(draw: st.DrawFn) -> str:
    """WebVTT files as people and other tools write them: any cue lengths, gaps, line breaks."""
    n = draw(st.integers(1, 14))
    t = draw(st.floats(0, 5))
    blocks, position = [], 0
    for _ in range(n):
        count = draw(st.integers(1, 12))
        words = [WORDS[(position + k) % len(WORDS)] for k in range(count)]
        position += count
        if draw(st.booleans()):
            words[-1] += draw(st.sampled_from([".", ",", "?", ""]))
        if draw(st.booleans()):
            words[0] = words[0].capitalize()
        split = draw(st.integers(0, len(words)))
        lines = [" ".join(words[:split]), " ".join(words[split:])]
        duration = draw(st.floats(0.1, 9))
        start = t
        t += duration
        blocks.append(f"{_ts(start)} --> {_ts(t)}\n" + "\n".join(line for line in lines if line))
        t += draw(st.sampled_from([0.0, 0.0, 0.02, 0.1, 0.3, 0.6, 1.0, 2.0, 4.0]))
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def _ts(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caption_files(), st.sampled_from(sorted(PROFILES)))
def test_fix_adds_no_problem_to_generated_files(text: str, profile: str) -> None:
    added, lost = added_problems(_vtt(text), profile)
    assert added == {}, f"--fix added {added}"
    assert lost == []


def test_the_command_reports_what_it_could_not_fix_without_adding_problems(cli, tmp_path) -> None:
    source = tmp_path / "ep.vtt"
    source.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nThe council met last night.\n\n"
        "00:00:04.000 --> 00:00:04.300\nI see\n\n00:00:07.500 --> 00:00:10.000\nWork begins.\n",
        encoding="utf-8",
    )
    result = cli("check", source, "--fix")
    assert result.exit_code == ExitCode.OK, result.output
    fixed = read_caption_file(tmp_path / "ep.fixed.vtt")
    assert check_parsed(fixed, PROFILES["broadcast"]) == []
    assert [c.text for c in fixed.captions.cues] == [
        "The council met last night.",
        "I see",
        "Work begins.",
    ], "extended into the pause, not merged with the sentence before"


def test_a_tag_like_word_meant_as_text_is_kept_as_escaped_text_and_check_says_so(
    cli, tmp_path: Path
) -> None:
    source = tmp_path / "ep.vtt"
    source.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n"
        'Coming <soon> to a <font color="red">screen</font> near you.\n',
        encoding="utf-8",
    )
    result = cli("check", source, "--fix")
    assert result.exit_code == ExitCode.OK, result.output
    assert "'<soon>' reads as an unknown tag" in result.stdout
    assert "'&lt;soon&gt;'" in result.stdout and "keep it as text" in result.stdout
    assert "'<font color=\"red\">' is not a WebVTT tag" in result.stdout
    assert "drop it" in result.stdout
    fixed = (tmp_path / "ep.fixed.vtt").read_text(encoding="utf-8")
    assert "Coming &lt;soon&gt; to a screen near you." in fixed
    assert read_caption_file(tmp_path / "ep.fixed.vtt").captions.cues[0].text == (
        "Coming <soon> to a screen near you."
    )
    converted = tmp_path / "ep.srt"
    assert cli("convert", source, converted, "-q").exit_code == ExitCode.OK
    assert "Coming <soon> to a screen near you." in converted.read_text(encoding="utf-8")
