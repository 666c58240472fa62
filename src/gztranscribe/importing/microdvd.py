"""MicroDVD (``{frame}{frame}text``) via pysubs2, when the file says its frame rate.

MicroDVD counts video frames, not time: without the frame rate every time is a guess, so a
file without the customary first line ``{1}{1}23.976`` is refused (``source.require_format``).
pysubs2's own writer declares the rate as ``{0}{0}25`` and its reader only accepts ``{1}{1}``;
both are read here, by taking the rate from that line and passing it in.
"""

from __future__ import annotations

import re

from .library import call
from .timed_text import TimedBlock, TimedText, block

DECLARATION = re.compile(r"^\s*\{[01]\}\{[01]\}\s*(\d{1,3}(?:\.\d{1,6})?)\s*$")


def frame_rate(text: str) -> float | None:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    match = DECLARATION.match(first)
    rate = float(match.group(1)) if match else 0.0
    return rate if 1.0 <= rate <= 300.0 else None


def read(text: str, name: str) -> TimedText:
    import pysubs2

    fps = frame_rate(text)
    body = text.lstrip("\ufeff").split("\n", 1)[1] if "\n" in text else ""
    subs = call(
        name, "microdvd", lambda: pysubs2.SSAFile.from_string(body, format_="microdvd", fps=fps)
    )
    found = (block(e.start / 1000, e.end / 1000, e.plaintext) for e in subs.events)
    blocks: tuple[TimedBlock, ...] = tuple(b for b in found if b is not None)
    return TimedText(blocks, "microdvd", name)
