"""Hostile caption files: every caption command answers with a documented exit code, never a crash.

Hypothesis builds a valid WebVTT or SRT file, then applies the mutations an adversarial run used:
absurd timestamp fields (20, 304, 400, 5000 digits), long runs of tag openers (``<c ``, ``<a``,
``<font ``, ``>``, ``{\\``), control bytes, invalid UTF-8, BOMs, CRLFs, deleted, doubled and
swapped lines, Unicode digits, truncation. Each command in ``COMMANDS`` must then exit with a code
the README's "Exit codes" table lists, print no traceback, and leave no half-written output.
Speed on big files is measured by ``benchmarks/bench_fuzz.py`` (never timed here).

``COMMANDS`` is a list so other caption-reading commands join by adding one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gztranscribe.caption_files import parse_caption_text
from gztranscribe.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def documented_exit_codes() -> set[int]:
    """The codes in README's "Exit codes" tables (the contract scripts rely on)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(code) for code in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)}


# name -> (argv for (input, output folder), exit codes that command may give, file it writes)
Command = tuple[Callable[[Path, Path], list[str]], set[int], Callable[[Path], Path | None]]
COMMANDS: dict[str, Command] = {
    "check": (lambda src, out: ["check", str(src)], {0, 7, 8}, lambda out: None),
    "check --fix": (
        lambda src, out: ["check", str(src), "--fix", "-o", str(out / "fixed.vtt")],
        {0, 7, 8},
        lambda out: out / "fixed.vtt",
    ),
    "convert to vtt": (
        lambda src, out: ["convert", str(src), str(out / "out.vtt")],
        {0, 8},
        lambda out: out / "out.vtt",
    ),
    "convert to srt": (
        lambda src, out: ["convert", str(src), str(out / "out.srt")],
        {0, 8},
        lambda out: out / "out.srt",
    ),
}

# --- building and breaking files ----------------------------------------------------------------

WORDS = ["the", "a", "minister", "said", "Kazakhstan's", "rates", "fell.", "And", "why?", "&amp;"]


def _stamp(ms: int, kind: str) -> str:
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{'.' if kind == 'vtt' else ','}{ms:03d}"


@st.composite
def caption_files(draw: st.DrawFn) -> tuple[str, str]:
    """(kind, text) of a well-formed file of 1-6 cues."""
    kind = draw(st.sampled_from(["vtt", "srt"]))
    blocks, t = [], draw(st.integers(0, 5_000_000))
    for number in range(1, draw(st.integers(1, 6)) + 1):
        length = draw(st.integers(500, 7000))
        words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=12))
        head = str(number) if kind == "srt" else draw(st.sampled_from(["", f"c{number}"]))
        timing = f"{_stamp(t, kind)} --> {_stamp(t + length, kind)}"
        blocks.append("\n".join(x for x in (head, timing, " ".join(words)) if x))
        t += length + draw(st.integers(0, 3000))
    return kind, ("WEBVTT\n\n" if kind == "vtt" else "") + "\n\n".join(blocks) + "\n"


UNICODE_DIGIT = "\u0663"  # ARABIC-INDIC DIGIT THREE: str.isdigit() is True, int() of it is 3
OPENERS = ["<c ", "<a", "<font ", ">", "{\\", "<c.", "&", "<", "-->", "<00:00:01.000", "<v "]


@st.composite
def mutation(draw: st.DrawFn) -> Callable[[str], str]:
    kind = draw(
        st.sampled_from(
            ["huge-field", "openers", "insert", "delete-line", "double-line", "swap-lines",
             "blank-line", "digits", "separator", "truncate", "crlf", "bom"]
        )
    )  # fmt: skip
    position = draw(st.floats(0, 1))
    if kind == "huge-field":
        digits = draw(st.sampled_from([3, 6, 13, 20, 304, 400, 5000]))
        which = draw(st.sampled_from(["hours", "minutes", "seconds", "fraction", "cue-number"]))
        count = draw(st.integers(0, 3))  # 0: every one

        def huge(text: str) -> str:
            field = "9" * digits
            if which == "cue-number":
                return re.sub(r"^\d+$", field, text, count=1, flags=re.MULTILINE)
            pattern = {
                "hours": r"\d+(?=:\d\d:\d\d[.,])",
                "minutes": r"(?<=:)\d\d(?=:\d\d[.,])",
                "seconds": r"(?<=:)\d\d(?=[.,]\d)",
                "fraction": r"(?<=[.,])\d{3}(?= -->)",
            }[which]
            return re.sub(pattern, field, text, count=count)

        return huge
    if kind == "openers":
        token = draw(st.sampled_from(OPENERS))
        count = draw(st.integers(1, 3000))
        return lambda text: _at(text, position, token * count)
    if kind == "insert":
        junk = draw(st.text(max_size=40) | st.sampled_from(["\x00", "\x07\x08", "\ufeff", "٣"]))
        return lambda text: _at(text, position, junk)
    if kind == "digits":
        return lambda text: text.replace("0", UNICODE_DIGIT, 2)

    if kind in ("delete-line", "double-line", "swap-lines", "blank-line"):

        def lines(text: str) -> str:
            rows = text.split("\n")
            i = int(position * (len(rows) - 1))
            if kind == "delete-line":
                del rows[i]
            elif kind == "double-line":
                rows.insert(i, rows[i])
            elif kind == "swap-lines" and i + 1 < len(rows):
                rows[i], rows[i + 1] = rows[i + 1], rows[i]
            else:
                rows.insert(i, "")
            return "\n".join(rows)

        return lines
    if kind == "separator":
        return lambda text: text.replace(".", ",", 1) if "." in text else text.replace(",", ".", 1)
    if kind == "truncate":
        return lambda text: text[: int(position * len(text))]
    if kind == "crlf":
        return lambda text: text.replace("\n", "\r\n")
    return lambda text: "\ufeff" + text


