"""SCC (Scenarist, CEA-608 line 21) via pycaption: pop-on, roll-up and paint-on.

pycaption decodes the control codes and hands back each caption once: a pop-on caption as
loaded, a roll-up or paint-on row as it was written (rows already on screen are not sent
again in a 608 stream). Roll-up and paint-on rows follow the speech word by word, so their
cue structure is not a captioner's: the importer rebuilds cues from the words.
"""

from __future__ import annotations

from .library import call
from .pycaption_blocks import blocks_of
from .timed_text import TimedText

LIVE_MODES = frozenset({"roll_up", "paint_on"})


def read(text: str, name: str) -> TimedText:
    from pycaption import SCCReader

    body = text.lstrip()  # pycaption wants the header on the very first line
    caption_set = call(name, "scc", lambda: SCCReader().read(body))
    language = min(caption_set.get_languages())
    modes = {getattr(c, "caption_mode", None) for c in caption_set.get_captions(language)}
    return TimedText(blocks_of(caption_set), "scc", name, roll_up=bool(modes & LIVE_MODES))
