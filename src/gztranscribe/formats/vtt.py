"""WebVTT writer (W3C). Ours, not webvtt-py's: that writer does not escape ``&``/``<``/``>``,
which makes files invalid in browsers. webvtt-py reads the platform files ``import`` takes in
(SBV, YouTube WebVTT with inline word times); ``check`` uses our own tolerant parser."""

from __future__ import annotations

from ..types import Captions
from .timestamps import format_timestamp

EXTENSION = "vtt"


def escape(text: str) -> str:
    """Escape what WebVTT cue text reserves; ``-->`` cannot survive once ``>`` is escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _note(text: str) -> str:
    """A NOTE block: no ``-->`` and no blank line may appear inside it."""
    return "NOTE " + text.replace("-->", "->").replace("\n\n", "\n")


def render_captions(captions: Captions) -> str:
    blocks = ["WEBVTT", *(_note(note) for note in captions.notes)]
    for cue in captions.cues:
        timing = f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}"
        lines = [escape(line) for line in cue.lines if line.strip()]
        head = [cue.identifier] if cue.identifier else []
        if cue.note:  # the engine's note on this cue (``fast_speech``) goes right before it
            blocks.append(_note(cue.note))
        blocks.append("\n".join([*head, timing, *lines]))
    return "\n\n".join(blocks) + "\n"
