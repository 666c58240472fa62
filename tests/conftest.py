"""Shared paths, the real model (loaded once per session) and small helpers for the tests.

Paths are resolved relative to this repository, never to the current folder. Everything the tests
read lives in the repository: ``tests/data/eval`` is a copy of the evaluation recordings (licences in
its README), so a fresh clone with nothing beside it passes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import jiwer
import pytest
from typer.testing import CliRunner, Result
from whisper_normalizer.english import EnglishTextNormalizer

REPO_ROOT = Path(__file__).resolve().parents[1]
EVAL = REPO_ROOT / "tests" / "data" / "eval"
MEDIA = REPO_ROOT / "tests" / "data" / "media"
SAMPLE = REPO_ROOT / "samples" / "commentary.mp4"
SAMPLE_TEXT = REPO_ROOT / "samples" / "reference" / "commentary.txt"

SPEECH_TEXT = MEDIA / "speech.txt"
# The same sentence in every container/codec the README promises ("any container or codec").
GOOD_SPEECH = (
    "speech.wav",  # PCM 16 kHz stereo
    "speech.mp3",  # MP3 44.1 kHz joint stereo
    "speech.m4a",  # AAC in MP4
    "speech.ogg",  # Opus in Ogg (48 kHz)
    "speech.flac",  # FLAC 44.1 kHz stereo
    "speech.webm",  # VP9 + Opus
    "speech.mkv",  # H.264 + Vorbis, video is stream 0
    "speech.mov",  # H.264 + PCM mono
    "speech-8k.wav",  # telephone band, 8 kHz mono
)
# Files with a broken or missing audio track, and the exit code the README documents for each.
BROKEN_MEDIA = {
    "empty.mp4": 4,
    "text.mp4": 4,
    "truncated.mp4": 4,
    "no-audio.mp4": 4,
}

RESULT_SUFFIXES = (".vtt", ".srt", ".txt", ".json")
TEMP_SUFFIX = ".gztmp"

_normalize = EnglishTextNormalizer()


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate after Whisper's English normalization (case, punctuation, numbers)."""
    return jiwer.wer(_normalize(reference), _normalize(hypothesis))


def leftovers(folder: Path) -> list[str]:
    """Result files and temporary files under ``folder`` (recursively), hidden ones included."""
    if not folder.exists():
        return []
    return sorted(
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and (p.suffix in RESULT_SUFFIXES or p.name.endswith(TEMP_SUFFIX))
    )


def run_module(
    args: Sequence[str | Path], *, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gztranscribe ARGS`` in a real process, as a producer would."""
    return subprocess.run(
        [sys.executable, "-m", "gztranscribe", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=REPO_ROOT,
    )


# The fast tier (``pytest -m "not slow"``, about a minute) is everything that needs neither the
# real model nor a browser; a test that asks for one of these fixtures, directly or through
# another fixture, is slow by that alone. Tests that run the model in a subprocess say so with
# ``@pytest.mark.slow`` (or a module's ``pytestmark``).
SLOW_FIXTURES = frozenset({"transcriber", "model_loads", "browser"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def transcriber():
    """The bundled tiny.en, loaded once for the whole session (~1 s)."""
    from gztranscribe.transcribe import Transcriber

    return Transcriber.load()


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner) -> Callable[..., Result]:
    """Invoke the ``gztranscribe`` app in-process; stdout and stderr are kept apart."""
    from gztranscribe.cli import app

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(app, [str(a) for a in args], prog_name="gztranscribe")

    return invoke


@pytest.fixture
def model_loads(monkeypatch: pytest.MonkeyPatch, transcriber) -> Iterator[list[object]]:
    """Make the in-process CLI reuse the session's model; the list records every load."""
    from gztranscribe.transcribe import Transcriber

    calls: list[object] = []

    def load(options: object = None) -> object:
        calls.append(options)
        return transcriber

    monkeypatch.setattr(Transcriber, "load", staticmethod(load))
    yield calls


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to load a model."""
    from gztranscribe.transcribe import Transcriber

    def load(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the model must not be loaded here")

    monkeypatch.setattr(Transcriber, "load", staticmethod(load))
