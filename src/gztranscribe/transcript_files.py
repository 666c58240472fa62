"""Reading our own ``EPISODE.json`` back: the one place that turns a path into a Transcript.

``render``, ``align`` and ``review`` all start from a saved transcript; one reader gives them the
same errors (a missing file, unreadable bytes, not UTF-8, not ours) with the same exit code.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .formats.jsonfile import read_transcript
from .types import Transcript


def read_transcript_file(path: Path, *, missing_hint: str = "") -> tuple[Transcript, bytes]:
    """The transcript in ``path`` and the file's bytes (for change detection).

    ``missing_hint`` ends the message when the file does not exist (what to run first).
    """
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        hint = f"; {missing_hint}" if missing_hint else ""
        raise InputError(f"{path}: no such transcript file{hint}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the transcript ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"{path}: not a readable gztranscribe JSON transcript (not UTF-8 text); "
            "use the .json that gztranscribe wrote"
        ) from None
    return read_transcript(text, name=str(path)), data


def load_transcript(path: Path, *, missing_hint: str = "") -> Transcript:
    """The transcript in ``path``; ``InputError`` (exit 3) when it is missing or not ours."""
    return read_transcript_file(path, missing_hint=missing_hint)[0]
