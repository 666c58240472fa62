"""Pure data flowing between the stages: media -> audio -> transcript -> captions -> files.

Every time is in seconds as a float, everywhere in the package; only the format writers turn
seconds into timestamp text. All types are frozen: stages return new objects instead of editing
what they were given, so a transcript can be rendered many times without surprises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .coverage import Coverage

SAMPLE_RATE = 16_000  # Hz: Whisper's input rate, the audio rate everywhere in the package


@dataclass(frozen=True, slots=True)
class Word:
    """One spoken word as the model heard it.

    ``text`` keeps Whisper's leading space convention stripped: it is the bare word with any
    attached punctuation ("Kazakhstan," or "U.S.").
    """

    start: float
    end: float
    text: str
    probability: float = 1.0


@dataclass(frozen=True, slots=True)
class Segment:
    """A decoded stretch of speech (roughly a sentence or a 30-second window's worth)."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0

    def narrowed(self, words: Sequence[Word]) -> Segment:
        """This segment holding only ``words`` (some of its own, in order, at least one): its
        times and text become theirs, its decoding scores stay."""
        return Segment(words[0].start, words[-1].end, " ".join(w.text for w in words), tuple(words),
                       self.avg_logprob, self.no_speech_prob)


@dataclass(frozen=True, slots=True)
class Transcript:
    """The full result of transcribing one file; the source of truth for every output format."""

    segments: tuple[Segment, ...]
    language: str = "en"
    duration: float = 0.0
    model: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    coverage: Coverage | None = None  # what was audible, covered, re-examined (None: unknown)

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def text(self) -> str:
        return " ".join(s.text.strip() for s in self.segments if s.text.strip())


@dataclass(frozen=True, slots=True)
class Cue:
    """One caption on screen: up to a few lines shown from ``start`` to ``end``."""

    start: float
    end: float
    lines: tuple[str, ...]
    identifier: str = ""
    note: str = ""  # why the engine timed it so (``fast_speech``): a WebVTT NOTE before the cue

    @property
    def text(self) -> str:
        """The cue's words on one line, as a reader would say them."""
        return " ".join(self.lines)

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Captions:
    """An ordered list of cues, plus ``NOTE`` comments kept from a parsed file."""

    cues: tuple[Cue, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of clean transcript text, with the times of its first and last word."""

    start: float
    end: float
    text: str
