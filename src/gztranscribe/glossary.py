"""A show's glossary: names the model has never seen spelled, used twice (pure except ``load_glossary``).

1. **Before decoding** ``decoding_hint`` turns the terms into faster-whisper ``hotwords`` text
   ("Ian Bremmer, Kazakhstan, Tokayev."), which biases the decoder toward those spellings.
2. **After decoding** ``correct_words`` / ``correct_transcript`` rewrite near-misses the hint did
   not prevent ("Kazakstan" -> "Kazakhstan", "Nasir Bayev" -> "Nazarbayev", "bremmer" ->
   "Bremmer"), conservatively, and return what they changed so the CLI can report it.

Why hotwords, measured with ``benchmarks/bench_glossary.py`` (bundled tiny.en, our batched
decoding): in the batched pipeline hotwords and ``initial_prompt`` reach the model through the same
"previous text" slot; hotwords are encoded with a leading space, so the first term gets the tokens
it has in running speech. On the 5-minute episode the hint takes names spelled right from 23/30 to
30/30 and WER from 0.027 to 0.019 (a prompt: 0.024); correction alone reaches 29/30 and 0.017,
but cannot recover "Takaya" (Tokayev), which is too far to rewrite safely. Any prompt at all,
even "Hello.", moves WER on unrelated audio by a few words either way (real-en/ and the real mix
with an unrelated glossary: 0.062 -> 0.065, 0.041 -> 0.038), so ``decoding_hint`` returns nothing
for an empty glossary and the default decoding is untouched. The closing full stop measured better
on unrelated audio than a bare list.

File format (UTF-8, a BOM is fine)::

    # a comment; blank lines are ignored
    Ian Bremmer                              # a term may have several words; text after " #" is a comment
    Kazakhstan
    Nazarbayev: Nazar Bayev, Nasir Bayev     # "sounds like" variants after ':' (or '='), comma-separated
    Kassym-Jomart Tokayev = Tokayev Kassym

One term a line, spelled as it must appear. A ``#`` at the start of a line or after a space starts a
comment (so "C#" is a term). A term or variant needs a letter, at most 8 words and 100 characters.
Malformed lines (nothing before ':', nothing after it, an empty variant between commas, several
terms on one line separated by commas) are errors naming ``file:line``. Repeating a term merges its
variants; a variant that is itself another term, or a variant of two terms, is an error.

How a transcript word is corrected, in order (each rule is a row in tests/test_glossary.py):

- Already a term, spelled and cased right: left alone.
- A "sounds like" variant (any case, spaces and hyphens ignored): always replaced by its term, even
  when the variant is an ordinary word; the user asked for it.
- The same letters in another case or split differently ("bremmer", "nato", "Kazakh stan"):
  respelled, unless the term is a single ordinary English word (a glossary "Will" never capitalises
  "will"; nor one lowercase dictionary word: "its northern border" keeps its "northern" beside
  a "Northern Sea Route", while "main street" becomes a term "Main Street"), or a merge would
  swallow an ordinary word ("crime a" is never "Crimea").
- A near-miss ("Kazakstan", "Bremer's", "Canakstan", "Nasir Bayev", "Tash Korgan"): replaced only
  when all hold:
    * the term has at least 6 letters (shorter ones, "NATO", "Putin", are only respelled or matched
      by variants: one edit away from a 5-letter name is usually another real name, "Baden");
      a given name alone ("Mohammed" for "Mohamed Bazoum") is only respelled, never near-missed;
    * the words are the term's words, or one more or one fewer (two more for a one-word name of
      SPLIT3_LETTERS letters: "Mir Ziyo Yev"), with nothing but spaces between them ("Nasir,
      Bayev" is two words), and not just some of the term's own words ("Pham Thanh"
      is a shortened "Pham Thanh Nam", not a mishearing);
    * the (first) word replaced is capitalised: Whisper capitalises a name it half-heard (every
      near-miss measured was), so a lowercase word is one the model took for an ordinary word
      (add "Kazakstan" as a variant to catch "kazakstan");
    * none of the words replaced is a common English word (a built-in list of ~1,200), whatever
      its case ("Remember", "Taking", "Member" at the start of a sentence stay); nor a word of the
      full dictionaries (``lexicon``: "Camping", "Mistakes", "Unmanned"), except one piece of a
      name split in several ("Tash Korgan");
    * sound and letters (``name_sound``): letters at least 0.6 alike (Levenshtein, rapidfuzz) and
      the heard sounds within the term's *sound budget*: nothing up to 6 letters, then half a sound
      more per two letters (a vowel or a voicing pair costs half a sound, another consonant one),
      so "Canakstan" becomes "Kazakhstan" but "Brenner" and "Bremner" (real, different names)
      never become "Bremmer"; at any length, at most half a sound off with letters 0.8 alike
      ("Bremer", "Ukrain"). A term made only of dictionary words or known names ("European
      Union", "River Road", "Washington") has no budget: the model spells those. A multi-word
      term is judged word by word: an exact "Ian" does not excuse "Brenner";
    * the word starts with the same sound as the term (or its voicing pair): another name usually
      differs there ("Harrington" is not "Washington");
    * a name the dictionaries already know ("Margaret", "Abraham") is only replaced when it sounds
      the same and its letters are 0.8 alike ("Bremer" for "Bremmer");
    * the word is not a term plus a suffix: "Kazakhs", "Crimean", "Ukrainian", "Tokayeva" are
      different words, not misspellings;
  except for a name of several words whose surname is exactly right: one other word within 0.6
  letter similarity or 0.25 of a sound per sound is enough ("Margre Vestager", "Timmali Rahmon");
  when that surname is itself an English word ("Union", "Sap"), both must hold. The same holds
  for that other word heard as two ("Sunk say Siphandone", "Ibarah him Traore"): the two pieces
  joined must be that close, the first capitalised and not a common word.
- Punctuation around a word and a possessive "'s" are kept ("Kazakstan," -> "Kazakhstan,");
  several words merged into one term become one Word from the first start to the last end, with
  the lowest probability of the merged words. Parts of a hyphenated word are corrected one by one
  ("Nazarbaev-connected" -> "Nazarbayev-connected").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError
from .lexicon import is_english_word, is_known_name
from .name_sound import same_onset, sound_budget, sound_distance, sound_key
from .types import Segment, Transcript, Word

MAX_TERM_WORDS = 8
MAX_TERM_CHARS = 100
MIN_FUZZY_LETTERS = 6  # shorter terms are only respelled or matched by their variants
ANCHORED_SIMILARITY = 0.6  # one word of a multi-word name, the others exactly right
ANCHORED_SOUND = 0.25  # ...or this much sound distance per sound of that word
MIN_SIMILARITY = 0.8  # letters this close and the very same sounds: a near-miss at any length
MIN_LETTERS = 0.6  # letters at least this close for a near-miss within the sound budget
SPLIT3_LETTERS = 8  # a one-word term this long may be heard as three words
MAX_HINT_CHARS = 600  # faster-whisper keeps at most 223 prompt tokens; names cost ~3 chars a token


@dataclass(frozen=True, slots=True)
class Term:
    """A spelling to enforce, with optional "sounds like" variants that always map to it."""

    text: str
    sounds_like: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    source: str = ""  # the file it came from, for messages

    @classmethod
    def of(cls, *terms: str | Term) -> Glossary:
        """A glossary from terms given in code; strings may use the file's ``Term: variant`` form."""
        return parse_glossary("\n".join(t if isinstance(t, str) else _term_line(t) for t in terms))

    def __bool__(self) -> bool:
        return bool(self.terms)


