"""WebVTT as platforms write it, via webvtt-py (strict: a malformed cue block is an error,
never silently skipped): ``STYLE``/``REGION``/``NOTE`` blocks, cue settings, ``<c.color>``,
``<v Speaker>`` and ``<i>`` tags (all dropped), character references decoded.

YouTube's automatic captions carry each word's time inline: ``this<00:05:04.199><c> will</c>``.
Those times are kept on the block's words: the text before the first inline time starts at
the cue's start, every other piece at its own time, and a piece of several words shares its
time by length.
"""

from __future__ import annotations

import html
import io
import re

from ..types import Word
from .library import call
from .timed_text import TimedBlock, TimedText, clean_lines

_INLINE_TIME = re.compile(r"<((?:\d+:)?\d{1,2}:\d{2}\.\d{3})>")
_TAG = re.compile(r"<[^>\n]*>")


def _seconds(stamp: str) -> float:
    parts = stamp.split(":")
    value = float(parts[-1]) + 60 * int(parts[-2])
    return value + 3600 * int(parts[0]) if len(parts) == 3 else value


def _plain(raw: str) -> str:
    return html.unescape(_TAG.sub("", raw))


def _timed_pieces(line: str, start: float) -> list[tuple[float, list[str]]]:
    """(time, tokens) for the text before the first inline time and after each one."""
    parts = _INLINE_TIME.split(line)  # text, time, text, time, text...
    pieces = [(start, _plain(parts[0]).split())]
    for i in range(1, len(parts), 2):
        pieces.append((_seconds(parts[i]), _plain(parts[i + 1]).split()))
    return pieces


def _words(raw_lines: list[str], start: float, end: float) -> tuple[Word, ...]:
    """Per-word times for a cue with inline times; lines without any share the cue by length."""
    stamped: list[tuple[float, str]] = []
    for line in raw_lines:
        if not _INLINE_TIME.search(line):
            tokens = _plain(line).split()
            stamped.extend((start, t) for t in tokens)
            continue
        pieces = _timed_pieces(line, start)
        for n, (at, tokens) in enumerate(pieces):
            until = pieces[n + 1][0] if n + 1 < len(pieces) else end
            until = max(until, at)
            total = sum(len(t) + 1 for t in tokens) or 1
            done = 0
            for token in tokens:
                stamped.append((at + (until - at) * done / total, token))
                done += len(token) + 1
    words: list[Word] = []
    previous = start
    for k, (at, token) in enumerate(stamped):
        at = min(max(at, previous, start), end)  # inline times stay inside the cue, in order
        nxt = stamped[k + 1][0] if k + 1 < len(stamped) else end
        words.append(Word(at, min(max(nxt, at), end), token))
        previous = at
    return tuple(words)


def read(text: str, name: str) -> TimedText:
    import webvtt

    parsed = call(name, "vtt", lambda: webvtt.WebVTT.from_buffer(io.StringIO(text), strict=True))
    blocks: list[TimedBlock] = []
    inline = False
    for caption in parsed.captions:
        start = caption.start_time.in_milliseconds() / 1000
        end = max(start, caption.end_time.in_milliseconds() / 1000)
        raw_lines = caption.raw_text.split("\n")
        lines = clean_lines("\n".join(_plain(line) for line in raw_lines))
        if not lines:
            continue
        words: tuple[Word, ...] = ()
        if any(_INLINE_TIME.search(line) for line in raw_lines):
            inline = True
            words = _words(raw_lines, start, end)
            if [w.text for w in words] != " ".join(lines).split():
                words = ()  # a broken tag cuts the line differently: keep the words, not times
        blocks.append(TimedBlock(start, end, lines, words))
    return TimedText(tuple(blocks), "vtt", name, roll_up=inline)
