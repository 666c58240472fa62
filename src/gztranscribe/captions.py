"""Words -> caption cues under a style profile (the rules of ``CAPTION-STYLE.md``). Pure code.

The engine follows stable-ts's good idea, done without mutation: *finding* break points is kept
apart from *choosing* them.

1. ``_prepare`` cleans Whisper's word times (unsorted, overlapping, zero-length or absurdly long
   words) into integer milliseconds. All timing arithmetic is done in whole milliseconds because
   that is what a WebVTT/SRT file can hold: a gap computed as 83.3 ms in floats would be written
   as 83 ms and fail the 2-frame rule in the file the viewer actually gets.
2. Small scorers rate the boundary between word ``i`` and ``i + 1``: sentence end, clause end,
   phrase boundary (before a conjunction or preposition), "bad" breaks (after an article,
   preposition, conjunction or auxiliary, inside a name, ...), and the pause length. The same
   text scorers drive both cue breaks and line breaks, so the two never disagree on grammar. The
   word lists come from ``wordlists``, shared with the linter (``checking``), and the linter's
   line-balance and sentence-break rules call this module's ``rebalanced`` and
   ``sentence_end``: the engine and ``gztranscribe check`` agree on what a bad break is.
3. ``_choose_cues`` picks all cue boundaries at once by dynamic programming over break positions
   and cue start times. Greedy filling (what most Whisper writers do) commits to a cue before
   seeing what it leaves for the next one and produces the classic one-word orphan or a cue
   ending on "the"; the DP sees the whole paragraph and costs only O(words x words-per-cue x
   offsets^2). The costs come in tiers (see "cost model" below). The *sentence rule*
   (``_boundary_cost``) ranks above what the linter only warns about: every sentence starts a
   cue, so a cue never shows the end of one sentence and the start of the next that runs on
   into the following cue ("...gone nowhere yet. I / would say it is"). When speech is too fast
   for the reading speed, the sentence keeps its own cues: a cue may start up to 3 frames off its
   first word's onset (``cue_timing.START_OFFSETS``) to borrow time from a slower neighbour,
   and past that a cue as fast as the sentence forces (``cue_timing.sentence_rates``) is the
   bend the style guide allows.
4. ``cue_timing.time_cues`` sets start/end: onset of the first word (plus the chosen offset);
   end of the last word, extended into a following pause when reading speed or minimum duration
   needs it; then ``close_gaps`` chains small gaps.
5. ``layout_lines`` breaks each cue's text into balanced, bottom-heavy lines.

Words are never dropped, reordered or re-cased: the cues' texts joined by spaces equal the
words' texts joined by spaces (whitespace inside a word's text is collapsed to one space).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import fast_speech, tokens, wordlists
from .cue_timing import (
    LONG_PAUSE,
    START_OFFSETS,
    START_TOLERANCE,
    After,
    Limits,
    Tokens,
    close_gaps,
    latest_ends,
    pauses_after,
    repair,
    sentence_pauses,
    sentence_rates,
    time_cues,
)
from .formats.timestamps import to_millis
from .profiles import PROFILES, StyleProfile, reading_chars
from .tokens import sentence_end
from .types import Captions, Cue, Word

__all__ = [
    "LONG_PAUSE",
    "START_TOLERANCE",
    "build_cues",
    "layout_lines",
    "lopsided",
    "rebalanced",
    "retime_cues",
    "sentence_end",
]


# --- word lists -------------------------------------------------------------------------------
# Shared with the linter (``wordlists``), so both agree on what a bad break is. They only need to
# be right often enough to steer the cost; a wrong guess costs a slightly worse break, never a
# lost word.

_PREPOSITIONS = wordlists.ALL_PREPOSITIONS
_CONJUNCTIONS = wordlists.ALL_CONJUNCTIONS
_PHRASE_STARTERS = (_PREPOSITIONS | _CONJUNCTIONS) - {"of"}  # "of" binds to the noun before it


# --- cost model -------------------------------------------------------------------------------
# The DP minimizes, over all ways to cut the words into cues: the sum of break costs at the cuts
# plus the sum of cue costs. Numbers are relative; what matters is their order:
#
# 1. LINT_ERROR: what ``gztranscribe check`` reports as an error (too fast, too short, a cue or
#    line ending on an article). Paid only when every alternative is worse.
# 2. A sentence start inside a cue (SENTENCE_INSIDE, plus STRADDLE per edge where the cue also
#    starts or ends mid-sentence: the linter's sentence-break warning). The caption shows the
#    sentence before it is spoken. Whole short sentences share a cue only where apart they
#    would break an error-level rule (a cue too short even with its start moved 3 frames).
# 3. FAST_SPEECH: a cue faster than max_cps, but no faster than its own sentence forces (the
#    style guide allows it where speech is that fast; the cue carries the engine's note, so the
#    linter reports it as a warning: ``fast_speech``).
# 4. LINT_WARNING: what ``check`` reports as a warning (a one-word cue, a cue or line ending on a
#    preposition or conjunction, lopsided lines).
# 5. Style: the style guide's order of breaks (sentence end < clause end < phrase boundary <
#    plain < bad), a start off the onset, shape and fullness.
LINT_ERROR, LINT_WARNING = 100.0, 50.0
#
# Break costs (between two words; also used, weighted, for line breaks inside a cue).
SENTENCE, STRONG_CLAUSE, COMMA, PHRASE, PLAIN = 0.0, 2.0, 3.0, 9.0, 13.0
BAD_WEAK, BAD, BAD_STRONG = 20.0, 23.0, 29.0
PAUSE_BONUS_PER_S, PAUSE_BONUS_MAX = 6.0, 6.0  # a pause makes any break more natural
KEPT_BOUNDARY = 3.0  # retime_cues: discount for breaking where the foreign file's cue ended
# Cue costs.
CUE = 4.0  # every cue: prefer fewer, fuller cues when breaks are equally good
ORPHAN = LINT_WARNING  # a one-word cue
SHORT_SHARE, SHORT_PER_CHAR = 0.3, 0.5  # per char below 30% of a full cue's characters
RATE_OVER = LINT_ERROR  # reading speed above max_cps even after every allowed extension...
RATE_PER_CPS = 20.0  # ...plus this per character/second above it
# ...but a cue no faster than its sentence forces (``cue_timing.sentence_rates``) costs less than
# hiding a sentence start: the style guide's "allow a faster cue".
FAST_SPEECH, FAST_SPEECH_PER_CPS = 52.0, 4.0
RATE_ROUNDING = 0.05  # characters/second: a forced rate, recomputed in another split
OFFSET_PER_MS = 2.0 / 125  # a cue starting off its first word's onset (cue_timing.START_OFFSETS)
MIN_DURATION_SHORT = LINT_ERROR  # a cue that cannot last min_duration using the pause after it...
MIN_DURATION_SHORTFALL = 100.0  # ...plus this times the fraction of min_duration it misses
# The sentence rule ("cue breaks at sentence ends first"): every sentence start should be a cue
# start, so a viewer sees each sentence begin on a fresh caption, in time with the voice.
SENTENCE_INSIDE = 75.0  # each sentence end inside a cue: whole sentences share one only to spare an error
STRADDLE = 20.0  # ...and a cue holding one must not also start or end mid-sentence (per edge)
# A re-timed foreign file (retime_cues) has no onsets to keep sentences in step with, and
# `check --fix` must not trade its sentence breaks for one-word cues: there, the rule is style.
GUESSED_SENTENCE_RULE = (12.0, 18.0)  # (SENTENCE_INSIDE, STRADDLE)
STRADDLE_AFTER_PAUSE = 18.0  # ...unless a long pause cuts the sentence (see _boundary_cost)
DANGLING_CLAUSE = 10.0  # a cue holding a clause end (comma, ...) that starts or ends mid-clause
INNER_PAUSE_FROM, INNER_PAUSE_PER_S = 0.7, 6.0  # text on screen over a pause inside a cue
UNCLOSABLE_GAP = 8.0  # a small gap that cannot be chained without passing max_duration
LAYOUT_WEIGHT = 0.4  # share of the cue's best line-layout cost (a line break disturbs less)
# Line shape costs (per character of difference between the two lines).
IMBALANCE_PER_CHAR, TOP_HEAVY_PER_CHAR = 0.2, 0.2
LOPSIDED = LINT_WARNING  # two lines more than half a line apart (unless excused: _two_line_scores)


# --- text scorers -----------------------------------------------------------------------------


def _capitalized(token: str) -> bool:
    stripped = token.lstrip(tokens.OPENERS)
    return bool(stripped) and stripped[0].isupper()


# What each kind of closing punctuation costs as a break (``tokens.closing_punctuation``).
_PUNCTUATION_COSTS = {
    "sentence": SENTENCE,
    "clause": STRONG_CLAUSE,
    "comma": COMMA,
    "acronym": COMMA,  # "the U.S. | Senate" and "the U.S. | The Russians" both read well
    "title": BAD_STRONG,  # "Mr. | Smith"
    "initial": BAD,  # "J. | Smith"
}


def _punctuation_cost(left: str, right: str | None) -> float | None:
    """Cost of a break right after punctuation ending ``left``; None when ``left`` has none."""
    kind = tokens.closing_punctuation(left, right)
    return None if kind is None else _PUNCTUATION_COSTS[kind]


def _bad_break_cost(left: str, right: str) -> float | None:
    """Cost of splitting a unit the reader must see together; None when nothing binds them."""
    core = tokens.core(left)
    if core in wordlists.DETERMINERS or (core.endswith("'s") and core not in ("let's",)):
        return BAD_STRONG  # article/possessive -> noun ("Kazakhstan's | president")
    if core in _PREPOSITIONS or core in _CONJUNCTIONS:
        return BAD  # preposition -> object, conjunction -> clause
    if core in wordlists.AUXILIARIES:
        if _phrase_boundary(right):  # a main verb after all: "what you can do | for"
            return BAD_WEAK
        return BAD  # auxiliary -> verb ("will | keep"), "to | build", "not | happy"
    if core in wordlists.SEMI_MODALS and tokens.core(right) == "to":
        return BAD  # "going | to", "have | to", "used | to"
    if _capitalized(left) and _capitalized(right) and core != "i" and tokens.core(right).isalpha():
        return BAD  # first and last name, "Main | Street"
    if _phrase_boundary(right) and tokens.core(right) not in wordlists.CLAUSE_SUBJECTS:
        return None  # "seven to two | to build", "saw it | in the park": the phrase is complete
    if core in wordlists.SUBJECT_PRONOUNS:
        return BAD  # pronoun -> verb
    if core in wordlists.MODIFIERS or core.replace(",", "").replace(".", "").isdigit():
        return BAD_WEAK  # adjective/number -> noun ("12 | miles")
    return None


def _lint_cost(left: str) -> float:
    """Extra cost of ending a line or cue on ``left`` where the linter flags it
    (``tokens.dangling``: an article is an error, a dangling preposition or conjunction a warning)."""
    found = tokens.dangling(left)
    if found is None:
        return 0.0
    return LINT_ERROR if found[1] == "error" else LINT_WARNING


def _phrase_boundary(right: str) -> bool:
    """A new phrase starts at ``right``: a conjunction, preposition, subject pronoun or "("."""
    core = tokens.core(right)
    return core in _PHRASE_STARTERS or core in wordlists.CLAUSE_SUBJECTS or right.startswith("(")


def _text_break_cost(left: str, right: str | None) -> float:
    """How bad it is to end a line or cue after ``left`` (``right`` follows, None at the end),
    including what the linter charges for it (``_lint_cost``)."""
    cost = _grammar_break_cost(left, right)
    if right is not None and _punctuation_cost(left, right) is None:
        cost += _lint_cost(left)
    return cost


def _grammar_break_cost(left: str, right: str | None) -> float:
    """How well a break after ``left`` fits the grammar: punctuation, phrase, plain or bad."""
    if right is not None and tokens.stray(right):
        return BAD_STRONG + 4  # a line/cue would start with stray punctuation
    punct = _punctuation_cost(left, right)
    if punct is not None:
        return punct
    if right is None:
        return SENTENCE  # the end of the text needs no break
    if right.startswith(tokens.DASHES):
        return PLAIN + 4  # a line starting with a dash reads as a change of speaker
    bad = _bad_break_cost(left, right)
    if bad is not None:
        return bad
    if tokens.core(right) in wordlists.OBJECT_PRONOUNS:
        return BAD_WEAK  # verb/preposition -> its object ("told | us")
    return PHRASE if _phrase_boundary(right) else PLAIN


def _text_break_costs(texts: Sequence[str]) -> list[float]:
    """Cost of a break after each token but the last (index i = between token i and i + 1)."""
    return [_text_break_cost(texts[i], texts[i + 1]) for i in range(len(texts) - 1)]


def _sentence_breakable(texts: Sequence[str], text_costs: Sequence[float]) -> list[bool]:
    """Where a sentence's pause may end a sentence the text does not close: any break the style
    guide allows, and after a single initial ("the tanker Eagle S. [0.5 s] Investigators..."):
    nobody pauses that long between an initial and the name it belongs to."""
    return [
        SENTENCE < c <= PLAIN or tokens.closing_punctuation(texts[i], texts[i + 1]) == "initial"
        for i, c in enumerate(text_costs)
    ]


def _pause_bonus(gap_ms: int) -> float:
    """Pauses are where people expect captions to change."""
    return min(PAUSE_BONUS_MAX, PAUSE_BONUS_PER_S * max(gap_ms, 0) / 1000)


# --- line layout ------------------------------------------------------------------------------


def _line_count(lengths: Sequence[int], width: int) -> int:
    """Fewest lines (greedy fill) holding words of these lengths; a too-long word gets its own."""
    lines, cur = 0, -1
    for length in lengths:
        if cur >= 0 and cur + 1 + length <= width:
            cur += 1 + length
        else:
            lines, cur = lines + 1, length
    return lines


def lopsided(first: int, second: int, width: int) -> bool:
    """Two lines of these lengths are too uneven to read as one caption: more than half a line
    apart ("Last night / the Brookfield Town Council voted 7 to 2")."""
    return abs(first - second) > width / 2


def _shape_cost(first: int, second: int) -> float:
    """Balanced two-line shape, bottom-heavy when uneven (a pyramid reads faster)."""
    diff = first - second
    return IMBALANCE_PER_CHAR * abs(diff) + (TOP_HEAVY_PER_CHAR * diff if diff > 0 else 0.0)


def _break_class(cost: float) -> int:
    """The style guide's three kinds of line break: 0 after punctuation, 1 at an ordinary phrase
    or word boundary, 2 at one of the "never" places (after an article, inside a name...)."""
    return 0 if cost <= COMMA else 1 if cost < BAD_WEAK else 2


def _two_line_scores(
    lengths: Sequence[int], costs: Sequence[float], width: int
) -> list[tuple[float, int]]:
    """(cost, k) of every two-line layout whose lines fit, the second line starting at word k.

    The lopsided rule, shared with the linter (``rebalanced``): a lopsided layout costs
    ``LOPSIDED`` extra unless it is *excused*: its break is of a better kind (``_break_class``)
    than the break of every balanced layout. Grammar beats shape, but only by a whole kind:
    "If you ask me, / this is the best season the club has had." (punctuation, where every
    balanced break is mid-phrase) or "Last night / the Brookfield Town Council voted 7 to 2"
    (every balanced break splits the name). So the engine never chooses a lopsided layout that
    is not excused while one that is not lopsided fits.
    """
    prefix = [0]
    for length in lengths:
        prefix.append(prefix[-1] + length + 1)
    total = prefix[-1] - 1
    splits = []
    for k in range(1, len(lengths)):
        top, bottom = prefix[k] - 1, total - prefix[k]
        if (top <= width or k == 1) and (bottom <= width or k == len(lengths) - 1):
            splits.append((k, top, bottom, lopsided(top, bottom, width)))
    balanced = min((_break_class(costs[k - 1]) for k, _, _, bad in splits if not bad), default=3)
    return [
        (
            costs[k - 1]
            + _shape_cost(top, bottom)
            + (LOPSIDED if bad and _break_class(costs[k - 1]) >= balanced else 0.0),
            k,
        )
        for k, top, bottom, bad in splits
    ]


def rebalanced(lines: Sequence[str], profile: StyleProfile) -> tuple[str, str] | None:
    """The layout the engine prefers to two lopsided ``lines``, or None when they are fine.

    None for anything but two lines, for a shape that is not lopsided, for an excused one (see
    ``_two_line_scores``) and when no balanced layout fits. The linter's line-balance rule is
    this function, so the engine's own cues never trip it.
    """
    if len(lines) != 2:
        return None
    first, second = (" ".join(line.split()) for line in lines)
    width = profile.max_chars_per_line
    if not lopsided(len(first), len(second), width):
        return None
    texts = f"{first} {second}".split()
    lengths = [len(t) for t in texts]
    costs = _text_break_costs(texts)
    scores = {k: score for score, k in _two_line_scores(lengths, costs, width)}
    here = len(first.split())
    if here not in scores:
        return None
    score, k = min((score, k) for k, score in scores.items())
    if score >= scores[here] or lopsided(
        len(" ".join(texts[:k])), len(" ".join(texts[k:])), width
    ):
        return None
    return " ".join(texts[:k]), " ".join(texts[k:])


def _layout(
    lengths: Sequence[int], costs: Sequence[float], profile: StyleProfile
) -> tuple[tuple[int, ...], float]:
    """Best line starts (indexes of first words) and their cost for one cue's words.

    ``costs[i]`` is the break cost after word ``i``. One line when the words fit; otherwise the
    fewest lines that hold them (``max_lines`` unless the caller passed too much text), choosing
    the break positions that minimize break cost plus shape cost.
    """
    n, width = len(lengths), profile.max_chars_per_line
    total = sum(lengths) + n - 1
    if n <= 1 or total <= width:
        return (0,), 0.0
    prefix = [0]
    for length in lengths:
        prefix.append(prefix[-1] + length + 1)

    def span(i: int, j: int) -> int:  # characters of words i..j-1 on one line
        return prefix[j] - prefix[i] - 1

    def fits(i: int, j: int) -> bool:
        return j - i == 1 or span(i, j) <= width

    count = max(2, _line_count(lengths, width))
    if count == 2:
        scores = _two_line_scores(lengths, costs, width)
        if scores:
            score, k = min(scores, key=lambda item: item[0])
            return (0, k), score
    # Three or more lines: DP over line starts; shape = distance from the average line length.
    target = total / count
    inf = math.inf
    # dp[lines][j]: best cost of putting words 0..j-1 on `lines` lines.
    dp = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    dp[0][0] = 0.0
    for lines in range(1, count + 1):
        for j in range(1, n + 1):
            for i in range(j - 1, -1, -1):
                if not fits(i, j):
                    break
                if dp[lines - 1][i] == inf:
                    continue
                score = dp[lines - 1][i] + IMBALANCE_PER_CHAR * abs(span(i, j) - target)
                if j < n:
                    score += costs[j - 1]
                if score < dp[lines][j]:
                    dp[lines][j], back[lines][j] = score, i
    starts, j = [], n
    for lines in range(count, 0, -1):
        j = back[lines][j]
        starts.append(j)
    return tuple(reversed(starts)), dp[count][n]


def _lines_from(texts: Sequence[str], starts: Sequence[int]) -> tuple[str, ...]:
    bounds = [*starts, len(texts)]
    return tuple(" ".join(texts[bounds[k] : bounds[k + 1]]) for k in range(len(starts)))


def layout_lines(text_words: Sequence[str], profile: StyleProfile) -> tuple[str, ...]:
    """Break one cue's words into lines: one line when it fits, else balanced, bottom-heavy lines.

    Line breaks go after punctuation or before a conjunction/preposition and never between an
    article and its noun, a first and last name, a pronoun or auxiliary and its verb (the same
    scorers as cue breaks). A word longer than a line gets a line of its own. Returns at most
    ``profile.max_lines`` lines whenever the words can fit in them; given more text than that,
    it returns the fewest lines that hold it rather than silently overflowing a line.
    """
    texts = [" ".join(w.split()) for w in text_words]
    texts = [t for t in texts if t]
    if not texts:
        return ()
    starts, _ = _layout([len(t) for t in texts], _text_break_costs(texts), profile)
    return _lines_from(texts, starts)


# --- preparing words --------------------------------------------------------------------------


def _ms(seconds: float, fallback: int) -> int:
    return to_millis(seconds) if math.isfinite(seconds) else fallback


def _max_word_ms(text: str, max_duration_ms: int) -> int:
    """Longest believable duration of one spoken word (drawn-out words included).

    Never more than a cue may last, so a lone word still makes a cue within ``max_duration``.
    """
    return min(max(2000, 200 * len(text)), max_duration_ms)


def _prepare(words: Sequence[Word], speech_end_ms: int | None, max_duration_ms: int) -> Tokens:
    """Clean Whisper's word times so every later step can trust them.

    Whisper gives out-of-order and overlapping words, zero-length words and words stretched over
    seconds of silence. Starts are made non-decreasing, an overlap trims the earlier word's end,
    and an overlong word is cut back to a believable length: at its end when it finishes a
    sentence, at its start otherwise (the usual artefact is the first word after a pause
    swallowing the pause; cutting the start keeps the caption from appearing over silence).
    """
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for word in words:
        text = " ".join(str(word.text).split())
        if not text:
            continue
        prev_end = ends[-1] if ends else 0
        start = max(0, _ms(word.start, prev_end))
        end = max(start, _ms(word.end, start))
        if starts:
            start = max(start, starts[-1])
            end = max(end, start)
            if start < ends[-1]:
                ends[-1] = max(starts[-1], start)
        texts.append(text)
        starts.append(start)
        ends.append(end)
    for i, text in enumerate(texts):
        limit = _max_word_ms(text, max_duration_ms)
        if ends[i] - starts[i] > limit:
            if _punctuation_cost(text, None) == SENTENCE:
                ends[i] = starts[i] + limit
            else:
                starts[i] = ends[i] - limit
    if speech_end_ms is not None:
        starts = [min(s, speech_end_ms) for s in starts]
        ends = [min(e, speech_end_ms) for e in ends]
    return Tokens(tuple(texts), tuple(starts), tuple(ends))


# --- choosing cues ----------------------------------------------------------------------------


def _cue_cost(
    tok: Tokens,
    a: int,
    b: int,
    chars: int,
    layout_cost: float,
    costs: Sequence[float],
    profile: StyleProfile,
    lim: Limits,
    guessed_times: bool = False,
) -> float:
    """What showing words ``a..b`` as one cue costs apart from its timing (``_timing_cost``)
    and the break after ``b``. ``guessed_times``: the words' times are shares of a foreign
    cue (``retime_cues``), not onsets, so the sentence rule weighs only as style."""
    cost = CUE + LAYOUT_WEIGHT * layout_cost
    if a == b:
        cost += ORPHAN
    short = SHORT_SHARE * profile.max_lines * profile.max_chars_per_line  # 25 for broadcast
    if chars < short:
        cost += SHORT_PER_CHAR * (short - chars)
    if (
        b + 1 < len(tok.texts)
        and 0 < tok.starts[b + 1] - tok.ends[b] < lim.close_gap_under
        and tok.starts[b + 1] - tok.starts[a] > lim.max_duration
    ):
        cost += UNCLOSABLE_GAP
    for k in range(a, b):
        inner = tok.starts[k + 1] - tok.ends[k]
        if inner > INNER_PAUSE_FROM * 1000:
            cost += INNER_PAUSE_PER_S * (inner / 1000 - INNER_PAUSE_FROM)
    fragment = _cut_sentence(tok, a, b, costs, lim)
    if guessed_times:
        return cost + _boundary_cost(costs, a, b, fragment, GUESSED_SENTENCE_RULE)
    return cost + _boundary_cost(costs, a, b, fragment)


def _timing_cost(
    after: After,
    chars: int,
    start: int,
    next_start: int | None,
    allowed_cps: float,
    profile: StyleProfile,
    lim: Limits,
) -> float:
    """What a cue of ``chars`` characters ending on a word followed by ``after``, shown from
    ``start`` until at most ``next_start``, costs for reading speed and minimum duration.

    Reading speed above ``max_cps`` is an error, except as far as the speech itself forces it
    (``allowed_cps``, from ``cue_timing.sentence_rates``): that part costs only
    ``FAST_SPEECH``, so a fast sentence gets a faster cue of its own instead of lending
    its first words to the previous sentence's cue.
    """
    for_rate, for_min = latest_ends(after, start, next_start, lim)
    cost = 0.0
    rate = chars * 1000 / max(for_rate - start, 1)
    if rate > profile.max_cps:
        if profile.max_cps < allowed_cps and rate <= allowed_cps + RATE_ROUNDING:
            cost += FAST_SPEECH + FAST_SPEECH_PER_CPS * (rate - profile.max_cps)
        else:
            cost += RATE_OVER + RATE_PER_CPS * (min(rate, 100.0) - profile.max_cps)
    reachable = for_min - start
    if reachable < lim.min_duration:
        shortfall = (lim.min_duration - reachable) / lim.min_duration
        cost += MIN_DURATION_SHORT + MIN_DURATION_SHORTFALL * shortfall
    return cost


def _cut_sentence(tok: Tokens, a: int, b: int, costs: Sequence[float], lim: Limits) -> bool:
    """A cue ``a..b`` starts or ends where a sentence is cut by a long pause or by the edge of
    the text (``check --fix`` re-flows the runs between long pauses, which may begin or end
    mid-sentence): its words on that side are a fragment that must stand apart from the rest of
    its sentence anyway."""
    n = len(tok.texts)
    if a == 0:
        head = not tokens.starts_sentence_like(tok.texts[0])
    else:
        head = costs[a - 1] != SENTENCE and tok.starts[a] - tok.ends[a - 1] >= lim.long_pause
    if b + 1 == n:
        tail = tokens.closing_punctuation(tok.texts[b], None) != "sentence"
    else:
        tail = costs[b] != SENTENCE and tok.starts[b + 1] - tok.ends[b] >= lim.long_pause
    return head or tail


def _boundary_cost(
    costs: Sequence[float],
    a: int,
    b: int,
    fragment: bool = False,
    rule: tuple[float, float] = (SENTENCE_INSIDE, STRADDLE),
) -> float:
    """The sentence rule: what a cue ``a..b`` costs for the sentence and clause ends inside it.

    ``costs`` are the text break costs (``costs[k]``: after word ``k``). A sentence end inside
    the cue costs ``SENTENCE_INSIDE`` (a cue may hold two short whole sentences when splitting
    them is worse); if the cue also starts or ends mid-sentence, each such edge costs
    ``STRADDLE``: "Kazakhstan. | It was a surprise to everyone," shows a sentence's start in
    the middle of a caption that is already on screen, and the next sentence then begins its own
    cue late. A ``fragment`` cue (``_cut_sentence``: a long pause or the edge of the text cuts a
    sentence at one of its ends) pays for one sentence end inside only ``STRADDLE_AFTER_PAUSE``
    per mid-sentence edge: the cut words would otherwise flash as a cue of their own ("of
    [pause] influence. That", "Looks like this... Yes, [pause]"). Without a sentence end inside,
    a clause end inside a cue that starts or ends at a weaker boundary than a phrase costs
    ``DANGLING_CLAUSE`` per such edge. ``rule``: the (inside, straddle) costs.
    """
    inside_cost, straddle = rule
    n = len(costs) + 1
    inside = costs[a:b]
    edges = ([costs[a - 1]] if a > 0 else []) + ([costs[b]] if b + 1 < n else [])
    sentence_ends = sum(1 for c in inside if c == SENTENCE)
    if sentence_ends:
        if fragment:
            mid = max(1, sum(1 for edge in edges if edge != SENTENCE))
            return inside_cost * (sentence_ends - 1) + STRADDLE_AFTER_PAUSE * mid
        return inside_cost * sentence_ends + straddle * sum(
            1 for edge in edges if edge != SENTENCE
        )
    if inside and min(inside) <= COMMA:  # "...empty, we will": a clause end better than its edges
        return DANGLING_CLAUSE * sum(1 for edge in edges if edge >= PHRASE)
    return 0.0


def _choose_cues(
    tok: Tokens,
    profile: StyleProfile,
    lim: Limits,
    speech_end_ms: int | None,
    break_bonus: frozenset[int] = frozenset(),
    guessed_times: bool = False,
) -> tuple[list[tuple[int, int, tuple[int, ...], int]], list[float]]:
    """Pick cue boundaries and start times by dynamic programming; returns (first word, last
    word, line starts, start offset in ms) per cue, and per word the reading speed its sentence
    forces (``sentence_rates``).

    ``best[j][o]`` is the cheapest way to caption words ``0..j-1`` when the cue after them
    starts ``START_OFFSETS[o]`` from word ``j``'s onset; each step tries every cue ``a..j-1``
    that fits ``max_lines`` x ``max_chars_per_line`` and ``max_duration`` and does not span a
    long pause (those are hard limits; a single word is always allowed so no input is ever
    unplaceable), with every start offset of its own and of the next cue. An offset costs a
    little (``OFFSET_PER_MS``), so a cue starts on its word's onset unless moving it spares a
    rule. ``break_bonus`` marks positions that deserve a cheaper break (the original cue
    boundaries when re-timing a foreign file, whose word times are ``guessed_times``).
    """
    n = len(tok.texts)
    lengths = [len(t) for t in tok.texts]
    text_costs = _text_break_costs(tok.texts)
    if not guessed_times:  # where the speaker pauses as after a sentence, the cue breaks as there
        paused = sentence_pauses(tok, _sentence_breakable(tok.texts, text_costs))
        text_costs = [SENTENCE if i in paused else c for i, c in enumerate(text_costs)]
    brk = [
        max(
            0.0,
            text_costs[i]
            - _pause_bonus(tok.starts[i + 1] - tok.ends[i])
            - (KEPT_BOUNDARY if i in break_bonus else 0.0),
        )
        for i in range(n - 1)
    ]
    ends = [k for k, c in enumerate(text_costs) if c == SENTENCE]
    width, max_lines = profile.max_chars_per_line, profile.max_lines

    def usable(a: int, b: int) -> bool:
        fits = _line_count(lengths[a : b + 1], width) <= max_lines
        return fits and (b + 1 == n or text_costs[b] < LINT_ERROR)

    allowed = sentence_rates(tok, ends, usable, profile, lim, speech_end_ms)
    after = pauses_after(tok, lim, speech_end_ms)
    prefix = [0]
    for length in lengths:
        prefix.append(prefix[-1] + length + 1)
    offsets = range(len(START_OFFSETS))
    zero = START_OFFSETS.index(0)
    shift = [OFFSET_PER_MS * abs(off) for off in START_OFFSETS]
    best = [[math.inf] * len(START_OFFSETS) for _ in range(n + 1)]
    choice: list[list[tuple[int, int, tuple[int, ...]]]] = [
        [(0, zero, (0,))] * len(START_OFFSETS) for _ in range(n + 1)
    ]
    best[0] = [shift[o] if tok.starts[0] + START_OFFSETS[o] >= 0 else math.inf for o in offsets]
    for j in range(1, n + 1):
        b = j - 1
        nexts = [(o, tok.starts[j] + START_OFFSETS[o]) for o in offsets] if j < n else [(zero, None)]
        lines, cur = 0, -1  # greedy fill from the right, extended word by word to the left
        cps = math.inf
        for a in range(b, -1, -1):
            if a < b and (
                tok.starts[a + 1] - tok.ends[a] >= lim.long_pause
                or tok.ends[b] - tok.starts[a] > lim.max_duration
            ):
                break
            if cur >= 0 and cur + 1 + lengths[a] <= width:
                cur += 1 + lengths[a]
            else:
                lines, cur = lines + 1, lengths[a]
            if a < b and lines > max_lines:
                break
            cps = min(cps, allowed[a])
            if min(best[a]) == math.inf:
                continue
            starts, layout_cost = _layout(lengths[a:j], text_costs[a:b], profile)
            chars = prefix[j] - prefix[a] - 1
            fixed = _cue_cost(
                tok, a, b, chars, layout_cost, text_costs, profile, lim, guessed_times
            )
            if j < n:
                fixed += brk[b]
            usable = [
                oa
                for oa in offsets
                if best[a][oa] < math.inf
                and tok.starts[a] + START_OFFSETS[oa] + lim.max_duration >= tok.ends[b]
            ]
            if not usable or min(best[a][o] for o in usable) + fixed >= max(best[j]):
                continue  # no timing or offset (both >= 0) can make this cue beat the best ones
            # Most cues have time to spare even starting late before a next cue starting early:
            # then no offset changes their timing cost (0), and only the cheapest past counts.
            latest, earliest = tok.starts[a] + START_OFFSETS[-1], nexts[0][1]
            if _timing_cost(after[b], chars, latest, earliest, cps, profile, lim) == 0:
                oa = min(usable, key=lambda o: best[a][o])
                pairs = [(oa, oj, next_start) for oj, next_start in nexts]
            else:
                pairs = [(oa, oj, next_start) for oa in usable for oj, next_start in nexts]
            for oa, oj, next_start in pairs:
                start = tok.starts[a] + START_OFFSETS[oa]
                score = best[a][oa] + fixed + shift[oj] + _timing_cost(
                    after[b], chars, start, next_start, cps, profile, lim
                )
                if score < best[j][oj]:
                    best[j][oj], choice[j][oj] = score, (a, oa, starts)
    cues: list[tuple[int, int, tuple[int, ...], int]] = []
    j, o = n, zero
    while j > 0:
        a, oa, starts = choice[j][o]
        cues.append((a, j - 1, starts, START_OFFSETS[oa]))
        j, o = a, oa
    cues.reverse()
    return cues, allowed


# --- public API -------------------------------------------------------------------------------


def _speech_end_ms(speech_end: float | None) -> int | None:
    """Media duration in ms; None or a non-positive value (an unknown duration) means no limit."""
    if speech_end is None or not math.isfinite(speech_end) or speech_end <= 0:
        return None
    return math.floor(speech_end * 1000 + 1e-6)


def _build(
    words: Sequence[Word],
    profile: StyleProfile,
    speech_end: float | None,
    break_bonus: frozenset[int] = frozenset(),
) -> Captions:
    end_ms = _speech_end_ms(speech_end)
    lim = Limits.of(profile)
    tok = _prepare(words, end_ms, lim.max_duration)
    if not tok.texts:
        return Captions(())
    guessed = bool(break_bonus)
    groups, allowed = _choose_cues(tok, profile, lim, end_ms, break_bonus, guessed_times=guessed)
    timed = time_cues(tok, [(a, b, off) for a, b, _, off in groups], profile, lim, end_ms)
    times = close_gaps(repair(timed, end_ms), lim)
    cues = []
    for (a, b, line_starts, _), (start, end) in zip(groups, times, strict=True):
        lines = _lines_from(tok.texts[a : b + 1], line_starts)
        # Word times that are the speech's own (not guessed) can show the speech forced a fast
        # cue: then the file says so, for ``check`` (``fast_speech``).
        note = ""
        if not guessed and end > start:
            seconds = (end - start) / 1000
            engine_rate, read_rate = len(" ".join(lines)) / seconds, reading_chars(lines) / seconds
            if profile.max_cps < read_rate and engine_rate <= min(allowed[a : b + 1]) + RATE_ROUNDING:
                note = fast_speech.note(read_rate, profile.max_cps)
        cues.append(Cue(start=start / 1000, end=end / 1000, lines=lines, note=note))
    return Captions(tuple(cues))


def build_cues(
    words: Sequence[Word],
    profile: StyleProfile = PROFILES["broadcast"],
    *,
    speech_end: float | None = None,
) -> Captions:
    """Group timed words into caption cues that meet ``profile``.

    Every word is kept, in order and unchanged (whitespace inside a word's text is collapsed;
    words with no text are skipped). Cues are ordered, never overlap, have ``end > start``, and
    times are whole milliseconds. ``speech_end`` is the media duration: no cue runs past it
    (``None`` or ``0`` means unknown). Where speech is too fast for ``max_cps`` with no pause to
    borrow, the faster cue is allowed rather than dropping words.
    """
    return _build(words, profile, speech_end)


def retime_cues(cues: Sequence[Cue], profile: StyleProfile) -> Captions:
    """Re-flow and re-time cues that have no word times (``check --fix`` on a foreign file).

    Each cue's words share its time in proportion to their characters (a space counts as spoken
    time, so short words still get some), and the usual engine groups them again; the original
    cue boundaries get a small bonus since a human or another tool chose them. Every word is
    kept, in order. ``NOTE`` blocks are the caller's to carry over (this takes bare cues).
    """
    words: list[Word] = []
    boundaries: set[int] = set()
    for cue in sorted(cues, key=lambda c: c.start):
        texts = " ".join(cue.lines).split()
        if not texts:
            continue
        start = max(0.0, cue.start)
        end = max(cue.end, start)
        weights = [len(t) + 1 for t in texts]
        total, elapsed = sum(weights), 0
        for token, weight in zip(texts, weights, strict=True):
            t0 = start + (end - start) * elapsed / total
            elapsed += weight
            words.append(Word(t0, start + (end - start) * elapsed / total, token))
        boundaries.add(len(words) - 1)
    return _build(words, profile, None, frozenset(boundaries))