@dataclass(frozen=True, slots=True)
class Correction:
    """One rewrite, for the CLI to report: ``original`` (as transcribed) became ``corrected``."""

    start: float
    end: float
    original: str
    corrected: str
    term: str
    reason: str  # "variant", "respelled" (case or spacing) or "near-miss"


# ---------------------------------------------------------------------------------------------
# The file


def load_glossary(path: Path) -> Glossary:
    """Read a glossary file; raises InputError naming the file (and line) for anything unusable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: glossary file not found")
    if not path.is_file():
        raise InputError(f"{path}: the glossary must be a text file, not a folder")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the glossary ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: the glossary is not UTF-8 text; save it as UTF-8"
        ) from None
    return parse_glossary(text, name=str(path))


def parse_glossary(text: str, name: str = "<glossary>") -> Glossary:
    """Parse glossary text (the file format above); errors name ``name:line``."""
    order: list[str] = []
    variants: dict[str, list[str]] = {}
    variant_line: dict[str, tuple[int, str]] = {}  # variant key -> (line, term)
    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        where = f"{name}:{number}"
        term, sounds = _parse_line(line, where)
        if term not in variants:
            order.append(term)
            variants[term] = []
        for variant in sounds:
            earlier = variant_line.setdefault(_key(variant), (number, term))
            if earlier[1] != term:
                raise InputError(
                    f"{where}: the variant {variant!r} is already a variant of {earlier[1]!r} "
                    f"(line {earlier[0]}); a variant can stand for one term only"
                )
            if all(_key(v) != _key(variant) for v in variants[term]):
                variants[term].append(variant)
    keys = {_key(t): t for t in order}
    for key, (number, term) in variant_line.items():
        if key in keys and keys[key] != term:
            raise InputError(
                f"{name}:{number}: the variant {keys[key]!r} of {term!r} is itself a term; "
                "a variant is how the model mishears a term, so remove one of them"
            )
    return Glossary(tuple(Term(t, tuple(variants[t])) for t in order), source=name)


def _strip_comment(line: str) -> str:
    match = re.search(r"(^|\s)#", line)
    return line[: match.start()] if match else line


def _parse_line(line: str, where: str) -> tuple[str, tuple[str, ...]]:
    match = re.search(r"[:=]", line)
    head, tail = (line[: match.start()], line[match.end() :]) if match else (line, None)
    term = _clean(head)
    if not term:
        raise InputError(f"{where}: no term before {match.group()!r}; write 'Term: variant, variant'"
                         if match else f"{where}: empty term")
    _check_phrase(term, where, "term")
    if tail is None and "," in term:
        raise InputError(
            f"{where}: {line!r} looks like several terms on one line; write one term a line "
            "(variants go after ':', e.g. 'Nazarbayev: Nasir Bayev')"
        )
    sounds: list[str] = []
    if tail is not None:
        if not tail.strip():
            raise InputError(f"{where}: nothing after {match.group()!r}; list variants or drop it")
        for part in tail.split(","):
            variant = _clean(part)
            if not variant:
                raise InputError(f"{where}: an empty variant (two commas, or a comma at the end)")
            _check_phrase(variant, where, "variant")
            if variant != term:
                sounds.append(variant)
    return term, tuple(sounds)


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _check_phrase(text: str, where: str, what: str) -> None:
    if not any(ch.isalpha() for ch in text):
        raise InputError(f"{where}: the {what} {text!r} has no letters")
    if len(text) > MAX_TERM_CHARS or len(text.split()) > MAX_TERM_WORDS:
        raise InputError(
            f"{where}: the {what} {text[:40]!r}... is too long (at most {MAX_TERM_WORDS} words, "
            f"{MAX_TERM_CHARS} characters); one term a line"
        )


def _term_line(term: Term) -> str:
    return term.text + (": " + ", ".join(term.sounds_like) if term.sounds_like else "")


# ---------------------------------------------------------------------------------------------
# Before decoding


def decoding_hint(glossary: Glossary) -> dict[str, str]:
    """Keyword arguments for ``DecodeOptions``: ``{"hotwords": "Ian Bremmer, Kazakhstan, ..."}``.

    Hotwords, not ``initial_prompt``: measured on the episode, the real recordings and the sample
    (benchmarks/bench_glossary.py). Variants are not included (they are misspellings). A long
    glossary is cut to its first terms (faster-whisper keeps at most 223 prompt tokens anyway);
    every term is still used by ``correct_words``. An empty glossary gives ``{}``.
    """
    text = hint_text(glossary)
    return {"hotwords": text} if text else {}


def hint_text(glossary: Glossary, max_chars: int = MAX_HINT_CHARS) -> str:
    """The terms as one comma-separated sentence, "Ian Bremmer, Kazakhstan, Tokayev." (whole terms,
    at most ``max_chars``). The closing full stop measured better on unrelated audio than none."""
    parts: list[str] = []
    size = 0
    for term in glossary.terms:
        if parts and size + 2 + len(term.text) >= max_chars:
            break
        parts.append(term.text)
        size += len(term.text) + (2 if len(parts) > 1 else 0)
    text = ", ".join(parts)
    return text if not text or text.endswith((".", "?", "!")) else text + "."


# ---------------------------------------------------------------------------------------------
# After decoding


def correct_transcript(
    transcript: Transcript, glossary: Glossary
) -> tuple[Transcript, list[Correction]]:
    """``correct_words`` over runs of segments that continue one sentence, so a name the model
    split across a segment boundary ("...President Nazar" / "Bayev said") is still a near miss;
    a changed segment's text gets the same rewrites as its words, so JSON text, TXT and VTT agree.
    A word merged across a boundary belongs to the segment it starts in."""
    matcher = _Matcher.build(glossary)
    if matcher is None:
        return transcript, []
    segments: list[Segment] = []
    corrections: list[Correction] = []
    for run in _sentence_runs(transcript.segments):
        words, made = _correct([w for seg in run for w in seg.words], matcher)
        if not made:
            segments.extend(run)
            continue
        corrections.extend(made)
        starts = [seg.words[0].start if seg.words else seg.start for seg in run]
        mine: list[list[Word]] = [[] for _ in run]
        for word in words:
            k = max((j for j, t in enumerate(starts) if t <= word.start), default=0)
            mine[k].append(word)
        for seg, seg_words in zip(run, mine):
            if not seg_words:
                continue  # its words were merged into the previous segment's last word
            if tuple(seg_words) == seg.words:
                segments.append(seg)
                continue
            inside = [c for c in made if seg_words[0].start <= c.start <= seg_words[-1].end]
            segments.append(replace(
                seg,
                start=seg_words[0].start,
                end=max(seg.end, seg_words[-1].end),
                words=tuple(seg_words),
                text=_patched_text(seg.text, inside, seg_words) if inside
                else " ".join(w.text for w in seg_words),  # it lost its first words to a merge
            ))
    return replace(transcript, segments=tuple(segments)), corrections


def _sentence_runs(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Consecutive segments joined while a segment ends mid-sentence (no . ? ! at its end)."""
    runs: list[list[Segment]] = []
    for seg in segments:
        if runs and not re.search(r"[.?!][\"')\]]*$", runs[-1][-1].text.strip()):
            runs[-1].append(seg)
        else:
            runs.append([seg])
    return runs


