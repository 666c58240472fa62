"""Plain-text transcript: one paragraph a line, as the site's episode pages print it."""

from __future__ import annotations

from collections.abc import Sequence

from ..types import Paragraph

EXTENSION = "txt"


def with_lead_in(paragraphs: Sequence[Paragraph], lead_in: str | None) -> list[str]:
    """The paragraphs' texts, opened by the show's lead-in.

    A lead-in ending with ":" is a speaker label ("Ian Bremmer:") and starts the first paragraph;
    any other lead-in is a line of its own.
    """
    texts = [p.text for p in paragraphs]
    lead = (lead_in or "").strip()
    if not lead:
        return texts
    if lead.endswith(":") and texts:
        return [f"{lead} {texts[0]}", *texts[1:]]
    return [lead, *texts]


def render_paragraphs(paragraphs: Sequence[Paragraph], lead_in: str | None = None) -> str:
    return "".join(text + "\n" for text in with_lead_in(paragraphs, lead_in))
