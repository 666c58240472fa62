"""HTML transcript for the episode page: a ``<div>`` of ``<p>`` paragraphs.

Each paragraph carries ``data-start`` (seconds) so the page can seek the video when a reader clicks.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ..types import Paragraph

EXTENSION = "html"


def render_paragraphs(paragraphs: Sequence[Paragraph], lead_in: str | None = None) -> str:
    lines = ['<div class="transcript">']
    lead = (lead_in or "").strip()
    if lead and not lead.endswith(":"):
        lines.append(f'  <p class="lead-in">{escape(lead)}</p>')
    for index, paragraph in enumerate(paragraphs):
        label = f'<span class="speaker">{escape(lead)}</span> ' if lead.endswith(":") and index == 0 else ""
        lines.append(
            f'  <p data-start="{paragraph.start:.3f}" data-end="{paragraph.end:.3f}">'
            f"{label}{escape(paragraph.text)}</p>"
        )
    lines.append("</div>")
    return "\n".join(lines) + "\n"