def _patched_text(text: str, made: Sequence[Correction], words: Sequence[Word]) -> str:
    """Apply the corrections to the segment's own text in order; if one cannot be found there,
    fall back to the corrected words joined by spaces."""
    result, position = [], 0
    for correction in made:
        at = text.find(correction.original, position)
        if at < 0:
            return " ".join(w.text for w in words)
        result.append(text[position:at] + correction.corrected)
        position = at + len(correction.original)
    result.append(text[position:])
    return "".join(result)


def correct_words(
    words: Sequence[Word], glossary: Glossary
) -> tuple[list[Word], list[Correction]]:
    """Rewrite near-misses of glossary terms (rules in the module docstring); returns new words.

    ``words`` are left as they are; a rewritten span becomes new ``Word`` objects. Each
    ``Correction`` covers only the words that changed ("Ian Bremer" -> only "Bremer")."""
    matcher = _Matcher.build(glossary)
    if matcher is None:
        return list(words), []
    return _correct(words, matcher)


def _correct(words: Sequence[Word], matcher: _Matcher) -> tuple[list[Word], list[Correction]]:
    parsed = [_Parts.of(w.text) for w in words]
    out: list[Word] = []
    corrections: list[Correction] = []
    i = 0
    while i < len(words):
        found = matcher.best(parsed, i)
        if found is not None:
            n, entry, reason = found
            span = list(words[i : i + n])
            new = _replace_span(span, parsed[i : i + n], entry.tokens)
            out.extend(new)
            corrections.append(_correction(span, new, entry.term.text, reason))
            i += n
            continue
        word = words[i]
        fixed = matcher.hyphen_parts(parsed[i])
        if fixed is not None:
            text, terms = fixed
            out.append(replace(word, text=text))
            corrections.append(
                Correction(word.start, word.end, word.text, text, ", ".join(terms), "near-miss")
            )
        else:
            out.append(word)
        i += 1
    return out, corrections


