"""One caption file's text -> ``TimedText``: detect the format, run its reader, undo roll-up.

The readers were chosen by measurement (``benchmarks/bench_import.py``), one per format:

========  ===========  =====================================================================
format    library      why
========  ===========  =====================================================================
SCC       pycaption    the only one of the three that decodes CEA-608
DFXP/TTML pycaption    6/6 (pysubs2 4/6: it fails on ``dur`` instead of ``end``); its quadratic layout lookups
                       are avoided by handing it the document without layout (``ttml``)
SAMI      pycaption    6/6 words (pysubs2 4/6: it mixes a second language's track in)
SBV       webvtt-py    the only one that reads SBV
ASS/SSA   pysubs2      the only one that reads ASS/SSA
SRT       pysubs2      6/6 words and times (pycaption 4/6: ``<i>`` tags kept as words in a
                       CRLF file; webvtt-py 4/6: a cue without its number lost, ``{\\an8}``
                       kept as a word)
MicroDVD  pysubs2      4/4 given the rate from the first line (pycaption 2/4: the rate line
                       and ``{y:i}`` read as words; pysubs2 alone 2/4: no ``{0}{0}25``)
WebVTT    webvtt-py    8/8 words (pycaption 6/8: ``<v Ian Bremmer>`` becomes words; pysubs2
                       2/8: identifiers read as text, ``&amp;`` not decoded); it keeps the raw cue
                       text, so YouTube's inline word times survive
========  ===========  =====================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..caption_files import parse_caption_text, refuse
from ..errors import CaptionFileError
from . import ass, microdvd, sami, sbv, scc, srt, ttml, webvtt
from .library import reading
from .rollup import repeats_rows, spoken_blocks
from .source import FORMAT_NAMES, require_format
from .timed_text import TimedText

READERS: dict[str, Callable[[str, str], TimedText]] = {
    "scc": scc.read,
    "ttml": ttml.read,
    "sami": sami.read,
    "sbv": sbv.read,
    "ass": ass.read,
    "srt": srt.read,
    "vtt": webvtt.read,
    "microdvd": microdvd.read,
}


LINTED = ("srt", "vtt")


def _agree_with_linter(timed: TimedText, text: str, kind: str, name: str) -> None:
    """SRT and WebVTT are also read by our own tolerant parser (``check``'s): a block it had to
    drop, or any disagreement on the words, means a reader skipped a broken cue or read its
    timing line as text (pysubs2 does the latter, webvtt-py the former, silently). Refused
    with the line to fix rather than imported with words lost or invented."""
    parsed = parse_caption_text(text, kind=kind, name=name)  # type: ignore[arg-type]
    hint = "fix that line (`gztranscribe check` lists every problem) and import again"
    refuse(parsed, ("dropped",), hint)
    linted = [w for cue in parsed.captions.cues for w in " ".join(cue.lines).split()]
    if linted != timed.words:
        refuse(parsed, ("guessed",), hint)
        first = next((n for n, (a, b) in enumerate(zip(linted, timed.words)) if a != b), None)
        near = f" near the word {linted[first]!r}" if first is not None else ""
        raise CaptionFileError(f"{name}: the cue text cannot be read unambiguously{near}; {hint}")


def read_timed_text(text: str, name: str = "captions") -> TimedText:
    """Read caption text of any supported format; ``CaptionFileError`` (exit 8) if it cannot be.

    Screens that repeat the previous rows (roll-up written as pop-on) are cut to what each adds.
    """
    kind = require_format(text, name)
    with reading(name, kind):  # whatever a library hands back on odd input, never a traceback
        timed = READERS[kind](text, name)
    if not timed.blocks:
        raise CaptionFileError(
            f"{name}: a {FORMAT_NAMES[kind]} file with no caption text; nothing to import"
        )
    if kind in LINTED:
        with reading(name, kind):
            _agree_with_linter(timed, text, kind, name)
    if repeats_rows(timed.blocks):
        timed = replace(timed, blocks=spoken_blocks(timed.blocks), roll_up=True)
    return timed
