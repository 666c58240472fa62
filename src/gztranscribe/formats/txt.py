"""Plain-text transcript: one paragraph a line, as the site's episode pages print it."""

from __future__ import annotations

from collections.abc import Sequence

from ..types import Paragraph

EXTENSION = "txt"


def render_paragraphs(paragraphs: Sequence[Paragraph]) -> str:
    return "".join(p.text + "\n" for p in paragraphs)
