"""Domain exceptions. Each says what went wrong and what to do next, in one line.

The CLI prints ``str(error)`` and exits with ``error.exit_code``; library users catch ``GzError``.
Exit codes are part of the public contract (see README, "Exit codes").
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    INPUT = 3  # missing path, a directory, unreadable file
    MEDIA = 4  # not media, truncated/corrupt, no audio stream
    MODEL = 5  # model cannot be found, fetched or loaded
    OUTPUT = 6  # output folder missing or not writable
    CAPTION_PROBLEMS = 7  # `check` found rule or spec violations
    CAPTION_FILE = 8  # a caption file that cannot be parsed
    BATCH_FAILURES = 9  # a batch finished but some files failed
    ALIGNMENT = 10  # the text does not match the audio
    INTERRUPTED = 130  # Ctrl-C / SIGTERM


class GzError(Exception):
    """Base class: a problem the user can act on, never a bug."""

    exit_code: int = ExitCode.INTERNAL


class UsageError(GzError):
    exit_code = ExitCode.USAGE


class InputError(GzError):
    exit_code = ExitCode.INPUT


class MediaError(GzError):
    exit_code = ExitCode.MEDIA


class ModelError(GzError):
    exit_code = ExitCode.MODEL


class OutputError(GzError):
    exit_code = ExitCode.OUTPUT


class CaptionFileError(GzError):
    exit_code = ExitCode.CAPTION_FILE


class AlignmentError(GzError):
    exit_code = ExitCode.ALIGNMENT


class RequestError(GzError):
    """A request the review server refuses: ``status`` is the HTTP status, the message says why."""

    exit_code = ExitCode.USAGE

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
