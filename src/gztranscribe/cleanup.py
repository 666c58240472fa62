"""Clean verbatim: hesitations and stutters out, every meaningful word in. Pure code.

What a producer pastes onto an episode page is *clean verbatim*: the speaker's words, without
the noises of thinking aloud. Captions use the same text, so the two never disagree.

Removed (each rule is one small function, applied in this order):

1. **Fillers** -- pure hesitation sounds: um, uh, er, erm, hmm, mm, ah (and their drawn-out
   spellings: umm, uhh, hmmm...). Answers that sound alike stay: "uh-huh", "mm-hmm", "uh-oh" are
   words, and so are "'er" (her), "oh", "well", "like", "you know", "I mean" -- those carry
   meaning too often for a machine to drop them.
2. **Cut-off fragments** -- a word the model wrote ending in a hyphen ("th-", "Mont-") that the
   speaker restarts with the next word ("th- the", "Mont- Montreal"). A hyphen-final word that
   the next word does not complete ("pre- and post-war") stays.
3. **Stutters and exact restarts** -- a phrase of 1-3 words said twice in a row; the first copy
   goes ("I I think", "the the", "I think I think", "in the, in the morning"). Conservative on
   purpose: only *exact* repeats count ("we were, we are going" stays as said), and a repetition
   is kept when it reads as emphasis rather than a restart:

   - repeated across a comma (or "...", a dash) and the phrase ends in a content word:
     "very, very", "no, no, no", "word, word, word" stay; "I, I", "the, the", "in the, in the"
     go (a phrase ending in a word that cannot end a clause is unfinished, so the speaker
     restarted); "I told you, you should" and "able to do, do the Americans" stay;
   - doubling that English uses for emphasis or grammar even without a comma: "very very",
     "really really", "no no", "bye bye", "ha ha", "had had", "that that" ("I knew that that was
     wrong"), "do do";
   - set phrases said twice: "thank you, thank you", "come on, come on";
   - capitalised words (names: "Bora Bora", "Walla Walla"; a restart reads "The the");
   - repeats across a sentence end ("No. No.", "Montreal? Montreal?") and numbers ("1 1").

Punctuation moves the way an editor would move it (``_stitch``):

- punctuation that marked the hesitation itself goes with it: "So, um, we" -> "So, we";
  "Montreal, uh, forced" -> "Montreal, forced"; "forced um... a liner" -> "forced a liner";
- a removed word carrying a sentence end passes it back: "and then, uh." -> "and then.";
- a removed word that opened a sentence hands the capital on: "Um, so we" -> "So we";
  "The the plan" -> "The plan";
- an opening quote or bracket on a removed word moves to the next word.

Words the tokenizer split are joined again: faster-whisper hands "cold-hearted" over as "cold"
"-hearted" and "3,000" as "3" ",000"; they become one word spanning both times.

Times: every kept word keeps its own start and end; a removed word's time simply disappears (the
captions treat it as a pause). Letters are never changed, only the case of a sentence's first
letter (and "i" -> "I" in ``repair_punctuation``).

``repair_punctuation`` then makes the text read as sentences: sentence case, "i" -> "I",
doubled punctuation collapsed ("..," -> ","), and a final full stop.

``clean_transcript`` applies both to a whole ``Transcript`` and keeps its segments, so every
output format (txt paragraphs, VTT/SRT cues, JSON) shows the same clean verbatim text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .tokens import MARKS, WORD_CLOSERS, WORD_OPENERS, bare, closes_sentence
from .types import Segment, Transcript, Word
from .wordlists import FILLERS

__all__ = [
    "FILLERS",
    "clean_transcript",
    "clean_verbatim",
    "clean_words",
    "is_filler",
    "repair_punctuation",
]

# --- word lists (lower case, bare of punctuation) ---------------------------------------------


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# FILLERS (shared with the caption linter) holds the usual spellings of hesitation sounds;
# ``is_filler`` also accepts drawn-out ones: "ummm", "uhhh", "hmmmm", "errm", "ahhh".
# Deliberately not "err" (a verb) nor a single "m" (the letter).
_FILLER_SHAPE = re.compile(r"u+(?:h+m*|m+)|er|e+r+m+|h+m+|m{2,}|a+h+")

_RESTART_ENDINGS = _wordset(
    """a an the this these those my your his her its our their some any each every
    of in on at to for with from by about into onto over under between through after before
    as than like and but or nor if because when where while which who whose
    i he she we they i'm you're we're they're he's she's it's that's there's what's
    i've you've we've they've i'll you'll he'll she'll we'll they'll it'll
    i'd you'd he'd she'd we'd they'd"""
)
"""Words that cannot end a clause: a phrase stopping on one, then said again, was restarted.

