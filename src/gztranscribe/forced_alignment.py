"""Forced alignment of text the model did not transcribe, over audio that holds speech.

Uses CTranslate2's attention-based ``align`` (what faster-whisper uses for word timestamps) on
the text's own tokens, in windows of at most 30 s. The model internals it drives (feature
extractor, encoder, tokenizer, ``align``) are confined to ``_forced_times``; everything else here
works on an ``AlignmentResult`` and the audio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .align_timing import monotonic, voiced_seconds
from .matching import AlignmentResult, AlignOptions, true_runs
from .types import SAMPLE_RATE

if TYPE_CHECKING:
    pass

def forced_windows(
    result: AlignmentResult, audio: np.ndarray, options: AlignOptions = AlignOptions()
) -> list[tuple[int, int, float, float]]:
    """Runs of unheard text worth forced alignment: (first word, stop, audio from, audio to).

    A run qualifies when the audio between its anchored neighbours is at least
    ``min_forced_window`` long and holds speech (voiced for ``min_voiced_share`` of it and for
    at least half the time the words need): speech the recognizer did not transcribe. A run in
    a pause was not said there, and keeps its spread times. The audio window adds the two anchor
    words and ``forced_context`` either side, and is at most 30 s (one window of the model).
    """
    from .onsets import HOP, energy_db

    words, sources = result.words, result.sources
    db: np.ndarray | None = None
    duration = len(audio) / SAMPLE_RATE
    found = []
    for start, stop in true_runs([s == "interpolated" for s in sources]):
        lo = words[start - 1].end if start else 0.0
        hi = words[stop].start if stop < len(words) else duration
        if hi - lo < options.min_forced_window:
            continue
        if db is None:
            db = energy_db(audio, SAMPLE_RATE)
        need = len(" ".join(w.text for w in words[start:stop])) / options.speaking_rate
        voiced = voiced_seconds(db, lo, hi, HOP)
        if voiced < options.min_voiced_share * (hi - lo) or voiced < 0.5 * need:
            continue  # a pause, or too little speech for these words: they were not said here
        w0 = max(0.0, (words[start - 1].start if start else lo) - options.forced_context)
        w1 = min(duration, (words[stop].end if stop < len(words) else hi) + options.forced_context)
        if w1 - w0 <= 30.0:
            found.append((start, stop, w0, w1))
    return found


def force_align_spans(
    result: AlignmentResult,
    audio: np.ndarray,
    model: Any,
    options: AlignOptions = AlignOptions(),
    *,
    language: str = "en",
) -> AlignmentResult:
    """Time unheard text over audio with speech by forced alignment of the text itself.

    ``model`` is a faster-whisper ``WhisperModel`` (``Transcriber.model``), or a zero-argument
    callable returning one, called only when some run needs it (``forced_windows``). Each run,
    with its two anchor words for context, is aligned with CTranslate2's attention-based
    ``align`` on its audio window, and the run's words take those times (source ``forced``).
    """
    windows = forced_windows(result, audio, options)
    if not windows:
        return result
    if callable(model) and not hasattr(model, "feature_extractor"):
        model = model()
    if model is None:
        return result
    words = list(result.words)
    sources = list(result.sources)
    forced_runs: list[tuple[int, int]] = []
    for start, stop, w0, w1 in windows:
        first, last = max(0, start - 1), min(len(words), stop + 1)
        timed = _forced_times(model, audio, w0, w1, [w.text for w in words[first:last]], language)
        if timed is None:
            continue
        for k, (t0, t1, prob) in zip(range(first, last), timed):
            if start <= k < stop:
                words[k] = replace(words[k], start=t0, end=t1, probability=round(prob, 4))
                sources[k] = "forced"
        forced_runs.append((start, stop))
    if not forced_runs:
        return result
    words = monotonic(words)
    spans = []
    for span in result.spans:
        if span.kind == "text" and any(a <= span.first < b for a, b in forced_runs):
            start, end = words[span.first].start, words[span.stop - 1].end
            span = replace(span, start=start, end=end, forced=True)
        spans.append(span)
    return replace(result, words=tuple(words), sources=tuple(sources), spans=tuple(spans))


def _forced_times(
    model: Any, audio: np.ndarray, start: float, end: float, texts: Sequence[str], language: str
) -> list[tuple[float, float, float]] | None:
    """(start, end, probability) of each of ``texts`` in ``audio[start:end]`` (<= 30 s)."""
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    chunk = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    if len(chunk) < SAMPLE_RATE // 10:
        return None
    features = model.feature_extractor(chunk)[..., :-1]
    num_frames = min(features.shape[-1], model.feature_extractor.nb_max_frames)
    encoder_output = model.encode(pad_or_trim(features))
    tokenizer = Tokenizer(
        model.hf_tokenizer,
        model.model.is_multilingual,
        task="transcribe",
        language=language if model.model.is_multilingual else "en",
    )
    per_word = [tokenizer.encode(" " + t) for t in texts]
    if any(not ids for ids in per_word):
        return None
    tokens = [i for ids in per_word for i in ids]
    results = model.model.align(
        encoder_output, tokenizer.sot_sequence, [tokens], num_frames, median_filter_width=7
    )
    alignment = results[0]
    text_indices = np.array([p[0] for p in alignment.alignments])
    time_indices = np.array([p[1] for p in alignment.alignments])
    if not len(text_indices):
        return None
    jumps = np.pad(np.diff(text_indices), (1, 0), constant_values=1).astype(bool)
    jump_times = time_indices[jumps] / model.tokens_per_second
    bounds = np.concatenate([[0], np.cumsum([len(ids) for ids in per_word])])
    if len(jump_times) <= bounds[-1] - 1:
        return None
    probs = np.asarray(alignment.text_token_probs)
    out = []
    for i in range(len(texts)):
        b0, b1 = int(bounds[i]), int(bounds[i + 1])
        t0 = float(jump_times[b0])
        t1 = float(jump_times[min(b1, len(jump_times) - 1)])
        prob = float(np.mean(probs[b0:b1])) if b1 <= len(probs) else 0.0
        out.append((start + t0, start + max(t1, t0), prob))
    return out

