"""One file, end to end: probe -> extract audio -> transcribe -> build document -> write files.

The library entry points the CLI (and a site's import job) call. The model is passed in, so a
batch loads it once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .coverage import warnings as coverage_warnings
from .document import Document, build_document
from .formats import DEFAULT_FORMATS, render
from .long_audio import CHUNK_SECONDS, STREAM_OVER_SECONDS, transcribe_chunked
from .media import SAMPLE_RATE, MediaInfo, extract_audio, probe, stream_audio
from .output import prepare_output_dir, write_files
from .profiles import PROFILES, StyleProfile
from .progress import LOADING_MODEL, READING_AUDIO, TRANSCRIBING, WRITING
from .text import ParagraphStyle
from .transcribe import DecodeOptions, ProgressCallback, Transcriber
from .transcript_files import load_transcript
from .types import Transcript

StageCallback = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class OutputOptions:
    formats: tuple[str, ...] = DEFAULT_FORMATS
    output_dir: Path | None = None  # None: beside the input
    profile: StyleProfile = PROFILES["broadcast"]
    paragraph_style: ParagraphStyle = field(default_factory=ParagraphStyle)
    lead_in: str | None = None

    def paths_for(self, source: Path) -> dict[str, Path]:
        folder = self.output_dir if self.output_dir is not None else source.parent
        return {fmt: folder / f"{source.stem}.{fmt}" for fmt in self.formats}


@dataclass(frozen=True, slots=True)
class TextOptions:
    """Clean verbatim and the show's glossary, applied to the words before anything is written."""

    cleanup: bool = True
    glossary_path: Path | None = None

    def decoding_hint(self) -> dict[str, Any]:
        """Extra DecodeOptions fields that bias decoding toward the glossary's spellings."""
        if self.glossary_path is None:
            return {}
        from .glossary import decoding_hint

        return decoding_hint(_load_glossary(self.glossary_path))


@lru_cache(maxsize=8)
def _load_glossary(path: Path) -> Any:
    from .glossary import load_glossary

    return load_glossary(path)


def finish_transcript(transcript: Transcript, text: TextOptions) -> tuple[Transcript, list[str]]:
    """Apply glossary corrections, then clean-verbatim rules; return notes on what changed.

    The JSON then holds the published words, so captions, paragraphs and any later render agree.
    """
    notes: list[str] = []
    glossary = _load_glossary(text.glossary_path) if text.glossary_path else None
    if glossary is not None:
        from .glossary import correct_transcript

        transcript, corrections = correct_transcript(transcript, glossary)
        notes.extend(
            f'glossary: "{c.original}" -> "{c.corrected}" at {c.start:.1f} s ({c.reason})'
            for c in corrections
        )
    if text.cleanup:
        from .cleanup import clean_transcript

        transcript = clean_transcript(transcript)
    options = {**transcript.options, "cleanup": text.cleanup, "glossary": bool(glossary)}
    return replace(transcript, options=options), notes


@dataclass(frozen=True, slots=True)
class FileResult:
    source: Path
    outputs: tuple[Path, ...]
    transcript: Transcript
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def transcribe_file(
    path: Path,
    transcriber: Transcriber | Callable[[], Transcriber],
    *,
    decode: DecodeOptions = DecodeOptions(),
    outputs: OutputOptions = OutputOptions(),
    text: TextOptions = TextOptions(),
    on_progress: ProgressCallback | None = None,
    on_stage: StageCallback | None = None,
    audio: np.ndarray | None = None,
    targets: dict[str, Path] | None = None,
    chunk_seconds: float | None = None,
) -> FileResult:
    """Transcribe one media file and write its outputs; raises GzError subclasses on bad input.

    ``transcriber`` is a loaded model, or a function that loads one: it is then called only once
    the input and the output folder have been checked, so a mistyped path costs no model load.
    Files longer than ``long_audio.STREAM_OVER_SECONDS`` are decoded as a stream and
    transcribed in chunks (flat memory); ``chunk_seconds`` > 0 forces chunks of that length,
    0 forces the whole file at once.
    """
    stage = on_stage or (lambda _name: None)
    info = preflight(path, outputs)
    if on_progress:
        on_progress(0.0, info.duration)  # the total is known before a sample is decoded
    if not hasattr(transcriber, "transcribe"):  # a loader, not a model
        stage(LOADING_MODEL)
        if audio is None and not streams(info, chunk_seconds):
            # Loading the model and decoding the media wait on different things (disk and
            # CTranslate2, the ffmpeg pipe): side by side they cost the longer of the two.
            with ThreadPoolExecutor(max_workers=1) as pool:
                loading = pool.submit(transcriber)
                audio = read_audio(path, info, on_progress, stage)
                transcriber = loading.result()
        else:
            transcriber = transcriber()
    raw, warnings = recognize(
        path, info, transcriber, decode, on_progress, stage, audio=audio, chunk_seconds=chunk_seconds
    )
    del audio  # a long file's samples are the biggest thing we hold; free them before rendering
    stage(WRITING)
    transcript, notes = finish_transcript(raw, text)
    # A batch passes its planned names (e.g. "ep.mp4.vtt" beside "ep.mov.vtt"), written directly so
    # two jobs with the same stem never race on a shared temporary name.
    written = write_outputs(transcript, targets or outputs.paths_for(path), outputs)
    return FileResult(
        source=path,
        outputs=tuple(written),
        transcript=transcript,
        warnings=tuple(warnings),
        notes=tuple(notes),
    )


