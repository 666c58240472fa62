"""Lint captions against ``CAPTION-STYLE.md`` (pure), and repair what can be repaired.

Each rule is one small function registered with ``@_rule(name, severity, summary)``; a rule gets
the cues and the profile and yields ``(cue_index, message)`` (or ``(cue_index, message,
severity)`` when one rule has two strengths). ``RULES`` is the list, in the order problems are
reported for a cue; adding a rule is adding a function.

Severities: an *error* breaks a rule of the style guide or the WebVTT spec outright; a *warning*
is a heuristic (word lists, "avoid" rules) or a clean-verbatim matter a re-flow cannot fix. The
CLI exits 7 on errors only.

Tolerances: caption files hold whole milliseconds, so duration and gap limits allow 1 ms of
rounding (a 2-frame gap is 83.3 ms and is written as 83 or 84 ms); an overlap is counted from
0.5 ms.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from . import fast_speech, tokens, wordlists
from .caption_files import ParsedCaptions
from .captions import LONG_PAUSE, rebalanced, retime_cues
from .profiles import ProfileMillis, StyleProfile, chained_end, reading_chars
from .tokens import Severity, sentence_end
from .types import Captions, Cue

__all__ = [
    "ARTICLES",
    "CONJUNCTIONS",
    "PREPOSITIONS",
    "RULES",
    "Problem",
    "RuleSpec",
    "check_captions",
    "check_parsed",
    "fix_captions",
]

TOLERANCE = 0.001  # 1 ms: files round times to milliseconds
OVERLAP_TOLERANCE = 0.0005

# Word lists (one definition, shared with the caption engine): a line or cue ending on an article,
# preposition or conjunction of ``wordlists.DANGLING_WORDS`` (with no punctuation after it)
# leaves its phrase dangling. The engine's broader lists (``ALL_PREPOSITIONS``...) steer its
# costs; a *checker* flags only these, which it can do without false alarms.
ARTICLES = wordlists.ARTICLES
PREPOSITIONS = wordlists.PREPOSITIONS
CONJUNCTIONS = wordlists.CONJUNCTIONS
FILLERS = wordlists.FILLERS
STUTTER_WORDS = wordlists.STUTTER_WORDS  # doubled function words are stutters


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a caption file.

    ``cue`` is 1-based (None: the file as a whole, or a block that is not a cue); ``start`` is
    that cue's start in seconds; ``line`` is the file line when known.
    """

    cue: int | None
    start: float | None
    rule: str
    message: str
    severity: Severity = "error"
    line: int | None = None


