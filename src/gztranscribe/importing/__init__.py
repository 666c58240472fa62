"""Caption files from anywhere (vendors, platforms, editors) -> the show's captions.

``read_timed_text`` turns a file's text into ``TimedText`` (pure: format detection, one reader
per format, roll-up de-duplication); ``build.recased`` and ``build.to_captions`` make the
show's cues of it. File and folder I/O lives in ``importing.files``.
"""

from .build import recased, to_captions
from .reading import READERS, read_timed_text
from .source import FORMAT_NAMES, decode, detect_format
from .timed_text import TimedBlock, TimedText

__all__ = [
    "FORMAT_NAMES",
    "READERS",
    "TimedBlock",
    "TimedText",
    "decode",
    "detect_format",
    "read_timed_text",
    "recased",
    "to_captions",
]
