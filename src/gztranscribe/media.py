"""Probe media and extract its audio: the only module that runs ffmpeg.

Probing uses PyAV (already installed with faster-whisper) instead of ``ffmpeg.probe``: the latter
shells out to ``ffprobe``, which the PyPI ffmpeg (imageio-ffmpeg) does not ship, so a plain pip
install would fail. Extraction builds its command with ffmpeg-python and runs the ffmpeg binary on
PATH, else the one from imageio-ffmpeg, so no system package is needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from .errors import InputError, MediaError
from .paths import unusable_path
from .types import SAMPLE_RATE


@dataclass(frozen=True, slots=True)
class MediaInfo:
    path: Path
    duration: float
    container: str
    audio_codec: str
    sample_rate: int
    channels: int
    has_video: bool


def ffmpeg_executable() -> str:
    """The ffmpeg to run: ``$GZTRANSCRIBE_FFMPEG``, then PATH, then imageio-ffmpeg's binary."""
    override = os.environ.get("GZTRANSCRIBE_FFMPEG")
    if override:
        return override
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - it is a hard dependency
        raise MediaError(
            "ffmpeg not found: install it (apt install ffmpeg) or `pip install imageio-ffmpeg`"
        ) from None
    return imageio_ffmpeg.get_ffmpeg_exe()


def check_input_file(path: Path) -> None:
    """Fail fast, with the user's own words for the problem, before any decoding starts."""
    if not path.exists():
        raise unusable_path(path)
    if path.is_dir():
        raise InputError(
            f"{path}: is a folder; to process every file in it run `gztranscribe batch {path}`"
        )
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: cannot be read (permission denied)")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty (0 bytes); re-export or re-upload it")


def probe(path: Path) -> MediaInfo:
    """Describe ``path`` or raise a MediaError saying why it cannot be transcribed."""
    import av  # imported here: probing is the only user, and the import costs ~0.1 s

    check_input_file(path)
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            audio = [s for s in container.streams if s.type == "audio"]
            has_video = any(s.type == "video" for s in container.streams)
            fmt = container.format.name
            duration = container.duration / 1_000_000 if container.duration else 0.0
            if not audio:
                _refuse_text(path)  # ffmpeg reads text as a "video" (tty) or as subtitles
                what = "a video" if has_video else "a file"
                raise MediaError(
                    f"{path}: {what} with no audio track; export it again with its sound"
                )
            stream = audio[0]
            if stream.duration and stream.time_base:
                duration = max(duration, float(stream.duration * stream.time_base))
            return MediaInfo(
                path=path,
                duration=duration,
                container=fmt,
                audio_codec=stream.codec_context.name,
                sample_rate=int(stream.codec_context.sample_rate or 0),
                channels=int(stream.codec_context.channels or 0),
                has_video=has_video,
            )
    except MediaError:
        raise
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        _refuse_text(path)
        reason = getattr(exc, "strerror", None) or str(exc)
        raise MediaError(
            f"{path}: not a media file ffmpeg can read ({reason}); "
            "it may be truncated, still uploading, or not audio/video at all"
        ) from None


def _refuse_text(path: Path) -> None:
    """A text file given as media is named as what it is, not as broken media."""
    kind = sniff_text(path)
    if kind is not None:
        advice = "give the episode's video or audio file"
        if kind != "text":
            advice += f", or run `gztranscribe check {path}` to check captions"
        raise MediaError(f"{path}: not a media file (it is {kind}); {advice}")


