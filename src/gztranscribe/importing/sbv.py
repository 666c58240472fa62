"""SBV (YouTube's ``0:00:01.000,0:00:03.000`` format) via webvtt-py.

webvtt-py skips a block whose timing line it cannot read, silently, and its words with it; so
every block is first checked to start with a timing line, and a broken one is refused with its
line number.
"""

from __future__ import annotations

import io
import re

from ..errors import CaptionFileError
from .library import call
from .timed_text import TimedBlock, TimedText, block

_TIMING = re.compile(r"^\s*\d+:\d{1,2}:\d{1,2}\.\d{1,3},\d+:\d{1,2}:\d{1,2}\.\d{1,3}\s*$")


def _s(stamp: object) -> float:
    return stamp.in_milliseconds() / 1000  # type: ignore[attr-defined] # start_in_seconds: whole s


def check_blocks(text: str, name: str) -> None:
    """Every blank-line-separated block must open with a timing line."""
    first_of_block = True
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            first_of_block = True
            continue
        if first_of_block and not _TIMING.match(line):
            raise CaptionFileError(
                f"{name}:{number}: {line.strip()[:60]!r} is not an SBV timing line "
                "(H:MM:SS.mmm,H:MM:SS.mmm); fix that line and import again"
            )
        first_of_block = False


def read(text: str, name: str) -> TimedText:
    import webvtt

    check_blocks(text, name)
    parsed = call(name, "sbv", lambda: webvtt.WebVTT.from_buffer(io.StringIO(text), format="sbv"))
    found = (block(_s(c.start_time), _s(c.end_time), c.text) for c in parsed.captions)
    blocks: tuple[TimedBlock, ...] = tuple(b for b in found if b is not None)
    return TimedText(blocks, "sbv", name)