def _correction(span: list[Word], new: list[Word], term: str, reason: str) -> Correction:
    """The rewrite, trimmed to the words that changed when the word count is kept."""
    if len(span) == len(new):
        changed = [k for k, (a, b) in enumerate(zip(span, new)) if a.text != b.text]
        span = span[changed[0] : changed[-1] + 1]
        new = new[changed[0] : changed[-1] + 1]
    return Correction(
        start=span[0].start,
        end=span[-1].end,
        original=" ".join(w.text for w in span),
        corrected=" ".join(w.text for w in new),
        term=term,
        reason=reason,
    )


@dataclass(frozen=True, slots=True)
class _Parts:
    """A transcript word taken apart: punctuation before, the letters, "'s", punctuation after."""

    lead: str
    core: str
    possessive: str
    trail: str

    @classmethod
    def of(cls, text: str) -> _Parts:
        match = re.fullmatch(r"(\W*)(.*?\w)?(\W*)", text)
        if match is None or match.group(2) is None:
            return cls(text, "", "", "")
        lead, core, trail = match.group(1), match.group(2), match.group(3)
        possessive = ""
        poss = re.search(r"['\u2019]s$", core)
        if poss and len(core) > 2:
            core, possessive = core[: poss.start()], core[poss.start() :]
        return cls(lead, core, possessive, trail)

    @property
    def usable(self) -> bool:
        return bool(self.core) and not any(ch.isdigit() or ch == "_" for ch in self.core)


@dataclass(frozen=True, slots=True)
class _Entry:
    term: Term
    tokens: tuple[str, ...]  # the term's words, as they must be written
    key: str  # lowercase letters only
    sound: str  # name_sound.sound_key of the letters
    budget: float  # the sound distance a near-miss may have (name_sound.sound_budget)
    fuzzy: bool  # long enough to match near-misses
    common: bool  # a single ordinary English word: never respelled from lowercase


