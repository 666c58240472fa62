"""Timed text -> cues under the show's profile, by our caption engine. Pure.

Pop-on captions (a captioner chose each cue) keep their cues wherever they already meet the
profile; stretches that break it (lines too long, too fast, too short, overlapping...) are
re-flowed and re-timed by ``checking.fix_captions``, the same repair ``check --fix`` makes.
Roll-up and paint-on text follows speech word by word and has no cues worth keeping: its words
(with their own times where the file has them) go straight to ``captions.build_cues``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..captions import build_cues
from ..checking import fix_captions
from ..glossary import Glossary
from ..profiles import StyleProfile
from ..types import Captions, Cue, Word
from .casing import is_upper_case, sentence_case
from .timed_text import TimedBlock, TimedText


def spread_words(block: TimedBlock) -> list[Word]:
    """The block's words with times: its own, else its time shared by length (a space counts)."""
    if block.words:
        return list(block.words)
    tokens = block.tokens
    start, end = block.start, max(block.end, block.start)
    weights = [len(t) + 1 for t in tokens]
    total, done = sum(weights), 0
    words = []
    for token, weight in zip(tokens, weights, strict=True):
        t0 = start + (end - start) * done / total
        done += weight
        words.append(Word(t0, start + (end - start) * done / total, token))
    return words


def timed_words(blocks: Sequence[TimedBlock]) -> list[Word]:
    return [word for block in blocks for word in spread_words(block)]


def recased(text: TimedText, glossary: Glossary | None) -> TimedText:
    """Sentence case for text in capitals (line structure and word times kept)."""
    if not (text.upper_case or is_upper_case(text.words)):
        return text
    fixed = iter(sentence_case(text.words, glossary))
    blocks = []
    for block in text.blocks:
        lines = tuple(" ".join(next(fixed) for _ in line.split()) for line in block.lines)
        words = tuple(replace(w, text=t) for w, t in zip(block.words, " ".join(lines).split()))
        blocks.append(replace(block, lines=lines, words=words))
    return replace(text, blocks=tuple(blocks), upper_case=True)


def to_captions(text: TimedText, profile: StyleProfile) -> Captions:
    """Cues that carry every word of ``text`` in order, under ``profile``."""
    if text.roll_up:
        return build_cues(timed_words(text.blocks), profile)
    cues = tuple(Cue(b.start, max(b.end, b.start), b.lines) for b in text.blocks)
    return fix_captions(Captions(cues), profile)
