"""Long files are streamed and transcribed in chunks with the same result as the whole file.

The equivalence runs the real model on a ~50-second recording made of real clips with pauses,
forced into 15-second chunks (a real long file uses 5-minute chunks; memory figures are in
``benchmarks/bench_memory.py``). The chunking itself is checked on synthetic signals.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest
from conftest import EVAL, MEDIA

from gztranscribe.caption_files import read_captions
from gztranscribe.errors import MediaError
from gztranscribe.long_audio import chunks, cut_point
from gztranscribe.media import SAMPLE_RATE, extract_audio, stream_audio
from gztranscribe.pipeline import OutputOptions, transcribe_file

TIME_TOLERANCE = 0.06  # seconds
CLIPS = [
    EVAL / "real-en" / "jfk.flac",
    EVAL / "real-en" / "LJ002-0020.wav",
    MEDIA / "speech.wav",
    EVAL / "real-en" / "2412-153948-0000.flac",
    EVAL / "real-en" / "LJ002-0035.wav",
]


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes())
    return path


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real clips joined by 3-second pauses of quiet room noise (-60 dB)."""
    rng = np.random.default_rng(7)
    parts = []
    for clip in CLIPS:
        parts.append(rng.normal(0, 0.001, 3 * SAMPLE_RATE).astype(np.float32))
        parts.append(extract_audio(clip))
    parts.append(rng.normal(0, 0.001, 2 * SAMPLE_RATE).astype(np.float32))
    return write_wav(tmp_path_factory.mktemp("long") / "joined.wav", np.concatenate(parts))


@pytest.mark.slow
def test_chunked_transcription_matches_the_whole_file(
    recording: Path, tmp_path: Path, transcriber
) -> None:
    whole_dir, chunked_dir = tmp_path / "whole", tmp_path / "chunked"
    options = OutputOptions(formats=("json", "vtt", "txt"))
    whole = transcribe_file(
        recording, transcriber, outputs=OutputOptions(formats=options.formats, output_dir=whole_dir),
        chunk_seconds=0,
    )  # fmt: skip
    progress: list[tuple[float, float]] = []
    chunked = transcribe_file(
        recording, transcriber,
        outputs=OutputOptions(formats=options.formats, output_dir=chunked_dir),
        chunk_seconds=15, on_progress=lambda done, total: progress.append((done, total)),
    )  # fmt: skip
    assert len(whole.transcript.words) > 60
    # The same words, cues and paragraphs. Times agree within 60 ms and probabilities within
    # 0.02, not to the bit: CTranslate2 decodes windows in batches, and a chunk's windows are
    # batched without the other chunks' ones, which moves int8 arithmetic by a hair (a raw word
    # time by Whisper's 20 ms step, and so the energy onset its first word is snapped to).
    assert (chunked_dir / "joined.txt").read_text() == (whole_dir / "joined.txt").read_text()
    pairs = list(zip(whole.transcript.words, chunked.transcript.words, strict=True))
    for one, other in pairs:
        assert one.text == other.text
        assert abs(one.start - other.start) <= TIME_TOLERANCE and abs(one.end - other.end) <= TIME_TOLERANCE
        assert abs(one.probability - other.probability) <= 0.02
    whole_cues = read_captions(whole_dir / "joined.vtt").cues
    chunked_cues = read_captions(chunked_dir / "joined.vtt").cues
    assert [c.lines for c in chunked_cues] == [c.lines for c in whole_cues]
    for one, other in zip(whole_cues, chunked_cues, strict=True):
        assert abs(one.start - other.start) <= TIME_TOLERANCE and abs(one.end - other.end) <= TIME_TOLERANCE
    assert json.loads((chunked_dir / "joined.json").read_text())["duration"] == pytest.approx(
        len(extract_audio(recording)) / SAMPLE_RATE, abs=0.001
    )
    dones = [done for done, _ in progress]
    assert dones == sorted(dones) and dones[-1] == pytest.approx(chunked.transcript.duration)


def test_stream_audio_yields_the_same_samples_in_blocks() -> None:
    whole = extract_audio(MEDIA / "speech.m4a")
    blocks = list(stream_audio(MEDIA / "speech.m4a", block_seconds=1.0))
    assert len(blocks) == int(np.ceil(len(whole) / SAMPLE_RATE))
    assert np.array_equal(np.concatenate(blocks), whole)


@pytest.mark.parametrize(
    ("name", "why"), [("text.mp4", "could not be decoded"), ("empty.mp4", "empty")]
)
def test_stream_audio_raises_the_same_errors(name: str, why: str) -> None:
    with pytest.raises(MediaError, match=why):
        list(stream_audio(MEDIA / name))


def test_a_chunk_is_cut_in_the_longest_pause_near_its_end() -> None:
    rng = np.random.default_rng(1)
    speech = lambda seconds: rng.normal(0, 0.2, int(seconds * SAMPLE_RATE))
    quiet = lambda seconds: rng.normal(0, 0.002, int(seconds * SAMPLE_RATE))
    # 0-20 s speech, 20-20.3 short pause, 20.3-25 speech, 25-28 long pause, 28-40 speech
    audio = np.concatenate([speech(20), quiet(0.3), speech(4.7), quiet(3), speech(12)])
    cut = cut_point(audio, 15 * SAMPLE_RATE, 35 * SAMPLE_RATE)
    assert 25.5 * SAMPLE_RATE < cut < 27.5 * SAMPLE_RATE
    assert cut % 2560 == 0


def test_chunks_cover_the_audio_exactly_once_in_order() -> None:
    rng = np.random.default_rng(2)
    audio = rng.normal(0, 0.1, 95 * SAMPLE_RATE).astype(np.float32)
    blocks = np.array_split(audio, 37)
    pieces = list(chunks(blocks, chunk_seconds=20))
    offsets = [offset for offset, _ in pieces]
    assert offsets[0] == 0
    for (offset, samples), following in zip(pieces, offsets[1:] + [len(audio)]):
        assert offset + len(samples) == following
        assert 10 * SAMPLE_RATE <= len(samples) <= 30 * SAMPLE_RATE or following == len(audio)
    assert np.array_equal(np.concatenate([s for _, s in pieces]), audio)
