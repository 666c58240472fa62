"""Everything the output formats need, computed once from a transcript (pure).

Building cues and paragraphs here, not in the writers, means VTT and SRT share one set of cues
and a writer is a few lines of formatting that can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .captions import build_cues
from .profiles import PROFILES, StyleProfile
from .text import ParagraphStyle, paragraphs
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
) -> Document:
    words = transcript.words
    return Document(
        transcript=transcript,
        captions=build_cues(words, profile, speech_end=transcript.duration or None),
        paragraphs=tuple(paragraphs(words, paragraph_style)),
        lead_in=lead_in,
    )
