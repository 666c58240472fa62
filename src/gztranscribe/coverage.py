"""Coverage: which stretches of a recording are audible, and which of those no word accounts for.

The speech detector proposes, it does not decide: a whispered, falsetto or hoarse passage can score
below Silero's threshold and would then never be decoded. So after decoding we look at the audio's
own loudness: every stretch clearly above the recording's noise floor must end up either covered by
words or examined by the model on its own and judged not speech. What stays audible but wordless is
reported, so a producer knows which passage to check. Pure numpy, no I/O.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .onsets import HOP, energy_db
from .speech import Region, merge_regions
from .tokens import core
from .types import Segment, Word

# Outcomes of examining a stretch on its own.
WORDS = "words"  # the model heard speech: its words were added to the transcript
NOT_SPEECH = "not speech"  # the model's own evidence says music/noise/silence
UNSURE = "unsure"  # the model produced text it does not believe; nothing was added

NO_SPEECH = 0.6  # Whisper's own no-speech threshold
MIN_LOGPROB = -1.2  # segments decoded with less confidence are guesses
MIN_PROBABILITY = 0.3  # ...and so are words the model gives under this probability on average
MAX_COMPRESSION = 2.4  # Whisper's own test for a decode stuck in a loop ("see you in the next video...")


@dataclass(frozen=True, slots=True)
class CoverageOptions:
    floor_percentile: float = 10.0  # the recording's noise floor: this percentile of frame energy
    above_floor_db: float = 10.0  # "clearly above the noise floor"
    min_level_db: float = -70.0  # ...and never quieter than this (dBFS), so digital silence is silent
    smooth: float = 0.2  # seconds; frames are averaged over this much audio first
    bridge: float = 0.5  # quieter dips up to this long inside a stretch do not split it
    min_stretch: float = 0.3  # shorter bursts (a click, a breath) are not a stretch
    word_reach: float = 0.4  # a word accounts for this much audio beyond its own times
    longest_word: float = 1.5  # ...but no word accounts for more: a looping decode ends its last
    # word seconds later ("mo-mo-mo..." stretched over the next speaker), and that is not coverage
    min_gap: float = 0.8  # uncovered audio this long is examined by the model
    pad: float = 0.3  # seconds of context added each side of an examined stretch
    max_window: float = 28.0
    warn_min: float = 2.0  # audible, wordless stretches this long are reported
    widen: float = 1.5  # a speech region grows up to this far into the audible sound around it


@dataclass(frozen=True, slots=True)
class Examined:
    """One stretch decoded on its own, and what the model made of it."""

    start: float
    end: float
    outcome: str  # WORDS, NOT_SPEECH or UNSURE
    words: int = 0
    heard: str = ""  # the model's text, kept for the record even when not used


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the audible recording the transcript accounts for."""

    audible: float = 0.0  # seconds clearly above the noise floor
    covered: float = 0.0  # ...of which within reach of a word
    noise_floor_db: float = -100.0
    examined: tuple[Examined, ...] = ()
    unheard: tuple[Region, ...] = field(default=())  # audible, wordless stretches >= warn_min

    def as_dict(self) -> dict[str, object]:
        return {
            "audible_seconds": round(self.audible, 2),
            "covered_seconds": round(self.covered, 2),
            "noise_floor_db": round(self.noise_floor_db, 1),
            "examined": [
                {"start": round(e.start, 3), "end": round(e.end, 3), "outcome": e.outcome,
                 "words": e.words, "heard": e.heard}
                for e in self.examined
            ],
            "unheard": [{"start": round(a, 3), "end": round(b, 3)} for a, b in self.unheard],
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Coverage:
        examined = tuple(
            Examined(float(e["start"]), float(e["end"]), str(e["outcome"]), int(e.get("words", 0)),
                     str(e.get("heard", "")))
            for e in data.get("examined", [])  # type: ignore[union-attr]
        )
        unheard = tuple((float(u["start"]), float(u["end"])) for u in data.get("unheard", []))  # type: ignore[union-attr]
        return cls(
            audible=float(data.get("audible_seconds", 0.0)),  # type: ignore[arg-type]
            covered=float(data.get("covered_seconds", 0.0)),  # type: ignore[arg-type]
            noise_floor_db=float(data.get("noise_floor_db", -100.0)),  # type: ignore[arg-type]
            examined=examined,
            unheard=unheard,
        )


@dataclass(frozen=True, slots=True)
class Loudness:
    """Smoothed frame energy of a recording and its own noise floor."""

    db: np.ndarray
    floor: float
    threshold: float


def loudness(audio: np.ndarray, sample_rate: int, options: CoverageOptions = CoverageOptions()) -> Loudness:
    db = energy_db(audio, sample_rate)
    width = max(1, int(options.smooth / HOP))
    if len(db) > width:
        power = np.convolve(10 ** (db / 10), np.ones(width) / width, mode="same")
        db = 10 * np.log10(power + 1e-10)
    floor = float(np.percentile(db, options.floor_percentile))
    threshold = max(floor + options.above_floor_db, options.min_level_db)
    return Loudness(db, floor, threshold)


def audible_stretches(level: Loudness, options: CoverageOptions = CoverageOptions()) -> list[Region]:
    """Stretches clearly above the noise floor, dips shorter than ``bridge`` bridged."""
    loud = np.flatnonzero(level.db > level.threshold)
    if loud.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(loud) * HOP > options.bridge)
    starts = np.concatenate(([loud[0]], loud[breaks + 1]))
    ends = np.concatenate((loud[breaks], [loud[-1]]))
    return [
        (float(a * HOP), float((b + 1) * HOP))
        for a, b in zip(starts, ends)
        if (b + 1 - a) * HOP >= options.min_stretch
    ]