_SRT_TIMING = re.compile(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{3}\s*-->")


def sniff_text(path: Path, size: int = 4096) -> str | None:
    """What a text file is ("text", "a WebVTT caption file"...), or None when it is not text.

    Text is UTF-8 (or ASCII) without NUL bytes in its first ``size`` bytes; a cut multi-byte
    character at the end of the sample is allowed. Media containers always hold binary bytes.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(size)
    except OSError:
        return None
    encoding = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
    if encoding == "utf-16":
        head = head[: len(head) // 2 * 2]
    elif not head or b"\0" in head:
        return None
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return None
        text = head[: exc.start].decode(encoding)
    text = text.lstrip("\ufeff")
    if text.startswith("WEBVTT"):
        return "a WebVTT caption file"
    if _SRT_TIMING.match(text):
        return "an SRT caption file"
    return "text"


def _decode_command(path: Path, sample_rate: int) -> list[str]:
    import ffmpeg

    stream = (
        ffmpeg.input(str(path))
        .output("pipe:", format="s16le", acodec="pcm_s16le", ac=1, ar=sample_rate, map="0:a:0")
        .global_args("-nostdin", "-hide_banner", "-loglevel", "error", "-xerror")
    )
    args = stream.compile(cmd=ffmpeg_executable())
    # The input path is passed after "-i"; ffmpeg would read a leading "-" as an option.
    return [a if a != str(path) else _safe_path(path) for a in args]


def _decode_error(path: Path, returncode: int, stderr: bytes) -> MediaError:
    if b"matches no streams" in stderr:
        return MediaError(f"{path}: no audio track; export it again with its sound")
    detail = _last_line(stderr) or f"ffmpeg exit code {returncode}"
    return MediaError(
        f"{path}: the audio could not be decoded ({detail}); the file may be truncated or corrupt"
    )


_NO_SAMPLES = "the audio track holds no samples; the file may be truncated"


def extract_audio(
    path: Path,
    sample_rate: int = SAMPLE_RATE,
    on_progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Decode the first audio track to mono float32 at ``sample_rate``, as Whisper expects.

    ``on_progress(seconds)`` hears how much audio has been decoded so far (an hour-long file takes
    seconds to read, and a producer should see that it is moving). Errors: ``stream_audio``'s.
    """
    blocks: list[np.ndarray] = []
    decoded = 0
    for block in stream_audio(path, EXTRACT_BLOCK_SECONDS, sample_rate):
        blocks.append(block)
        decoded += block.size
        if on_progress is not None:
            on_progress(decoded / sample_rate)
    return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)


EXTRACT_BLOCK_SECONDS = 8.0  # progress ticks while a whole file is read


def stream_audio(
    path: Path, block_seconds: float = 30.0, sample_rate: int = SAMPLE_RATE
) -> Iterator[np.ndarray]:
    """``extract_audio`` in blocks of ``block_seconds`` read from ffmpeg's pipe as it decodes.

    Memory stays at one block however long the file: a 3-hour file is 690 MB as one array.
    Errors are ``extract_audio``'s, raised once ffmpeg has stopped (a file truncated halfway
    yields its first blocks, then the error). Closing the iterator early stops ffmpeg.
    """
    check_input_file(path)
    try:
        proc = subprocess.Popen(
            _decode_command(path, sample_rate), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise MediaError(f"could not run ffmpeg ({exc}); reinstall imageio-ffmpeg") from None
    errors: list[bytes] = []  # read on the side, so a chatty ffmpeg never blocks on a full pipe
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    block_bytes = max(2, int(block_seconds * sample_rate) * 2)
    total = 0
    try:
        while True:
            data = _read_exactly(proc.stdout, block_bytes)  # type: ignore[arg-type]
            if not data:
                break
            pcm = np.frombuffer(data[: len(data) - len(data) % 2], dtype=np.int16)
            total += pcm.size
            yield pcm.astype(np.float32) / 32768.0
        proc.wait()
        reader.join()
        if proc.returncode != 0:
            raise _decode_error(path, proc.returncode, b"".join(errors))
        if total == 0:
            raise MediaError(f"{path}: {_NO_SAMPLES}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(timeout=5)  # ffmpeg is gone: its stderr is at its end
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def _read_exactly(pipe: IO[bytes], size: int) -> bytes:
    """Up to ``size`` bytes; fewer only at the end of the stream."""
    parts, left = [], size
    while left > 0:
        chunk = pipe.read(left)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _safe_path(path: Path) -> str:
    text = str(path)
    return f"./{text}" if text.startswith("-") else text


def _last_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return lines[-1] if lines else ""
