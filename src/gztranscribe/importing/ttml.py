"""DFXP/TTML via pycaption (``<p begin end>``, ``dur``, clock and offset times, ``<br/>``,
nested ``<span>`` styling, several languages: the English track is taken).

pycaption resolves each element's region and styles by searching the whole document from the
top for every element, which is quadratic: 3 s for a feature-length file, measured in
``benchmarks/bench_import.py``. Positions and styles are dropped on import anyway, so the
document is handed over without them (``<head>`` replaced by an empty ``<styling/>`` the search
finds at once, ``region=`` attributes removed), and reading stays linear.
"""

from __future__ import annotations

import re

from .library import call
from .pycaption_blocks import blocks_of
from .timed_text import TimedText

_TT = re.compile(r"<((?:[\w.-]+:)?)tt(?=[\s>])[^>]*>")
_HEAD = re.compile(r"<((?:[\w.-]+:)?)head(?=[\s>/])")
_REGION = re.compile(r"""\sregion\s*=\s*(?:"[^"]*"|'[^']*')""")


def without_layout(text: str) -> str:
    """The document with no head (styles, regions) and no region references. Linear."""
    head = _HEAD.search(text)
    if head is not None:
        close = f"</{head.group(1)}head>"
        end = text.find(close, head.end())
        if end >= 0:
            text = text[: head.start()] + text[end + len(close) :]
    root = _TT.search(text)
    if root is not None:
        text = text[: root.end()] + "<head><styling></styling></head>" + text[root.end() :]
    return _REGION.sub("", text)


def read(text: str, name: str) -> TimedText:
    from pycaption import DFXPReader

    caption_set = call(name, "ttml", lambda: DFXPReader().read(without_layout(text)))
    return TimedText(blocks_of(caption_set), "ttml", name)
