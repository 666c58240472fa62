"""Roll-up captions say each word once: keep only what each screen adds.

A roll-up screen repeats the rows already shown and adds one (YouTube's automatic captions:
the previous line above the new one, plus a 10 ms cue holding just the finished line; SCC
roll-up or paint-on converted by a tool that wrote every screen as a pop-on caption). The
overlap is found a whole line at a time (the longest run of the rows last shown that the
screen begins with), so words repeated *in speech* ("no, no, no") are never taken for a
repeated row. Linear in the number of lines: a screen is compared with at most ``MAX_ROWS``
rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from .timed_text import TimedBlock

MAX_ROWS = 4  # CEA-608 roll-up shows at most four rows; YouTube two
ROLLED_SHARE = 0.5  # this share of screens starting with the previous screen's last row


def _key(line: str) -> str:
    return " ".join(line.split()).casefold()


def repeats_rows(blocks: Sequence[TimedBlock]) -> bool:
    """Do most screens begin with the row the previous screen ended on?"""
    hits = pairs = 0
    for previous, current in pairwise(blocks):
        pairs += 1
        hits += _key(current.lines[0]) == _key(previous.lines[-1])
    return pairs >= 2 and hits >= ROLLED_SHARE * pairs


def _overlap(shown: Sequence[str], lines: Sequence[str]) -> int:
    """The largest k with the last k rows shown == the screen's first k rows."""
    for k in range(min(len(shown), len(lines), MAX_ROWS), 0, -1):
        if list(shown[-k:]) == list(lines[:k]):
            return k
    return 0


def spoken_blocks(blocks: Sequence[TimedBlock]) -> tuple[TimedBlock, ...]:
    """Each screen cut down to the rows it adds; screens that add nothing disappear."""
    shown: list[str] = []
    out: list[TimedBlock] = []
    for screen in blocks:
        keys = [_key(line) for line in screen.lines]
        k = _overlap(shown, keys)
        shown = (shown + keys[k:])[-MAX_ROWS:]
        if k == len(keys):
            continue
        if k == 0:
            out.append(screen)
            continue
        skipped = sum(len(line.split()) for line in screen.lines[:k])
        words = screen.words[skipped:] if screen.words else ()
        start = words[0].start if words else screen.start
        out.append(replace(screen, start=start, lines=screen.lines[k:], words=words))
    return tuple(out)