def subtract(regions: Sequence[Region], holes: Sequence[Region]) -> list[Region]:
    """The parts of ``regions`` outside every hole (both sorted by start)."""
    result: list[Region] = []
    holes = sorted(holes)
    i = 0
    for start, end in regions:
        cursor = start
        while i < len(holes) and holes[i][1] <= cursor:
            i += 1
        j = i
        while j < len(holes) and holes[j][0] < end:
            if holes[j][0] > cursor:
                result.append((cursor, holes[j][0]))
            cursor = max(cursor, holes[j][1])
            j += 1
        if cursor < end:
            result.append((cursor, end))
    return result


def word_reach(words: Sequence[Word], reach: float, longest: float = 1.5) -> list[Region]:
    """The audio each word accounts for, merged into runs."""
    spans = ((w.start - reach, min(w.end, w.start + longest) + reach) for w in words)
    return merge_regions(spans, max_gap=0.0, max_len=math.inf)


def union(*parts: Sequence[Region]) -> list[Region]:
    """Every region of every part, overlapping ones merged."""
    return merge_regions((r for part in parts for r in part), max_gap=0.0, max_len=math.inf)


def suspect(
    stretches: Sequence[Region], hints: Sequence[Region], regions: Sequence[Region],
    options: CoverageOptions = CoverageOptions(),
) -> list[Region]:
    """Where a missing word is looked for: the audible ``stretches``, and where the speech detector
    leaned towards speech without deciding for it (``hints``, outside its speech ``regions``; a
    whisper under a music bed is not audible by the floor's measure). Hints are bridged like
    audible stretches: the detector's leaning comes and goes within a phrase."""
    bridged = merge_regions(hints, max_gap=options.bridge, max_len=math.inf)
    return union(stretches, subtract(bridged, sorted(regions)))


def total(regions: Sequence[Region]) -> float:
    return sum(b - a for a, b in regions)


def uncovered(
    stretches: Sequence[Region], words: Sequence[Word], options: CoverageOptions = CoverageOptions()
) -> list[Region]:
    """Audible audio no word accounts for, in pieces at least ``min_gap`` long."""
    return [
        (a, b)
        for a, b in subtract(stretches, word_reach(words, options.word_reach, options.longest_word))
        if b - a >= options.min_gap
    ]


def beyond(
    stretches: Sequence[Region], windows: Sequence[Region], options: CoverageOptions = CoverageOptions()
) -> list[Region]:
    """Audible stretches no word of these decode windows can account for (``uncovered`` finds
    them whole whatever the windows hear): each is long enough to examine and keeps a word's
    reach plus an examination's padding away from every window."""
    margin = options.word_reach + 2 * options.pad
    return [
        (a, b) for a, b in stretches
        if b - a >= options.min_gap and all(b <= s - margin or a >= e + margin for s, e in windows)
    ]


def measure(
    stretches: Sequence[Region], words: Sequence[Word], level: Loudness, examined: Sequence[Examined],
    options: CoverageOptions = CoverageOptions(),
) -> Coverage:
    """The record of one recording: audible seconds, those within a word's reach, what was
    examined, and what stays audible but wordless."""
    audible = total(stretches)
    reach = word_reach(words, options.word_reach, options.longest_word)
    return Coverage(
        audible=audible,
        covered=audible - total(subtract(stretches, reach)),
        noise_floor_db=level.floor,
        examined=tuple(examined),
        unheard=tuple(still_unheard(stretches, words, examined, options)),
    )


