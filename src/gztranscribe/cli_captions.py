"""``gztranscribe check`` and ``gztranscribe convert``: caption files in, problems or files out.

A thin face on ``caption_files`` (reading/writing) and ``checking`` (rules and repair).
``cli.py`` calls ``register(app)`` at its end; everything from ``cli`` is imported inside
``register`` so importing this module first (as the tests may) cannot trip a circular import.
Annotations here are evaluated when the commands are defined (no ``from __future__ import
annotations``): typer reads them, and the option types are local names inside ``register``.
"""

import math
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from .caption_files import (
    MAX_HOURS,
    MAX_MS,
    ParsedCaptions,
    output_kind,
    parse_caption_text,
    read_caption_file,
    refuse,
    shift_captions,
    write_captions,
)
from .checking import RULES, Problem, check_parsed, fix_captions
from .errors import ExitCode, OutputError, UsageError
from .formats.timestamps import format_timestamp
from .output import write_files
from .profiles import StyleProfile
from .types import Captions

HELP = {"help_option_names": ["-h", "--help"]}  # as the group: -h works on every command

# style rules point at a whole cue; spec problems from parsing also name the offending line
_STYLE_RULES = frozenset(spec.name for spec in RULES)


def format_problem(name: str, problem: Problem) -> str:
    """``FILE:CUE N (HH:MM:SS.mmm): rule: message``; file-level problems name the line instead."""
    warning = " (warning)" if problem.severity == "warning" else ""
    if problem.cue is not None and problem.start is not None:
        where = f"CUE {problem.cue} ({format_timestamp(problem.start)})"
        at_line = (
            f" (line {problem.line})" if problem.line and problem.rule not in _STYLE_RULES else ""
        )
    else:
        where, at_line = f"LINE {problem.line or 1}", ""
    return f"{name}:{where}: {problem.rule}{warning}: {problem.message}{at_line}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def summary(problems: list[Problem], cue_count: int) -> str:
    """``N problems in M cues (E errors, W warnings)`` or ``OK: M cues, no problems``."""
    cues = _count(cue_count, "cue")
    if not problems:
        return f"OK: {cues}, no problems"
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    return (
        f"{_count(len(problems), 'problem')} in {cues} "
        f"({_count(errors, 'error')}, {_count(warnings, 'warning')})"
    )


def _plain(parsed: ParsedCaptions) -> Captions:
    """SRT cue numbers are counters, not identifiers: drop them before writing elsewhere."""
    if parsed.kind != "srt":
        return parsed.captions
    return Captions(
        tuple(replace(c, identifier="") for c in parsed.captions.cues), parsed.captions.notes
    )


def _write(target: Path, text: str) -> None:
    """Atomic write; a missing folder is named plainly (not by the temporary file's name)."""
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"{folder}: no such folder; create it or write somewhere else")
    write_files({target: text})


def default_fixed_path(path: Path, kind: str) -> Path:
    """``talk.vtt`` -> ``talk.fixed.vtt`` beside it."""
    return path.with_name(f"{path.stem}.fixed.{kind}")


def run_fix(
    parsed: ParsedCaptions,
    problems: list[Problem],
    profile: StyleProfile,
    out: Path | None,
    source: Path,
) -> tuple[Path, list[Problem], int]:
    """Write the repaired file; return its path, its remaining problems and its cue count."""
    refuse(
        parsed,
        ("dropped",),
        "cannot fix: the text of that block would be lost; correct that line by hand first",
    )
    target = out if out is not None else default_fixed_path(source, parsed.kind)
    kind = output_kind(target)
    fixed = fix_captions(_plain(parsed), profile, problems=problems)
    text = write_captions(fixed, kind)
    reparsed = parse_caption_text(text, kind=kind, name=str(target))
    remaining = check_parsed(reparsed, profile)
    _write(target, text)
    return target, remaining, len(reparsed.captions.cues)