def _at(text: str, position: float, insert: str) -> str:
    i = int(position * len(text))
    return text[:i] + insert + text[i:]


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[str, bytes]:
    kind, text = draw(caption_files())
    for change in draw(st.lists(mutation(), min_size=1, max_size=4)):
        text = change(text)
    data = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:  # now and then a byte that is not UTF-8
        i = draw(st.integers(0, len(data)))
        data = data[:i] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x80\x80"])) + data[i:]
    return kind, data


# --- the properties ---------------------------------------------------------------------------

runner = CliRunner()


@pytest.mark.parametrize("command", list(COMMANDS))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=hostile_files())
def test_no_hostile_file_crashes_a_caption_command(
    command: str, case: tuple[str, bytes], tmp_path_factory: pytest.TempPathFactory
) -> None:
    kind, data = case
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / f"in.{kind}"
    source.write_bytes(data)
    argv, allowed, written = COMMANDS[command]
    result = runner.invoke(app, argv(source, folder))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # shows hypothesis the crash with its traceback
    assert "Traceback" not in result.output
    assert result.exit_code in documented_exit_codes()
    assert result.exit_code in allowed, result.output
    target = written(folder)
    if result.exit_code == 8:
        assert "error:" in result.output and result.output.count("error:") == 1
        if target is not None:
            assert not target.exists()  # nothing half-written for a file that cannot be read
    if target is not None and result.exit_code == 0:
        out_kind = target.suffix.lstrip(".")
        parsed = parse_caption_text(target.read_text(encoding="utf-8"), kind=out_kind)  # type: ignore[arg-type]
        assert not [p for p in parsed.problems if p.recovery != "none"]
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".gztmp")]
    assert not leftovers


def test_every_exit_code_in_errors_is_documented() -> None:
    from gztranscribe.errors import ExitCode

    codes = {v for k, v in vars(ExitCode).items() if k.isupper()}
    assert codes <= documented_exit_codes()


# --- the reproductions from the issue, as plain examples --------------------------------------


@pytest.mark.parametrize("digits", [304, 400, 5000])
@pytest.mark.parametrize("command", ["check", "convert to srt", "check --fix"])
def test_an_absurd_hour_field_is_one_error_line_and_exit_8(
    digits: int, command: str, tmp_path: Path
) -> None:
    hours = "9" * digits
    source = tmp_path / "h.vtt"
    source.write_text(f"WEBVTT\n\n{hours}:00:00.000 --> {hours}:00:01.000\nhi\n")
    argv, _, _ = COMMANDS[command]
    result = runner.invoke(app, argv(source, tmp_path))
    assert result.exit_code == 8
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert "far too large a time" in result.output
    assert len(result.output) < 300  # the 5000 digits are not echoed back


def test_twenty_digit_hours_are_refused_not_rounded_onto_each_other(tmp_path: Path) -> None:
    hours = "9" * 20
    source = tmp_path / "h.vtt"
    source.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n"
        f"{hours}:00:00.000 --> {hours}:00:01.000\nhi\n"
    )
    converted = runner.invoke(app, ["convert", str(source), str(tmp_path / "o.vtt")])
    assert converted.exit_code == 8 and "far too large a time" in converted.output
    assert not (tmp_path / "o.vtt").exists()
    checked = runner.invoke(app, ["check", str(source)])
    assert checked.exit_code == 7
    assert "LINE 6: timestamp: " in checked.output


def test_the_largest_allowed_time_keeps_every_millisecond(tmp_path: Path) -> None:
    source = tmp_path / "long.vtt"
    source.write_text("WEBVTT\n\n99999:59:58.998 --> 99999:59:59.999\nhi\n")
    result = runner.invoke(app, ["convert", str(source), str(tmp_path / "o.srt")])
    assert result.exit_code == 0
    assert "99999:59:58,998 --> 99999:59:59,999" in (tmp_path / "o.srt").read_text()


@pytest.mark.parametrize("shift", ["inf", "nan", "1e300"])
def test_an_absurd_shift_is_a_usage_error(shift: str, tmp_path: Path) -> None:
    source = tmp_path / "ok.vtt"
    source.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n")
    result = runner.invoke(app, ["convert", str(source), str(tmp_path / "o.srt"), "--shift", shift])
    assert result.exit_code == 2 and result.output.startswith("error: --shift")
