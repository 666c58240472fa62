"""DFXP/TTML via pycaption (``<p begin end>``, ``dur``, clock and offset times, ``<br/>``,
nested ``<span>`` styling, several languages: the English track is taken)."""

from __future__ import annotations

from .library import call
from .pycaption_blocks import blocks_of
from .timed_text import TimedText


def read(text: str, name: str) -> TimedText:
    from pycaption import DFXPReader

    caption_set = call(name, "ttml", lambda: DFXPReader().read(text))
    return TimedText(blocks_of(caption_set), "ttml", name)
