"""SubRip writer: numbered cues, comma before milliseconds, plain text."""

from __future__ import annotations

from ..types import Captions
from .timestamps import format_timestamp

EXTENSION = "srt"


def render_captions(captions: Captions) -> str:
    blocks = []
    for number, cue in enumerate(captions.cues, start=1):
        timing = f"{format_timestamp(cue.start, ',')} --> {format_timestamp(cue.end, ',')}"
        lines = [line.replace("-->", "->") for line in cue.lines if line.strip()]
        blocks.append("\n".join([str(number), timing, *lines]))
    return "\n\n".join(blocks) + ("\n" if blocks else "")
