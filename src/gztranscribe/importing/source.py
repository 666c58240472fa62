"""Caption file bytes -> text, and which format the text is, judged by content alone.

Vendors name files carelessly (``.txt`` for SRT, ``.xml`` for TTML, ``.vtt`` for SBV), so the
extension is never consulted. Each test is a cheap look at the first non-blank lines; every
check is linear in the file's size.
"""

from __future__ import annotations

import re

from ..caption_files import decode_caption_bytes
from ..errors import CaptionFileError

FORMAT_NAMES = {
    "scc": "SCC (CEA-608)",
    "ttml": "DFXP/TTML",
    "sami": "SAMI",
    "ass": "ASS/SSA",
    "sbv": "SBV (YouTube)",
    "srt": "SubRip (SRT)",
    "vtt": "WebVTT",
    "microdvd": "MicroDVD",
}

_XML_HEAD = re.compile(
    r"^\s*(?:<\?xml[^>]{0,400}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*<(?:\w+:)?tt[\s>]", re.DOTALL
)
_SAMI = re.compile(r"^\s*<sami[\s>]", re.IGNORECASE)
_ASS = re.compile(r"^\s*\[script info\]", re.IGNORECASE)
_SBV_TIMING = re.compile(
    r"^\s*\d+:\d{1,2}:\d{1,2}\.\d{1,3},\d+:\d{1,2}:\d{1,2}\.\d{1,3}\s*$", re.MULTILINE
)
_ARROW_TIMING = re.compile(
    r"^\s*(?:\d+:)?\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*(?:\d+:)?\d{1,2}:\d{1,2}[,.]\d{1,3}",
    re.MULTILINE,
)
_MICRODVD_RATE = re.compile(r"\s*\{[01]\}\{[01]\}\s*\d{1,3}(?:\.\d{1,6})?\s*\n")
_MICRODVD = re.compile(r"^\s*\{\d+\}\{\d*\}", re.MULTILINE)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or BOM-marked UTF-16; anything else is refused in one line."""
    return decode_caption_bytes(data, name, utf16=True, expected="a caption file")


def detect_format(text: str) -> str | None:
    """``scc``, ``ttml``, ``sami``, ``ass``, ``sbv``, ``srt``, ``vtt``, or None."""
    head = text[:4096]
    first = head.lstrip().split("\n", 1)[0].strip()
    if first.startswith("Scenarist_SCC"):
        return "scc"
    if first.startswith("WEBVTT"):
        return "vtt"
    if _XML_HEAD.match(head):
        return "ttml"
    if _SAMI.match(head):
        return "sami"
    if _ASS.match(head):
        return "ass"
    if _ARROW_TIMING.search(head):
        return "srt"
    if _SBV_TIMING.search(head):
        return "sbv"
    if _MICRODVD_RATE.match(head.lstrip("\ufeff")):
        return "microdvd"
    return None


def require_format(text: str, name: str) -> str:
    """The format, or ``CaptionFileError`` naming what is readable."""
    kind = detect_format(text)
    if kind is not None:
        return kind
    if _MICRODVD.search(text[:4096]):
        raise CaptionFileError(
            f"{name}: MicroDVD captions count frames, not time, and the file does not say the "
            "frame rate (a first line like {1}{1}25); add that line, or convert it to SRT in a "
            "subtitle editor"
        )
    known = ", ".join(FORMAT_NAMES.values())
    raise CaptionFileError(f"{name}: not a caption file this can read (it reads {known})")