def recognize(
    path: Path,
    info: MediaInfo,
    transcriber: Transcriber,
    decode: DecodeOptions = DecodeOptions(),
    on_progress: ProgressCallback | None = None,
    on_stage: StageCallback | None = None,
    *,
    audio: np.ndarray | None = None,
    chunk_seconds: float | None = None,
) -> tuple[Transcript, list[str]]:
    """The first stage of every command that listens (transcribe, batch, align, review): media ->
    the model's words, and warnings (a file that decodes short). ``audio``: already decoded;
    else the file is read whole, or streamed in chunks when it is long (``streams``)."""
    stage = on_stage or (lambda _name: None)
    if audio is None and streams(info, chunk_seconds):
        stage(TRANSCRIBING)
        raw = transcribe_chunked(
            stream_audio(path),
            transcriber,
            decode,
            on_progress,
            source=path.name,
            total_seconds=info.duration,
            chunk_seconds=chunk_seconds or CHUNK_SECONDS,
        )
        decoded = raw.duration
    else:
        if audio is None:  # a batch may have extracted it already, while the previous file decoded
            audio = read_audio(path, info, on_progress, stage)
        decoded = len(audio) / SAMPLE_RATE
        raw = transcriber.transcribe(audio, decode, on_progress, source=path.name, on_phase=stage)
    warnings = _short_audio_warning(info, decoded)
    # audible stretches where no word was recognized: a producer must listen to those
    warnings += [f"{path.name}: {w}" for w in coverage_warnings(raw.coverage, len(raw.words))]
    for warning in warnings:
        stage(f"warning: {warning}")
    return raw, warnings


def read_audio(
    path: Path, info: MediaInfo, on_progress: ProgressCallback | None, on_stage: StageCallback
) -> np.ndarray:
    """The whole file's samples, with "reading audio" progress on the file's time scale."""
    on_stage(READING_AUDIO)
    read = (lambda done: on_progress(done, info.duration)) if on_progress else None
    return extract_audio(path, on_progress=read)


def streams(info: MediaInfo, chunk_seconds: float | None = None) -> bool:
    """Is this file transcribed in chunks (see ``transcribe_file``)?"""
    if chunk_seconds is not None:
        return chunk_seconds > 0
    return info.duration > STREAM_OVER_SECONDS


def preflight(path: Path, outputs: OutputOptions) -> MediaInfo:
    """Everything that can fail cheaply, checked before a model is loaded or audio decoded."""
    info = probe(path)
    prepare_output_dir(next(iter(outputs.paths_for(path).values())).parent)
    return info


def _short_audio_warning(info: MediaInfo, decoded: float) -> list[str]:
    """A file that decodes to much less audio than it claims was cut short (an unfinished upload)."""
    if info.duration > 0 and decoded < 0.9 * info.duration - 0.5:
        return [
            f"{info.path.name}: only {decoded:.1f} s of its {info.duration:.1f} s of audio could be "
            "decoded; the file looks truncated, so the transcript stops early"
        ]
    return []


def rendered(document: Document, targets: Mapping[str, Path]) -> dict[Path, str]:
    """Each target's text: ``targets`` maps a format to the path it is written to."""
    return {path: render(document, fmt) for fmt, path in targets.items()}


def publish(document: Document, targets: Mapping[str, Path]) -> list[Path]:
    """The last stage of every command that writes an episode (transcribe, batch, render, align,
    review): every format rendered from one document, written all or nothing, a changed file's
    previous version kept as ``.bak`` (``output.write_files``)."""
    return write_files(rendered(document, targets))


def write_outputs(
    transcript: Transcript, targets: Mapping[str, Path], outputs: OutputOptions
) -> list[Path]:
    """``publish`` the transcript's document: the engines' cues and paragraphs under ``outputs``."""
    document = build_document(
        transcript, outputs.profile, outputs.paragraph_style, lead_in=outputs.lead_in
    )
    return publish(document, targets)


def render_file(
    json_path: Path, outputs: OutputOptions, *, formats: Sequence[str] | None = None
) -> list[Path]:
    """Re-render formats from a saved JSON transcript, without the model."""
    transcript = load_transcript(json_path)
    targets = outputs.paths_for(json_path)
    keep = set(formats) if formats is not None else set(targets)
    targets = {f: p for f, p in targets.items() if f in keep and p != json_path}
    if not targets:
        return []
    prepare_output_dir(next(iter(targets.values())).parent)
    return write_outputs(transcript, targets, outputs)
