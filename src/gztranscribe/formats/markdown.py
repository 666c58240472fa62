"""Markdown transcript: paragraphs separated by blank lines, markup characters escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..types import Paragraph
from .txt import with_lead_in

EXTENSION = "md"

_INLINE = re.compile(r"([\\`*_\[\]<>|])")
_BLOCK_START = re.compile(r"^(#|>|[-+*]\s|\d+[.)]\s)")


def escape(text: str) -> str:
    """Speech can contain '*' or a leading '1.'; neither may turn into Markdown formatting."""
    text = _INLINE.sub(r"\\\1", text)
    return "\\" + text if _BLOCK_START.match(text) else text


def render_paragraphs(paragraphs: Sequence[Paragraph], lead_in: str | None = None) -> str:
    return "\n\n".join(escape(t) for t in with_lead_in(paragraphs, lead_in)) + "\n"