@dataclass(frozen=True, slots=True)
class _Matcher:
    """The glossary indexed for lookups: by letters, by variant, and a list for fuzzy search.

    Near-miss search is one rapidfuzz call per capitalised span over all fuzzy keys, so a
    glossary of hundreds of terms costs little on an hour of words."""

    by_key: dict[str, tuple[_Entry, ...]]
    by_variant: dict[str, _Entry]
    fuzzy: tuple[_Entry, ...]  # terms, and single words of multi-word terms ("Bremer" alone)
    fuzzy_keys: tuple[str, ...]
    right: dict[str, tuple[tuple[str, ...], ...]]  # first word -> spellings that are already right
    keys: frozenset[str]  # every key, for the "term plus a suffix" rule
    max_span: int

    @classmethod
    def build(cls, glossary: Glossary) -> _Matcher | None:
        if not glossary.terms:
            return None
        entries = [_entry(t) for t in glossary.terms]
        whole = {e.key for e in entries}
        parts: list[_Entry] = []
        for entry in entries:
            for k, token in enumerate(entry.tokens if len(entry.tokens) > 1 else ()):
                part = _entry(Term(token))
                if k < len(entry.tokens) - 1:  # a given name alone is too often someone else's
                    part = replace(part, fuzzy=False)  # ("Mohammed"): only respelled
                if len(part.key) >= MIN_FUZZY_LETTERS and not _is_common(token) and part.key not in whole:
                    whole.add(part.key)
                    parts.append(part)
        by_key: dict[str, list[_Entry]] = {}
        right: dict[str, list[tuple[str, ...]]] = {}
        for entry in entries + parts:
            by_key.setdefault(entry.key, []).append(entry)
            right.setdefault(entry.tokens[0], []).append(entry.tokens)
        by_variant = {
            _key(v): entry for entry in reversed(entries) for v in entry.term.sounds_like
        }
        fuzzy = tuple(e for e in entries + parts if e.fuzzy)
        max_span = max(
            [len(e.tokens) + _extra_words(e) for e in entries]
            + [len(v.split()) for e in entries for v in e.term.sounds_like]
        )
        return cls(
            by_key={k: tuple(v) for k, v in by_key.items()},
            by_variant=by_variant,
            fuzzy=fuzzy,
            fuzzy_keys=tuple(e.key for e in fuzzy),
            right={k: tuple(v) for k, v in right.items()},
            keys=frozenset(whole),
            max_span=max_span,
        )

    def best(self, parsed: Sequence[_Parts], i: int) -> tuple[int, _Entry, str] | None:
        """The best rewrite of the words starting at ``i``: (how many words, term, reason).

        A variant beats a respelling, which beats a near-miss; then the closer near-miss, then
        the longer span."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        if not parsed[i].usable:
            return None
        right = self._already_right(parsed, i)  # words already spelled as a term stay...
        best: tuple[tuple[int, float, int], int, _Entry, str] | None = None
        for n in range(min(self.max_span, len(parsed) - i), right, -1):
            span = parsed[i : i + n]
            if not _joinable(span):
                continue
            key = "".join(_key(p.core) for p in span)
            found: list[tuple[tuple[int, float, int], _Entry, str]] = []
            if key in self.by_variant:
                found.append(((3, 1.0, n), self.by_variant[key], "variant"))
            for entry in self.by_key.get(key, ()):
                if self._respelling_ok(span, entry):
                    found.append(((2, 1.0, n), entry, "respelled"))
            # ...unless they merge into a longer term; near-misses need a capital letter
            if not right and any(p.core[:1].isupper() for p in span):
                hits = process.extract(
                    key,
                    self.fuzzy_keys,
                    scorer=Levenshtein.normalized_similarity,
                    score_cutoff=MIN_LETTERS - 0.05,  # its cutoff rounds: recheck below
                    limit=None,
                )
                for _, score, index in hits:
                    entry = self.fuzzy[index]
                    if score + 1e-9 < MIN_LETTERS or key == entry.key:
                        continue
                    distance = self._near_miss(span, key, score, entry)
                    if distance is not None:
                        found.append(((1, score - distance, n), entry, "near-miss"))
            for rank, entry, reason in found:
                if best is None or rank > best[0]:
                    best = (rank, n, entry, reason)
        return None if best is None else best[1:]

    def _already_right(self, parsed: Sequence[_Parts], i: int) -> int:
        """How many words from ``i`` are exactly a term (0 if none)."""
        longest = 0
        for tokens in self.right.get(parsed[i].core, ()):
            n = len(tokens)
            if tuple(p.core for p in parsed[i : i + n]) == tokens:
                longest = max(longest, n)
        return longest

    @staticmethod
    def _respelling_ok(span: Sequence[_Parts], entry: _Entry) -> bool:
        """The same letters, written differently: case, spaces, hyphens."""
        n = len(span)
        if n == len(entry.tokens) == 1 and entry.common:
            return False  # a glossary "Will" leaves "will" alone
        if n == 1 and span[0].core.islower() and is_english_word(span[0].core):
            return False  # "its northern border" is not the "Northern" of "Northern Sea Route"
        if n > len(entry.tokens) and any(_is_common(p.core) for p in span):
            return False  # "crime a" is not "Crimea"
        return tuple(p.core for p in span) != entry.tokens

    def _near_miss(
        self, span: Sequence[_Parts], key: str, letters: float, entry: _Entry
    ) -> float | None:
        """The sound distance of a near-miss of ``entry`` (rules in the module docstring), or
        None when ``span`` must not become it."""
        n = len(span)
        if not -1 <= n - len(entry.tokens) <= _extra_words(entry):
            return None
        split = _split_given_name(span, entry)
        if split is not None:
            changed = list(split)
        elif n == len(entry.tokens):
            changed = [p.core for p, t in zip(span, entry.tokens) if p.core != t]
        else:
            changed = [p.core for p in span]
        if not changed or not changed[0][:1].isupper():
            return None  # lowercase: the model heard an ordinary word
        if any(_is_common(c) for c in (changed[:1] if split else changed)):
            return None  # "Remember" at the start of a sentence is still "remember"
        distance = sound_distance(sound_key(key), entry.sound)
        if split is None and not _anchored(span, entry):
            english = [is_english_word(c) for c in changed]
            if all(english) or (any(english) and n <= len(entry.tokens)):
                return None  # "Camping" is not "Kampong"; a split may have a word ("Tash Korgan")
            if any(is_known_name(c) for c in changed) and not _sounds_close(distance, letters, 0):
                return None  # "Margaret", "Abraham" are names of their own; "Bremer" sounds as "Bremmer"
            if not same_onset(key, entry.key):
                return None  # "Harrington" is not "Washington"
            if n == len(entry.tokens) > 1:  # word by word: an exact "Ian" does not excuse "Brenner"
                close = all(_word_close(p.core, t) for p, t in zip(span, entry.tokens))
            elif _part_of(span, entry):  # "Pham Thanh" is said, not misheard "Pham Thanh Nam"
                return None
            else:
                close = _sounds_close(distance, letters, entry.budget)
            if not close:
                return None
        # a term plus a suffix ("Kazakhs", "Tokayeva") is another word, not a misspelling
        if any(
            key != k and key.startswith(k) and (k == entry.key or not entry.key.startswith(k))
            for k in self.keys
        ):
            return None
        return distance

    def hyphen_parts(self, parts: _Parts) -> tuple[str, tuple[str, ...]] | None:
        """Correct the pieces of a hyphenated word one by one ("Nazarbaev-connected" ->
        "Nazarbayev-connected"); returns the new text and the terms used, or None."""
        if not parts.usable or "-" not in parts.core:
            return None
        pieces = parts.core.split("-")
        fixed, terms = [], []
        for piece in pieces:
            found = self.best([_Parts("", piece, "", "")], 0) if piece else None
            if found is not None and len(found[1].tokens) == 1:
                fixed.append(found[1].tokens[0])
                terms.append(found[1].term.text)
            else:
                fixed.append(piece)
        if fixed == pieces:
            return None
        return parts.lead + "-".join(fixed) + parts.possessive + parts.trail, tuple(terms)


def _anchored(span: Sequence[_Parts], entry: _Entry) -> bool:
    """A name of several words whose last word (the surname) is exactly right and one other word
    close in spelling ("Margre Vestager", "Margaret Vestager" for "Margrethe Vestager"): the exact
    surname anchors it, so the sound test (which "th" fails) is not needed; close means letters
    ANCHORED_SIMILARITY alike or sounds ANCHORED_SOUND per sound apart, and both when the anchor
    is an English word ("Armen Union" is not "European Union"). A wrong surname still needs the
    sound test: "Ian Brenner" is another person, not "Ian Bremmer"."""
    if len(entry.tokens) < 2 or len(span) != len(entry.tokens):
        return False
    pairs = [(p.core, t) for p, t in zip(span, entry.tokens)]
    wrong = [(_key(w), _key(t)) for w, t in pairs if w != t]
    if len(wrong) != 1 or pairs[-1][0] != pairs[-1][1]:
        return False
    heard, meant = wrong[0]
    return _close_to(heard, meant, weak=is_english_word(pairs[-1][1]))  # "Union", "Sap": weak


def _split_given_name(span: Sequence[_Parts], entry: _Entry) -> tuple[str, str] | None:
    """The two pieces of a name of several words whose surname is exactly right and one other
    word came out as two ("Ibarah him Traore", "Sunk say Siphandone"), close enough together by
    the ``_anchored`` measure; else None. The second piece may be a common word ("him", "say"):
    the model writes what a name's syllables sound like, and the exact surname after them is the
    evidence. The first piece still must be capitalised and not a common word."""
    tokens = entry.tokens
    if len(tokens) < 2 or len(span) != len(tokens) + 1 or span[-1].core != tokens[-1]:
        return None
    heard = [p.core for p in span]
    for j in range(len(tokens) - 1):
        if heard[:j] != list(tokens[:j]) or heard[j + 2 :] != list(tokens[j + 1 :]):
            continue
        if _close_to(_key(heard[j] + heard[j + 1]), _key(tokens[j]), weak=is_english_word(tokens[-1])):
            return heard[j], heard[j + 1]
    return None


def _close_to(heard: str, meant: str, *, weak: bool) -> bool:
    """One word of a name anchored by its exact surname heard closely enough: letters
    ANCHORED_SIMILARITY alike or sounds ANCHORED_SOUND per sound apart; both when the anchor is
    a weak one (an English word: "Union", "Sap")."""
    from rapidfuzz.distance import Levenshtein

    letters = Levenshtein.normalized_similarity(heard, meant) >= ANCHORED_SIMILARITY
    sounds = sound_distance(sound_key(heard), sound_key(meant)) <= ANCHORED_SOUND * len(sound_key(meant))
    return (letters and sounds) if weak else (letters or sounds)


def _extra_words(entry: _Entry) -> int:
    """How many more words than the term a near-miss may span: a long one-word name may come out
    in three pieces ("Mir Ziyo Yev"), any other in one more ("Nasir Bayev")."""
    return 2 if len(entry.tokens) == 1 and len(entry.key) >= SPLIT3_LETTERS else 1


def _part_of(span: Sequence[_Parts], entry: _Entry) -> bool:
    """The words are some of the term's own words, in order: a shortened name, not a near-miss."""
    heard = [_key(p.core) for p in span]
    words = [_key(t) for t in entry.tokens]
    return len(heard) < len(words) and any(
        words[k : k + len(heard)] == heard for k in range(len(words) - len(heard) + 1)
    )