def examination_windows(
    gaps: Sequence[Region], duration: float, options: CoverageOptions = CoverageOptions(),
    stretches: Sequence[Region] = (),
) -> list[Region]:
    """Windows to decode on their own: each gap with its whole audible stretch around it (a word
    is heard better with its sentence), then a little context; neighbours joined."""
    windows: list[Region] = []
    for a, b in gaps:
        around = [(s, e) for s, e in stretches if s <= b and e >= a]
        if around:
            a = max(min(a, around[0][0]), b - options.max_window + 2 * options.pad)
            b = min(max(b, around[-1][1]), a + options.max_window - 2 * options.pad)
        a, b = max(0.0, a - options.pad), min(duration, b + options.pad)
        if windows and a - windows[-1][1] <= options.pad and b - windows[-1][0] <= options.max_window:
            windows[-1] = (windows[-1][0], b)
            continue
        while b - a > options.max_window:
            windows.append((a, a + options.max_window))
            a += options.max_window - options.pad
        windows.append((a, b))
    return windows


_NON_SPEECH = re.compile(r"^[\s\W]*([\[(*♪].*|music|applause|laughter|silence|noise)?[\s\W]*$", re.IGNORECASE)


def looks_like_non_speech(text: str) -> bool:
    """Whisper's way of saying 'not speech': ``(music)``, ``[MUSIC]``, ``♪``, bare punctuation."""
    return bool(_NON_SPEECH.match(text.strip()))


def compression_ratio(text: str) -> float:
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


def inside(words: Sequence[Word], gaps: Sequence[Region]) -> list[Word]:
    """The words whose middle falls in one of ``gaps``: new words, not repeats of covered ones."""
    return [w for w in words if any(a <= (w.start + w.end) / 2 <= b for a, b in gaps)]


def still_unheard(
    stretches: Sequence[Region], words: Sequence[Word], examined: Sequence[Examined],
    options: CoverageOptions = CoverageOptions(),
) -> list[Region]:
    """Audible, wordless stretches >= ``warn_min`` that the model did not judge to be non-speech."""
    cleared = [(e.start, e.end) for e in examined if e.outcome == NOT_SPEECH]
    gaps = subtract(uncovered(stretches, words, options), cleared)
    merged = merge_regions(gaps, max_gap=options.bridge, max_len=math.inf)
    return [(a, b) for a, b in merged if b - a >= options.warn_min]


def unclaimed(
    gaps: Sequence[Region], words: Sequence[Word], options: CoverageOptions = CoverageOptions()
) -> list[Region]:
    """The gaps, each with the examination's padding around it, less what words account for.

    A word the examination hears there is new, not a repeat of a covered one: the quiet first
    word of a falsetto sentence ("This is all very high pitched") starts before the audible
    stretch does, in the padding, and would be lost if only the gap counted. No further: the
    rest of the window is context, and a laugh in it is not a gap that was examined."""
    padded = union([(a - options.pad, b + options.pad) for a, b in gaps])
    claimed = word_reach(words, options.word_reach, options.longest_word)
    return union(gaps, subtract(padded, claimed))


