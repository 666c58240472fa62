"""One episode under review: what the page shows, and what a save writes (no HTTP here).

The server (``server.py``) only routes requests; everything it serves or changes goes through a
``ReviewSession``, so the rules below are testable without a socket.

What the page gets (``payload``): the transcript as paragraphs of timed words (with probability
and sentence number, for highlighting), the captions' problems exactly as ``gztranscribe check``
reports them for the file a save writes, and the spans the model was unsure of
(probability < ``UNSURE_BELOW``).

What a save does (``save``):

1. The request is validated strictly (``parse_save_request``); anything wrong is a 400 and
   nothing is touched.
2. The edited words are re-timed against the episode's current words by the alignment engine
   (``retime`` -> ``align.align_words``): matched words keep their audio times, changed words
   take the replaced word's time, added words are spread between their neighbours. A text that
   no longer matches the audio (under ``MIN_MATCH`` of its words heard) is refused with 422
   rather than given made-up times.
3. A new ``Transcript`` is built with **one segment per paragraph** and
   ``options["paragraphs"] = "segments"``, so the producer's paragraphs survive a reload of the
   page; captions are rebuilt from the words under the style profile; every output format is
   rendered from one ``Document`` whose paragraphs are the producer's (not the automatic ones).
4. Backups, the policy of every command (``output.write_files``): each file whose content
   changes keeps its previous version as ``FILE.bak`` beside it, e.g. ``EPISODE.vtt.bak``: the
   version before the latest save. One generation is kept, so the folder stays readable for a
   producer; saving without a change writes nothing (so a second click on Save never overwrites
   the backup with the same text).
5. The new files are written all-or-nothing (``output.write_files``).

Formats written: ``json`` always (the source of truth), the show's configured formats, and any
other format whose file already exists beside the episode (a published ``.srt`` stays in step).

Saves are serialised by a lock; a save is refused (409) when the page's revision is stale or when
``EPISODE.json`` changed on disk since the session read it (someone re-ran the transcription).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..align import AlignOptions, align_words
from ..caption_files import parse_caption_text
from ..checking import check_parsed
from ..config import CONFIG_NAME
from ..document import Document, build_document
from ..errors import GzError, InputError, RequestError
from ..formats import WRITERS
from ..formats.vtt import render_captions
from ..output import BACKUP_SUFFIX, backup_path, changed_files, write_files
from ..pipeline import rendered
from ..profiles import PROFILES, StyleProfile
from ..text import ParagraphStyle, break_points, join_words, split_sentences
from ..transcript_files import read_transcript_file
from ..types import Paragraph, Segment, Transcript, Word

UNSURE_BELOW = 0.5  # a word the model gave less probability than this is listed as unsure
MIN_MATCH = AlignOptions().min_match  # refuse a save when fewer of the text's words are heard

# Limits on a save request: generous for a 3-hour episode, small enough to refuse abuse.
MAX_BODY_BYTES = 4_000_000
MAX_PARAGRAPHS = 5_000
MAX_PARAGRAPH_CHARS = 50_000
MAX_TOTAL_CHARS = 2_000_000
MAX_GLOSSARY_CHARS = 80

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class SaveRequest:
    paragraphs: tuple[tuple[str, ...], ...]  # each paragraph's words
    revision: int | None = None


@dataclass(frozen=True, slots=True)
class EpisodeFiles:
    """Where one episode's files live: the media, and the outputs in ``folder`` named ``stem``."""

    media: Path
    folder: Path
    stem: str

    @classmethod
    def of(cls, media: Path, output_dir: Path | None = None) -> EpisodeFiles:
        return cls(media=media, folder=output_dir or media.parent, stem=media.stem)

    def path(self, fmt: str) -> Path:
        return self.folder / f"{self.stem}.{fmt}"

    @property
    def json(self) -> Path:
        return self.path("json")


