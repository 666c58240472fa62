"""Caption style profiles: the numbers of ``CAPTION-STYLE.md`` as data.

A profile is a plain frozen record so that the caption engine, ``check`` and the config file all
read the same numbers; adding a profile is adding an entry to ``PROFILES``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from .errors import UsageError

FRAME = 1 / 24  # broadcast guides count gaps and extensions in 24 fps frames


@dataclass(frozen=True, slots=True)
class StyleProfile:
    name: str = "broadcast"
    max_chars_per_line: int = 42
    max_lines: int = 2
    max_cps: float = 20.0  # characters per second, spaces counted, line break not
    min_duration: float = 5 / 6
    max_duration: float = 7.0
    min_gap: float = 2 * FRAME  # a gap is either 0 (chained) or at least this
    close_gap_under: float = 0.5  # gaps shorter than this are closed to a chain
    max_end_extension: float = 12 * FRAME  # how far a cue may run into a following pause


@dataclass(frozen=True, slots=True)
class ProfileMillis:
    """A profile's times in whole milliseconds, as a caption file holds them, each rounded the
    safe way for its rule (a minimum up, a maximum down), so a cue that meets these meets the
    profile once written."""

    min_duration: int
    max_duration: int
    min_gap: int
    close_gap_under: int
    max_extension: int

    @classmethod
    def of(cls, profile: StyleProfile) -> ProfileMillis:
        return cls(
            min_duration=math.ceil(profile.min_duration * 1000 - 1e-6),
            max_duration=math.floor(profile.max_duration * 1000 + 1e-6),
            min_gap=math.ceil(profile.min_gap * 1000 - 1e-6),
            close_gap_under=round(profile.close_gap_under * 1000),
            max_extension=math.floor(profile.max_end_extension * 1000 + 1e-6),
        )


def chained_end(start: int, end: int, next_start: int, ms: ProfileMillis) -> int:
    """A cue's end (ms) after the gap rule with the next cue: a gap under ``close_gap_under`` is
    chained (when the cue stays within ``max_duration``), else a gap under ``min_gap`` is widened
    by ending earlier; a gap of 0 or of at least ``min_gap`` stays. The engine, ``check --fix``
    and alignment's joins all apply this one rule."""
    gap = next_start - end
    if gap <= 0 or gap >= ms.close_gap_under:
        return end
    if next_start - start <= ms.max_duration:
        return next_start
    if gap < ms.min_gap:
        return next_start - ms.min_gap
    return end


PROFILES: dict[str, StyleProfile] = {
    "broadcast": StyleProfile(),
    "strict": StyleProfile(name="strict", max_cps=17.0),
    "bbc": StyleProfile(name="bbc", max_chars_per_line=37, max_cps=17.0),  # 160-180 wpm at ~6 chars a word
    "social": StyleProfile(name="social", max_chars_per_line=32, max_lines=1, max_duration=4.0),
}


def reading_chars(lines: tuple[str, ...] | list[str]) -> int:
    """What ``max_cps`` counts: the characters a viewer reads, spaces counted, line breaks not."""
    return sum(len(" ".join(line.split())) for line in lines)


def get_profile(name: str, **overrides: Any) -> StyleProfile:
    """Return the named profile with any non-None ``overrides`` applied."""
    try:
        base = PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UsageError(f"unknown caption profile {name!r}; choose one of: {known}") from None
    known_fields = {f.name for f in fields(StyleProfile)}
    unknown = set(overrides) - known_fields
    if unknown:
        raise UsageError(f"unknown caption setting(s): {', '.join(sorted(unknown))}")
    # Config files and options give numbers; keep each field's own type (42, not 42.0).
    changes = {k: type(getattr(base, k))(v) for k, v in overrides.items() if v is not None}
    return replace(base, **changes) if changes else base
