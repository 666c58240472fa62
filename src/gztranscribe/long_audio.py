"""Long files in chunks, so memory stays flat however long the recording is.

A whole 3-hour file is 690 MB of float32 samples before any model work, and everything that
walks the audio (voice detection, decoding, onset refinement) adds copies: 4.6 GB peak was
measured. Here ffmpeg decodes into a pipe (``media.stream_audio``) and the audio is transcribed
in chunks of about ``CHUNK_SECONDS`` by the ordinary ``Transcriber.transcribe``, each chunk's
times moved by its offset and the transcripts joined.

Where a chunk ends matters: a chunk boundary is a place the model cannot see across. It is put
in the longest quiet stretch near the nominal end (``cut_point``: the longest run of frames
within a few dB of the quiet level), so no word is cut, and in a pause long enough that the
whole-file path would not have joined the speech on both sides into one decode window either
(``DecodeOptions.max_gap``): the chunked result then matches the whole-file one. Only speech
with no pause at all in the search window is cut at its quietest moment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import numpy as np

from .coverage import Coverage
from .media import SAMPLE_RATE
from .speech import cut_point
from .transcribe import DecodeOptions, ProgressCallback, Transcriber
from .types import Segment, Transcript, Word

# 5 minutes: Silero VAD runs a chunk's windows through its encoder 10,000 (320 s) at a time, and
# its activations, not the samples (19 MB), are what a chunk costs: measured on an hour of room
# noise with speech every 4 minutes, peak RSS 1034 MiB with 10-minute chunks, 877 with 5-minute.
CHUNK_SECONDS = 300.0
SEARCH_SECONDS = 60.0  # a cut is looked for in the last minute before the nominal end
STREAM_OVER_SECONDS = 900.0  # shorter files are transcribed whole, as they always were
def chunks(
    blocks: Iterable[np.ndarray], chunk_seconds: float = CHUNK_SECONDS
) -> Iterable[tuple[int, np.ndarray]]:
    """``(offset in samples, samples)`` of consecutive chunks cut at quiet points.

    Holds at most one chunk plus the search window plus one block of audio at a time.
    """
    size = max(1, int(chunk_seconds * SAMPLE_RATE))
    search = min(int(SEARCH_SECONDS * SAMPLE_RATE), size // 2)
    pending: list[np.ndarray] = []
    held, offset = 0, 0
    for block in blocks:
        pending.append(block)
        held += len(block)
        while held >= size + search:
            buffer = np.concatenate(pending)
            cut = cut_point(buffer, size - search, size + search)
            yield offset, buffer[:cut]
            offset += cut
            rest = buffer[cut:].copy()  # a view would keep the whole buffer alive
            pending, held = [rest], len(rest)
            del buffer
    if held:
        yield offset, np.concatenate(pending)


def transcribe_chunked(
    blocks: Iterable[np.ndarray],
    transcriber: Transcriber,
    options: DecodeOptions = DecodeOptions(),
    on_progress: ProgressCallback | None = None,
    *,
    source: str = "",
    total_seconds: float = 0.0,
    chunk_seconds: float = CHUNK_SECONDS,
) -> Transcript:
    """``Transcriber.transcribe`` over audio that arrives in blocks, one chunk at a time.

    ``total_seconds`` (the probed duration) is only for progress: ``on_progress(done, total)``
    counts seconds of the whole file.
    """
    segments: list[Segment] = []
    coverages: list[tuple[float, Coverage]] = []
    language = ""
    seconds = 0.0
    result: Transcript | None = None
    for offset_samples, chunk in chunks(blocks, chunk_seconds):
        offset = offset_samples / SAMPLE_RATE
        result = transcriber.transcribe(
            chunk, options, _shifted_progress(on_progress, offset, total_seconds), source=source
        )
        seconds = offset + len(chunk) / SAMPLE_RATE
        language = language or result.language
        floor = segments[-1].end if segments else 0.0
        segments.extend(_shift(seg, offset, floor) for seg in result.segments)
        coverages.append((offset, result.coverage))
        del chunk
    if result is None:
        raise ValueError("no audio blocks")  # stream_audio raises MediaError before this
    if on_progress:
        on_progress(seconds, max(seconds, total_seconds))
    return replace(
        result,
        segments=tuple(segments),
        language=language,
        duration=seconds,
        coverage=_merged_coverage(coverages),
    )


def _merged_coverage(parts: list[tuple[float, Coverage]]) -> Coverage:
    """The chunks' coverage as one file's: seconds added up, stretches moved by their offsets."""
    if not parts:
        return Coverage()
    return Coverage(
        audible=sum(c.audible for _, c in parts),
        covered=sum(c.covered for _, c in parts),
        noise_floor_db=min(c.noise_floor_db for _, c in parts),
        examined=tuple(
            replace(e, start=e.start + offset, end=e.end + offset)
            for offset, c in parts
            for e in c.examined
        ),
        unheard=tuple((a + offset, b + offset) for offset, c in parts for a, b in c.unheard),
    )


def _shifted_progress(
    on_progress: ProgressCallback | None, offset: float, total: float
) -> ProgressCallback | None:
    if on_progress is None:
        return None
    report: Callable[[float, float], None] = on_progress
    return lambda done, _chunk_total: report(offset + done, max(total, offset + done))


def _shift(segment: Segment, offset: float, floor: float) -> Segment:
    """A chunk's segment on the file's clock, never before the end of the previous one."""

    def at(t: float) -> float:
        return max(t + offset, floor)

    words = tuple(Word(at(w.start), at(w.end), w.text, w.probability) for w in segment.words)
    return replace(segment, start=at(segment.start), end=at(segment.end), words=words)
