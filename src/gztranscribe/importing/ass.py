"""ASS/SSA (Aegisub, subtitle editors) via pysubs2: dialogue events only.

Comments and vector drawings are not speech; override tags (``{\\i1}``, ``{\\pos(...)}``) are
styling and go; ``\\N`` is a line break and ``\\h`` a space.
"""

from __future__ import annotations

from .library import call
from .timed_text import TimedBlock, TimedText, block


def read(text: str, name: str) -> TimedText:
    import pysubs2

    subs = call(name, "ass", lambda: pysubs2.SSAFile.from_string(text))
    found = (
        block(event.start / 1000, event.end / 1000, event.plaintext)
        for event in sorted(subs.events, key=lambda e: (e.start, e.end))
        if not (event.is_comment or event.is_drawing)
    )
    blocks: tuple[TimedBlock, ...] = tuple(b for b in found if b is not None)
    return TimedText(blocks, "ass", name)
