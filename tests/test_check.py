"""``gztranscribe check``: the rules of CAPTION-STYLE.md and the WebVTT/SRT spec, on files and
on scripted cues; ``check --fix`` output passes ``check`` and keeps every word in order.

Fixtures in ``tests/data/captions/`` are named for their problem (see its README.md). No model
is loaded: everything here runs in well under a second or two.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gztranscribe.caption_files import parse_caption_text, read_caption_file
from gztranscribe.checking import RULES, Problem, check_captions, check_parsed, fix_captions
from gztranscribe.errors import CaptionFileError, ExitCode
from gztranscribe.profiles import PROFILES
from gztranscribe.types import Captions, Cue

FIXTURES = Path(__file__).parent / "data" / "captions"
BROADCAST = PROFILES["broadcast"]
OK, PROBLEMS, UNREADABLE = ExitCode.OK, ExitCode.CAPTION_PROBLEMS, ExitCode.CAPTION_FILE


@pytest.fixture(scope="module")
def run():
    """Invoke the real app; registers check/convert if cli.py has not done so yet."""
    from gztranscribe.cli import app
    from gztranscribe.cli_captions import register

    if "check" not in [c.name for c in app.registered_commands]:
        register(app)
    runner = CliRunner()

    def invoke(*args: object):
        result = runner.invoke(app, [str(a) for a in args])
        assert "Traceback" not in result.output
        if result.exception is not None:
            assert isinstance(result.exception, SystemExit), repr(result.exception)
        return result

    return invoke


# --- fixtures: each broken file -> the rules found and the exit code --------------------------

EXPECTED: dict[str, tuple[set[str], int]] = {
    # good files
    "clean.vtt": (set(), OK),
    "clean.srt": (set(), OK),
    "header-only.vtt": (set(), OK),  # a valid WebVTT file with no cues (a silent video)
    # spec problems
    "missing-header.vtt": ({"header"}, PROBLEMS),
    "no-blank-after-header.vtt": ({"header"}, PROBLEMS),
    "short-timestamp.vtt": ({"timestamp"}, PROBLEMS),  # 00:01.5 --> ...
    "comma-timestamp.vtt": ({"timestamp"}, PROBLEMS),  # 00:00:01,000 in WebVTT
    "unreadable-timing.vtt": ({"timestamp"}, PROBLEMS),  # 00:00:xx.000: the cue is skipped
    "unescaped-amp.vtt": ({"escape"}, PROBLEMS),
    "unescaped-lt.vtt": ({"escape"}, PROBLEMS),
    "arrow-in-text.vtt": ({"arrow-in-text"}, PROBLEMS),
    "blank-line-in-cue.vtt": ({"blank-line"}, PROBLEMS),
    "cues-run-together.srt": ({"blank-line"}, PROBLEMS),
    "duplicate-ids.vtt": ({"duplicate-id"}, PROBLEMS),
    # timing
    "out-of-order.vtt": ({"order"}, PROBLEMS),
    "overlap.vtt": ({"overlap"}, PROBLEMS),
    "end-before-start.vtt": ({"end-before-start"}, PROBLEMS),
    "too-fast.vtt": ({"reading-speed"}, PROBLEMS),  # 40 characters a second
    "too-short.vtt": ({"min-duration"}, PROBLEMS),  # 0.3 s
    "too-long.vtt": ({"max-duration"}, PROBLEMS),  # 9 s
    "tiny-gap.vtt": ({"gap"}, PROBLEMS),  # 40 ms
    "short-gap.vtt": ({"unchained-gap"}, OK),  # 200 ms: a warning
    # layout and text
    "empty-cue.vtt": ({"empty-cue"}, PROBLEMS),
    "long-line.vtt": ({"line-length"}, PROBLEMS),  # 50 characters
    "three-lines.vtt": ({"line-count"}, PROBLEMS),
    "orphan.vtt": ({"orphan"}, OK),  # a warning
    "line-ends-on-the.vtt": ({"line-break"}, PROBLEMS),
    "cue-ends-on-the.vtt": ({"cue-break"}, PROBLEMS),
    "filler.vtt": ({"filler"}, OK),  # a warning
    # several at once
    "several-problems.vtt": (
        {"line-length", "escape", "overlap", "min-duration", "orphan"},
        PROBLEMS,
    ),
    "several-problems.srt": (
        {"timestamp", "cue-number", "reading-speed", "line-count", "needless-break"},
        PROBLEMS,
    ),
    # files that cannot be used at all: exit 8, "FILE:LINE: what is wrong"
    "binary.vtt": (set(), UNREADABLE),
    "utf16.vtt": (set(), UNREADABLE),
    "empty.vtt": (set(), UNREADABLE),
    "prose.vtt": (set(), UNREADABLE),  # text, no WEBVTT header, no timing lines
    "latin1.srt": (set(), UNREADABLE),  # Windows-1252 text, not UTF-8
}
UNREADABLE_FILES = sorted(name for name, (_, code) in EXPECTED.items() if code == UNREADABLE)
READABLE_FILES = sorted(name for name, (_, code) in EXPECTED.items() if code != UNREADABLE)
CANNOT_FIX = {
    "unreadable-timing.vtt"
}  # a block whose timing cannot be read: its words would be lost
FIXABLE_FILES = [name for name in READABLE_FILES if name not in CANNOT_FIX]


def fixture_files() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".vtt", ".srt"))


def test_every_fixture_has_an_expectation() -> None:
    assert set(fixture_files()) == set(EXPECTED)


@pytest.mark.parametrize("name", READABLE_FILES)
def test_fixture_rules(name: str) -> None:
    rules, _ = EXPECTED[name]
    problems = check_parsed(read_caption_file(FIXTURES / name), BROADCAST)
    assert {p.rule for p in problems} == rules, [(p.rule, p.message) for p in problems]


@pytest.mark.parametrize("name", READABLE_FILES)
def test_fixture_exit_code_and_report(run, name: str) -> None:
    rules, code = EXPECTED[name]
    result = run("check", FIXTURES / name)
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    problem_lines = lines[:-1]
    assert len(problem_lines) == len(check_parsed(read_caption_file(FIXTURES / name), BROADCAST))
    for line in problem_lines:
        assert re.match(
            rf"^{re.escape(str(FIXTURES / name))}:(CUE \d+ \(\d\d:\d\d:\d\d\.\d{{3}}\)|LINE \d+): "
            r"[a-z-]+( \(warning\))?: \S",
            line,
        ), line
    assert {line.split(": ")[1].split(" (")[0] for line in problem_lines} == rules
    if rules:
        assert re.match(r"^\d+ problems? in \d+ cues? \(\d+ errors?, \d+ warnings?\)$", lines[-1])
    else:
        assert re.match(r"^OK: \d+ cues?, no problems$", lines[-1])


@pytest.mark.parametrize("name", UNREADABLE_FILES)
def test_unreadable_fixture(run, name: str) -> None:
    result = run("check", FIXTURES / name)
    assert result.exit_code == UNREADABLE
    assert re.search(rf"error: {re.escape(str(FIXTURES / name))}:\d+: \S", result.output)
    assert len(result.output.strip().splitlines()) == 1
    with pytest.raises(CaptionFileError, match=rf"{re.escape(name)}:\d+: "):
        read_caption_file(FIXTURES / name)


def test_no_crash_on_any_file_in_the_folder(run) -> None:
    for path in sorted(FIXTURES.iterdir()):
        result = run("check", path)
        assert result.exit_code in (OK, PROBLEMS, UNREADABLE), (path.name, result.output)


def test_problem_lines_name_cue_time_and_line() -> None:
    parsed = read_caption_file(FIXTURES / "unescaped-amp.vtt")
    (problem,) = check_parsed(parsed, BROADCAST)
    assert (problem.cue, problem.start, problem.line, problem.severity) == (2, 4.0, 7, "error")


def test_missing_file_is_an_input_error(run, tmp_path: Path) -> None:
    result = run("check", tmp_path / "nope.vtt")
    assert result.exit_code == ExitCode.INPUT
    assert "nope.vtt" in result.output


def test_profile_option(run) -> None:
    social = run("check", FIXTURES / "clean.vtt", "--profile", "social")
    assert social.exit_code == PROBLEMS and "line-count" in social.output
    unknown = run("check", FIXTURES / "clean.vtt", "--profile", "nope")
    assert unknown.exit_code == ExitCode.USAGE and "broadcast" in unknown.output


def test_commands_have_help(run) -> None:
    for command in ("check", "convert"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert len(result.output.split("\n\n")[1].strip()) > 20  # the docstring


# --- check --fix ------------------------------------------------------------------------------


def words_in_time_order(captions: Captions) -> list[str]:
    """Words of the non-empty cues, cues taken in start order (stable), as --fix promises."""
    cues = sorted(captions.cues, key=lambda c: c.start)
    return [w for c in cues for w in c.text.split()]


@pytest.mark.parametrize("name", FIXABLE_FILES)
def test_fix_passes_check_and_keeps_every_word(run, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    result = run("check", FIXTURES / name, "--fix", "-o", out)
    assert result.exit_code == OK, result.output
    assert f"wrote {out}" in result.output
    fixed = read_caption_file(out)
    errors = [p for p in check_parsed(fixed, BROADCAST) if p.severity == "error"]
    assert errors == []
    assert run("check", out).exit_code == OK
    source = read_caption_file(FIXTURES / name)
    assert words_in_time_order(fixed.captions) == words_in_time_order(source.captions)
    # an independent reader accepts it too
    if out.suffix == ".vtt":
        assert len(webvtt.read(str(out)).captions) == len(fixed.captions.cues)
    else:
        assert len(webvtt.from_srt(str(out)).captions) == len(fixed.captions.cues)


def test_fix_writes_beside_the_file_by_default(run, tmp_path: Path) -> None:
    for name in ("overlap.vtt", "several-problems.srt"):
        shutil.copy(FIXTURES / name, tmp_path / name)
        result = run("check", tmp_path / name, "--fix")
        assert result.exit_code == OK, result.output
    assert (tmp_path / "overlap.fixed.vtt").read_text().startswith("WEBVTT\n")
    assert (tmp_path / "several-problems.fixed.srt").read_text().startswith("1\n00:00:01,000 --> ")


def test_fix_can_change_format(run, tmp_path: Path) -> None:
    result = run("check", FIXTURES / "several-problems.srt", "--fix", "-o", tmp_path / "out.vtt")
    assert result.exit_code == OK, result.output
    assert (tmp_path / "out.vtt").read_text().startswith("WEBVTT\n")


def test_fix_keeps_clean_stretches_untouched() -> None:
    """Only the stretch (between long pauses) holding a problem is re-timed."""
    captions = Captions(
        (
            Cue(1.0, 3.0, ("The council met last night.",), "a"),
            Cue(3.0, 3.3, ("It voted", "for"), "b"),  # too short, bad break: re-timed
            Cue(3.3, 6.0, ("new bike lanes on Main Street.",)),
            Cue(9.0, 11.5, ("Work begins in March.",), "c"),  # after a 3 s pause: kept
        ),
        notes=("kept",),
    )
    fixed = fix_captions(captions, BROADCAST)
    assert fixed.cues[-1] == captions.cues[-1]
    assert fixed.notes == ("kept",)
    assert not [p for p in check_captions(fixed, BROADCAST) if p.severity == "error"]
    assert words_in_time_order(fixed) == words_in_time_order(captions)


def test_fix_refuses_when_words_would_be_lost(run, tmp_path: Path) -> None:
    out = tmp_path / "out.vtt"
    result = run("check", FIXTURES / "unreadable-timing.vtt", "--fix", "-o", out)
    assert result.exit_code == UNREADABLE
    assert "unreadable-timing.vtt:6:" in result.output
    assert not out.exists()


def test_fix_on_unreadable_file_writes_nothing(run, tmp_path: Path) -> None:
    result = run("check", FIXTURES / "binary.vtt", "--fix", "-o", tmp_path / "out.vtt")
    assert result.exit_code == UNREADABLE
    assert list(tmp_path.iterdir()) == []


def test_output_needs_fix(run, tmp_path: Path) -> None:
    result = run("check", FIXTURES / "clean.vtt", "-o", tmp_path / "out.vtt")
    assert result.exit_code == ExitCode.USAGE


# --- the rules on scripted cues ---------------------------------------------------------------


def cues(*specs: tuple[float, float, str]) -> Captions:
    """``(start, end, "line one|line two")`` -> Captions."""
    return Captions(
        tuple(Cue(s, e, tuple(text.split("|")) if text else ()) for s, e, text in specs)
    )


A = "The council met last night."  # 27 characters
B = "Work begins in March."  # 21 characters

RULE_CASES: list[tuple[str, Sequence[tuple[float, float, str]], set[str]]] = [
    ("clean", [(0, 2, A), (2, 4, B)], set()),
    ("empty cue", [(0, 2, A), (3, 4, "")], {"empty-cue"}),
    ("end equals start", [(0, 2, A), (3, 3, B)], {"end-before-start"}),
    ("end before start", [(0, 2, A), (5, 3, B)], {"end-before-start"}),
    ("out of order", [(5, 7, A), (1, 3, B)], {"order"}),
    ("overlap", [(0, 2, A), (1.5, 3.5, B)], {"overlap"}),
    ("overlap under half a millisecond", [(0, 2.0004, A), (2.0, 4, B)], set()),
    ("overlap with an earlier long cue", [(0, 7, A), (1, 3, B), (4, 6, B)], {"overlap"}),
    ("gap of 40 ms", [(0, 2, A), (2.04, 4, B)], {"gap"}),
    ("gap of 1 ms", [(0, 2, A), (2.001, 4, B)], {"gap"}),
    ("gap of 83 ms (2 frames, rounded)", [(0, 2, A), (2.083, 4, B)], {"unchained-gap"}),
    ("gap of 200 ms", [(0, 2, A), (2.2, 4, B)], {"unchained-gap"}),
    ("gap of 200 ms, chaining would pass 7 s", [(0, 6.9, A), (7.1, 9, B)], set()),
    ("gap of 0.5 s", [(0, 2, A), (2.5, 4, B)], set()),
    ("duration 0.833 s (5/6 s rounded)", [(0, 0.833, "Hi there."), (1.5, 3.5, B)], set()),
    ("duration 0.8 s", [(0, 0.8, "Hi there."), (1.5, 3.5, B)], {"min-duration"}),
    ("duration 7.001 s", [(0, 7.001, A)], set()),
    ("duration 7.5 s", [(0, 7.5, A)], {"max-duration"}),
    ("20 characters a second", [(0, 2, "x" * 19 + " " + "y" * 20)], set()),
    ("20.5 characters a second", [(0, 2, "x" * 20 + " " + "y" * 20)], {"reading-speed"}),
    ("line break not counted", [(0, 2, "x" * 19 + "|" + "y" * 21)], {"needless-break"}),
    (
        "line break not counted, too fast",
        [(0, 2, "x" * 20 + "|" + "y" * 21)],
        {"reading-speed", "needless-break"},
    ),
    ("42 characters", [(0, 3, "x" * 20 + " " + "y" * 21)], set()),
    ("43 characters", [(0, 3, "x" * 21 + " " + "y" * 21)], {"line-length"}),
    (
        "three lines",
        [(0, 5, "The council voted seven|to two for bike lanes|on Main Street today.")],
        {"line-count"},
    ),
    ("two lines that fit on one", [(0, 3, "The council met|last night.")], {"needless-break"}),
    (
        "top-heavy lines",
        [(0, 4, "The council voted seven to two last night|in March.")],
        {"line-balance"},
    ),
    (
        "balanced lines",
        [(0, 4, "The council voted seven to two|for twelve miles of bike lanes.")],
        set(),
    ),
    ("orphan next to a cue", [(0, 2, A), (2, 3, "Really?"), (3, 5, B)], {"orphan"}),
    ("one word after a long pause", [(0, 2, A), (3, 4, "Really?"), (5, 7, B)], set()),
    (
        "line ends on 'the'",
        [(0, 4, "The council voted seven to two for the|twelve miles of bike lanes.")],
        {"line-break"},
    ),
    (
        "line ends on 'of'",
        [(0, 4, "The council voted for twelve miles of|new bike lanes on Main Street.")],
        {"line-break"},
    ),
    (
        "line ends on punctuation",
        [(0, 4, "The council voted seven to two,|and the work begins in March.")],
        set(),
    ),
    (
        "cue ends on 'the'",
        [(0, 2, "The council voted for the"), (2, 4, "new bike lanes.")],
        {"cue-break"},
    ),
    (
        "cue ends on 'and'",
        [(0, 2, "The council voted and"), (2, 4, "the work begins.")],
        {"cue-break"},
    ),
    (
        "cue ends on 'and' before a long pause",
        [(0, 2, "The council voted and"), (4, 6, "the work begins.")],
        set(),
    ),
    (
        "lopsided lines where a balanced break exists",
        [(0, 4, "More talking means|that the Russians aren't about to escalate")],
        {"line-balance"},
    ),
    (
        "lopsided lines after punctuation, every balanced break mid-phrase",
        [(0, 4, "If you ask me,|this is the best season the club has had.")],
        set(),
    ),
    (
        "lopsided lines where every balanced break splits a name",
        [(0, 4, "Last night|the Brookfield Town Council voted 7 to 2")],
        set(),
    ),
    (
        "a sentence starts inside a cue and runs on into the next",
        [
            (0, 4, "First I'll start off on Kazakhstan.|It was a surprise to everyone,"),
            (4, 6, "certainly the Kremlin."),
        ],
        {"sentence-break"},
    ),
    (
        "a cue starts mid-sentence and a sentence starts inside it",
        [(0, 2, "The council met"), (2, 5, "last night. Work begins in March.")],
        {"sentence-break"},
    ),
    (
        "two whole sentences share a cue",
        [(0, 3, "The council met last night.|Work begins in March."), (3, 5, B)],
        set(),
    ),
    (
        "no sentence end inside: titles and acronyms",
        [(0, 3, "Mr. Smith met the U.S. envoy"), (3, 5, "in Paris on Tuesday.")],
        set(),
    ),
    ("filler word", [(0, 2, "Um, the council met."), (2, 4, B)], {"filler"}),
    (
        "filler 'ah' and 'mm'",
        [(0, 2, "Ah, the council met."), (2, 4, "Mm, work begins.")],
        {"filler"},
    ),
    ("stutter", [(0, 2, "The the council met."), (2, 4, B)], {"stutter"}),
    ("hyphen stutter", [(0, 2, "The c-council met."), (2, 4, B)], {"stutter"}),
    ("emphatic repetition is fine", [(0, 2, "It is very very late."), (2, 4, B)], set()),
    ("hyphenated doubled word", [(0, 2, "It was so-so, vis-vis the plan."), (2, 4, B)], set()),
    ("hyphenated doubled function word", [(0, 2, "I-I think it works."), (2, 4, B)], {"stutter"}),
]


@pytest.mark.parametrize(
    "captions,expected",
    [(cues(*c), e) for _, c, e in RULE_CASES],
    ids=[n for n, _, _ in RULE_CASES],
)
def test_rule(captions: Captions, expected: set[str]) -> None:
    problems = check_captions(captions, BROADCAST)
    assert {p.rule for p in problems} == expected, [(p.rule, p.message) for p in problems]


@pytest.mark.parametrize(
    "text,severity",
    [
        ("The council voted seven to two for the|twelve miles of bike lanes.", "error"),
        ("The council voted for twelve miles of|new bike lanes on Main Street.", "warning"),
    ],
)
def test_article_breaks_are_errors_other_weak_breaks_warnings(text: str, severity: str) -> None:
    (problem,) = check_captions(cues((0, 4, text)), BROADCAST)
    assert (problem.rule, problem.severity) == ("line-break", severity)


def test_problem_fields() -> None:
    (problem,) = check_captions(cues((0, 2, A), (2.04, 4, B)), BROADCAST)
    assert problem == Problem(2, 2.04, "gap", problem.message, "error")
    assert "0.040 s" in problem.message


def test_rules_are_listed_with_summaries() -> None:
    names = [spec.name for spec in RULES]
    assert len(names) == len(set(names))
    assert all(spec.summary and spec.severity in ("error", "warning") for spec in RULES)


def test_strict_profile_reading_speed() -> None:
    captions = cues((0, 2, "x" * 18 + " " + "y" * 18))  # 18.5 characters a second
    assert check_captions(captions, BROADCAST) == []
    assert [p.rule for p in check_captions(captions, PROFILES["strict"])] == ["reading-speed"]


# --- the tolerant parser ----------------------------------------------------------------------


def test_parser_reads_tags_references_notes_and_settings() -> None:
    text = (
        "\ufeffWEBVTT - a title\r\n\r\nNOTE made by hand\r\n\r\nid-1\r\n"
        "00:01.000 --> 00:00:03.500 align:start line:90%\r\n"
        "<v Anna>Tom &amp; Jerry &lt;3</v>\r\n<i>said</i> &#x41; &nbsp;hi\r\n"
    )
    parsed = parse_caption_text(text, kind="vtt", name="t.vtt")
    assert parsed.problems == ()
    (cue,) = parsed.captions.cues
    assert (cue.start, cue.end, cue.identifier) == (1.0, 3.5, "id-1")
    assert cue.lines == ("Tom & Jerry <3", "said A \xa0hi")
    assert parsed.captions.notes == ("made by hand",)
    assert parsed.cue_lines == (6,)


def test_parser_srt_tags_and_positions() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,000 X1:10 X2:20\n"
        "{\\an8}<font color=red>Hi</font> <b>there</b>\n"
    )
    parsed = parse_caption_text(text, kind="srt", name="t.srt")
    assert parsed.problems == ()
    assert parsed.captions.cues[0].lines == ("Hi there",)


def test_parser_reports_each_problem_with_its_line() -> None:
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03.000-->00:00:04.000\na & b\n"
    parsed = parse_caption_text(text, kind="vtt", name="t.vtt")
    assert [(p.line, p.rule, p.severity) for p in parsed.problems] == [
        (6, "timing-line", "warning"),
        (7, "escape", "error"),
    ]
    assert parsed.captions.cues[1].lines == ("a & b",)


def test_parser_cue_text_without_timing_at_the_start_is_dropped() -> None:
    text = "WEBVTT\n\nstray words\n\n00:00:01.000 --> 00:00:02.000\nfine\n"
    parsed = parse_caption_text(text, kind="vtt", name="t.vtt")
    assert [(p.line, p.rule, p.recovery) for p in parsed.problems] == [(3, "no-timing", "dropped")]
    assert len(parsed.captions.cues) == 1


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="WEBVTNO\n\r -->0123456789:.,&<>/vib\t", max_size=120),
    st.sampled_from(["vtt", "srt"]),
    st.booleans(),
)
def test_parser_never_crashes(text: str, kind: str, with_header: bool) -> None:
    """Any text either parses (problems reported, lines in range) or raises CaptionFileError."""
    if with_header:
        text = "WEBVTT\n\n" + text
    try:
        parsed = parse_caption_text(text, kind=kind, name="fuzz")  # type: ignore[arg-type]
    except CaptionFileError as exc:
        assert re.match(r"^fuzz:\d+: ", str(exc))
        return
    line_count = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    assert all(1 <= p.line <= line_count for p in parsed.problems)
    assert len(parsed.cue_lines) == len(parsed.captions.cues)
    check_parsed(parsed, BROADCAST)
    fix_captions(parsed.captions, BROADCAST)


def test_line_balance_names_the_better_break() -> None:
    (problem,) = check_captions(
        cues((0, 4, "More talking means|that the Russians aren't about to escalate")), BROADCAST
    )
    assert problem.rule == "line-balance" and "break after 'Russians'" in problem.message


# --- the linter and the engine agree ------------------------------------------------------------


def test_word_lists_have_one_definition() -> None:
    from gztranscribe import captions, checking, wordlists

    assert checking.ARTICLES is wordlists.ARTICLES
    assert checking.PREPOSITIONS is wordlists.PREPOSITIONS
    assert checking.CONJUNCTIONS is wordlists.CONJUNCTIONS
    assert checking.FILLERS is wordlists.FILLERS
    assert {"um", "uh", "er", "erm", "hmm", "mm", "ah"} <= wordlists.FILLERS
    # What the linter flags, the engine treats as a bad break (and more besides).
    assert wordlists.PREPOSITIONS <= captions._PREPOSITIONS
    assert wordlists.CONJUNCTIONS <= captions._CONJUNCTIONS
    assert wordlists.ARTICLES <= wordlists.DETERMINERS
    assert wordlists.DANGLING_WORDS == (
        wordlists.ARTICLES | wordlists.PREPOSITIONS | wordlists.CONJUNCTIONS
    )


SENTENCES = [
    "Good evening, and welcome back to the program.",
    "Last night the Brookfield town council voted seven to two to build twelve miles of lanes.",
    "Shop owners on Main Street worry that losing parking will keep their customers away.",
    "Not everyone is happy.",
    "Can the town really afford it?",
    (
        "The plan will cost about four million dollars over three years, and most of that "
        "money comes from a state transport grant."
    ),
    "First I'll start off on Kazakhstan.",
    (
        "It was a surprise to everyone, certainly the Kremlin, to find out that what had started "
        "as worker demonstrations got violent very fast."
    ),
    "They want to join NATO.",
    "That's it for me.",
    "Thanks for listening.",
    "So the real question is whether the lanes fill up with riders or stay empty.",
]


def spoken(sentences: Sequence[str], cps: float, pauses: Sequence[float]) -> list:
    """Timed words: each word lasts (letters + 1) / cps; a pause follows each sentence."""
    from gztranscribe.types import Word

    words, t = [], 1.0
    for sentence, pause in zip(sentences, pauses, strict=True):
        for token in sentence.split():
            duration = (len(token) + 1) / cps
            words.append(Word(round(t, 3), round(t + duration, 3), token))
            t += duration
        t += pause
    return words


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8),
    st.floats(min_value=11.0, max_value=16.0),
    st.lists(st.sampled_from([0.0, 0.15, 0.3, 0.6, 1.0, 2.0]), min_size=8, max_size=8),
    st.sampled_from(sorted(PROFILES)),
)
def test_the_engines_cues_check_clean_on_ordinary_speech(
    sentences: list[str], cps: float, pauses: list[float], profile_name: str
) -> None:
    """Every rule the linter has, warnings included, holds for the engine's own output."""
    from gztranscribe.captions import build_cues

    profile = PROFILES[profile_name]
    words = spoken(sentences, cps, pauses[: len(sentences)])
    captions = build_cues(words, profile, speech_end=words[-1].end + 1.0)
    problems = check_captions(captions, profile)
    assert problems == [], [(p.rule, p.message) for p in problems]