@dataclass(slots=True)
class ReviewSession:
    files: EpisodeFiles
    profile: StyleProfile = PROFILES["broadcast"]
    paragraph_style: ParagraphStyle = field(default_factory=ParagraphStyle)
    lead_in: str | None = None
    formats: tuple[str, ...] = ("vtt", "txt", "json")
    glossary: Path | None = None
    glossary_configured: bool = True  # False: the default glossary.txt no setting names yet
    config_path: Path | None = None
    # state, replaced as a whole on every save (under ``lock``)
    transcript: Transcript = field(default_factory=lambda: Transcript(()))
    paragraphs: tuple[tuple[Word, ...], ...] = ()
    revision: int = 0
    json_digest: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    _built: tuple[int, Document] | None = None  # the document of ``revision`` (cues cost ~1 s/h)

    # --- loading ------------------------------------------------------------------------------

    def load(self) -> ReviewSession:
        """Read ``EPISODE.json``; raises ``InputError`` when it is missing or not ours."""
        self.transcript, data = read_transcript_file(
            self.files.json, missing_hint=f"run `gztranscribe {self.files.media}` first"
        )
        self.paragraphs = _paragraphs_of(self.transcript, self.paragraph_style)
        self.json_digest = _digest(data)
        self._built = None
        return self

    # --- what the page shows ------------------------------------------------------------------

    def document(self) -> Document:
        """Captions and paragraphs of the current state (built once per revision)."""
        if self._built is None or self._built[0] != self.revision:
            document = _document(self.transcript, self.paragraphs, self.profile, self.lead_in)
            self._built = (self.revision, document)
        return self._built[1]

    def captions_vtt(self) -> str:
        with self.lock:
            return render_captions(self.document().captions)

    def payload(self) -> dict[str, Any]:
        with self.lock:
            return self._payload()

    def _payload(self) -> dict[str, Any]:
        document = self.document()
        vtt_text = render_captions(document.captions)
        parsed = parse_caption_text(vtt_text, kind="vtt", name=self.files.path("vtt").name)
        cues = document.captions.cues
        problems = [
            {
                "cue": p.cue,
                "start": p.start,
                "end": cues[p.cue - 1].end if p.cue and p.cue <= len(cues) else p.start,
                "rule": p.rule,
                "message": p.message,
                "severity": p.severity,
                "text": cues[p.cue - 1].text if p.cue and p.cue <= len(cues) else "",
            }
            for p in check_parsed(parsed, self.profile)
        ]
        paragraphs, unsure = [], []
        index = sentence = 0
        for group in self.paragraphs:
            words = []
            for sentence_words in split_sentences(group):
                for word in sentence_words:
                    words.append(
                        {
                            "index": index,
                            "text": word.text,
                            "start": round(word.start, 3),
                            "end": round(word.end, 3),
                            "probability": round(word.probability, 3),
                            "sentence": sentence,
                        }
                    )
                    index += 1
                sentence += 1
            paragraphs.append({"words": words})
            unsure.extend(_unsure_spans(words))
        return {
            "name": self.files.stem,
            "media": self.files.media.name,
            "revision": self.revision,
            "duration": self.transcript.duration,
            "lead_in": self.lead_in,
            "profile": self.profile.name,
            "files": [p.name for p in self._targets().values()],
            "glossary": self.glossary.name if self.glossary else None,
            "unsure_below": UNSURE_BELOW,
            "paragraphs": paragraphs,
            "problems": problems,
            "unsure": unsure,
            "unheard": _unheard(self.transcript),
            "cues": len(cues),
        }

    # --- saving -------------------------------------------------------------------------------

    def save(self, request: SaveRequest) -> dict[str, Any]:
        """Re-time, rebuild and write; returns the new payload plus what was written."""
        with self.lock:
            if request.revision is not None and request.revision != self.revision:
                raise RequestError(
                    409, "the transcript was saved from another page since this one loaded; "
                    "reload the page (your edits are not saved)"
                )  # fmt: skip
            self._check_unchanged_on_disk()
            current = tuple(tuple(w.text for w in group) for group in self.paragraphs)
            if request.paragraphs == current:
                return {**self._payload(), "saved": False, "message": "nothing changed"}

            flat = [word for paragraph in request.paragraphs for word in paragraph]
            timed, changed = retime(flat, self.transcript)
            groups = _regroup(timed, [len(p) for p in request.paragraphs])
            transcript = _edited_transcript(self.transcript, groups)
            document = _document(transcript, groups, self.profile, self.lead_in)
            targets = self._targets()
            texts = rendered(document, targets)
            try:
                backups = [backup_path(p) for p in changed_files(texts)]
                written = write_files(texts)  # keeps each changed file's previous version as .bak
            except GzError as exc:
                raise RequestError(500, str(exc)) from None

            self.transcript = transcript
            self.paragraphs = groups
            self.revision += 1
            self._built = (self.revision, document)
            self.json_digest = _digest(texts[targets["json"]].encode("utf-8"))
            return {
                **self._payload(),
                "saved": True,
                "written": [p.name for p in written],
                "backups": [p.name for p in backups],
                "changed_words": changed,
                "message": f"saved {len(written)} files; previous versions in *{BACKUP_SUFFIX}",
            }

    def _targets(self) -> dict[str, Path]:
        """Every format a save writes, in registry order, never the media file itself."""
        wanted = set(self.formats) | {"json"}
        wanted |= {fmt for fmt in WRITERS if self.files.path(fmt).is_file()}
        return {
            fmt: self.files.path(fmt)
            for fmt in WRITERS
            if fmt in wanted and self.files.path(fmt) != self.files.media
        }

    def _check_unchanged_on_disk(self) -> None:
        try:
            data = self.files.json.read_bytes()
        except OSError:
            data = b""
        if _digest(data) != self.json_digest:
            raise RequestError(
                409, f"{self.files.json.name} changed on disk since the page loaded (was the "
                "episode transcribed again?); restart the review to see the new version"
            )  # fmt: skip

    # --- glossary -----------------------------------------------------------------------------

    def add_glossary_term(self, data: Any) -> dict[str, Any]:
        """Append one term (validated) to the show's glossary file; returns a message."""
        if self.glossary is None:
            raise RequestError(400, "no glossary file for this review")
        term = _glossary_line(data)
        with self.lock:
            path = self.glossary
            try:
                old = path.read_bytes() if path.exists() else b""
                old_text = old.decode("utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise RequestError(500, f"cannot read {path.name}: {exc}") from None
            from ..glossary import parse_glossary

            try:
                before = parse_glossary(old_text, name=path.name)
                after = parse_glossary(old_text + "\n" + term + "\n", name=path.name)
            except InputError as exc:
                raise RequestError(400, str(exc)) from None
            if after.terms == before.terms:
                return {"added": False, "message": f"{_head(term)!r} is already in {path.name}"}
            newline = b"\r\n" if b"\r\n" in old else b"\n"
            lead = newline if old and not old.endswith(b"\n") else b""
            try:
                with path.open("ab") as handle:
                    handle.write(lead + term.encode("utf-8") + newline)
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError as exc:
                raise RequestError(500, f"cannot write {path}: {exc.strerror or exc}") from None
            note = self._make_glossary_apply()
            return {"added": True, "message": f"added {_head(term)!r} to {path.name}{note}"}

    def _make_glossary_apply(self) -> str:
        """Make sure later runs read the glossary; returns a note for the producer.

        A glossary named by ``--glossary`` or the show's config is read by later runs already.
        The default ``glossary.txt`` is not named anywhere yet: when the episode's folder has no
        ``gztranscribe.toml``, one is created naming it (and only it); an existing config is never
        edited, the note says what to add instead.
        """
        if self.glossary_configured or self.glossary is None:
            return ""
        config = self.config_path or self.files.media.parent / CONFIG_NAME
        relative = Path(os.path.relpath(self.glossary, config.parent)).as_posix()
        if config.exists():
            return f"; add glossary = {json.dumps(relative)} to {config.name} so later runs use it"
        try:
            write_files(
                {
                    config: "# written by `gztranscribe review` so later runs use the show's "
                    f"glossary\nglossary = {json.dumps(relative)}\n"
                }
            )
        except GzError:
            return f"; run later episodes with --glossary {self.glossary}"
        self.config_path = config
        self.glossary_configured = True
        return f"; created {config.name} so later runs use it"


# --- request validation (pure) ----------------------------------------------------------------


def parse_save_request(body: bytes) -> SaveRequest:
    """``{"paragraphs": [str, ...], "revision": int?}`` -> SaveRequest, or RequestError(400)."""
    data = _json_object(body, {"paragraphs", "revision"})
    paragraphs = data.get("paragraphs")
    if not isinstance(paragraphs, list):
        raise RequestError(400, '"paragraphs" must be a list of strings')
    if not paragraphs:
        raise RequestError(400, '"paragraphs" is empty: a transcript needs at least one paragraph')
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise RequestError(400, f"too many paragraphs (at most {MAX_PARAGRAPHS})")
    total = 0
    out: list[tuple[str, ...]] = []
    for number, paragraph in enumerate(paragraphs, start=1):
        if not isinstance(paragraph, str):
            raise RequestError(400, f"paragraph {number} is not a string")
        if len(paragraph) > MAX_PARAGRAPH_CHARS:
            raise RequestError(400, f"paragraph {number} is too long (at most "
                                    f"{MAX_PARAGRAPH_CHARS} characters)")  # fmt: skip
        total += len(paragraph)
        if _CONTROL.search(paragraph):
            raise RequestError(400, f"paragraph {number} contains control characters")
        words = tuple(unicodedata.normalize("NFC", paragraph).split())
        if not words:
            raise RequestError(400, f"paragraph {number} is empty")
        out.append(words)
    if total > MAX_TOTAL_CHARS:
        raise RequestError(
            400, f"the transcript is too long (at most {MAX_TOTAL_CHARS} characters)"
        )
    revision = data.get("revision")
    if revision is not None and (type(revision) is not int or revision < 0):
        raise RequestError(400, '"revision" must be a whole number')
    return SaveRequest(tuple(out), revision)


def _json_object(body: bytes, allowed: set[str]) -> dict[str, Any]:
    if len(body) > MAX_BODY_BYTES:
        raise RequestError(413, f"request too large (at most {MAX_BODY_BYTES} bytes)")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RequestError(400, "the request body is not JSON") from None
    except RecursionError:  # "[[[[..." 100k deep: the parser gives up, the request is bad
        raise RequestError(400, "the request body is nested too deeply") from None
    if not isinstance(data, dict):
        raise RequestError(400, "the request body must be a JSON object")
    unknown = set(data) - allowed
    if unknown:
        raise RequestError(400, f"unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    return data


def _glossary_line(body: Any) -> str:
    data = _json_object(body, {"term"}) if isinstance(body, bytes) else body
    term = data.get("term") if isinstance(data, dict) else None
    if not isinstance(term, str):
        raise RequestError(400, '"term" must be a string')
    if "\n" in term or "\r" in term or _CONTROL.search(term):
        raise RequestError(400, "a glossary term is one line of text")
    term = " ".join(unicodedata.normalize("NFC", term).split())
    if not term:
        raise RequestError(400, "the glossary term is empty")
    if len(term) > MAX_GLOSSARY_CHARS:
        raise RequestError(400, f"a glossary term is at most {MAX_GLOSSARY_CHARS} characters")
    if term.startswith("#"):
        raise RequestError(400, "a glossary term cannot start with '#' (that is a comment)")
    return term


def _head(term: str) -> str:
    return re.split(r"[:=]", term, maxsplit=1)[0].strip()


# --- building (pure) --------------------------------------------------------------------------


def _paragraphs_of(transcript: Transcript, style: ParagraphStyle) -> tuple[tuple[Word, ...], ...]:
    """The paragraphs the page starts from: the producer's (after a save) or the automatic ones.

    The automatic ones are exactly those of ``text.paragraphs`` (and so of ``EPISODE.txt``).
    """
    if transcript.options.get("paragraphs") == "segments":
        return tuple(tuple(s.words) for s in transcript.segments if s.words)
    sentences = split_sentences(transcript.words)
    if not sentences:
        return ()
    bounds = [0, *break_points(sentences, style), len(sentences)]
    return tuple(
        tuple(w for sentence in sentences[a:b] for w in sentence) for a, b in pairwise(bounds)
    )


def retime(words: Sequence[str], transcript: Transcript) -> tuple[list[Word], int]:
    """The edited words, timed by the alignment engine; and how many words the producer changed.

    Times come from ``align.align_words`` against the episode's current words (themselves timed
    from the audio): an unchanged word keeps its time exactly, a changed word takes the time of
    the word it replaced, an added word is spread between its neighbours. A word the producer
    typed or retouched (any difference in its text) is verified by a person, so its probability
    becomes 1.0 and it leaves the "unsure" list. Raises ``RequestError(422)`` for a text that no
    longer matches the audio, rather than inventing times for it.
    """
    recognized = transcript.words
    if not recognized:
        raise RequestError(422, "the episode has no recognized words to time the text against")
    aligned = align_words(words, recognized, duration=transcript.duration or None)
    if aligned.match_ratio < MIN_MATCH:
        raise RequestError(
            422, f"the edited text no longer matches the audio (only {aligned.match_ratio:.0%} "
            f"of its words are heard, at least {MIN_MATCH:.0%} needed); nothing was saved"
        )  # fmt: skip
    old = [w.text for w in recognized]
    matcher = difflib.SequenceMatcher(None, list(words), old, autojunk=False)
    edited = set(range(len(words)))
    for block in matcher.get_matching_blocks():
        edited -= set(range(block.a, block.a + block.size))
    timed = [replace(w, probability=1.0) if k in edited else w for k, w in enumerate(aligned.words)]
    return timed, len(edited)


def _regroup(words: Sequence[Word], sizes: Sequence[int]) -> tuple[tuple[Word, ...], ...]:
    groups, at = [], 0
    for size in sizes:
        groups.append(tuple(words[at : at + size]))
        at += size
    return tuple(g for g in groups if g)


def _edited_transcript(old: Transcript, groups: Sequence[Sequence[Word]]) -> Transcript:
    segments = tuple(
        Segment(start=g[0].start, end=max(w.end for w in g), text=join_words(g), words=tuple(g))
        for g in groups
    )
    saved = datetime.now(UTC).replace(microsecond=0).isoformat()
    options = {**old.options, "paragraphs": "segments", "reviewed": saved}
    return replace(old, segments=segments, options=options)


def _document(
    transcript: Transcript,
    groups: Sequence[Sequence[Word]],
    profile: StyleProfile,
    lead_in: str | None,
) -> Document:
    """The episode's document with the producer's paragraphs (``groups`` hold every word)."""
    paragraphs = tuple(
        Paragraph(start=g[0].start, end=max(w.end for w in g), text=join_words(g))
        for g in groups
        if g
    )
    return build_document(transcript, profile, lead_in=lead_in, paragraphs=paragraphs)


def _unheard(transcript: Transcript) -> list[dict[str, float]]:
    """Audible stretches the model found no words in (coverage.py), listed beside the unsure words."""
    coverage = transcript.coverage
    if coverage is None:
        return []
    return [{"start": round(a, 3), "end": round(b, 3)} for a, b in coverage.unheard]


def _unsure_spans(words: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    spans: list[dict[str, Any]] = []
    run: list[dict[str, Any]] = []
    for word in [*words, None]:
        if word is not None and word["probability"] < UNSURE_BELOW:
            run.append(word)
            continue
        if run:
            spans.append(
                {
                    "first": run[0]["index"],
                    "last": run[-1]["index"],
                    "start": run[0]["start"],
                    "end": run[-1]["end"],
                    "text": " ".join(w["text"] for w in run),
                    "probability": min(w["probability"] for w in run),
                }
            )
            run = []
    return spans


# --- files ------------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