Finding = tuple[int, str] | tuple[int, str, Severity]
RuleCheck = Callable[[Sequence[Cue], StyleProfile], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    name: str
    severity: Severity
    summary: str
    check: RuleCheck
    reflow_fixes: bool  # does re-flowing and re-timing the cues fix it?


RULES: list[RuleSpec] = []


def _rule(
    name: str, severity: Severity, summary: str, *, reflow_fixes: bool = True
) -> Callable[[RuleCheck], RuleCheck]:
    def register(check: RuleCheck) -> RuleCheck:
        RULES.append(RuleSpec(name, severity, summary, check, reflow_fixes))
        return check

    return register


# --- helpers ----------------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:.3f} s"


def _chars(cue: Cue) -> int:
    """Characters a viewer reads, for reading speed: spaces counted, line breaks not.

    (The caption engine counts a line break as the space it replaces, one character more per
    break, so its cues always pass this measure.)
    """
    return reading_chars(cue.lines)


def _one_line(cue: Cue) -> int:
    """Length of the cue's text set on one line."""
    return len(" ".join(cue.text.split()))


def _pairs(cues: Sequence[Cue]) -> Iterator[tuple[int, Cue, Cue]]:
    for i in range(1, len(cues)):
        yield i, cues[i - 1], cues[i]


def _ordered_pair(prev: Cue, cue: Cue) -> bool:
    """Both cues valid and in order, so the gap between them means something."""
    return (
        prev.end > prev.start
        and cue.end > cue.start
        and cue.start >= prev.start - OVERLAP_TOLERANCE
    )


# --- the rules --------------------------------------------------------------------------------


@_rule("empty-cue", "error", "a cue with no text")
def _empty(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        if not cue.text.strip():
            yield i, "cue has no text; remove it"


@_rule("end-before-start", "error", "a cue whose end is not after its start")
def _end_before_start(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        if cue.end <= cue.start:
            where = "at" if cue.end == cue.start else "before"
            yield i, f"ends {where} its start ({_s(cue.end)} <= {_s(cue.start)})"


@_rule("order", "error", "a cue starting before the cue above it")
def _order(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, prev, cue in _pairs(cues):
        if cue.start < prev.start - OVERLAP_TOLERANCE:
            yield (
                i,
                (
                    f"starts before cue {i} ({_s(cue.start)} < {_s(prev.start)}); "
                    "cues must be in time order"
                ),
            )


@_rule("overlap", "error", "a cue starting before an earlier cue has ended")
def _overlap(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    latest: tuple[int, float] | None = None  # (index, end) of the earlier cue that ends last
    for i, cue in enumerate(cues):
        if cue.end <= cue.start:
            continue
        if latest is not None:
            j, end = latest
            if (
                cues[j].start <= cue.start + OVERLAP_TOLERANCE
                and cue.start < end - OVERLAP_TOLERANCE
            ):
                yield (
                    i,
                    (
                        f"starts at {_s(cue.start)}, before cue {j + 1} ends at {_s(end)} "
                        f"(overlap {_s(end - cue.start)})"
                    ),
                )
        if latest is None or cue.end > latest[1]:
            latest = (i, cue.end)


@_rule("gap", "error", "a gap between cues that is neither 0 nor at least min_gap")
def _gap(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, prev, cue in _pairs(cues):
        gap = cue.start - prev.end
        if _ordered_pair(prev, cue) and OVERLAP_TOLERANCE < gap < profile.min_gap - TOLERANCE:
            yield (
                i,
                (
                    f"gap of {_s(gap)} after cue {i}: too short to see the change; chain the cues "
                    f"(gap 0) or leave at least {_s(ProfileMillis.of(profile).min_gap / 1000)}"
                ),
            )


@_rule("unchained-gap", "warning", "a short gap that should be closed to a chain")
def _unchained_gap(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, prev, cue in _pairs(cues):
        gap = cue.start - prev.end
        if (
            _ordered_pair(prev, cue)
            and profile.min_gap - TOLERANCE <= gap < profile.close_gap_under - TOLERANCE
            and cue.start - prev.start <= profile.max_duration + TOLERANCE
        ):
            yield (
                i,
                (
                    f"gap of {_s(gap)} after cue {i} flickers; gaps under "
                    f"{profile.close_gap_under:g} s are closed (end cue {i} at {_s(cue.start)})"
                ),
            )


@_rule("min-duration", "error", "a cue shorter than min_duration")
def _min_duration(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        if 0 < cue.duration < profile.min_duration - TOLERANCE:
            yield (
                i,
                f"on screen {_s(cue.duration)}, less than the minimum {_s(profile.min_duration)}",
            )


@_rule("max-duration", "error", "a cue longer than max_duration")
def _max_duration(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        if cue.duration > profile.max_duration + TOLERANCE:
            yield (
                i,
                f"on screen {_s(cue.duration)}, more than the maximum {profile.max_duration:g} s",
            )


@_rule("reading-speed", "error", "more characters a second than max_cps")
def _reading_speed(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        chars = _chars(cue)
        if cue.duration > 0 and chars / cue.duration > profile.max_cps + 1e-9:
            rate, needed = chars / cue.duration, chars / profile.max_cps
            message = (
                f"{rate:.1f} characters a second (max {profile.max_cps:g}): "
                f"{chars} characters need {needed:.2f} s, the cue has {cue.duration:.2f} s"
            )
            forced = fast_speech.noted_rate(cue.note)
            if forced is not None and rate <= forced + fast_speech.SLACK:
                # the style guide's bend, measured by the engine on the speech (``fast_speech``)
                yield i, f"{message}; the speech is this fast (gztranscribe's note)", "warning"
            else:
                yield i, message


@_rule("line-length", "error", "a line longer than max_chars_per_line")
def _line_length(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        for number, line in enumerate(cue.lines, start=1):
            if len(line) > profile.max_chars_per_line:
                yield (
                    i,
                    f"line {number} has {len(line)} characters (max {profile.max_chars_per_line})",
                )


@_rule("line-count", "error", "more lines than max_lines")
def _line_count(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        if len(cue.lines) > profile.max_lines:
            yield i, f"{len(cue.lines)} lines (max {profile.max_lines})"


@_rule("needless-break", "warning", "two lines whose text fits on one")
def _needless_break(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        if len(cue.lines) > 1 and _one_line(cue) <= profile.max_chars_per_line:
            yield i, f"the text fits on one line ({_one_line(cue)} characters); use one line"


@_rule("line-balance", "warning", "two very uneven lines (shape should be balanced, bottom-heavy)")
def _line_balance(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    # Lopsided means more than half a line apart (``captions.lopsided``); a lopsided shape is
    # flagged only where the engine would have chosen a better layout (``captions.rebalanced``):
    # not after punctuation when no balanced break is at punctuation, nor when nothing fits.
    for i, cue in enumerate(cues):
        better = rebalanced(cue.lines, profile)
        if better is not None:
            top, bottom = (len(line) for line in cue.lines)
            shape = "top-heavy" if top > bottom else "unbalanced"
            advice = f"balance them (break after {better[0].split()[-1]!r})"
            yield i, f"lines of {top} and {bottom} characters are {shape}; {advice}"


@_rule("orphan", "warning", "a one-word cue close to a neighbour")
def _orphan(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        if len(cue.text.split()) != 1:
            continue
        near = [
            gap
            for gap in (
                cue.start - cues[i - 1].end if i > 0 else None,
                cues[i + 1].start - cue.end if i + 1 < len(cues) else None,
            )
            if gap is not None and gap < profile.close_gap_under
        ]
        if near:
            yield (
                i,
                f"one-word cue {cue.text.strip()!r} next to another cue; merge it into a neighbour",
            )


@_rule("line-break", "error", "a line ending on an article, preposition or conjunction")
def _line_break(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        for number, line in enumerate(cue.lines[:-1], start=1):
            words = line.split()
            found = tokens.dangling(words[-1]) if words else None
            if found:
                what, severity = found
                yield i, f"line {number} ends on {what} {words[-1]!r}; break before it", severity


@_rule("cue-break", "error", "a cue ending on an article, preposition or conjunction")
def _cue_break(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, prev, cue in _pairs(cues):
        words = prev.text.split()
        if not words or cue.start - prev.end >= LONG_PAUSE:
            continue
        found = tokens.dangling(words[-1])
        if found:
            what, severity = found
            yield i - 1, f"cue ends on {what} {words[-1]!r}; move it to the next cue", severity


@_rule(
    "sentence-break", "warning", "a sentence starting inside a cue that starts or ends mid-sentence"
)
def _sentence_break(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    # The style guide's "cue breaks at sentence ends first", as the engine applies it
    # (captions._boundary_cost): a cue may hold whole sentences, but a sentence that starts
    # inside a cue already on screen must not also run on into the next cue, nor follow the
    # tail of a sentence begun in the cue before.
    texts = [cue.text.split() for cue in cues]
    for i, words in enumerate(texts):
        inner = [k + 1 for k in range(len(words) - 1) if sentence_end(words[k], words[k + 1])]
        if not inner:
            continue
        before = texts[i - 1] if i > 0 else []
        after = texts[i + 1] if i + 1 < len(texts) else []
        if after and not sentence_end(words[-1], after[0]):
            start = words[inner[-1]]
            where = "inside this cue runs on into the next cue"
            yield i, f"the sentence starting {start!r} {where}; start a cue with {start!r}"
        elif before and not sentence_end(before[-1], words[0]):
            start = words[inner[0]]
            where = "this cue starts mid-sentence and a new sentence starts inside it at"
            yield i, f"{where} {start!r}; start a cue with {start!r}"


@_rule("filler", "warning", "um, uh, er in clean-verbatim captions", reflow_fixes=False)
def _filler(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        fillers = [w for w in cue.text.split() if tokens.core(w) in FILLERS]
        if fillers:
            yield i, f"filler word {fillers[0]!r}; clean verbatim captions leave it out"


_HYPHEN_STUTTER = re.compile(r"^(\w{1,3})-(\1\w*)", re.IGNORECASE)


def _hyphen_stutter(word: str) -> bool:
    """A cut-off start said again ("c-council", "th-the") or a doubled function word ("I-I").

    A whole word doubled with a hyphen is a word of its own ("so-so", "bye-bye", "ha-ha") or a
    mis-heard one ("vis-vis" for vis-a-vis), not a stutter, unless it is a function word.
    """
    match = _HYPHEN_STUTTER.match(word.strip(tokens.OPENERS))
    if match is None:
        return False
    fragment, rest = match.group(1), tokens.core(match.group(2))
    return len(rest) > len(fragment) or fragment.lower() in STUTTER_WORDS


@_rule("stutter", "warning", "a stuttered or doubled word", reflow_fixes=False)
def _stutter(cues: Sequence[Cue], profile: StyleProfile) -> Iterable[Finding]:
    for i, cue in enumerate(cues):
        words = cue.text.split()
        for left, right in itertools.pairwise(words):
            if (
                tokens.core(left) == tokens.core(right)
                and tokens.core(left) in STUTTER_WORDS
                and not tokens.punctuated(left)
            ):
                yield i, f"doubled word {left!r} {right!r}; clean verbatim captions drop stutters"
                break
        else:
            for word in words:
                if _hyphen_stutter(word):
                    yield i, f"stutter {word!r}; clean verbatim captions drop stutters"
                    break


# --- running the rules ------------------------------------------------------------------------


def check_captions(captions: Captions, profile: StyleProfile) -> list[Problem]:
    """Every style-rule problem in ``captions``, ordered by cue then by rule."""
    cues = captions.cues
    found: list[tuple[int, int, Problem]] = []
    for order, spec in enumerate(RULES):
        for finding in spec.check(cues, profile):
            index, message = finding[0], finding[1]
            severity = finding[2] if len(finding) > 2 else spec.severity  # type: ignore[misc]
            problem = Problem(index + 1, cues[index].start, spec.name, message, severity)
            found.append((index, order, problem))
    found.sort(key=lambda item: (item[0], item[1]))
    return [problem for _, _, problem in found]


def check_parsed(parsed: ParsedCaptions, profile: StyleProfile) -> list[Problem]:
    """Spec problems from parsing plus style problems, in file order (by line)."""
    cues = parsed.captions.cues
    spec = [
        Problem(
            cue=p.cue,
            start=cues[p.cue - 1].start if p.cue else None,
            rule=p.rule,
            message=p.message,
            severity=p.severity,
            line=p.line,
        )
        for p in parsed.problems
    ]
    style = [
        replace(p, line=parsed.line_of(p.cue)) for p in check_captions(parsed.captions, profile)
    ]
    ranked = [(p.line or 0, 0, n, p) for n, p in enumerate(spec)]
    ranked += [(p.line or 0, 1, n, p) for n, p in enumerate(style)]
    ranked.sort(key=lambda item: item[:3])
    return [p for *_, p in ranked]


# --- fixing -----------------------------------------------------------------------------------

REFLOW_RULES = frozenset(spec.name for spec in RULES if spec.reflow_fixes) | {"blank-line"}


def fix_captions(
    captions: Captions, profile: StyleProfile, *, problems: Sequence[Problem] | None = None
) -> Captions:
    """Repair ``captions`` where the words allow, never adding a problem ``check`` reports.

    Empty cues are removed; cues are sorted by start (stable). The cues are cut into *runs*
    separated by at least ``LONG_PAUSE`` of silence (the engine always breaks there, so runs are
    independent); a run holding a cue with a problem a re-flow fixes is repaired, a clean run is
    kept exactly as written. A run is repaired by the first of these that leaves fewest problems
    and *adds none* (no rule reported more often around the run than before): the cues kept but
    extended into the pause after them (the style guide's first remedy for a cue too short or
    too fast), the run re-flowed and re-timed by ``captions.retime_cues``, the same plus the
    extension; else the run stays as written. Every word is kept, in order of start time;
    identifiers are kept on untouched cues and made unique. ``NOTE``s are kept.
    """
    problems = check_captions(captions, profile) if problems is None else problems
    bad = {p.cue for p in problems if p.cue is not None and p.rule in REFLOW_RULES}
    indexed = sorted(
        ((number, cue) for number, cue in enumerate(captions.cues, start=1) if cue.text.split()),
        key=lambda item: item[1].start,
    )
    runs: list[list[tuple[int, Cue]]] = []
    run_end = -math.inf
    for number, cue in indexed:
        if not runs or cue.start - run_end >= LONG_PAUSE:
            runs.append([])
            run_end = -math.inf
        runs[-1].append((number, cue))
        run_end = max(run_end, cue.end, cue.start)
    out: list[Cue] = [cue for _, cue in indexed]
    at = 0
    for run in runs:
        size = len(run)
        if any(number in bad for number, _ in run):
            chosen = _best_repair(out, at, size, profile)
            out[at : at + size] = chosen
            size = len(chosen)
        at += size
    return Captions(tuple(_unique_identifiers(out)), captions.notes)


def _best_repair(cues: list[Cue], at: int, size: int, profile: StyleProfile) -> list[Cue]:
    """The repair of ``cues[at:at + size]`` with fewest problems around it that adds none."""
    original = cues[at : at + size]
    reflowed = _in_ms(retime_cues(original, profile).cues)
    candidates = [
        original,
        _extended(cues, at, original, profile),
        reflowed,
        _extended(cues, at, reflowed, profile, replaced=size),
    ]
    before = _problems_around(cues, at, size, profile)
    best, best_score = original, _score(before)
    for candidate in candidates[1:]:
        trial = [*cues[:at], *candidate, *cues[at + size :]]
        after = _problems_around(trial, at, len(candidate), profile)
        if _adds(before, after):
            continue  # --fix never adds a problem it would then report, nor makes one an error
        if _score(after) < best_score:
            best, best_score = candidate, _score(after)
    return list(best)


def _problems_around(
    cues: Sequence[Cue], at: int, size: int, profile: StyleProfile
) -> Counter[tuple[str, Severity]]:
    """Problems (by rule and severity) on the run ``cues[at:at + size]`` and on the cue either
    side of it. By severity too: a re-timed cue loses the engine's fast-speech note, and its
    reading-speed warning would become an error.

    Rules look at most one cue away, so nothing further off can change with the run; two
    neighbours are checked so that the nearer one is judged with both of its own neighbours.
    """
    lo, hi = max(0, at - 2), min(len(cues), at + size + 2)
    window = Captions(tuple(cues[lo:hi]))
    keep = range(max(0, at - 1) - lo, min(len(cues), at + size + 1) - lo)
    return Counter(
        (p.rule, p.severity) for p in check_captions(window, profile)
        if p.cue is not None and p.cue - 1 in keep
    )


def _adds(before: Counter[tuple[str, Severity]], after: Counter[tuple[str, Severity]]) -> bool:
    """Some rule is reported more often, or more often as an error, ``after`` than ``before``."""

    def by_rule(found: Counter[tuple[str, Severity]], errors_only: bool) -> Counter[str]:
        counts: Counter[str] = Counter()
        for (rule, severity), n in found.items():
            if severity == "error" or not errors_only:
                counts[rule] += n
        return counts

    for errors_only in (False, True):
        was, now = by_rule(before, errors_only), by_rule(after, errors_only)
        if any(now[rule] > was[rule] for rule in now):
            return True
    return False


def _score(found: Counter[tuple[str, Severity]]) -> tuple[int, int]:
    errors = sum(n for (_, severity), n in found.items() if severity == "error")
    return errors, sum(found.values())


def _extended(
    cues: Sequence[Cue], at: int, run: Sequence[Cue], profile: StyleProfile, *, replaced: int = -1
) -> list[Cue]:
    """``run`` (in place of ``cues[at:at + replaced]``) with cues extended into their pauses."""
    replaced = len(run) if replaced < 0 else replaced
    following = cues[at + replaced : at + replaced + 1]
    return _make_room([*run, *following], profile)[: len(run)]


def _in_ms(cues: Iterable[Cue]) -> list[Cue]:
    """Times as the file will hold them, so a repair is judged as it will be read back."""
    return [replace(c, start=round(c.start, 3), end=round(c.end, 3)) for c in cues]


def _make_room(cues: Sequence[Cue], profile: StyleProfile) -> list[Cue]:
    """Extend a cue that is too short or too fast for its text into the pause after it.

    Works in whole milliseconds, as the file will. The end never passes the next cue's start;
    a gap left under ``close_gap_under`` is chained (when the cue stays within max_duration) and
    a gap under ``min_gap`` is never created.
    """
    ms = ProfileMillis.of(profile)
    times = [(round(c.start * 1000), round(c.end * 1000)) for c in cues]
    for i, cue in enumerate(cues):
        start, end = times[i]
        chars = _chars(cue)
        reading = math.ceil(chars * 1000 / profile.max_cps - 1e-9)
        need = min(max(ms.min_duration, reading), ms.max_duration)
        if end - start >= need:
            continue
        nxt = times[i + 1][0] if i + 1 < len(times) else None
        target = start + need
        if nxt is None:
            end = target
        elif nxt > end:
            end = max(end, chained_end(start, min(target, nxt), nxt, ms))
        times[i] = (start, end)
    return [replace(c, start=s / 1000, end=e / 1000) for c, (s, e) in zip(cues, times)]


def _unique_identifiers(cues: Iterable[Cue]) -> Iterator[Cue]:
    seen: set[str] = set()
    next_suffix: dict[str, int] = {}  # per base, so 100k equal ids stay linear
    for cue in cues:
        ident = cue.identifier
        if ident:
            base, n = ident, next_suffix.get(ident, 2)
            while ident in seen:
                ident, n = f"{base}-{n}", n + 1
            next_suffix[base] = n
            seen.add(ident)
        yield cue if ident == cue.identifier else replace(cue, identifier=ident)
