"""Pure sequence alignment: an edited text's words against the recognized words.

Long exact runs anchor the match; between anchors an affine-gap Needleman-Wunsch pairs units by
spelling similarity. Paired text words take the recognized times; unpaired ones are spread by
length between their anchored neighbours and reported (see ``align`` for the whole method).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .errors import AlignmentError
from .spoken_units import normalize_units
from .tokens import closes_sentence
from .types import Word

if TYPE_CHECKING:
    pass

BORROW_FROM = 0.5  # seconds an unheard run must lack before it borrows time from the words before
ANCHOR_UNITS = 4  # runs this long found once in the text and once in the audio anchor the DP
BOUNDARY_BONUS = 0.15  # alignment score for a pair that agrees on a sentence start or end
PAUSE_BONUS = 0.3  # a second of silence makes a place this much likelier for text the audio lacks

WordSource = Literal["matched", "substituted", "interpolated", "forced"]
SpanKind = Literal["text", "audio", "changed"]


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


def true_runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
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


def _units_of(tokens: Sequence[str]) -> tuple[list[str], list[int], list[int]]:
    """Units of every token, the token each belongs to, and sentence marks (1 start, 2 end)."""
    units: list[str] = []
    owner: list[int] = []
    marks: list[int] = []
    for k, token in enumerate(tokens):
        mine = normalize_units(token)
        starts = k == 0 or closes_sentence(tokens[k - 1])
        for i, unit in enumerate(mine):
            units.append(unit)
            owner.append(k)
            first = 1 if starts and i == 0 else 0
            last = 2 if closes_sentence(token) and i == len(mine) - 1 else 0
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
        for start, stop in true_runs([t is None for t in placed]):
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
    while first > 0 and placed[first - 1] is not None and not closes_sentence(tokens[first - 1]):
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
    for start, stop in true_runs(unheard):
        if stop - start >= options.min_report_words:
            spans.append(_text_span("text", words, start, stop))
    for start, stop in true_runs([s == "substituted" for s in sources]):
        if stop - start >= options.min_changed_words:
            heard_ids = sorted({w for k in range(start, stop) for w in partners[k]})
            heard = " ".join(rec[w].text for w in heard_ids)
            spans.append(replace(_text_span("changed", words, start, stop), heard=heard))
    unpaired = [
        not paired and bool(normalize_units(w.text)) and not is_filler(w.text)
        for w, paired in zip(rec, rec_paired)
    ]
    for start, stop in true_runs(unpaired):
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


