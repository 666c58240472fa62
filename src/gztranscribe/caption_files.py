"""Reading and writing caption files (WebVTT and SRT): the I/O edge of ``check`` and ``convert``.

Reading is done by a small tolerant block parser of our own rather than webvtt-py's: a linter
must *report* every spec problem with its line number and keep going, while webvtt-py stops at
the first malformed cue with an exception that names no line (and silently accepts raw ``&``,
``<`` and ``-->`` in text). The parser returns the cues it could read *and* a list of
``SpecProblem``s. Only a file that cannot be used at all (empty, binary, not UTF-8, no cues)
raises ``CaptionFileError`` (exit code 8) with ``FILE:LINE: what is wrong``.

How the parser recovers, so ``check`` can lint the rest of the file:

- a timestamp with the wrong syntax (``00:01.5``, ``00:00:01,000`` in WebVTT) is read leniently
  and the cue kept (recovery ``"guessed"``);
- text after a blank line inside a cue (a block with no timing line right after a cue) is joined
  to that cue (``"guessed"``); two cues run together without a blank line are split
  (``"guessed"``);
- a block whose timing cannot be read at all is dropped (``"dropped"``).

``strict=True`` readers (``convert``) refuse any guess or drop, naming the line; ``check --fix``
refuses only drops, since those would lose words.

Writing delegates to ``formats.vtt`` / ``formats.srt``: there is one writer per format.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from . import fast_speech
from .errors import CaptionFileError, InputError, UsageError
from .formats import srt as srt_format
from .formats import vtt as vtt_format
from .paths import unusable_path
from .types import Captions, Cue

CaptionKind = Literal["vtt", "srt"]
Recovery = Literal["none", "guessed", "dropped"]
Severity = Literal["error", "warning"]

KINDS: tuple[CaptionKind, ...] = ("vtt", "srt")

__all__ = [
    "CaptionKind",
    "ParsedCaptions",
    "SpecProblem",
    "detect_kind",
    "kind_for_path",
    "output_kind",
    "parse_caption_text",
    "parse_captions",
    "read_caption_file",
    "read_captions",
    "refuse",
    "shift_captions",
    "write_captions",
]


@dataclass(frozen=True, slots=True)
class SpecProblem:
    """A way the file breaks the WebVTT/SRT spec (or our stricter reading of it).

    ``line`` is 1-based; ``cue`` is the 1-based index of the cue it belongs to in the parsed
    ``Captions`` (None for the file header or a block that was dropped). ``recovery`` says what
    the parser had to do to carry on: nothing, guess, or drop a block.
    """

    line: int
    cue: int | None
    message: str
    rule: str = "spec"
    severity: Severity = "error"
    recovery: Recovery = "none"


@dataclass(frozen=True, slots=True)
class ParsedCaptions:
    """What a tolerant parse found: the cues, the spec problems, where each cue starts."""

    captions: Captions
    kind: CaptionKind
    name: str
    problems: tuple[SpecProblem, ...] = ()
    cue_lines: tuple[int, ...] = ()  # line of each cue's timing line, parallel to captions.cues

    def line_of(self, cue: int | None) -> int | None:
        """The timing line of 1-based cue ``cue`` (None when unknown)."""
        if cue is None or not 1 <= cue <= len(self.cue_lines):
            return None
        return self.cue_lines[cue - 1]


# --- kind detection ---------------------------------------------------------------------------


def kind_for_path(path: Path) -> CaptionKind | None:
    """``vtt``/``srt`` from the file name, None for any other extension."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in KINDS else None  # type: ignore[return-value]


def output_kind(path: Path) -> CaptionKind:
    """The format to write to ``path``; any extension but .vtt/.srt is a usage error."""
    kind = kind_for_path(path)
    if kind is None:
        raise UsageError(f"{path}: cannot tell the caption format; name the output .vtt or .srt")
    return kind


_SRT_TIMING_HINT = re.compile(r"^[ \t]*\d+:\d{2}:\d{2},\d+[ \t]*-->", re.MULTILINE)
_ANY_TIMING_HINT = re.compile(r"^.*\d:\d{2}[.,:]?\d*\s*-->\s*[\d:]", re.MULTILINE)


