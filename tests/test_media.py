"""Probing and audio extraction on real media, and "any container or codec" with the real model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import GOOD_SPEECH, MEDIA, SPEECH_TEXT, wer

from gztranscribe.errors import InputError, MediaError
from gztranscribe.media import SAMPLE_RATE, extract_audio, ffmpeg_executable, probe

GOOD_MEDIA = (*GOOD_SPEECH, "silence.wav", "music.wav")


@pytest.fixture(scope="module")
def speech_seconds() -> float:
    """The reference length: the PCM WAV, whose duration is exact."""
    return probe(MEDIA / "speech.wav").duration


@pytest.mark.parametrize("name", GOOD_SPEECH)
def test_probe_reads_every_container_with_the_speech_duration_and_an_audio_codec(
    name: str, speech_seconds: float
) -> None:
    info = probe(MEDIA / name)
    assert info.duration == pytest.approx(speech_seconds, abs=0.2)
    assert info.audio_codec
    assert info.sample_rate >= 8000
    assert info.channels in (1, 2)


@pytest.mark.parametrize(
    ("name", "channels", "sample_rate", "has_video"),
    [
        ("speech.wav", 2, 16000, False),
        ("speech.flac", 2, 44100, False),
        ("speech.ogg", 2, 48000, False),
        ("speech-8k.wav", 1, 8000, False),
        ("speech.mov", 1, 16000, True),
        ("speech.mkv", 2, 44100, True),
        ("speech.webm", 2, 48000, True),
    ],
)
def test_probe_reports_the_first_audio_tracks_format_and_whether_there_is_video(
    name: str, channels: int, sample_rate: int, has_video: bool
) -> None:
    info = probe(MEDIA / name)
    assert (info.channels, info.sample_rate, info.has_video) == (channels, sample_rate, has_video)


@pytest.mark.parametrize("name", GOOD_MEDIA)
def test_extract_audio_gives_mono_float32_at_16_khz_of_the_full_length(name: str) -> None:
    audio = extract_audio(MEDIA / name)
    expected = probe(MEDIA / name).duration
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert len(audio) / SAMPLE_RATE == pytest.approx(expected, abs=0.1)
    assert float(np.min(audio)) >= -1.0 and float(np.max(audio)) <= 1.0


def test_extracted_speech_is_not_silent_and_silence_is() -> None:
    assert float(np.max(np.abs(extract_audio(MEDIA / "speech.mp3")))) > 0.3
    assert float(np.max(np.abs(extract_audio(MEDIA / "silence.wav")))) == 0.0


def test_stereo_is_mixed_down_to_the_same_signal_as_the_mono_original() -> None:
    """speech.wav is stereo (two equal channels), speech.mov the mono master; both 16 kHz PCM."""
    stereo, mono = extract_audio(MEDIA / "speech.wav"), extract_audio(MEDIA / "speech.mov")
    n = min(len(stereo), len(mono))
    assert np.max(np.abs(stereo[:n] - mono[:n])) < 0.01


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("empty.mp4", "empty"),
        ("text.mp4", "not a media file"),
        ("truncated.mp4", "not a media file"),
        ("no-audio.mp4", "no audio track"),
    ],
)
def test_probe_refuses_broken_media_with_a_media_error_that_names_the_file(
    name: str, why: str
) -> None:
    path = MEDIA / name
    with pytest.raises(MediaError, match=why) as info:
        probe(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


TEXTS = {
    # name: (content, what the error calls it). ffmpeg reads .txt as an ANSI-art "video", .vtt and
    # .srt as subtitle streams, and most other text as nothing at all.
    "script.txt": ("Ian Bremmer: Kazakhstan's new president.\nSecond paragraph.\n", "text"),
    "notes.md": ("# Episode 12\n\n- intro\n- guest\n", "text"),
    "episode.mp4": ("This is not a video.\n", "text"),
    "show.toml": ('model = "tiny.en"\n', "text"),
    "unicode.txt": ("Café société — naïve “quotes” 日本語\n" * 400, "text"),
    "episode.vtt": ("WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n", "a WebVTT caption file"),
    "episode.srt": ("1\n00:00:00,000 --> 00:00:02,000\nHello.\n", "an SRT caption file"),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_a_text_file_given_as_media_is_called_text_not_a_video_without_sound(
    tmp_path: Path, name: str
) -> None:
    content, kind = TEXTS[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MediaError) as info:
        probe(path)
    message = str(info.value)
    assert message.startswith(f"{path}: not a media file (it is {kind}); ")
    assert "audio track" not in message and "video" not in message.split(";")[0]
    assert ("gztranscribe check" in message) == (kind != "text")


def test_a_utf16_caption_file_is_still_recognised_as_captions() -> None:
    from conftest import REPO_ROOT

    with pytest.raises(MediaError, match=r"it is a WebVTT caption file"):
        probe(REPO_ROOT / "tests" / "data" / "captions" / "utf16.vtt")


@pytest.mark.parametrize("name", ["no-audio.mp4", "truncated.mp4"])
def test_binary_media_is_not_mistaken_for_text(name: str) -> None:
    with pytest.raises(MediaError) as info:
        probe(MEDIA / name)
    assert "it is text" not in str(info.value)


@pytest.mark.parametrize(
    ("path", "why"),
    [
        (MEDIA / "no-such-file.mp4", "no such file"),
        (MEDIA, "is a folder"),
    ],
    ids=["missing", "folder"],
)
def test_probe_refuses_a_path_that_is_not_a_file_with_an_input_error_naming_it(
    path: Path, why: str
) -> None:
    with pytest.raises(InputError, match=why) as info:
        probe(path)
    assert str(info.value).startswith(f"{path}: ")


@pytest.mark.parametrize("name", ["empty.mp4", "text.mp4", "truncated.mp4", "no-audio.mp4"])
def test_extract_audio_refuses_broken_media_with_a_media_error_that_names_the_file(
    name: str,
) -> None:
    path = MEDIA / name
    with pytest.raises(MediaError) as info:
        extract_audio(path)
    assert str(info.value).startswith(f"{path}: ")


def test_extract_audio_of_a_video_without_sound_says_there_is_no_audio_track() -> None:
    with pytest.raises(MediaError) as info:
        extract_audio(MEDIA / "no-audio.mp4")
    assert "no audio" in str(info.value)
    assert "trailing '?'" not in str(info.value)  # ffmpeg's advice about -map means nothing here


@pytest.mark.parametrize("name", ["-dash.wav", "my clip é.wav", "a'b\"c$(x).wav"])
def test_extract_audio_handles_awkward_file_names(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(MEDIA / "speech.wav", tmp_path / name)
    monkeypatch.chdir(tmp_path)
    audio = extract_audio(Path(name))  # relative, so a leading dash reaches ffmpeg as is
    assert len(audio) / SAMPLE_RATE == pytest.approx(probe(Path(name)).duration, abs=0.1)


# --------------------------------------------------------------------------- which ffmpeg
def test_gztranscribe_ffmpeg_overrides_which_ffmpeg_is_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GZTRANSCRIBE_FFMPEG", "/opt/custom/bin/ffmpeg")
    assert ffmpeg_executable() == "/opt/custom/bin/ffmpeg"


def test_a_gztranscribe_ffmpeg_that_does_not_exist_is_a_media_error_saying_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GZTRANSCRIBE_FFMPEG", str(tmp_path / "no-ffmpeg-here"))
    with pytest.raises(MediaError, match="could not run ffmpeg"):
        extract_audio(MEDIA / "speech.wav")


def test_the_ffmpeg_on_path_is_preferred(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "ffmpeg"
    fake.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.delenv("GZTRANSCRIBE_FFMPEG", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert ffmpeg_executable() == str(fake)


def test_without_ffmpeg_on_path_the_pip_installed_ffmpeg_is_used_and_extraction_works(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What a plain `pip install` gets on a machine with no system ffmpeg."""
    import imageio_ffmpeg

    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.delenv("GZTRANSCRIBE_FFMPEG", raising=False)
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    assert ffmpeg_executable() == imageio_ffmpeg.get_ffmpeg_exe()
    assert Path(ffmpeg_executable()).is_file() and os.access(ffmpeg_executable(), os.X_OK)
    for name in ("speech.m4a", "speech.webm"):
        audio = extract_audio(MEDIA / name)
        assert len(audio) / SAMPLE_RATE == pytest.approx(probe(MEDIA / name).duration, abs=0.1)
    with pytest.raises(MediaError, match="text.mp4"):
        extract_audio(MEDIA / "text.mp4")


# --------------------------------------------------------------------------- real model
@pytest.mark.parametrize("name", GOOD_SPEECH)
def test_every_container_and_codec_transcribes_to_the_spoken_sentence(
    name: str, transcriber, tmp_path: Path
) -> None:
    from gztranscribe.pipeline import OutputOptions, transcribe_file

    result = transcribe_file(
        MEDIA / name, transcriber, outputs=OutputOptions(formats=("txt",), output_dir=tmp_path)
    )
    reference = SPEECH_TEXT.read_text(encoding="utf-8")
    assert wer(reference, result.transcript.text) <= 0.25, result.transcript.text
    assert [p.name for p in result.outputs] == [f"{Path(name).stem}.txt"]
