"""SAMI (Microsoft ``.smi``) via pycaption: ``<SYNC Start>`` blocks, each ending at the next;
``&nbsp;`` clears; several language classes: the English one is taken."""

from __future__ import annotations

from .library import call
from .pycaption_blocks import blocks_of
from .timed_text import TimedText


def read(text: str, name: str) -> TimedText:
    from pycaption import SAMIReader

    caption_set = call(name, "sami", lambda: SAMIReader().read(text))
    return TimedText(blocks_of(caption_set), "sami", name)