def detect_kind(text: str, *, path: Path | None = None) -> CaptionKind | None:
    """By extension first, else by content (a ``WEBVTT`` header, else SRT-style timestamps)."""
    if path is not None and (kind := kind_for_path(path)) is not None:
        return kind
    if text.lstrip("\ufeff").startswith("WEBVTT"):
        return "vtt"
    if _SRT_TIMING_HINT.search(text):
        return "srt"
    if _ANY_TIMING_HINT.search(text):
        return "vtt"
    return None


# --- reading ----------------------------------------------------------------------------------


def read_caption_file(path: Path) -> ParsedCaptions:
    """Read ``path`` tolerantly: the cues plus every spec problem found.

    Raises ``InputError`` (exit 3) for a missing/unreadable path and ``CaptionFileError``
    (exit 8) for a file that is not a usable caption file at all.
    """
    name = str(path)
    text = decode_caption_bytes(read_caption_bytes(path), name)
    kind = detect_kind(text, path=path)
    if kind is None:
        raise CaptionFileError(
            f"{name}:1: not a caption file (no WEBVTT header and no timing lines); "
            "expected a WebVTT (.vtt) or SubRip (.srt) file"
        )
    return parse_caption_text(text, kind=kind, name=name)


def read_captions(path: Path, *, strict: bool = False) -> Captions:
    """Read a .vtt/.srt file into ``Captions``.

    Tolerant by default (spec problems are skipped over as ``check`` would); ``strict=True``
    raises ``CaptionFileError`` naming the first line the parser had to guess at or drop.
    """
    parsed = read_caption_file(path)
    if strict:
        refuse(parsed, ("guessed", "dropped"))
    return parsed.captions


def parse_captions(
    text: str, *, kind: CaptionKind, name: str = "captions", strict: bool = False
) -> Captions:
    """Parse caption text into ``Captions`` (see ``read_captions`` for ``strict``)."""
    parsed = parse_caption_text(text, kind=kind, name=name)
    if strict:
        refuse(parsed, ("guessed", "dropped"))
    return parsed.captions


def refuse(parsed: ParsedCaptions, recoveries: Sequence[Recovery], what: str = "") -> None:
    """Raise ``CaptionFileError`` for the first problem whose recovery is in ``recoveries``."""
    for problem in parsed.problems:
        if problem.recovery in recoveries:
            hint = what or "fix that line (`gztranscribe check` lists every problem)"
            raise CaptionFileError(f"{parsed.name}:{problem.line}: {problem.message}; {hint}")


def read_caption_bytes(path: Path, *, expected: str = "a .vtt or .srt file") -> bytes:
    """A caption file's bytes; ``InputError`` (exit 3) naming why the path cannot be read."""
    if not path.exists():
        raise unusable_path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give {expected}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from None


