"""Everything the output formats need, computed once from a transcript (pure).

Building cues and paragraphs here, not in the writers, means VTT and SRT share one set of cues
and a writer is a few lines of formatting that can be tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .captions import build_cues
from .profiles import PROFILES, StyleProfile
from .text import ParagraphStyle
from .text import paragraphs as auto_paragraphs
from .types import Captions, Paragraph, Transcript


@dataclass(frozen=True, slots=True)
class Document:
    transcript: Transcript
    captions: Captions
    paragraphs: tuple[Paragraph, ...]
    lead_in: str | None = None


def build_document(
    transcript: Transcript,
    profile: StyleProfile = PROFILES["broadcast"],
    paragraph_style: ParagraphStyle = ParagraphStyle(),
    lead_in: str | None = None,
    *,
    paragraphs: Sequence[Paragraph] | None = None,
    captions: Captions | None = None,
) -> Document:
    """Cues and paragraphs of ``transcript``: the engines' own, unless the caller already has them
    (a producer's paragraphs after review or alignment; captions of an aligned text)."""
    words = transcript.words
    if captions is None:
        captions = build_cues(words, profile, speech_end=transcript.duration or None)
    if paragraphs is None:
        paragraphs = auto_paragraphs(words, paragraph_style)
    return Document(transcript, captions, tuple(paragraphs), lead_in)