def _word_close(heard: str, meant: str) -> bool:
    """One word of a multi-word term heard well enough: the same letters, or within the sound
    budget of that word, or the very same sounds with letters at least MIN_SIMILARITY close."""
    from rapidfuzz.distance import Levenshtein

    heard, meant = _key(heard), _key(meant)
    if heard == meant:
        return True
    distance = sound_distance(sound_key(heard), sound_key(meant))
    letters = Levenshtein.normalized_similarity(heard, meant)
    return letters >= MIN_LETTERS and _sounds_close(distance, letters, _budget(meant))


def _budget(text: str) -> float:
    """The sound budget of a term: none for one made of dictionary words and known names
    ("European", "River Road", "Washington"): the model spells those, so a near-miss of one is
    another word ("Armen", "Rivera")."""
    if all(is_english_word(w) or is_known_name(w) for w in re.split(r"[\s-]+", text) if w):
        return 0.0
    return sound_budget(_key(text))


def _sounds_close(distance: float, letters: float, budget: float) -> bool:
    """Within a long name's sound budget, or (any length) close letters and at most a vowel or a
    voicing pair apart in sound ("Ukrain", "Bremer's"; not "Brenner")."""
    return (budget > 0 and distance <= budget) or (distance <= 0.5 and letters >= MIN_SIMILARITY)


def _entry(term: Term) -> _Entry:
    tokens = tuple(term.text.split())
    key = _key(term.text)
    return _Entry(
        term=term,
        tokens=tokens,
        key=key,
        sound=sound_key(key),
        budget=_budget(term.text),
        fuzzy=len(key) >= MIN_FUZZY_LETTERS,
        common=len(tokens) == 1 and _is_common(term.text),
    )


def _joinable(span: Sequence[_Parts]) -> bool:
    """Words may be merged only when nothing but spaces separates them."""
    if not all(p.usable for p in span):
        return False
    inner_end = all(not p.trail and not p.possessive for p in span[:-1])
    inner_start = all(not p.lead for p in span[1:])
    return inner_end and inner_start


def _replace_span(
    span: Sequence[Word], parsed: Sequence[_Parts], tokens: Sequence[str]
) -> list[Word]:
    lead, trail = parsed[0].lead, parsed[-1].possessive + parsed[-1].trail
    if len(span) == len(tokens):
        return [
            replace(
                word,
                text=(lead if k == 0 else "") + token + (trail if k == len(tokens) - 1 else ""),
            )
            for k, (word, token) in enumerate(zip(span, tokens))
        ]
    # Merged or split: share the span's time among the term's words by their length.
    start, end = span[0].start, span[-1].end
    probability = min(w.probability for w in span)
    total = sum(len(t) for t in tokens)
    result, at = [], start
    for k, token in enumerate(tokens):
        stop = end if k == len(tokens) - 1 else at + (end - start) * len(token) / total
        text = (lead if k == 0 else "") + token + (trail if k == len(tokens) - 1 else "")
        result.append(Word(start=at, end=stop, text=text, probability=probability))
        at = stop
    return result