def decode_caption_bytes(
    data: bytes, name: str, *, utf16: bool = False, expected: str = "WebVTT or SRT captions"
) -> str:
    """Bytes -> text, or a one-line reason why this is not a caption file.

    Files for the site must be UTF-8 (``check`` refuses anything else); ``utf16`` also takes
    BOM-marked UTF-16, as caption vendors deliver it (``import``). A leading BOM is dropped.
    """
    if not data.strip():
        raise CaptionFileError(f"{name}:1: the file is empty; expected {expected}")
    if utf16 and data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").lstrip("\ufeff")
        except UnicodeDecodeError:
            raise CaptionFileError(f"{name}:1: broken UTF-16 text; re-save it as UTF-8") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise CaptionFileError(
            f"{name}:1: the file is UTF-16 text; caption files must be UTF-8 (re-save it as UTF-8)"
        )
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise CaptionFileError(f"{name}:{line}: binary data (a NUL byte), not a caption file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CaptionFileError(
            f"{name}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
            "caption files must be UTF-8 (re-save it as UTF-8)"
        ) from None
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 8:
        raise CaptionFileError(f"{name}:1: binary data, not a caption file")
    return text


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL in every other byte."""
    head = data[:200]
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.8 * len(even) or odd.count(0) > 0.8 * len(odd)


# --- timestamps -------------------------------------------------------------------------------

# Field widths are bounded so an absurd field (400 digits of hours) is refused by the pattern
# instead of reaching ``int`` (which gives up past 4300 digits) or float division (OverflowError).
_VTT_TS = re.compile(r"^(?:(\d{2,12}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_SRT_TS = re.compile(r"^(\d{1,12}):([0-5]\d):([0-5]\d),(\d{3})$")
_LENIENT_TS = re.compile(r"^(?:(\d{1,12}):)?(\d{1,12}):(\d{1,12})(?:[.,:](\d{1,12}))?$")
_SHAPE = {"vtt": "HH:MM:SS.mmm", "srt": "HH:MM:SS,mmm"}
# Longer than any recording (11 years): a bigger time is a typo or garbage, never a cue. Below it
# every millisecond is exact in a float, so a cue can never round onto its neighbour.
MAX_HOURS = 99_999
MAX_MS = (MAX_HOURS + 1) * 3_600_000 - 1
_TOO_LARGE = f"a cue time is at most {MAX_HOURS} hours"
_DIGITS_TS = re.compile(r"^\d+(?::\d+){1,2}(?:[.,:]\d+)?$")  # timestamp-shaped, any widths


def _preview(token: str, limit: int = 40) -> str:
    """A token short enough to quote in a one-line message."""
    return token if len(token) <= limit else token[: limit - 3] + "..."


def _ms_of(hours: str | None, minutes: str, seconds: str, fraction: str | None) -> int:
    ms = int(fraction.ljust(3, "0")[:3]) + (fraction[3:4] >= "5") if fraction else 0
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + ms


def _parse_timestamp(token: str, kind: CaptionKind) -> tuple[int | None, str | None]:
    """``(ms, None)`` for exact syntax; ``(ms, why)`` when read leniently; ``(None, why)``."""
    shape = _SHAPE[kind]
    exact = (_VTT_TS if kind == "vtt" else _SRT_TS).match(token)
    lenient = None if exact else _LENIENT_TS.match(token)
    if not exact and not lenient:
        if _DIGITS_TS.match(token):
            return None, f"'{_preview(token)}' is far too large a time ({_TOO_LARGE}, {shape})"
        return None, f"'{_preview(token)}' is not a timestamp (expected {shape})"
    value = _ms_of(*(exact or lenient).groups())  # type: ignore[union-attr]
    if value > MAX_MS:
        return None, f"'{_preview(token)}' is far too large a time ({_TOO_LARGE}, {shape})"
    if exact:
        return value, None
    hours, minutes, seconds, fraction = lenient.groups()  # type: ignore[union-attr]
    sep = token[len(token) - len(fraction) - 1] if fraction else ""
    if kind == "vtt" and sep == ",":
        why = f"'{token}' has a comma before the milliseconds (SRT style); WebVTT needs {shape}"
    elif kind == "srt" and sep == ".":
        why = f"'{token}' has a dot before the milliseconds (WebVTT style); SRT needs {shape}"
    elif kind == "srt" and hours is None:
        why = f"'{token}' has no hours; SRT needs {shape}"
    elif int(minutes) > 59 or int(seconds) > 59:
        why = f"'{token}': minutes and seconds must be 00-59 ({shape})"
    elif fraction is None or len(fraction) != 3:
        why = f"'{token}' needs exactly three digits of milliseconds ({shape})"
    else:
        why = f"'{token}' is not written as {shape} (two digits each for minutes and seconds)"
    return value, why


def _looks_like_timing(line: str, kind: CaptionKind) -> bool:
    """A text line that is really a timing line (two cues run together)."""
    if "-->" not in line:
        return False
    left, _, right = line.partition("-->")
    tokens = right.split()
    return bool(_LENIENT_TS.match(left.strip()) and tokens and _LENIENT_TS.match(tokens[0]))


# --- cue text ---------------------------------------------------------------------------------

_VTT_REFERENCE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);")
# Linear time: a tag's body never runs past the next opener ("[^<>]", "[^{}]"), so a line of
# 100k "<c " (or "{\\") costs one scan, not a scan from every opener to the end of the line.
_VTT_TAG = re.compile(
    r"<(?:/?(?:c|i|b|u|v|lang|ruby|rt)(?:\.[^\s<>]*)?(?:[ \t][^<>]*)?"  # a span tag
    r"|(?:\d{2,}:)?\d{2}:\d{2}\.\d{3})>"  # or a karaoke timestamp
)
_TAG_LIKE = re.compile(r"</?[A-Za-z][^<>\n]*>")
_SRT_TAG = re.compile(r"</?(?:i|b|u|s|font)(?:\s[^<>]*)?>|\{\\[^{}]*\}", re.IGNORECASE)


# HTML and SubRip formatting pasted into WebVTT: markup, never words, so dropped. Any other
# tag-like word ("<soon>", "<laughs>") is an author's text: kept, and written escaped.
_FORMATTING_TAGS = frozenset(
    ["a", "br", "div", "em", "font", "h1", "h2", "h3", "p", "s", "small", "span", "strong", "sub", "sup"]
)


def _tag_name(tag: str) -> str:
    return re.split(r"[\s/>.]", tag.lstrip("</"), maxsplit=1)[0].lower()


def _unknown_tag(tag: str) -> str:
    shown = _preview(tag)  # a hostile file's "tag" may be 100k characters long
    if _tag_name(tag) in _FORMATTING_TAGS:
        return f"{shown!r} is not a WebVTT tag; players ignore it (--fix and convert drop it)"
    escaped = shown.replace("<", "&lt;").replace(">", "&gt;")
    return (
        f"{shown!r} reads as an unknown tag: players show nothing; if it is text write "
        f"{escaped!r} (--fix and convert keep it as text)"
    )


@dataclass
class _TextResult:
    text: str
    problems: list[tuple[str, str, Severity]] = field(default_factory=list)  # rule, message, sev


def _vtt_text(line: str) -> _TextResult:
    """Plain text of one WebVTT cue line (tags dropped, references decoded) and its problems."""
    result = _TextResult(line)
    if "-->" in line:
        result.problems.append(
            (
                "arrow-in-text",
                "'-->' in cue text ends the cue early in players; write '->'",
                "error",
            )
        )
    out: list[str] = []
    pos = 0
    amp_reported = lt_reported = False
    gt_reported = "-->" in line  # an arrow is reported above; its '>' is not an escape problem
    while pos < len(line):
        ch = line[pos]
        if ch == "&":
            ref = _VTT_REFERENCE.match(line, pos)
            if ref:
                out.append(html.unescape(ref.group()))
                pos = ref.end()
                continue
            if not amp_reported:
                result.problems.append(("escape", "unescaped '&'; write '&amp;'", "error"))
                amp_reported = True
        elif ch == "<":
            tag = _VTT_TAG.match(line, pos)
            if tag:
                pos = tag.end()
                continue
            unknown = _TAG_LIKE.match(line, pos)
            if unknown:
                result.problems.append(("tag", _unknown_tag(unknown.group()), "warning"))
                pos = unknown.end()
                if _tag_name(unknown.group()) not in _FORMATTING_TAGS:
                    out.append(unknown.group())  # "<soon>", "<laughs>": meant as text; kept
                continue
            if not lt_reported:
                result.problems.append(
                    ("escape", "unescaped '<' (players read it as a tag); write '&lt;'", "error")
                )
                lt_reported = True
        elif ch == ">" and not gt_reported:
            result.problems.append(("escape", "unescaped '>'; write '&gt;'", "warning"))
            gt_reported = True
        out.append(ch)
        pos += 1
    result.text = "".join(out).strip()
    return result


def _srt_text(line: str) -> _TextResult:
    result = _TextResult(" ".join(_SRT_TAG.sub("", line).split()))
    if "-->" in line:
        result.problems.append(
            ("arrow-in-text", "'-->' in cue text is read as a timing line; write '->'", "error")
        )
    return result


# --- the block parser -------------------------------------------------------------------------


@dataclass
class _CueDraft:
    line: int
    start: int
    end: int
    identifier: str
    lines: list[str]
    note: str = ""


class _Parser:
    def __init__(self, text: str, kind: CaptionKind, name: str) -> None:
        self.kind = kind
        self.name = name
        text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
        self.lines = text.split("\n")
        self.cues: list[_CueDraft] = []
        self.notes: list[str] = []
        self.cue_note = ""  # a note of the caption engine's, for the cue that follows it
        self.problems: list[SpecProblem] = []
        self.cue_problems: list[tuple[int, int, str, str, Severity, Recovery]] = []
        self.ids: dict[str, int] = {}

    # problems are recorded against the draft index; cue numbers are assigned at the end
    def file_problem(
        self,
        line: int,
        message: str,
        rule: str,
        severity: Severity = "error",
        recovery: Recovery = "none",
    ) -> None:
        self.problems.append(SpecProblem(line, None, message, rule, severity, recovery))

    def cue_problem(
        self,
        draft: int,
        line: int,
        message: str,
        rule: str,
        severity: Severity = "error",
        recovery: Recovery = "none",
    ) -> None:
        self.cue_problems.append((draft, line, message, rule, severity, recovery))

    def blocks(self, first: int) -> list[tuple[int, list[str]]]:
        """(line number of the first line, lines) for each blank-line-separated block."""
        blocks: list[tuple[int, list[str]]] = []
        current: list[str] = []
        start = first
        for index in range(first, len(self.lines)):
            line = self.lines[index]
            if line.strip():
                if not current:
                    start = index
                current.append(line)
            elif current:
                blocks.append((start + 1, current))
                current = []
        if current:
            blocks.append((start + 1, current))
        return blocks

    def parse(self) -> ParsedCaptions:
        first = self.header() if self.kind == "vtt" else self.srt_start()
        previous_was_cue = False
        for line_no, block in self.blocks(first):
            head = block[0].strip()
            if self.kind == "vtt" and (head == "NOTE" or head.startswith(("NOTE ", "NOTE\t"))):
                self.note(line_no, block)
                previous_was_cue = False
                continue
            if self.kind == "vtt" and head in ("STYLE", "REGION") and "-->" not in "".join(block):
                if self.cues:
                    self.file_problem(
                        line_no,
                        f"{head} block after the first cue; players ignore it there",
                        "block-order",
                        "warning",
                    )
                previous_was_cue = False
                continue
            previous_was_cue = self.cue_block(line_no, block, previous_was_cue)
        return self.result()

    # -- header
    def header(self) -> int:
        """Check the WEBVTT header; return the index of the first line after it."""
        first = self.lines[0] if self.lines else ""
        if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
            if first.strip().upper().startswith("WEBVTT"):
                message = f"the first line must be exactly 'WEBVTT' (found {first.strip()!r})"
            else:
                message = (
                    "missing 'WEBVTT' header line; the first line of a WebVTT file must be WEBVTT"
                )
            self.file_problem(1, message, "header")
            return 0 if not first.strip().upper().startswith("WEBVTT") else 1
        index = 1
        while index < len(self.lines) and self.lines[index].strip():
            if "-->" in self.lines[index]:
                self.file_problem(
                    index + 1,
                    "no blank line between the WEBVTT header and the first cue",
                    "header",
                )
                # an identifier line right before the timing line belongs to the cue
                return index - 1 if index >= 2 else index
            index += 1
        return index

    def srt_start(self) -> int:
        if self.lines and self.lines[0].startswith("WEBVTT"):
            self.file_problem(
                1, "this SRT file starts with a WEBVTT header; rename it .vtt", "header"
            )
            return 1
        return 0

    def note(self, line_no: int, block: list[str]) -> None:
        text = "\n".join([block[0].strip()[4:].strip(), *block[1:]]).strip()
        if "-->" in text:
            self.file_problem(line_no, "'-->' is not allowed in a NOTE block", "note")
        if fast_speech.is_note(text):
            self.cue_note = text
        else:
            self.notes.append(text)

    # -- cues
    def cue_block(self, line_no: int, block: list[str], previous_was_cue: bool) -> bool:
        """Parse one block (possibly several cues run together); True when it ended in a cue."""
        pos = 0
        ended_in_cue = False
        while pos < len(block):
            if "-->" in block[pos]:
                ident, timing = "", pos
            elif pos + 1 < len(block) and "-->" in block[pos + 1]:
                ident, timing = block[pos].strip(), pos + 1
            else:
                # text with no timing line, up to the next cue run into this block (if any)
                k = pos + 2
                while k < len(block) and not _looks_like_timing(block[k], self.kind):
                    k += 1
                stop = k - 1 if k < len(block) and self.could_be_identifier(block[k - 1]) else k
                previous_was_cue = self.text_without_timing(
                    line_no + pos, block[pos:stop], previous_was_cue
                )
                ended_in_cue = previous_was_cue
                pos = stop
                continue
            # text runs until another real timing line (two cues without a blank line between)
            end = timing + 1
            while end < len(block) and not _looks_like_timing(block[end], self.kind):
                end += 1
            next_pos = end
            if end < len(block):
                if end - 1 > timing and self.could_be_identifier(block[end - 1]):
                    next_pos = end - 1
                self.file_problem(
                    line_no + next_pos,
                    "no blank line between this cue and the one before it",
                    "blank-line",
                    recovery="guessed",
                )
            added = self.cue(line_no + timing, ident, block[timing], block[timing + 1 : next_pos])
            ended_in_cue = added
            previous_was_cue = added
            pos = next_pos
        return ended_in_cue

    def could_be_identifier(self, line: str) -> bool:
        return line.strip().isdigit()

    def text_without_timing(self, line_no: int, block: list[str], previous_was_cue: bool) -> bool:
        """Join the text to the cue just above (True) or drop it with a problem (False)."""
        if previous_was_cue and self.cues:
            draft = len(self.cues) - 1
            self.cue_problem(
                draft,
                line_no,
                "blank line inside a cue: this text has no timing line; it was read as part of "
                "the cue above (remove the blank line)",
                "blank-line",
                recovery="guessed",
            )
            self.cues[draft].lines.extend(self.text_lines(draft, line_no, block))
            return True
        self.file_problem(
            line_no,
            f"text without a timing line ({_preview(block[0].strip())!r}); "
            "it is not part of any cue",
            "no-timing",
            recovery="dropped",
        )
        return False

    def text_lines(self, draft: int, first_line: int, lines: Sequence[str]) -> list[str]:
        out: list[str] = []
        for offset, raw in enumerate(lines):
            result = _vtt_text(raw) if self.kind == "vtt" else _srt_text(raw)
            for rule, message, severity in result.problems:
                self.cue_problem(draft, first_line + offset, message, rule, severity)
            if result.text:
                out.append(result.text)
        return out

    def cue(self, line_no: int, ident: str, timing: str, text: Sequence[str]) -> bool:
        left, _, right = timing.partition("-->")
        start_token = left.strip()
        right_tokens = right.split()
        end_token = right_tokens[0] if right_tokens else ""
        draft = len(self.cues)
        problems: list[tuple[str, str, Severity, Recovery]] = []
        if " " in start_token or "\t" in start_token or not start_token or not end_token:
            self.file_problem(
                line_no,
                f"cannot read the timing line {_preview(timing.strip(), 80)!r} "
                f"(expected {_SHAPE[self.kind]} --> {_SHAPE[self.kind]}); the cue was skipped",
                "timestamp",
                recovery="dropped",
            )
            return False
        times: list[int] = []
        for token in (start_token, end_token):
            value, why = _parse_timestamp(token, self.kind)
            if value is None:
                self.file_problem(
                    line_no, f"{why}; the cue was skipped", "timestamp", recovery="dropped"
                )
                return False
            if why:
                problems.append(("timestamp", why, "error", "guessed"))
            times.append(value)
        if (left and not left[-1].isspace()) or (right and not right[0].isspace()):
            problems.append(("timing-line", "put a space on each side of '-->'", "warning", "none"))
        self.cues.append(_CueDraft(line_no, times[0], times[1], ident, [], self.cue_note))
        self.cue_note = ""
        for rule, message, severity, recovery in problems:
            self.cue_problem(draft, line_no, message, rule, severity, recovery)
        self.identifier(draft, line_no - 1, ident)
        self.cues[draft].lines.extend(self.text_lines(draft, line_no + 1, text))
        return True

    def identifier(self, draft: int, line_no: int, ident: str) -> None:
        if self.kind == "srt":
            expected = draft + 1
            if not ident:
                self.cue_problem(
                    draft,
                    line_no + 1,
                    f"missing cue number (expected {expected})",
                    "cue-number",
                    "warning",
                )
            elif not (ident.isascii() and ident.isdigit()):
                self.cue_problem(
                    draft,
                    line_no,
                    f"cue number {_preview(ident)!r} is not a number",
                    "cue-number",
                    "warning",
                )
            elif ident.lstrip("0") != str(expected):  # compared as text: no 5000-digit int()
                self.cue_problem(
                    draft,
                    line_no,
                    f"cue numbered {_preview(ident)}, expected {expected}",
                    "cue-number",
                    "warning",
                )
            return
        if not ident:
            return
        if ident in self.ids:
            self.cue_problem(
                draft,
                line_no,
                f"duplicate cue identifier {_preview(ident)!r} (first used by cue {self.ids[ident] + 1}); "
                "identifiers must be unique",
                "duplicate-id",
            )
        else:
            self.ids[ident] = draft

    def result(self) -> ParsedCaptions:
        cues = tuple(
            Cue(
                start=d.start / 1000,
                end=d.end / 1000,
                lines=tuple(d.lines),
                identifier=d.identifier,
                note=d.note,
            )
            for d in self.cues
        )
        if self.cue_note:  # after the last cue: nothing to attach it to
            self.notes.append(self.cue_note)
        problems = list(self.problems)
        problems += [
            SpecProblem(line, draft + 1, message, rule, severity, recovery)
            for draft, line, message, rule, severity, recovery in self.cue_problems
        ]
        problems.sort(key=lambda p: p.line)
        return ParsedCaptions(
            captions=Captions(cues, tuple(self.notes)),
            kind=self.kind,
            name=self.name,
            problems=tuple(problems),
            cue_lines=tuple(d.line for d in self.cues),
        )


def parse_caption_text(text: str, *, kind: CaptionKind, name: str = "captions") -> ParsedCaptions:
    """Parse WebVTT or SRT text tolerantly: the cues, NOTE blocks and every spec problem.

    Cue text comes out as plain text: WebVTT tags (``<v Name>``, ``<i>``...) are dropped with
    their text kept, and ``&amp;`` ``&lt;`` ``&gt;`` (any character reference) are decoded; SRT
    ``<i>``/``<font>`` tags and ``{\\an8}`` codes are dropped. Raises ``CaptionFileError`` only
    when the text holds no cues at all (a WebVTT file with only a header, or only NOTEs, is a
    valid empty caption file and parses to zero cues).
    """
    if kind not in KINDS:
        raise UsageError(f"unknown caption format {kind!r}; choose vtt or srt")
    parser = _Parser(text, kind, name)
    parsed = parser.parse()
    if not parsed.captions.cues:
        blocks_with_text = [p for p in parsed.problems if p.recovery == "dropped"]
        header_only = (
            kind == "vtt"
            and not blocks_with_text
            and not any(p.rule == "header" for p in parsed.problems)
        )
        if not header_only:
            first = blocks_with_text[0] if blocks_with_text else None
            line = first.line if first else 1
            detail = f" ({first.message})" if first else ""
            raise CaptionFileError(f"{name}:{line}: no caption cues found{detail}")
    return parsed


# --- writing ----------------------------------------------------------------------------------


def write_captions(captions: Captions, kind: CaptionKind) -> str:
    """Render ``captions`` as WebVTT or SRT text with the package's one writer per format."""
    if kind == "vtt":
        return vtt_format.render_captions(captions)
    if kind == "srt":
        return srt_format.render_captions(captions)
    raise UsageError(f"unknown caption format {kind!r}; choose vtt or srt")


def shift_captions(captions: Captions, seconds: float) -> tuple[Captions, int]:
    """Move every cue by ``seconds`` (negative allowed); return the result and how many cues
    were dropped because they would end at or before 0:00. Starts are clamped at 0."""
    shift_ms = round(seconds * 1000)
    kept: list[Cue] = []
    dropped = 0
    for cue in captions.cues:
        start = round(cue.start * 1000) + shift_ms
        end = round(cue.end * 1000) + shift_ms
        if end <= 0:
            dropped += 1
            continue
        kept.append(replace(cue, start=max(0, start) / 1000, end=end / 1000))
    return Captions(tuple(kept), captions.notes), dropped
