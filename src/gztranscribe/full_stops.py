"""Full stops the batched pass wrote as commas, found by asking the model again.

Some voices end sentences with a falling tone but little pause, and Whisper tiny, decoding a
28-second window in one go, then writes "Good evening, tonight we look at…". The transcript reads
as one run-on sentence and the captions lose the sentence's own cue. A pause alone cannot tell
such a comma from a real one (on synthetic voices the two overlap, 0.0-0.44 s against 0.0-0.38 s).
The model can: given 8 seconds of audio around the comma and its own words up to it, it
scores a full stop against a comma. Only commas followed by a pause are asked about, and only a
clear preference turns one into a full stop (``FULL_STOP_SHARE``), so a real comma stays a comma.

Measured with ``benchmarks/bench_full_stops.py`` on the 24 generated episodes (3 voices, rates
0.9-1.3), pauses as ``onsets`` measures them in the audio: 14 commas asked about, 6 scored above
``FULL_STOP_SHARE``, all sentence ends; no real comma was asked (with Whisper's own word times, 55
questions on 21 episodes also made 6, and real commas scored up to 0.36). The words never change,
only a comma and the next word's first letter.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from .cleanup import capitalized
from .tokens import core, pause_after_full_stops
from .types import SAMPLE_RATE, Segment, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

MIN_PAUSE = 0.15
"""Seconds of silence after a comma for it to be asked about: a sentence end without any pause
is too rare to pay for the question."""
SPEAKER_SHARE = 0.1
"""...and at least this speaker's own short pauses after a sentence: the pause the recording leaves
after its written full stops, at this quantile. A speaker who pauses long between sentences gets
few questions (the 5-minute episode: 4 instead of 19), one who barely pauses keeps ``MIN_PAUSE``."""
SPEAKER_SAMPLE = 8
"""Full stops needed before the recording's own pauses are trusted."""
HEARD_BEFORE = 5.0
"""Seconds of the comma's own speech the model hears again (its words before the comma are the
prompt), starting at a word's onset."""
HEARD = 8.0
"""Seconds of audio in one question, so about 3 s after the comma: the pause and how the next
words begin decide. Every question is this long (padded with silence at the recording's end), so
the model's answer never depends on which other questions share its batch."""
FULL_STOP_SHARE = 0.45
"""P(".") / (P(".") + P(",")) above which the comma becomes a full stop."""
CLAUSE_WORDS = frozenset({"which", "who", "whom", "whose", "where"})
"""After a comma these open a relative clause ("the Sahara, where…"), not a sentence: not asked."""


@dataclass(frozen=True, slots=True)
class Question:
    """One comma to ask about: where it is, and what the model hears and reads before it."""

    segment: int  # index of the segment holding the comma's word
    word: int  # index of that word in the segment
    start: float  # seconds: the model hears ``HEARD`` seconds from here
    prefix: str  # the words from ``start`` up to the comma's word, comma left off

    @property
    def end(self) -> float:
        return self.start + HEARD


def sentence_pause(words: Sequence[Word], min_pause: float = MIN_PAUSE) -> float:
    """The shortest pause after a comma worth asking about in this recording (``SPEAKER_SHARE``)."""
    gaps = [b.start - a.end for a, b in itertools.pairwise(words)]
    usual = pause_after_full_stops([w.text for w in words[:-1]], gaps, SPEAKER_SHARE, SPEAKER_SAMPLE)
    return min_pause if usual is None else max(min_pause, usual)


def questions(segments: Sequence[Segment], min_pause: float = MIN_PAUSE) -> list[Question]:
    """Every comma followed by another word after a pause as long as ``sentence_pause``."""
    flat = [(i, j, w) for i, seg in enumerate(segments) for j, w in enumerate(seg.words)]
    min_pause = sentence_pause([w for _, _, w in flat], min_pause)
    asked: list[Question] = []
    for k, (i, j, word) in enumerate(flat[:-1]):
        following = flat[k + 1][2]
        if not word.text.endswith(",") or following.start - word.end < min_pause:
            continue
        if core(following.text) in CLAUSE_WORDS:
            continue
        first = k
        while first > 0 and flat[first - 1][2].start >= word.end - HEARD_BEFORE:
            first -= 1
        said = [w.text for _, _, w in flat[first:k]] + [word.text[:-1]]
        start = max(0.0, flat[first][2].start - 0.1)
        asked.append(Question(i, j, start, " " + " ".join(said)))
    return asked


def with_full_stops(segments: Sequence[Segment], stops: Iterable[tuple[int, int]]) -> list[Segment]:
    """``segments`` with the comma of each (segment, word) made a full stop and the word after
    it capitalized."""
    words = [list(seg.words) for seg in segments]
    for i, j in stops:
        word = words[i][j]
        bare = word.text[:-1]  # "U.S.," already ends in its abbreviation's period
        words[i][j] = replace(word, text=bare if bare.endswith(".") else bare + ".")
        ni, nj = (i, j + 1) if j + 1 < len(words[i]) else (i + 1, 0)
        if ni < len(words) and words[ni]:
            following = words[ni][nj]
            words[ni][nj] = replace(following, text=capitalized(following.text))
    return [
        seg if tuple(mine) == seg.words else
        replace(seg, words=tuple(mine), text=" ".join(w.text for w in mine))
        for seg, mine in zip(segments, words, strict=True)
    ]


def full_stop_shares(
    model: WhisperModel, audio: np.ndarray, asked: Sequence[Question], language: str = "en"
) -> list[float]:
    """The model's P(".") / (P(".") + P(",")) after each question's prefix, heard with its audio.

    One batch: the stretches are short (8 s, not Whisper's padded 30), so the encoder costs
    little, and each prompt is scored in one pass of the decoder over its prefix.
    """
    if not asked:
        return []
    import ctranslate2
    from faster_whisper.tokenizer import Tokenizer

    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language)
    start_tokens = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
    (comma,), (stop,) = tokenizer.encode(","), tokenizer.encode(".")
    width = int(HEARD * SAMPLE_RATE)
    pieces = [audio[int(q.start * SAMPLE_RATE) :][:width] for q in asked]
    batch = np.stack([model.feature_extractor(np.pad(p, (0, width - len(p))))[:, :-1] for p in pieces])
    batch = batch.astype(np.float32)
    prompts = [start_tokens + tokenizer.encode(q.prefix) for q in asked]
    longest = max(len(p) for p in prompts) - len(start_tokens)
    results = model.model.generate(
        ctranslate2.StorageView.from_array(np.ascontiguousarray(batch)),
        prompts,
        beam_size=1,
        max_length=2 * (longest + 1),  # ctranslate2 4.x returns max_length / 2 steps here
        return_logits_vocab=True,
        suppress_tokens=[],
    )
    shares = []
    for prompt, result in zip(prompts, results, strict=True):
        # logits[k] is the distribution after the k-th token following the start tokens
        steps = result.logits[0]
        at = len(prompt) - len(start_tokens)
        if at >= len(steps):
            shares.append(0.0)
            continue
        logits = np.asarray(steps[at], dtype=np.float64)
        p_stop, p_comma = np.exp(logits[stop] - logits.max()), np.exp(logits[comma] - logits.max())
        shares.append(float(p_stop / (p_stop + p_comma)) if p_stop + p_comma > 0 else 0.0)
    return shares


def chosen(asked: Sequence[Question], shares: Sequence[float]) -> list[tuple[int, int]]:
    """(segment, word) of each comma whose full-stop share is above ``FULL_STOP_SHARE``."""
    return [(q.segment, q.word) for q, share in zip(asked, shares, strict=True) if share > FULL_STOP_SHARE]