TOKENS = [
    "the",
    "a",
    "of",
    "and",
    "to",
    "council",
    "Maria",
    "Lopez",
    "voted,",
    "lanes.",
    "why?",
    "U.S.",
    "Mr.",
    "it's",
    "\u2014",
    "twelve",
    "12",
    "extraordinarily",
    "&",
    "yes!",
    "(quietly)",
    "anti-establishmentarianism",
]
BY_CONSTRUCTION = {
    "empty-cue",
    "end-before-start",
    "order",
    "overlap",
    "gap",
    "unchained-gap",
    "max-duration",
    "line-count",
    "needless-break",
    "line-balance",
}


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(TOKENS),
            st.floats(min_value=0.0, max_value=1.5),
            st.one_of(st.just(0.0), st.floats(min_value=0.0, max_value=3.0)),
        ),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(sorted(PROFILES)),
)
def test_rules_the_engine_meets_by_construction_hold_on_any_words(
    spec: list[tuple[str, float, float]], profile_name: str
) -> None:
    """Whatever the words and times, these rules hold: the engine never trades them away."""
    from gztranscribe.captions import build_cues
    from gztranscribe.types import Word

    profile = PROFILES[profile_name]
    words, t = [], 0.0
    for text, duration, pause in spec:
        words.append(Word(t, t + duration, text))
        t += duration + pause
    problems = check_captions(build_cues(words, profile), profile)
    assert [(p.rule, p.message) for p in problems if p.rule in BY_CONSTRUCTION] == []