def repeated(heard: Sequence[Word], known: Sequence[Word]) -> set[int]:
    """Indices of ``heard`` words that repeat ``known`` ones: matched in order, by text.

    An examination re-hears its window's covered words too, and its word times can differ from the
    first hearing's by seconds around a long pause (Lucier's "in now. [pause] I am recording":
    heard alone, "different", "now" and "and" were timed into the pause and came out twice). Time
    alone cannot tell such a repeat from a new word; the order of the words can: "This" before a
    known "is all very high pitched" matches nothing and stays new. The most words are matched
    (a longest common subsequence), and among equally many matchings the one closest in time, so
    a phrase said twice of which the first hearing has one saying ("Montreal, forced aligner.
    Montreal, forced aligner.") has its other saying left new, whichever of the two it is."""
    a, b = [core(w.text) for w in heard], [core(w.text) for w in known]
    # best[i][j]: (words matched, -seconds apart) for heard[i:] against known[j:], and the move
    # that gets it: 0 match heard[i] with known[j], 1 skip heard[i], 2 skip known[j]
    best = [[(0, 0.0)] * (len(b) + 1) for _ in range(len(a) + 1)]
    move = [[1] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            options = [(best[i + 1][j], 1), (best[i][j + 1], 2)]
            if a[i] == b[j]:  # first, so a tie is a match
                matched, apart = best[i + 1][j + 1]
                options.insert(0, ((matched + 1, apart - abs(heard[i].start - known[j].start)), 0))
            best[i][j], move[i][j] = max(options, key=lambda option: option[0])
    found, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if move[i][j] == 0:
            found.add(i)
        i, j = i + (move[i][j] != 2), j + (move[i][j] != 1)
    return found


def judge(
    found: Sequence[Segment], gaps: Sequence[Region], new: Sequence[Region] | None = None,
    known: Sequence[Word] = (),
) -> tuple[Examined, list[Segment]]:
    """Decide, on the model's own evidence, whether a stretch decoded alone holds speech.

    Whisper says "not speech" by a high no-speech probability, by writing ``(music)`` or ``♪``, or by
    producing nothing; words it barely believes are not added either, but the stretch stays unsure.
    Words are kept where they are ``new`` (``unclaimed``; by default the ``gaps`` examined) and
    do not repeat the ``known`` words of the window (``repeated``).
    """
    start, end = gaps[0][0], gaps[-1][1]
    heard = " ".join(s.text for s in found).strip()
    looping = is_looping(heard)
    believable = [
        not looping and not looks_like_non_speech(s.text) and s.no_speech_prob < NO_SPEECH
        and s.avg_logprob > MIN_LOGPROB
        for s in found
    ]
    repeats = repeated([w for s in found for w in s.words], known)
    kept = []
    first = 0  # index of the segment's first word among all the words found
    for s, believed in zip(found, believable, strict=True):
        fresh = [w for k, w in enumerate(s.words, first) if k not in repeats]
        first += len(s.words)
        if not believed:
            continue
        words = tuple(inside(fresh, gaps if new is None else new))
        if words and float(np.mean([w.probability for w in words])) >= MIN_PROBABILITY:
            kept.append(s.narrowed(words))
    count = sum(len(s.words) for s in kept)
    if count:
        return Examined(start, end, WORDS, count, heard), kept
    believed = [s for s in found if not looks_like_non_speech(s.text) and s.no_speech_prob < NO_SPEECH]
    return Examined(start, end, UNSURE if believed else NOT_SPEECH, 0, heard), []


def _repeat_start(tokens: Sequence[str]) -> int | None:
    """Index of the first token of the earliest phrase said 3+ times in a row (one word: 4+)."""
    starts = [
        i
        for n, times in ((1, 4), *((k, 3) for k in range(2, 9)))
        for i in range(len(tokens) - n * times + 1)
        if tokens[i] and all(tokens[i + k * n : i + (k + 1) * n] == tokens[i : i + n] for k in range(1, times))
    ]
    return min(starts, default=None)


def loop_onset(words: Sequence[str]) -> int | None:
    """Where the first repeat of ``is_looping``'s kind begins: the index of the word, or None."""
    return _repeat_start([re.sub(r"[^\w']", "", w.lower()) for w in words])


def is_looping(text: str) -> bool:
    """A decode stuck in a loop: a phrase repeated 3+ times in a row, or a word 4+ times.

    The batched pass has no temperature fallback, so it keeps such loops ("so that's it so that's
    it so that's it"), and the loop usually hides the speech that followed.
    """
    tokens = re.sub(r"[^\w\s']", " ", text.lower()).split()
    if any(len(t) > 20 and compression_ratio(t) > MAX_COMPRESSION for t in tokens):
        return True  # one "word" that repeats itself: "Saratwatwatwatwat..."
    return _repeat_start(tokens) is not None or compression_ratio(text) > MAX_COMPRESSION


def runs(segments: Sequence[Segment], gap: float, max_len: float = 30.0) -> list[list[Segment]]:
    """Consecutive segments with less than ``gap`` seconds between them, at most ``max_len`` long
    (a loop is local; a whole fluent episode is one run otherwise)."""
    groups: list[list[Segment]] = []
    for seg in segments:
        if groups and seg.start - groups[-1][-1].end < gap and seg.end - groups[-1][0].start <= max_len:
            groups[-1].append(seg)
        else:
            groups.append([seg])
    return groups


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def warnings(coverage: Coverage | None, words: int) -> list[str]:
    """What a producer must hear about: passages with sound but no words, or no speech at all."""
    if coverage is None:
        return []
    if words == 0:
        if coverage.unheard:
            seconds = total(coverage.unheard)
            return [f"no words recognized, though {seconds:.0f} s of the audio is audible: check the recording"]
        return ["no speech found: the transcript and captions are empty"]
    return [
        f"{clock(a)}\u2013{clock(b)} audible, no words recognized: check this passage"
        for a, b in coverage.unheard
    ]


def widen(
    regions: Sequence[Region], stretches: Sequence[Region], options: CoverageOptions = CoverageOptions()
) -> list[Region]:
    """Grow a short speech region into the audible stretch around it, by at most ``widen`` seconds
    a side and never into a neighbouring region: the detector often fires on one syllable of a
    falsetto or whispered sentence. Regions of ordinary speech are left as the detector drew them."""
    result = []
    for i, (a, b) in enumerate(regions):
        if b - a < options.widen:
            around = [(s, e) for s, e in stretches if s <= b and e >= a]
            if around:
                before = regions[i - 1][1] if i else 0.0
                after = regions[i + 1][0] if i + 1 < len(regions) else float("inf")
                a = max(min(a, around[0][0]), a - options.widen, before)
                b = min(max(b, around[-1][1]), b + options.widen, after)
        result.append((a, b))
    return result
