"""SBV (YouTube's ``0:00:01.000,0:00:03.000`` format) via webvtt-py."""

from __future__ import annotations

import io

from .library import call
from .timed_text import TimedBlock, TimedText, block


def _s(stamp: object) -> float:
    return stamp.in_milliseconds() / 1000  # type: ignore[attr-defined] # (start_in_seconds is whole seconds)


def read(text: str, name: str) -> TimedText:
    import webvtt

    parsed = call(name, "sbv", lambda: webvtt.WebVTT.from_buffer(io.StringIO(text), format="sbv"))
    found = (block(_s(c.start_time), _s(c.end_time), c.text) for c in parsed.captions)
    blocks: tuple[TimedBlock, ...] = tuple(b for b in found if b is not None)
    return TimedText(blocks, "sbv", name)
