"""Progress a producer can trust: the phases of one file's work, and an ETA that does not lie.

Pure: the stages report phases and ``(done, total)`` seconds of audio; the CLI draws them. Totals
are the file's duration, known before the audio is even decoded. The ETA is only given where it
can be measured (while the model decodes, at a rate seen on this machine for this file), and it
errs on the long side: a producer who is told "0:01" for nine seconds stops trusting the bar.
"""

from __future__ import annotations

from dataclasses import dataclass

LOADING_MODEL = "loading model"
READING_AUDIO = "reading audio"
FINDING_SPEECH = "finding speech"
TRANSCRIBING = "transcribing"
REPAIRING = "re-decoding missed speech"
WRITING = "writing captions"

# Phases whose progress is the model's decoding: their rate predicts the time left.
MEASURED_PHASES = frozenset({TRANSCRIBING, REPAIRING})

FIRST_GROUP = 2  # windows decoded before the first progress report (and the first rate)
HOLD = 0.6  # between two reports an estimate counts down to this share of itself, then holds
TAIL_SHARE = 0.08  # onsets, captions and writing take up to this share of the decoding time


def decode_batches(windows: int, batch_size: int, lanes: int = 1) -> list[int]:
    """Sizes of the model calls a decoding pass makes, in window order; ``lanes`` run at once.

    A model call reports nothing until it ends, so the first ``FIRST_GROUP`` windows are shared
    out in small calls that give a measured rate within seconds; then each lane takes its share
    of ``batch_size`` windows a call. The grouping never changes the words: every window is
    decoded on its own.
    """
    if windows <= 0:
        return []
    lanes = max(1, lanes)
    size = max(1, batch_size // lanes)
    first = max(1, min(size, FIRST_GROUP // lanes))
    sizes: list[int] = []
    left = windows
    for _ in range(lanes):
        if left and first < size:
            sizes.append(min(first, left))
            left -= sizes[-1]
    while left:
        sizes.append(min(size, left))
        left -= sizes[-1]
    return sizes


@dataclass
class Eta:
    """Seconds left for one file, from its phases and progress; None while it cannot be known.

    While the model decodes, the rate of this phase so far (audio seconds per wall second)
    gives the time for the rest, plus the *tail*: what follows decoding (onsets, captions,
    writing), which grows with the file and slows down with the machine just as decoding does,
    so it is taken as ``TAIL_SHARE`` of the decoding time (at least ``tail`` seconds).
    Between two reports the estimate counts down, but never below ``HOLD`` of itself: a batch of
    windows that runs long then holds the estimate up instead of showing "0:00" while it works.
    """

    tail: float = 1.0
    safety: float = 1.25  # machines slow down (other jobs, thermal limits): err on the long side
    _phase: str = ""
    _phase_start: float = 0.0
    _estimate: float | None = None
    _estimated_at: float = 0.0
    _tail: float = 0.0  # the tail expected after decoding, from the decoding time so far

    def phase(self, name: str, now: float) -> None:
        """A phase begins: decoding phases are unknown until their first report."""
        if name == WRITING:
            self._estimate = max(self.tail, self._tail)
        elif self._phase != name:
            self._estimate = None
        self._phase, self._phase_start, self._estimated_at = name, now, now

    def progress(self, done: float, total: float, now: float) -> None:
        if self._phase not in MEASURED_PHASES:
            return
        elapsed = now - self._phase_start
        if done <= 0 or elapsed <= 0 or total <= 0:
            return
        rate = done / elapsed
        self._tail = max(self._tail, TAIL_SHARE * elapsed * total / done)
        left = max(0.0, total - done) / rate * self.safety
        self._estimate = left + max(self.tail, self._tail)
        self._estimated_at = now

    def remaining(self, now: float) -> float | None:
        return _count_down(self._estimate, self._estimated_at, now)


def clock(seconds: float) -> str:
    """``1:23`` or ``1:02:03``: running time as producers read it."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _count_down(estimate: float | None, at: float, now: float) -> float | None:
    """An estimate made at ``at``, counted down to ``now``; never below ``HOLD`` of itself."""
    if estimate is None:
        return None
    return max(estimate - (now - at), HOLD * estimate)


@dataclass
class BatchEta:
    """Seconds left for a whole batch: the audio not yet transcribed at this batch's own speed.

    Files skipped or failed settle at once and say nothing about speed, so the rate is that of
    the audio actually transcribed since the first file started (all jobs together).
    """

    safety: float = 1.25
    _total: float = 0.0
    _settled: float = 0.0  # audio of files skipped or failed
    _started: float | None = None
    _estimate: float | None = None
    _estimated_at: float = 0.0

    def plan(self, total: float) -> None:
        self._total = total

    def start(self, now: float) -> None:
        if self._started is None:
            self._started = now

    def settle(self, seconds: float) -> None:
        self._settled += seconds

    def progress(self, transcribed: float, now: float) -> None:
        if self._started is None or transcribed <= 0 or now <= self._started:
            return
        rate = transcribed / (now - self._started)
        left = max(0.0, self._total - self._settled - transcribed)
        self._estimate, self._estimated_at = left / rate * self.safety, now

    def remaining(self, now: float) -> float | None:
        return _count_down(self._estimate, self._estimated_at, now)
