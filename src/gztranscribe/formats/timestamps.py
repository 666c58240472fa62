"""The one timestamp formatter: seconds (float) -> ``HH:MM:SS.mmm`` (``,`` for SRT)."""

from __future__ import annotations


def to_millis(seconds: float) -> int:
    """Whole milliseconds, rounding exactly as the JSON transcript's ``round(t, 3)`` does.

    ``round(seconds * 1000)`` would differ on half-milliseconds (0.2725 -> 272 vs 0.273), and a
    caption rendered again from the JSON must land on the same millisecond.
    """
    return max(0, round(round(seconds, 3) * 1000))


def format_timestamp(seconds: float, separator: str = ".") -> str:
    ms = to_millis(seconds)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"
