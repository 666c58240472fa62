"""Output formats: a registry of pure writers, each turning a ``Document`` into file text.

Adding a format is one module plus one entry in ``WRITERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..errors import UsageError
from . import html, jsonfile, markdown, srt, txt, vtt

if TYPE_CHECKING:
    from ..document import Document

Writer = Callable[["Document"], str]

WRITERS: dict[str, Writer] = {
    "vtt": lambda doc: vtt.render_captions(doc.captions),
    "srt": lambda doc: srt.render_captions(doc.captions),
    "txt": lambda doc: txt.render_paragraphs(doc.paragraphs, doc.lead_in),
    "json": lambda doc: jsonfile.render_transcript(doc.transcript),
    "md": lambda doc: markdown.render_paragraphs(doc.paragraphs, doc.lead_in),
    "html": lambda doc: html.render_paragraphs(doc.paragraphs, doc.lead_in),
}

DEFAULT_FORMATS: tuple[str, ...] = ("vtt", "txt", "json")


def parse_formats(spec: str | Iterable[str]) -> tuple[str, ...]:
    """``"vtt,srt"`` -> ``("vtt", "srt")``; unknown names are a usage error listing the known ones."""
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [item.strip().lower().lstrip(".") for item in items if item.strip()]
    unknown = [n for n in names if n not in WRITERS]
    if unknown or not names:
        raise UsageError(
            f"unknown format {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(WRITERS)} (comma-separated)"
        )
    return tuple(dict.fromkeys(names))


def render(document: Document, fmt: str) -> str:
    return WRITERS[fmt](document)
