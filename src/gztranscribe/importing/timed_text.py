"""The one intermediate type every caption reader produces: timed text blocks, nothing else.

A reader's only job is to say what was on screen when; styling, positions and regions are
dropped at the reader. A block's ``words`` carry per-word times when the file has them
(YouTube's inline ``<00:05:04.199>`` karaoke times); otherwise they are empty and the block's
time is shared by its words in proportion to their length.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..types import Word


@dataclass(frozen=True, slots=True)
class TimedBlock:
    """Text shown from ``start`` to ``end`` (seconds); ``lines`` as displayed, tags removed."""

    start: float
    end: float
    lines: tuple[str, ...]
    words: tuple[Word, ...] = ()  # per-word times, one per token of ``lines``, when known

    @property
    def tokens(self) -> list[str]:
        return " ".join(self.lines).split()


@dataclass(frozen=True, slots=True)
class TimedText:
    """What one caption file says, in display order.

    ``roll_up``: the blocks are screens of roll-up captions (each repeats rows already shown),
    so ``rollup.spoken_blocks`` must keep only what each block adds. ``upper_case``: the text
    is in capitals (CEA-608 broadcast captions) and needs sentence case.
    """

    blocks: tuple[TimedBlock, ...]
    format: str
    name: str = "captions"
    roll_up: bool = False
    upper_case: bool = False

    @property
    def words(self) -> list[str]:
        return [token for block in self.blocks for token in block.tokens]


def clean_lines(text: str) -> tuple[str, ...]:
    """Display lines with runs of whitespace (tabs, no-break spaces) as one space, blanks gone."""
    return tuple(" ".join(line.split()) for line in text.splitlines() if line.split())


def block(start: float, end: float, text: str) -> TimedBlock | None:
    """A block of ``text`` (None when it holds no words: a clear-screen or a blank cue).

    Times are clamped to 0 and an end before the start (a damaged file) to the start: the
    caption engine gives such a block its reading time; its words are never dropped.
    """
    lines = clean_lines(text)
    start = max(0.0, start)
    return TimedBlock(start, max(start, end), lines) if lines else None
