"""faster-whisper -> Transcript, with progress as segments are decoded.

faster-whisper yields segments lazily; we consume them here and report progress after each one,
so a progress bar costs nothing. Decoding settings live in ``DecodeOptions``; the defaults were
chosen by measurement on three kinds of audio (see README, "How decoding was chosen").
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .media import SAMPLE_RATE
from .models import ModelSource, load_model, resolve_model
from .types import Segment, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

ProgressCallback = Callable[[float, float], None]  # (seconds done, seconds total)


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """How the model decodes. Part of a transcript's identity: batch skip-done keys on it."""

    language: str = "en"
    beam_size: int = 5
    vad: bool = True
    condition_on_previous_text: bool = False
    initial_prompt: str | None = None
    hotwords: str | None = None
    vad_min_silence_ms: int = 500
    vad_speech_pad_ms: int = 400

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ModelOptions:
    model: str | None = None
    device: str = "auto"
    compute_type: str | None = None
    threads: int = 0


@dataclass
class Transcriber:
    """A loaded model, reused for every file (loading costs more than a short clip's decoding)."""

    source: ModelSource
    model: WhisperModel
    options: ModelOptions = field(default_factory=ModelOptions)

    @classmethod
    def load(cls, options: ModelOptions = ModelOptions()) -> Transcriber:
        source = resolve_model(options.model)
        threads = options.threads or min(os.cpu_count() or 1, 8)
        model = load_model(
            source, device=options.device, compute_type=options.compute_type, threads=threads
        )
        return cls(source=source, model=model, options=options)

    def transcribe(
        self,
        audio: np.ndarray,
        options: DecodeOptions = DecodeOptions(),
        on_progress: ProgressCallback | None = None,
        source: str = "",
    ) -> Transcript:
        duration = len(audio) / SAMPLE_RATE
        vad_parameters = {
            "min_silence_duration_ms": options.vad_min_silence_ms,
            "speech_pad_ms": options.vad_speech_pad_ms,
        }
        fw_segments, info = self.model.transcribe(
            audio,
            language=options.language or None,
            beam_size=options.beam_size,
            word_timestamps=True,
            vad_filter=options.vad,
            vad_parameters=vad_parameters if options.vad else None,
            condition_on_previous_text=options.condition_on_previous_text,
            initial_prompt=options.initial_prompt,
            hotwords=options.hotwords,
        )
        segments: list[Segment] = []
        for fw in fw_segments:
            segment = _to_segment(fw, duration, segments[-1].end if segments else 0.0)
            if segment is not None:
                segments.append(segment)
            if on_progress:
                on_progress(min(fw.end, duration), duration)
        if on_progress:
            on_progress(duration, duration)
        return Transcript(
            segments=tuple(segments),
            language=info.language,
            duration=duration,
            model=self.source.name,
            options=options.as_dict(),
            source=source,
        )


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