"I, I think" and "in the, in the morning" restart; "I told you, you should" and "able to do, do
the Americans..." do not ("you" and "do" can end a clause, so the comma may be a real one).
"""

_DOUBLES = _wordset(
    """very really so no yes yeah yep nope bye ha haha hee blah tut knock tick chop boo now
    there well far much many more too long go again over on round had that do does did"""
)
"""Words English doubles on purpose, even without a comma: "very very", "bye bye", "had had",
"that that" ("I knew that that was wrong"), "do do" ("I do do my homework")."""

_SET_PHRASES = frozenset(
    {
        ("thank", "you"),
        ("thanks",),
        ("come", "on"),
        ("hold", "on"),
        ("go", "on"),
        ("wait",),
        ("well", "done"),
        ("excuse", "me"),
        ("please",),
        ("oh", "my"),
    }
)
"""Phrases said twice for emphasis, never as a restart."""

_TERMINAL = ".?!…"
_PAUSE_MARKS = (",", ";", ":", "-", "–", "—", "...", "…")

# Fragment of a cut-off word: letters (and apostrophes) then a hyphen or dash.
_FRAGMENT = re.compile(r"([A-Za-z][A-Za-z']*)[-–—]")


# --- small helpers ----------------------------------------------------------------------------


def is_filler(text: str) -> bool:
    """True for a pure hesitation sound: "um", "Uh,", "hmm...", "Ummm". False for "uh-huh"."""
    stem = _split(text)[1]
    if len(stem) > 1 and stem.isupper():
        return False  # an acronym: "the ER", "UM" (University of Miami)
    core = bare(text)
    return core in FILLERS or bool(_FILLER_SHAPE.fullmatch(core))


def _split(text: str) -> tuple[str, str, str]:
    """(leading opener punctuation, the word, trailing punctuation and closers)."""
    lead_len = len(text) - len(text.lstrip(WORD_OPENERS))
    body = text[lead_len:]
    stem = body.rstrip(MARKS + WORD_CLOSERS)
    return text[:lead_len], stem, body[len(stem) :]


def capitalized(text: str) -> str:
    """Upper-case the first letter if the word starts (after openers) with a lower-case letter.

    Words with capitals inside ("iPhone", "eBay") are left alone.
    """
    lead, stem, tail = _split(text)
    if not stem or not stem[0].islower() or any(c.isupper() for c in stem[1:]):
        return text
    return lead + stem[0].upper() + stem[1:] + tail


def _starts_upper(text: str) -> bool:
    _, stem, _ = _split(text)
    return bool(stem) and stem[0].isupper()


def _trailing_marks(text: str) -> str:
    return _split(text)[2]


def _has_pause_mark(text: str) -> bool:
    marks = _trailing_marks(text).rstrip(WORD_CLOSERS)
    return any(marks.endswith(p) for p in _PAUSE_MARKS)


# --- rule 2: cut-off fragments ----------------------------------------------------------------


def _is_restarted_fragment(text: str, following: str | None) -> bool:
    match = _FRAGMENT.fullmatch(text.strip().lstrip(WORD_OPENERS))
    if not match or following is None:
        return False
    return bare(following).startswith(match.group(1).lower())


# --- rule 3: repeats --------------------------------------------------------------------------


def _repeat_is_restart(first: Sequence[str], second: Sequence[str], sentence_start: bool) -> bool:
    """Should the first copy of a phrase said twice in a row go? ``first``/``second``: texts."""
    cores = [bare(t) for t in first]
    if cores != [bare(t) for t in second]:
        return False
    if not all(any(c.isalpha() for c in core) for core in cores):
        return False  # numbers, symbols
    if any(closes_sentence(t) for t in first):
        return False  # "No. No.", "Montreal? Montreal?"
    if tuple(cores) in _SET_PHRASES:
        return False
    name = len(cores) == 1 and cores[0] != "i" and _starts_upper(first[0])
    if name and (_starts_upper(second[0]) or not sentence_start):
        return False  # a name: "Bora Bora", "Walla Walla" (a restart reads "The the")
    pause_between = _has_pause_mark(first[-1])
    if pause_between:
        return cores[-1] in _RESTART_ENDINGS  # "the, the" restarts; "very, very" insists
    return not (len(cores) == 1 and cores[0] in _DOUBLES)


# --- the whole pass ---------------------------------------------------------------------------


def _kept_indices(words: Sequence[Word]) -> list[int]:
    """Indices of the words that stay, after the three removal rules."""
    texts = [w.text for w in words]
    kept = [i for i, t in enumerate(texts) if not is_filler(t)]
    kept = [
        i
        for n, i in enumerate(kept)
        if not _is_restarted_fragment(texts[i], texts[kept[n + 1]] if n + 1 < len(kept) else None)
    ]
    changed = True
    while changed:  # "the the the" needs two passes; each pass removes at least one word
        changed = False
        for size in (3, 2, 1):
            n = 0
            while n + 2 * size <= len(kept):
                first = [texts[i] for i in kept[n : n + size]]
                second = [texts[i] for i in kept[n + size : n + 2 * size]]
                # a sentence starts here if the word before, or a removed one since, ended one
                sentence_start = n == 0 or any(
                    closes_sentence(texts[j]) for j in range(kept[n - 1], kept[n])
                )
                if _repeat_is_restart(first, second, sentence_start):
                    del kept[n : n + size]
                    changed = True
                else:
                    n += 1
    return kept


def _stitch(words: Sequence[Word], kept: Sequence[int]) -> list[tuple[int, Word]]:
    """The kept words (with their indices), punctuation and capitals of removed words moved."""
    out: list[tuple[int, Word]] = []
    previous_kept = -1
    for k in [*kept, len(words)]:
        removed = words[previous_kept + 1 : k]
        following = words[k] if k < len(words) else None
        text = following.text if following is not None else ""
        if removed:
            previous = out[-1][1] if out else None
            if previous is not None and not closes_sentence(previous.text):
                mark = _passed_back_end(removed[-1].text, following)
                if mark:
                    lead, stem, tail = _split(previous.text)
                    tail = tail.rstrip(",;:-–—")
                    out[-1] = (out[-1][0], replace(previous, text=lead + stem + tail + mark))
            if following is not None:
                opener = _split(removed[0].text)[0]
                if opener and not _split(text)[0]:
                    text = opener + text
                opened = previous is None or closes_sentence(previous.text)
                if opened and _starts_upper(removed[0].text):
                    text = capitalized(text)  # "Um, so" -> "So"; "The the plan" -> "The plan"
        if following is not None:
            out.append((k, replace(following, text=text) if text != following.text else following))
        previous_kept = k
    return out


def _passed_back_end(removed: str, following: Word | None) -> str:
    """The sentence end a removed word hands to the word before it, or "" if none.

    "and then, uh." -> "and then."; "forced um... a liner" -> nothing (the next word carries on
    the sentence in lower case); "I think um... The point" -> "I think... The point".
    """
    marks = _trailing_marks(removed).rstrip(WORD_CLOSERS + "-–—")
    if not marks or marks[-1] not in _TERMINAL:
        return ""
    if following is not None and not _starts_upper(following.text):
        return ""
    if "?" in marks:
        return "?"
    if "!" in marks:
        return "!"
    return "..." if marks.endswith(("..", "…")) else "."


# faster-whisper moves a hyphen to the front of the next word, so "cold-hearted" arrives as
# "cold" + "-hearted" and "3,000" sometimes as "3" + ",000". A spaced dash arrives as "- no".
_ATTACHED = re.compile(r"-[^\W_]|[,.]\d")


def _join_attached(indexed: list[tuple[int, Word]]) -> list[tuple[int, Word]]:
    """Rejoin words the tokenizer split at a hyphen or a thousands separator."""
    out: list[tuple[int, Word]] = []
    for index, word in indexed:
        if out and _ATTACHED.match(word.text):
            first_index, first = out[-1]
            tail = first.text[-1:]
            if word.text[1].isalpha():
                joins = tail.isalnum()  # "cold" "-hearted", "US" "-Russia"
            else:
                joins = tail.isdigit() or tail.isupper()  # "3" ",000", "COVID" "-19"; not "of -5"
            if joins:
                out[-1] = (
                    first_index,
                    Word(
                        first.start,
                        max(first.end, word.end),
                        first.text + word.text,
                        min(first.probability, word.probability),
                    ),
                )
                continue
        out.append((index, word))
    return out


def _clean_indexed(words: Sequence[Word]) -> list[tuple[int, Word]]:
    """Kept words with the index of the (first) original word each one comes from."""
    joined = _join_attached(list(enumerate(words)))
    whole = [w for _, w in joined]
    kept = [(joined[k][0], w) for k, w in _stitch(whole, _kept_indices(whole))]
    return _join_attached(kept)  # again: "3 um ,000" -> "3,000"


def clean_words(words: Sequence[Word]) -> list[Word]:
    """The words without fillers, restarted fragments and stutters (see the module docs)."""
    return [w for _, w in _clean_indexed(words)]


# --- punctuation repair -----------------------------------------------------------------------


def _collapse(marks: str, stem: str) -> str:
    """One mark for a run of doubled punctuation: "..," -> ","; ",." -> "."; "?." -> "?"."""
    closers = marks[len(marks.rstrip(WORD_CLOSERS)) :]
    run = marks[: len(marks) - len(closers)]
    keep_abbrev = ""
    if "." in stem and run.startswith(".") and run != "...":
        keep_abbrev, run = ".", run[1:]  # "U.S.," -> the first "." belongs to "U.S."
    if len(run) <= 1 or run in ("...", "…"):
        return keep_abbrev + run + closers
    if "?" in run:
        mark = "?"
    elif "!" in run:
        mark = "!"
    elif re.search(r"(?<!\.)\.(?!\.)", run):
        mark = "."  # a lone full stop among other marks: ",." -> "."
    elif ";" in run or ":" in run:
        mark = ";" if ";" in run else ":"
    elif "," in run:
        mark = ","  # an ellipsis fragment and a comma: "..," -> ","
    elif run.strip("-–—") == "":
        mark = run[-1]
    else:
        mark = "..." if (run.count(".") >= 3 or "…" in run) else "."
    if keep_abbrev and mark == ".":
        mark = ""
    return keep_abbrev + mark + closers


_I_FORMS = re.compile(r"i(?:'m|'ve|'ll|'d|’m|’ve|’ll|’d)?")


def repair_punctuation(words: Sequence[Word]) -> list[Word]:
    """Sentence case, "i" -> "I", doubled punctuation collapsed, a final full stop.

    Only punctuation and the case of a sentence's first letter (and of "i") ever change.
    """
    out: list[Word] = []
    sentence_start = True
    for word in words:
        lead, stem, marks = _split(word.text)
        marks = _collapse(marks, stem) if marks else marks
        if _I_FORMS.fullmatch(stem):
            stem = "I" + stem[1:]
        text = lead + stem + marks
        if sentence_start:
            text = capitalized(text)
        out.append(replace(word, text=text) if text != word.text else word)
        sentence_start = closes_sentence(text)
    if out:
        last = out[-1]
        lead, stem, marks = _split(last.text)
        closers = marks[len(marks.rstrip(WORD_CLOSERS)) :]
        run = marks[: len(marks) - len(closers)]
        if not run or run[-1] not in _TERMINAL:
            run = run.rstrip(",;:-–—") + "."
            if "." in stem and run == "." and stem.endswith("."):
                run = ""
            out[-1] = replace(last, text=lead + stem + run + closers)
    return out


def clean_verbatim(words: Sequence[Word]) -> list[Word]:
    """``clean_words`` then ``repair_punctuation``: the text every output should show."""
    return repair_punctuation(clean_words(words))


def clean_transcript(transcript: Transcript) -> Transcript:
    """The transcript in clean verbatim, segments kept (a segment left with no words is dropped).

    A segment's start and end become those of its first and last kept word.

    Stutters across a segment boundary are found too: the whole transcript is cleaned as one
    word sequence, then the kept words go back to the segments they came from.
    """
    words = transcript.words
    indexed = _clean_indexed(words)
    repaired = repair_punctuation([w for _, w in indexed])
    cleaned = {index: word for (index, _), word in zip(indexed, repaired)}
    segments: list[Segment] = []
    offset = 0
    for segment in transcript.segments:
        kept = tuple(cleaned[i] for i in range(offset, offset + len(segment.words)) if i in cleaned)
        offset += len(segment.words)
        if not segment.words:
            segments.append(segment)  # a segment without word times: nothing to clean by
            continue
        if kept:
            segments.append(
                replace(
                    segment,
                    start=kept[0].start,
                    end=max(w.end for w in kept),
                    text=" ".join(w.text for w in kept),
                    words=kept,
                )
            )
    return replace(transcript, segments=tuple(segments))
