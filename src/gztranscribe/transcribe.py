"""faster-whisper -> Transcript, with progress as segments are decoded.

faster-whisper yields segments lazily; we consume them here and report progress after each one,
so a progress bar costs nothing. Decoding settings live in ``DecodeOptions``; the defaults were
chosen by measurement on three kinds of audio (see README, "How decoding was chosen").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .media import SAMPLE_RATE
from .models import ModelSource, load_model, resolve_model
from .onsets import refine_onsets
from .progress import FINDING_SPEECH, REPAIRING, TRANSCRIBING, progress_groups
from .speech import Region, merge_regions, uncovered_regions
from .types import Segment, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

ProgressCallback = Callable[[float, float], None]  # (seconds done, seconds total)
PhaseCallback = Callable[[str], None]  # a phase begins: "finding speech", "transcribing"...


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """How the model decodes. Part of a transcript's identity: batch skip-done keys on it.

    Defaults measured on real-en, the 5-minute episode and the 3-minute real mix (README).
    """

    language: str | None = "en"  # None: detect (multilingual models only)
    beam_size: int = 5
    batch_size: int = 8
    initial_prompt: str | None = None
    hotwords: str | None = None
    vad_threshold: float = 0.5
    vad_min_silence_ms: int = 300
    vad_speech_pad_ms: int = 200
    max_window: float = 28.0  # seconds of audio in one decode window (Whisper sees 30)
    max_gap: float = 2.0  # never bridge a longer pause inside one window
    repair_min_region: float = 0.8  # re-decode speech regions this long that got no words
    repair_rounds: int = 3
    refine_onsets: bool = True  # move word starts after a pause to the audio's energy onset

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ModelOptions:
    model: str | None = None
    device: str = "auto"
    compute_type: str | None = None
    threads: int = 0
    workers: int = 1  # files decoded at once by one loaded model (batch --jobs)


@dataclass
class Transcriber:
    """A loaded model, reused for every file (loading costs more than a short clip's decoding)."""

    source: ModelSource
    model: WhisperModel
    options: ModelOptions = field(default_factory=ModelOptions)
    _pipeline: Any = field(default=None, repr=False)

    @classmethod
    def load(cls, options: ModelOptions = ModelOptions()) -> Transcriber:
        source = resolve_model(options.model)
        workers = max(1, options.workers)
        threads = options.threads or max(1, min(os.cpu_count() or 1, 8) // workers)
        model = load_model(
            source,
            device=options.device,
            compute_type=options.compute_type,
            threads=threads,
            workers=workers,
        )
        transcriber = cls(source=source, model=model, options=options)
        _ = transcriber._batched  # create the pipeline now: threads of a batch share it
        return transcriber

    def transcribe(
        self,
        audio: np.ndarray,
        options: DecodeOptions = DecodeOptions(),
        on_progress: ProgressCallback | None = None,
        source: str = "",
        on_phase: PhaseCallback | None = None,
    ) -> Transcript:
        """Decode speech regions only: silence, music and noise get no text at all.

        Progress: ``on_phase`` hears each phase begin (``progress.FINDING_SPEECH``,
        ``TRANSCRIBING``, ``REPAIRING``); within a decoding pass ``on_progress(done, total)``
        reports the share of the pass's windows decoded, on the file's time scale (total = the
        audio's duration), since every window costs about the same (each is padded to 30 s).
        """
        phase = on_phase or (lambda _name: None)
        duration = len(audio) / SAMPLE_RATE
        if on_progress:
            on_progress(0.0, duration)
        phase(FINDING_SPEECH)
        regions = self._speech_regions(audio, options)
        windows = merge_regions(regions, max_gap=options.max_gap, max_len=options.max_window)
        phase(TRANSCRIBING)
        segments, language = self._decode(audio, windows, options, duration, on_progress)
        for _ in range(options.repair_rounds):
            words = [w for seg in segments for w in seg.words]
            missed = uncovered_regions(regions, words, min_len=options.repair_min_region)
            if not missed:
                break
            # The model stops at a change of voice or recording; each round recovers at least the
            # first utterance of every dropped run, so a few rounds recover them all.
            retry = merge_regions(missed, max_gap=options.max_gap, max_len=options.max_window)
            phase(REPAIRING)
            extra, _ = self._decode(audio, retry, options, duration, on_progress)
            if not extra:
                break
            segments = _ordered(segments + extra)
        if options.refine_onsets:
            segments = _with_refined_onsets(segments, audio)
        if on_progress:
            on_progress(duration, duration)
        return Transcript(
            segments=tuple(segments),
            language=language or options.language or "",
            duration=duration,
            model=self.source.name,
            options=options.as_dict(),
            source=source,
        )

    def _speech_regions(self, audio: np.ndarray, options: DecodeOptions) -> list[Region]:
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        vad = VadOptions(
            threshold=options.vad_threshold,
            min_silence_duration_ms=options.vad_min_silence_ms,
            speech_pad_ms=options.vad_speech_pad_ms,
            max_speech_duration_s=options.max_window,
        )
        stamps = get_speech_timestamps(audio, vad, sampling_rate=SAMPLE_RATE)
        return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]

    def _decode(
        self,
        audio: np.ndarray,
        windows: list[Region],
        options: DecodeOptions,
        duration: float,
        on_progress: ProgressCallback | None,
    ) -> tuple[list[Segment], str | None]:
        if not windows:
            return [], None
        segments: list[Segment] = []
        language: str | None = None
        done = 0
        for group in progress_groups(len(windows), options.batch_size):
            fw_segments, info = self._batched.transcribe(
                audio,
                language=options.language or language,  # detected once, then kept
                beam_size=options.beam_size,
                batch_size=options.batch_size,
                word_timestamps=True,
                clip_timestamps=[{"start": s, "end": e} for s, e in windows[done : done + group]],
                initial_prompt=options.initial_prompt,
                hotwords=options.hotwords,
            )
            for fw in fw_segments:
                segment = _to_segment(fw, duration, segments[-1].end if segments else 0.0)
                if segment is not None:
                    segments.append(segment)
            language = language or info.language
            done += group
            if on_progress:
                on_progress(duration * done / len(windows), duration)
        return segments, language

    @property
    def _batched(self) -> Any:
        from faster_whisper import BatchedInferencePipeline

        if self._pipeline is None:
            self._pipeline = BatchedInferencePipeline(self.model)
        return self._pipeline


def _with_refined_onsets(segments: list[Segment], audio: np.ndarray) -> list[Segment]:
    words = refine_onsets([w for seg in segments for w in seg.words], audio, SAMPLE_RATE)
    result, taken = [], 0
    for seg in segments:
        mine = tuple(words[taken : taken + len(seg.words)])
        taken += len(seg.words)
        result.append(replace(seg, start=mine[0].start, words=mine))
    return result


def _ordered(segments: list[Segment]) -> list[Segment]:
    """Merge repaired segments into time order, clamping so times never go backwards."""
    result: list[Segment] = []
    for seg in sorted(segments, key=lambda s: s.start):
        floor = result[-1].end if result else 0.0
        if seg.start < floor:
            words = tuple(
                Word(max(w.start, floor), max(w.end, floor), w.text, w.probability) for w in seg.words
            )
            seg = Segment(words[0].start, max(seg.end, floor), seg.text, words, seg.avg_logprob,
                          seg.no_speech_prob)
        result.append(seg)
    return result


def _to_segment(fw: Any, duration: float, floor: float) -> Segment | None:
    """Convert one faster-whisper segment, clamping times so they never go backwards or past the end."""
    words: list[Word] = []
    last = floor
    for w in fw.words or ():
        text = w.word.strip()
        if not text:
            continue
        start = min(max(w.start, last), duration)
        end = min(max(w.end, start), duration)
        words.append(Word(start=start, end=end, text=text, probability=float(w.probability)))
        last = end
    text = fw.text.strip()
    if not text or not words:
        return None
    return Segment(
        start=words[0].start,
        end=words[-1].end,
        text=text,
        words=tuple(words),
        avg_logprob=float(fw.avg_logprob),
        no_speech_prob=float(fw.no_speech_prob),
    )
