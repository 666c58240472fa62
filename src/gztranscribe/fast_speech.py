"""The note the caption engine leaves on a cue that the speech itself makes too fast to read. Pure.

The style guide's one sanctioned bend: where someone speaks a whole sentence faster than the reading
speed, even counting the pause after it, the engine gives that sentence faster cues of its own
rather than show it inside the previous sentence's cue. A caption file alone cannot show that the
speech forced it, so ``check`` would grade such a cue like a careless one. The engine therefore
writes what it measured into the WebVTT file, as a ``NOTE`` right before the cue (players ignore
notes), and ``check`` reads it back: a cue no faster than its note says is a warning, not an error.
A cue faster than its note, or without one, is still an error; so is any such cue in SRT, which has
no notes. A cue retimed by ``check --fix`` loses its note, since its times are no longer the
engine's.
"""

from __future__ import annotations

import re

MARK = "gztranscribe fast speech:"
_NOTE = re.compile(re.escape(MARK) + r" (\d+(?:\.\d+)?) characters a second")
SLACK = 0.05
"""Characters a second a cue may be above its noted rate (the note is rounded to one decimal)."""


def note(rate: float, max_cps: float) -> str:
    """The note for a cue the speech forces to ``rate`` characters a second."""
    return (
        f"{MARK} {rate:.1f} characters a second. The sentence is spoken faster than "
        f"{max_cps:g} a second even with the pause after it; a slower cue would show its start "
        "before it is said."
    )


def is_note(text: str) -> bool:
    return text.startswith(MARK)


def noted_rate(text: str) -> float | None:
    """The rate a cue's note allows, or None when it is not our fast-speech note."""
    found = _NOTE.match(text)
    return float(found.group(1)) if found else None
