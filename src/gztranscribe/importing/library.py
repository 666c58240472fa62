"""The boundary with the three caption libraries: any exception they raise is a bad file.

pycaption, pysubs2 and webvtt-py raise their own exception types, and on odd input also plain
``ValueError``, ``KeyError``, ``IndexError``, XML parser errors or ``RecursionError``. None of
that may escape as a traceback: a producer gets one line naming the file and exit code 8.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from ..errors import CaptionFileError, GzError
from .source import FORMAT_NAMES

T = TypeVar("T")


@contextmanager
def reading(name: str, kind: str) -> Iterator[None]:
    """Turn any failure inside the block into ``CaptionFileError`` for ``name``."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # bs4's "XML parsed as HTML" and the like
            yield
    except GzError:
        raise
    except Exception as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise CaptionFileError(
            f"{name}: not a readable {FORMAT_NAMES.get(kind, kind)} file ({reason}); "
            "re-export it from the captioning tool"
        ) from None


def call(name: str, kind: str, read: Callable[[], T]) -> T:
    with reading(name, kind):
        return read()
