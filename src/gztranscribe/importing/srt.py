"""SubRip via pysubs2: CRLF or LF, a BOM, ``<i>``/``<b>``/``<font>`` tags and ``{\\an8}``
position codes (styling, dropped), missing or wrong cue numbers, dot or comma milliseconds."""

from __future__ import annotations

from .library import call
from .timed_text import TimedBlock, TimedText, block


def read(text: str, name: str) -> TimedText:
    import pysubs2

    subs = call(name, "srt", lambda: pysubs2.SSAFile.from_string(text, format_="srt"))
    found = (block(e.start / 1000, e.end / 1000, e.plaintext) for e in subs.events)
    blocks: tuple[TimedBlock, ...] = tuple(b for b in found if b is not None)
    return TimedText(blocks, "srt", name)