def register(app: typer.Typer) -> None:
    """Add ``check`` and ``convert`` to ``app`` (called once, at the end of ``cli.py``)."""
    from .cli import ConfigOpt, MaxCharsOpt, MaxCpsOpt, ProfileOpt, err, handle_errors
    from .settings import resolve_profile

    @app.command("check", context_settings=HELP)
    def check(
        file: Annotated[
            Path,
            typer.Argument(help="A WebVTT (.vtt) or SubRip (.srt) caption file.", readable=False),
        ],
        profile: ProfileOpt = None,
        max_line_chars: MaxCharsOpt = None,
        max_cps: MaxCpsOpt = None,
        config: ConfigOpt = None,
        fix: Annotated[
            bool,
            typer.Option(
                "--fix",
                help="Also write a corrected copy: lines re-flowed and cues re-timed where "
                "needed, every word kept in order (default: FILE.fixed.vtt or .srt beside FILE).",
            ),
        ] = False,
        output: Annotated[
            Path | None,
            typer.Option(
                "--output", "-o", help="Where --fix writes (.vtt or .srt).", readable=False
            ),
        ] = None,
    ) -> None:
        """Check a caption file against the style guide and spec.

        Every rule of the style guide under a profile (--profile), and the WebVTT or SRT spec.

        Prints one line per problem (FILE:CUE N (time): rule: message) and a summary. Exit
        status: 0 when there are no errors (warnings allowed), 7 when there are errors, 8 when
        the file cannot be read as captions at all. With --fix the exit status describes the
        corrected file instead: 0 when it has no errors.
        """
        with handle_errors():
            style = resolve_profile(
                file,
                config=config,
                profile=profile,
                captions={"max_chars_per_line": max_line_chars, "max_cps": max_cps},
            )
            if output is not None and not fix:
                raise UsageError("-o/--output is where --fix writes; add --fix or drop -o")
            if output is not None:
                output_kind(output)
            parsed = read_caption_file(file)
            problems = check_parsed(parsed, style)
            for problem in problems:
                typer.echo(format_problem(str(file), problem))
            typer.echo(summary(problems, len(parsed.captions.cues)))
            errors = any(p.severity == "error" for p in problems)
            if fix:
                target, remaining, count = run_fix(parsed, problems, style, output, file)
                left = [p for p in remaining if p.severity == "error"]
                if left:
                    for problem in left:
                        typer.echo(format_problem(str(target), problem))
                    err.print(
                        f"wrote {target}; {len(left)} error(s) could not be fixed automatically "
                        "(see above)",
                        markup=False,
                        soft_wrap=True,
                    )
                    raise typer.Exit(ExitCode.CAPTION_PROBLEMS)
                warned = len(remaining)
                note = f" ({warned} warning{'s' if warned != 1 else ''})" if warned else ""
                err.print(
                    f"wrote {target}: {count} cues, passes check{note}",
                    markup=False,
                    soft_wrap=True,
                )
                return
        if errors:
            raise typer.Exit(ExitCode.CAPTION_PROBLEMS)

    @app.command("convert", context_settings=HELP)
    def convert(
        source: Annotated[
            Path, typer.Argument(help="The caption file to read (.vtt or .srt).", readable=False)
        ],
        target: Annotated[
            Path,
            typer.Argument(
                help="The file to write; its extension (.vtt or .srt) picks the format.",
                readable=False,
            ),
        ],
        shift: Annotated[
            float,
            typer.Option(
                "--shift",
                help="Seconds to add to every cue (negative moves earlier; cues ending before 0 "
                "are dropped, starts are clamped at 0).",
            ),
        ] = 0.0,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print nothing on success.")
        ] = False,
        config: ConfigOpt = None,
    ) -> None:
        """Convert captions between SRT and WebVTT.

        Or normalise a file to its own format.

        Cue times and text are kept exactly; WebVTT text is escaped properly; tags are dropped.
        A malformed input (bad timestamp, text without a timing line) is refused with the line
        to fix, exit status 8: run `gztranscribe check` to see every problem.
        """
        with handle_errors():
            resolve_profile(source, config=config)  # a broken show config is reported, as everywhere
            kind = output_kind(target)
            if not math.isfinite(shift) or abs(shift) > MAX_MS / 1000:
                raise UsageError(
                    f"--shift {shift:g}: give a number of seconds (at most {MAX_HOURS} hours)"
                )
            parsed = read_caption_file(source)
            refuse(parsed, ("guessed", "dropped"))
            captions = _plain(parsed)
            dropped = 0
            if shift:
                captions, dropped = shift_captions(captions, shift)
            if dropped:
                err.print(
                    f"warning: dropped {dropped} cue{'s' if dropped != 1 else ''} that would end "
                    f"before 0:00 after --shift {shift:g}",
                    markup=False,
                )
            _write(target, write_captions(captions, kind))
            if not quiet:
                err.print(
                    f"wrote {target} ({len(captions.cues)} cues)", markup=False, soft_wrap=True
                )
