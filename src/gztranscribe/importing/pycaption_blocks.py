"""pycaption's ``CaptionSet`` -> timed blocks (shared by the SCC, TTML, SAMI and SRT readers)."""

from __future__ import annotations

from typing import Any

from .timed_text import TimedBlock, block


def pick_language(caption_set: Any) -> str | None:
    """The English track when a file has several (SAMI, TTML), else the first one."""
    languages = sorted(caption_set.get_languages())
    english = [lang for lang in languages if str(lang).lower().startswith("en")]
    return (english or languages or [None])[0]


def blocks_of(caption_set: Any) -> tuple[TimedBlock, ...]:
    language = pick_language(caption_set)
    if language is None:
        return ()
    found = (
        block(caption.start / 1e6, caption.end / 1e6, caption.get_text())
        for caption in caption_set.get_captions(language)
    )
    return tuple(b for b in found if b is not None)
