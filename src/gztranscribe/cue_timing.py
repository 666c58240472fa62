"""When each caption is on screen: the caption engine's timing, in whole milliseconds. Pure.

``captions`` chooses which words make a cue; this module answers how long a cue can be shown and
then times the chosen cues. A cue starts at its first word's onset, or up to ``START_TOLERANCE``
either side of it when that is what lets fast speech keep its sentence-first cues within the
reading speed (see ``START_OFFSETS``); it ends at its last word's end, extended into a following
pause for reading speed and minimum duration.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .profiles import FRAME, ProfileMillis, StyleProfile, chained_end
from .tokens import closes_sentence, pause_after_full_stops

LONG_PAUSE = 1.5
"""Seconds of silence that always end a cue: no caption stays on screen across real silence."""

START_TOLERANCE = math.floor(3 * FRAME * 1000)
"""Milliseconds a cue's start may be from its first word's onset (the style guide's 3 frames).

Where speech runs faster than the reading speed, a sentence's cue may appear this much before
its first word (taking the time from a slower cue before it) or this much after it (giving the
cue before it time to be read), rather than showing the sentence's first words at the end of the
previous sentence's cue.
"""
START_OFFSETS = (-START_TOLERANCE, -START_TOLERANCE // 2, 0, START_TOLERANCE // 2, START_TOLERANCE)
"""The start offsets (ms) the engine tries at each cue boundary."""

SENTENCE_PAUSE_QUANTILE = 0.1
"""The pause the speaker leaves after all but this share of their full stops..."""
SENTENCE_PAUSE_RATIO = 0.8
"""...times this: a word boundary followed by that much silence breaks like a sentence end
(``sentence_pauses``); a sentence end Whisper wrote as a comma often follows a slightly shorter
pause than the ones it punctuated..."""
ALONE_PAUSE_QUANTILE = 0.5
"""...but after a sentence's first word, which would stand alone on a cue, the pause after this
share of the full stops (a typical one: the style guide's "unless a long pause isolates it")..."""
SENTENCE_PAUSE_SAMPLE = 8
"""...once the speaker has this many full stops to judge by..."""
SENTENCE_PAUSE_MIN_MS = 250
"""...and never after a pause shorter than this."""


@dataclass(frozen=True, slots=True)
class Tokens:
    """Cleaned words: text plus start/end in integer milliseconds, ordered and non-overlapping."""

    texts: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    """The profile's numbers in integer milliseconds (``ProfileMillis``), and the long pause."""

    min_duration: int
    max_duration: int
    min_gap: int
    close_gap_under: int
    max_extension: int
    long_pause: int

    @classmethod
    def of(cls, profile: StyleProfile) -> Limits:
        ms = ProfileMillis.of(profile)
        return cls(
            min_duration=ms.min_duration,
            max_duration=ms.max_duration,
            min_gap=ms.min_gap,
            close_gap_under=ms.close_gap_under,
            max_extension=ms.max_extension,
            long_pause=round(LONG_PAUSE * 1000),
        )

    @property
    def millis(self) -> ProfileMillis:
        return ProfileMillis(
            self.min_duration, self.max_duration, self.min_gap, self.close_gap_under,
            self.max_extension,
        )  # fmt: skip


def sentence_pauses(tok: Tokens, breakable: Sequence[bool]) -> set[int]:
    """The word boundaries (``breakable[i]``: after word ``i``) that the speaker follows by a
    sentence's pause, judged by the pauses after their own full stops.

    Whisper often writes a spoken full stop as a comma ("Good evening, [0.4 s] tonight we..."),
    or drops it ("up stream [0.6 s] in Germany"), and the sentence rule then lets the next
    sentence start mid-caption. Where the speaker pauses about as long as after their full stops,
    the viewer hears a new sentence (or at least a new thought) begin, and the caption should
    change there too. The text keeps its punctuation; only the cue break follows the voice. The
    bar is four fifths of the pause nine in ten of the speaker's full stops reach (the pauses
    are the audio's own quiet, ``onsets``). On the 24 generated episodes of ``bench_episodes.py``
    (3 voices, rates 0.9-1.3), with the first-word rule below: of 27 sentence ends written as
    commas, 23 pass (11 with the bar before, a quarter of the full stops' pauses as Whisper timed
    them: a short sentence read fast, "Start in Mali, [0.55 s] Colonel...", was missed), and 15 of
    384 real commas do, commas the speaker pauses at, where a cue may well break. On 12 episodes
    of two texts written to check it (the whole nine-in-ten pause missed three sentence ends there
    that the old bar caught, so the four fifths were set after seeing them): 16 of 16 sentence
    ends written as commas, 2 of 80 real commas. After a sentence's first word the bar is the
    speaker's median full-stop pause (``ALONE_PAUSE_QUANTILE``): "First, [0.35 s] the…", "Third,
    [0.26 s] the…" made one-word cues (orphans, which the style guide avoids) on the 24 episodes,
    and no sentence start needed them.
    The caller leaves out the breaks the style guide forbids (after an article, ...): a speaker
    who pauses there is searching for a word, not ending a sentence.
    """
    gaps = [tok.starts[i + 1] - tok.ends[i] for i in range(len(tok.texts) - 1)]
    usual = pause_after_full_stops(tok.texts, gaps, SENTENCE_PAUSE_QUANTILE, SENTENCE_PAUSE_SAMPLE)
    if usual is None:
        return set()
    bar = max(SENTENCE_PAUSE_MIN_MS, SENTENCE_PAUSE_RATIO * usual)
    # A sentence's first word would stand alone on a cue ("for? First, [0.35 s] the money"), which
    # the style guide allows only where a long pause isolates it: the pause of a typical full stop.
    typical = pause_after_full_stops(tok.texts, gaps, ALONE_PAUSE_QUANTILE, SENTENCE_PAUSE_SAMPLE)
    alone = max(bar, typical or bar)
    return {
        i for i, (gap, ok) in enumerate(zip(gaps, breakable))
        if ok and gap >= (alone if i == 0 or closes_sentence(tok.texts[i - 1]) else bar)
    }


def gap_after(tok: Tokens, b: int, speech_end_ms: int | None) -> float:
    """Silence after word ``b``: to the next word, to the media end, or unbounded."""
    if b + 1 < len(tok.texts):
        return tok.starts[b + 1] - tok.ends[b]
    return math.inf if speech_end_ms is None else speech_end_ms - tok.ends[b]


After = tuple[bool, float, float]
"""What follows a word, for a cue ending on it (``pauses_after``): (chained: the next word
follows within a short pause, so the cue may run on until the next cue starts; the latest end
for reading speed otherwise; the latest end for minimum duration otherwise)."""


def pauses_after(tok: Tokens, lim: Limits, speech_end_ms: int | None) -> list[After]:
    """``After`` of every word: a short pause may be used whole (the style guide's "extend into
    a following pause first"); a long silence or the media end only ``max_end_extension`` for
    reading speed, but as far as it goes for minimum duration."""
    n = len(tok.texts)
    out: list[After] = []
    for b in range(n):
        gap = gap_after(tok, b, speech_end_ms)
        chained = b + 1 < n and gap < lim.long_pause
        out.append((chained, tok.ends[b] + min(lim.max_extension, gap), tok.ends[b] + gap))
    return out


def latest_ends(
    after: After, start: int, next_start: int | None, lim: Limits
) -> tuple[float, float]:
    """How late a cue starting at ``start`` and ending on a word followed by ``after`` may end:
    (for reading speed, for minimum duration), never past the next cue's start (``next_start``)
    nor ``max_duration``."""
    chained, rate_end, min_end = after
    cap = start + lim.max_duration
    if chained and next_start is not None:
        end = min(next_start, cap)
        return end, end
    if next_start is not None:
        min_end = min(next_start, min_end)
    return min(rate_end, cap), min(min_end, cap)


def sentence_rates(
    tok: Tokens,
    sentence_ends: Sequence[int],
    usable: Callable[[int, int], bool],
    profile: StyleProfile,
    lim: Limits,
    speech_end_ms: int | None,
) -> list[float]:
    """Per word: the reading speed its sentence forces, at least ``max_cps``.

    That is the fastest cue of the best split of the sentence into cues of its own: the split
    whose fastest cue is slowest, among cues that last ``min_duration``, hold more than one word
    (unless the sentence is one word) and are ``usable(a, b)`` (words ``a..b`` fit in one cue's
    lines and do not end on what the linter calls an error), each starting on its first word's
    onset. When that is above ``max_cps``, the speech itself is too fast: the style guide then
    allows a faster cue rather than hiding the next sentence's start inside this one's last cue.
    (Time borrowed from a neighbour, ``START_OFFSETS``, is not counted on: the neighbour may be
    just as fast. Where borrowing helps, the engine still borrows, since a faster cue costs more.)
    """
    n = len(tok.texts)
    rates = [float(profile.max_cps)] * n
    after = pauses_after(tok, lim, speech_end_ms)
    first = 0
    for last in [*sorted(e for e in sentence_ends if e < n - 1), n - 1]:
        if last < first:
            continue
        rate = _fastest_cue(tok, first, last, usable, lim, after)
        for k in range(first, last + 1):
            rates[k] = max(rates[k], rate)
        first = last + 1
    return rates


def _fastest_cue(
    tok: Tokens,
    first: int,
    last: int,
    usable: Callable[[int, int], bool],
    lim: Limits,
    after: Sequence[After],
) -> float:
    """Characters a second of the fastest cue in the best split of words ``first..last``
    (0 when no split is usable: then nothing is forced)."""
    n = len(tok.texts)
    best = {first: 0.0}
    for j in range(first + 1, last + 2):
        b = j - 1
        next_start = tok.starts[j] if j < n else None
        chars = -1
        best[j] = math.inf
        for a in range(b, first - 1, -1):
            chars += len(tok.texts[a]) + 1
            if a < b and not usable(a, b):
                break
            start = tok.starts[a]
            for_rate, for_min = latest_ends(after[b], start, next_start, lim)
            if (a < b or first == last) and usable(a, b) and for_min - start >= lim.min_duration:
                best[j] = min(best[j], max(best[a], chars * 1000 / (for_rate - start)))
    return 0.0 if best[last + 1] == math.inf else best[last + 1]


def time_cues(
    tok: Tokens,
    groups: Sequence[tuple[int, int, int]],
    profile: StyleProfile,
    lim: Limits,
    speech_end_ms: int | None,
) -> list[tuple[int, int]]:
    """(start, end) of each cue (first word, last word, start offset), in ms.

    Start at the first word's onset plus the cue's offset; end at the last word's end, extended
    only when needed: up to the reading-speed need (``latest_ends``), then up to
    ``min_duration`` as far as the pause allows. Never past the next cue's start, the media end
    or ``max_duration``.
    """
    starts = [max(0, tok.starts[a] + offset) for a, _, offset in groups]
    after = pauses_after(tok, lim, speech_end_ms)
    times: list[tuple[int, int]] = []
    for k, (a, b, _) in enumerate(groups):
        start, word_end = starts[k], tok.ends[b]
        next_start = starts[k + 1] if k + 1 < len(groups) else None
        for_rate, for_min = latest_ends(after[b], start, next_start, lim)
        chars = len(" ".join(tok.texts[a : b + 1]))
        needed = start + math.ceil(chars * 1000 / profile.max_cps)
        end = max(word_end, min(needed, int(for_rate)))
        end = max(end, int(min(start + lim.min_duration, for_min)))  # may be inf: the media end
        end = min(end, max(start + lim.max_duration, word_end))
        if next_start is not None:
            end = min(end, next_start)
        times.append((start, end))
    return times


def repair(times: list[tuple[int, int]], speech_end_ms: int | None) -> list[tuple[int, int]]:
    """Guarantee ordered, non-overlapping cues with end > start, even on degenerate word times."""
    fixed: list[tuple[int, int]] = []
    prev_end = 0
    for start, end in times:
        start = max(start, prev_end, 0)
        end = max(end, start + 1)
        fixed.append((start, end))
        prev_end = end
    if speech_end_ms is not None and fixed and fixed[-1][1] > speech_end_ms:
        limit = speech_end_ms
        for i in range(len(fixed) - 1, -1, -1):
            start, end = fixed[i]
            end = min(end, limit)
            start = min(start, end - 1)
            if start < 0:  # no room left before the media end: give up on it, keep validity
                return repair(times, None)
            fixed[i] = (start, end)
            limit = start
    return fixed


def close_gaps(times: list[tuple[int, int]], lim: Limits) -> list[tuple[int, int]]:
    """Every cue's end after the gap rule with the next cue (``profiles.chained_end``)."""
    ms = lim.millis
    out = list(times)
    for i in range(len(out) - 1):
        start, end = out[i]
        out[i] = (start, chained_end(start, end, out[i + 1][0], ms))
    return out
