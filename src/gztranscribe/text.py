"""Pure text shaping: words -> sentences -> paragraphs for the episode page.

Paragraph breaks come from the audio first (a host pauses longer between topics than between
sentences), then from length, so a long monologue still reads as paragraphs.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from .types import Paragraph, Word

SENTENCE_END = (".", "?", "!", "…", '."', '?"', '!"')


@dataclass(frozen=True, slots=True)
class ParagraphStyle:
    min_pause: float = 1.0  # a pause at least this long between sentences may start a paragraph
    relative_pause: float = 1.8  # ...when it is this many times the episode's typical pause
    max_words: int = 160  # force a break at the next sentence end past this length
    min_words: int = 25  # never break before this many words (except the opening line)


def split_sentences(words: Sequence[Word]) -> list[tuple[Word, ...]]:
    sentences: list[tuple[Word, ...]] = []
    current: list[Word] = []
    for word in words:
        current.append(word)
        if word.text.endswith(SENTENCE_END):
            sentences.append(tuple(current))
            current = []
    if current:
        sentences.append(tuple(current))
    return sentences


def join_words(words: Sequence[Word]) -> str:
    return " ".join(w.text for w in words).strip()


def paragraphs(words: Sequence[Word], style: ParagraphStyle = ParagraphStyle()) -> list[Paragraph]:
    sentences = split_sentences(words)
    if not sentences:
        return []
    gaps = [b[0].start - a[-1].end for a, b in zip(sentences, sentences[1:])]
    typical = statistics.median(gaps) if gaps else 0.0
    threshold = max(style.min_pause, typical * style.relative_pause)

    groups: list[list[tuple[Word, ...]]] = [[sentences[0]]]
    for gap, sentence in zip(gaps, sentences[1:]):
        size = sum(len(s) for s in groups[-1])
        opening = len(groups) == 1 and len(groups[-1]) == 1
        long_pause = gap >= threshold and (size >= style.min_words or opening)
        if long_pause or size >= style.max_words:
            groups.append([sentence])
        else:
            groups[-1].append(sentence)
    return [
        Paragraph(
            start=group[0][0].start,
            end=group[-1][-1].end,
            text=" ".join(join_words(s) for s in group),
        )
        for group in groups
    ]