def _key(text: str) -> str:
    """Lowercase letters and digits only: spaces, hyphens, apostrophes and accents ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _is_common(word: str) -> bool:
    return _key(word) in COMMON_WORDS


# The most common English words (and their usual inflections), plus ordinary words that sound like
# names. A glossary never rewrites one of these by a near-miss or a merge.
COMMON_WORDS = frozenset(
    ["a", "about", "above", "across", "act", "action", "actually", "add", "added", "after", "again", "against", "age", "ago", "agree", "ahead", "air", "all", "allow", "almost", "alone", "along", "already", "also", "although", "always", "am", "america", "american", "among", "an", "and", "another", "answer", "any", "anyone", "anything", "are", "area", "arm", "army", "around", "art", "as", "ask", "asked", "at", "away", "back", "bad", "bag", "ball", "bank", "bar", "base", "be", "bear", "bears", "beat", "beautiful", "became", "because", "become", "bed", "been", "before", "began", "begin", "behind", "being", "believe", "below", "best", "better", "between", "big", "bill", "bit", "black", "blood", "blue", "board", "boat", "body", "book", "born", "both", "box", "boy", "bread", "break", "bring", "brother", "brought", "brown", "build", "building", "built", "business", "busy", "but", "buy", "by", "call", "called", "came", "can", "car", "care", "carry", "case", "cat", "catch", "caught", "cause", "center", "certain", "chair", "chance", "change", "child", "children", "city", "class", "clear", "close", "cold", "come", "comes", "coming", "common", "company", "cook", "cool", "corner", "cost", "could", "country", "course", "court", "cover", "cross", "cry", "cut", "dad", "dark", "day", "days", "dead", "deal", "dear", "death", "decide", "deep", "did", "die", "different", "do", "does", "dog", "doing", "done", "door", "down", "draw", "dream", "dress", "drink", "drive", "drop", "during", "each", "early", "earth", "east", "easy", "eat", "economy", "edge", "effect", "eight", "either", "else", "end", "enough", "even", "evening", "ever", "every", "everyone", "everything", "example", "eye", "eyes", "face", "fact", "fall", "family", "far", "farm", "fast", "father", "fear", "feel", "feet", "fell", "felt", "few", "field", "fight", "figure", "fill", "final", "find", "fine", "fire", "first", "fish", "five", "floor", "fly", "follow", "food", "foot", "for", "force", "foreign", "form", "forward", "found", "four", "free", "friend", "from", "front", "full", "game", "garden", "gave", "general", "get", "gets", "getting", "girl", "give", "given", "glass", "go", "god", "going", "gold", "gone", "good", "got", "government", "great", "green", "ground", "group", "grow", "guess", "gun", "had", "hair", "half", "hand", "hands", "happen", "happened", "happy", "hard", "has", "have", "having", "he", "head", "hear", "heard", "heart", "heavy", "held", "hello", "help", "her", "here", "herself", "high", "hill", "him", "himself", "his", "history", "hit", "hold", "home", "hope", "horse", "hospital", "hot", "hour", "hours", "house", "how", "however", "huge", "human", "hundred", "husband", "i", "idea", "if", "important", "in", "inside", "instead", "interest", "into", "is", "issue", "it", "its", "itself", "job", "join", "just", "keep", "kept", "key", "kid", "kids", "kill", "killed", "kind", "king", "knew", "know", "known", "land", "language", "large", "last", "late", "later", "laugh", "law", "lay", "lead", "leader", "learn", "least", "leave", "led", "left", "leg", "less", "let", "letter", "level", "lie", "life", "light", "like", "likely", "line", "list", "listen", "little", "live", "lives", "living", "long", "look", "looked", "looking", "lose", "lost", "lot", "love", "low", "made", "main", "major", "make", "makes", "making", "man", "many", "mark", "market", "matter", "may", "maybe", "me", "mean", "means", "meet", "meeting", "member", "members", "men", "middle", "might", "mile", "miles", "million", "mind", "minute", "miss", "moment", "money", "month", "more", "morning", "most", "mother", "move", "moved", "much", "music", "must", "my", "myself", "name", "nation", "national", "near", "nearly", "need", "needs", "never", "new", "news", "next", "nice", "night", "nine", "no", "nobody", "none", "nor", "north", "not", "note", "nothing", "now", "number", "of", "off", "office", "often", "oh", "oil", "ok", "okay", "old", "on", "once", "one", "only", "open", "or", "order", "other", "others", "our", "out", "outside", "over", "own", "page", "paper", "parent", "parents", "part", "party", "pass", "past", "pay", "people", "per", "perhaps", "person", "picture", "piece", "place", "plan", "plant", "play", "player", "please", "point", "police", "policy", "poor", "position", "possible", "power", "president", "press", "pretty", "price", "problem", "program", "public", "pull", "put", "putting", "question", "quick", "quickly", "quite", "race", "rain", "ran", "rather", "reach", "read", "ready", "real", "really", "reason", "red", "remember", "rest", "result", "return", "right", "river", "road", "rock", "room", "round", "rule", "run", "running", "said", "same", "saw", "say", "says", "school", "sea", "second", "see", "seem", "seemed", "seen", "sell", "send", "sense", "sent", "serious", "service", "set", "seven", "several", "shall", "she", "ship", "short", "should", "show", "side", "sign", "simple", "since", "sing", "sister", "sit", "six", "size", "sleep", "slow", "small", "smile", "snow", "so", "social", "some", "someone", "something", "sometimes", "son", "song", "soon", "sort", "sound", "south", "space", "speak", "special", "stand", "start", "state", "states", "station", "stay", "step", "still", "stop", "story", "street", "strong", "student", "study", "such", "sun", "sure", "system", "table", "take", "taken", "takes", "taking", "talk", "tall", "teacher", "team", "tell", "ten", "than", "thank", "thanks", "that", "the", "their", "them", "themselves", "then", "there", "these", "they", "thing", "things", "think", "third", "this", "those", "though", "thought", "thousand", "three", "through", "time", "times", "to", "today", "together", "told", "tomorrow", "too", "took", "top", "toward", "town", "track", "trade", "tree", "tried", "trouble", "true", "try", "trying", "turn", "turned", "two", "under", "understand", "union", "united", "until", "up", "upon", "us", "use", "used", "using", "usual", "very", "view", "voice", "wait", "walk", "wall", "want", "war", "warm", "was", "watch", "water", "way", "we", "week", "weeks", "well", "went", "were", "west", "what", "when", "where", "whether", "which", "while", "white", "who", "whole", "whose", "why", "wide", "wife", "will", "win", "wind", "window", "wish", "with", "within", "without", "woman", "women", "wonder", "word", "words", "work", "worked", "working", "world", "would", "write", "wrong", "yard", "yeah", "year", "years", "yes", "yet", "you", "young", "your", "yourself", "about", "abroad", "actor", "address", "admit", "adult", "afraid", "allies", "ally", "amount", "animal", "announce", "annual", "anybody", "apart", "appear", "apply", "approach", "argue", "arrive", "article", "artist", "attack", "attention", "author", "avoid", "aware", "baby", "balance", "ball", "band", "basic", "basis", "battle", "beach", "begin", "bell", "benefit", "beyond", "billion", "bird", "birth", "blame", "boss", "bottom", "brain", "brief", "bright", "brother", "budget", "burn", "bus", "cabinet", "camera", "campaign", "cancer", "capital", "captain", "card", "career", "carry", "cell", "century", "chain", "challenge", "champion", "charge", "check", "chief", "choice", "church", "citizen", "claim", "clean", "climate", "coach", "coast", "code", "coffee", "collect", "college", "color", "commit", "community", "compare", "concern", "condition", "conference", "congress", "consider", "contain", "continue", "control", "core", "council", "count", "couple", "crime", "crisis", "critic", "crowd", "culture", "cup", "current", "customer", "cycle", "damage", "dance", "danger", "data", "daughter", "debate", "decade", "defense", "degree", "deliver", "demand", "deny", "depend", "describe", "design", "despite", "detail", "develop", "dinner", "direction", "director", "discuss", "disease", "doctor", "dollar", "dollars", "drug", "east", "eastern", "editor", "education", "effort", "election", "else", "employee", "energy", "enjoy", "enter", "entire", "environment", "error", "escape", "especially", "evidence", "exactly", "exist", "expect", "expert", "explain", "factor", "fail", "faith", "federal", "feeling", "film", "finally", "financial", "firm", "fix", "flag", "flight", "focus", "foreign", "forest", "forget", "former", "fund", "future", "gain", "gas", "glad", "goal", "guard", "guy", "hang", "health", "hell", "heat", "hero", "hide", "hole", "hotel", "identify", "image", "imagine", "impact", "include", "income", "increase", "indeed", "indicate", "industry", "inform", "injury", "invade", "invasion", "island", "itself", "jail", "judge", "jury", "kitchen", "knee", "labor", "lady", "lake", "large", "lawyer", "layer", "lead", "lesson", "liberal", "lift", "limit", "link", "lip", "loan", "local", "lock", "lower", "lucky", "machine", "magazine", "mail", "maintain", "manage", "manager", "mass", "master", "material", "media", "medical", "memory", "mention", "message", "metal", "method", "military", "minister", "mission", "model", "modern", "moral", "mouth", "movie", "murder", "nature", "necessary", "network", "nor", "nose", "novel", "nurse", "officer", "official", "operation", "opinion", "option", "oppose", "organize", "owner", "pain", "paint", "pair", "palace", "partner", "patient", "pattern", "peace", "peak", "perform", "period", "phone", "physical", "pick", "plane", "plate", "plenty", "pocket", "poem", "poet", "politics", "pool", "pope", "popular", "population", "pound", "prepare", "present", "prevent", "prime", "prison", "private", "process", "produce", "professor", "profit", "project", "proper", "protect", "prove", "provide", "purpose", "quality", "radio", "raise", "range", "rate", "reader", "realize", "receive", "recent", "record", "reduce", "reflect", "region", "relate", "remain", "remove", "report", "represent", "republic", "require", "research", "resource", "respond", "response", "rich", "ride", "ring", "rise", "risk", "role", "roll", "roof", "root", "rose", "royal", "rush", "safe", "sale", "save", "scene", "science", "score", "season", "seat", "secret", "section", "security", "seek", "senior", "sense", "series", "serve", "session", "settle", "share", "shoot", "shop", "shot", "shoulder", "sight", "silence", "silver", "sing", "single", "site", "skill", "skin", "sky", "smart", "soldier", "solution", "sorry", "source", "speech", "spend", "spirit", "sport", "spread", "spring", "staff", "stage", "star", "stock", "stone", "store", "strange", "stream", "stress", "strike", "structure", "style", "subject", "success", "suffer", "suggest", "summer", "supply", "support", "surface", "survey", "table", "target", "task", "tax", "teach", "tear", "term", "test", "theory", "thin", "threat", "throw", "ticket", "tiny", "title", "tonight", "total", "tough", "tour", "toward", "tower", "travel", "treat", "trial", "trip", "troop", "troops", "truth", "union", "unit", "unless", "upper", "victim", "village", "violence", "visit", "vote", "wage", "wake", "weapon", "wear", "weather", "weight", "western", "whatever", "wild", "wing", "winter", "wire", "wood", "worker", "worry", "writer", "yield", "zone"]
)
