"""Checking, fixing and converting caption files: the library behind ``check`` and ``convert``.

A library user (a site's import job) gets what the commands do: lint a file into printable
problems, write a repaired copy that re-checks clean, convert between SRT and WebVTT with a
shift. Reading and writing are ``caption_files``'; the rules and the repair are ``checking``'s.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

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
from .errors import CaptionFileError, OutputError, UsageError
from .formats.timestamps import format_timestamp
from .output import write_files
from .profiles import StyleProfile
from .types import Captions

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


def plain_captions(parsed: ParsedCaptions) -> Captions:
    """SRT cue numbers are counters, not identifiers: drop them before writing elsewhere."""
    if parsed.kind != "srt":
        return parsed.captions
    return Captions(
        tuple(replace(c, identifier="") for c in parsed.captions.cues), parsed.captions.notes
    )


def write_caption_text(target: Path, text: str) -> None:
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
    fixed = fix_captions(plain_captions(parsed), profile, problems=problems)
    text = write_captions(fixed, kind)
    reparsed = parse_caption_text(text, kind=kind, name=str(target))
    remaining = check_parsed(reparsed, profile)
    write_caption_text(target, text)
    return target, remaining, len(reparsed.captions.cues)


class Converted(NamedTuple):
    """What ``convert_file`` wrote."""

    cues: int
    dropped: int  # cues that would end before 0:00 after the shift
    notes_lost: int  # WebVTT NOTE blocks an SRT file cannot hold (fast-speech notes included)
    fast_notes_lost: int  # ...of which the engine's fast-speech notes, each tied to its cue


def notes_lost_warning(notes: int, fast: int) -> str:
    """The one line ``convert`` prints when an SRT target drops WebVTT notes."""
    plural = "s" if notes != 1 else ""
    line = f"warning: SRT has no notes: {notes} NOTE block{plural} left out"
    if fast:
        cues = f"{fast} cue{'s' if fast != 1 else ''}"
        line += (
            f", {fast} of them fast-speech notes; `gztranscribe check` on the SRT reports those "
            f"{cues}' reading speed as errors (the .vtt keeps the notes)"
        )
    return line


def convert_file(source: Path, target: Path, shift: float = 0.0) -> Converted:
    """Write ``source``'s cues to ``target`` (its extension picks SRT or WebVTT), moved by
    ``shift`` seconds.

    Times and text are kept exactly; a malformed input is refused with the line to fix. SRT has
    no notes, so converting to it loses them: the counts say how many, so the command can warn
    (a fast cue that loses its note is a reading-speed error to ``check``).
    """
    kind = output_kind(target)
    if not math.isfinite(shift) or abs(shift) > MAX_MS / 1000:
        raise UsageError(f"--shift {shift:g}: give a number of seconds (at most {MAX_HOURS} hours)")
    parsed = read_caption_file(source)
    refuse(parsed, ("guessed", "dropped"))
    captions = plain_captions(parsed)
    dropped = 0
    if shift:
        captions, dropped = shift_captions(captions, shift)
    if kind == "srt" and not captions.cues:  # unlike WebVTT, SRT has no empty file
        raise CaptionFileError(f"{source}: no cues to write; an SRT file needs at least one")
    write_caption_text(target, write_captions(captions, kind))
    if kind != "srt":  # WebVTT keeps every note
        return Converted(len(captions.cues), dropped, 0, 0)
    fast = sum(1 for c in captions.cues if c.note)  # the parser ties only those to a cue
    return Converted(len(captions.cues), dropped, len(captions.notes) + fast, fast)
