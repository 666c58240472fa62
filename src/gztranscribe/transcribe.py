"""faster-whisper -> Transcript, with progress as segments are decoded.

faster-whisper yields segments lazily; we consume them here and report progress after each one,
so a progress bar costs nothing. Decoding settings live in ``DecodeOptions``; the defaults were
chosen by measurement on three kinds of audio (see README, "How decoding was chosen").
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from . import coverage as cov
from . import full_stops as fs
from . import speech_detection as sd
from .media import SAMPLE_RATE
from .models import ModelSource, load_model, resolve_model
from .onsets import refine_onsets
from .progress import FINDING_SPEECH, REPAIRING, TRANSCRIBING, decode_batches
from .speech import Region, cut_point, merge_regions, pause_cuts, uncovered_regions
from .types import Segment, Transcript, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

SAMPLING_SEED = 20_260_515  # any fixed number: what matters is that it never changes between runs
VAD_SPLIT_FROM = 60.0
"""Seconds of audio from which the speech detector runs on two halves at once."""
FRESH_AFTER_PAUSE = 1.0
"""Seconds of quiet after which the speech detector starts afresh (``_speech_regions``)."""

ProgressCallback = Callable[[float, float], None]  # (seconds done, seconds total)
PhaseCallback = Callable[[str], None]  # a phase begins: "finding speech", "transcribing"...


@dataclass(frozen=True, slots=True)
class DecodeOptions:
    """How the model decodes. Part of a transcript's identity: batch skip-done keys on it.

    Defaults measured on real-en, the 5-minute episode and the 3-minute real mix (README).
    """

    language: str | None = "en"  # None: detect (multilingual models only)
    beam_size: int = 5
    batch_size: int = 4  # windows decoded at once, shared among the lanes (README, "Speed and memory")
    initial_prompt: str | None = None
    hotwords: str | None = None
    vad_threshold: float = 0.5
    hint_threshold: float = 0.3  # ...where Silero leans to speech below it, audio is examined
    vad_min_silence_ms: int = 300
    vad_speech_pad_ms: int = 200
    max_window: float = 28.0  # seconds of audio in one decode window (Whisper sees 30)
    max_gap: float = 2.0  # never bridge a longer pause inside one window
    repair_min_region: float = 0.8  # re-decode speech regions this long that got no words
    repair_rounds: int = 3
    refine_onsets: bool = True  # move word starts after a pause to the audio's energy onset
    examine_audible: bool = True  # decode audible stretches the speech detector left wordless
    restore_full_stops: bool = True  # ask the model again about commas before a pause (full_stops)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ModelOptions:
    model: str | None = None
    device: str = "auto"
    compute_type: str | None = None
    threads: int = 0  # CPU threads in all (0: the machine's cores, at most 8)
    workers: int = 1  # files decoded at once by one loaded model (batch --jobs)
    lanes: int = 0  # windows of one file decoded side by side (0: two when there are two cores)

    def plan(self) -> tuple[int, int, int]:
        """(lanes per file, model workers, CPU threads per worker).

        Whisper tiny's matrices are too small for two threads to share one step well: two
        batches of half the windows, one thread each, finish sooner than one batch on two
        threads (measured: README, "Speed and memory"), and decode to the same words.
        """
        total = self.threads or min(os.cpu_count() or 1, 8)
        workers = max(1, self.workers)
        lanes = self.lanes or (2 if workers == 1 and total >= 2 else 1)
        return lanes, workers * lanes, max(1, total // (workers * lanes))


@dataclass
class Transcriber:
    """A loaded model, reused for every file (loading costs more than a short clip's decoding)."""

    source: ModelSource
    model: WhisperModel
    options: ModelOptions = field(default_factory=ModelOptions)
    sampler: Callable[[], WhisperModel] | None = None  # the model for sampled decodes (``seeded_copy``)

    @classmethod
    def load(cls, options: ModelOptions = ModelOptions()) -> Transcriber:
        source = resolve_model(options.model)
        _, workers, threads = options.plan()
        model = load_model(
            source,
            device=options.device,
            compute_type=options.compute_type,
            threads=threads,
            workers=workers,
        )
        return cls(source=source, model=model, options=options, sampler=lambda: seeded_copy(source, options))

    def transcribe(
        self,
        audio: np.ndarray,
        options: DecodeOptions = DecodeOptions(),
        on_progress: ProgressCallback | None = None,
        source: str = "",
        on_phase: PhaseCallback | None = None,
    ) -> Transcript:
        """Decode where the speech detector or the audio's loudness says there may be speech.

        Silero proposes speech regions; a region is widened to the audible sound around it (a
        falsetto or whispered sentence often scores as speech for only a syllable), and afterwards
        every audible stretch no word accounts for is examined on its own (``_cover_audible``).

        Progress: ``on_phase`` hears each phase begin (``progress.FINDING_SPEECH``,
        ``TRANSCRIBING``, ``REPAIRING``); within a decoding pass ``on_progress(done, total)``
        reports the share of the pass's windows decoded, on the file's time scale (total = the
        audio's duration), since every window costs about the same (each is padded to 30 s).
        """
        phase = on_phase or (lambda _name: None)
        duration = len(audio) / SAMPLE_RATE
        if on_progress:
            on_progress(0.0, duration)
        phase(FINDING_SPEECH)
        level = cov.loudness(audio, SAMPLE_RATE)
        stretches = cov.audible_stretches(level)
        found, hints = self._speech_regions(audio, options)
        regions = cov.widen(found, stretches)
        windows = merge_regions(regions, max_gap=options.max_gap, max_len=options.max_window)
        suspect = cov.suspect(stretches, hints, regions)
        with interruptible_pool(1) as early:
            # Stretches that no decode window reaches (a music intro) are examined beside the main
            # pass, on a lane that would otherwise wait for the last batch.
            far = cov.examination_windows(cov.beyond(suspect, windows), duration, stretches=suspect)
            ahead = {w: early.submit(self._decode_alone, audio, *w, options)
                     for w in (far if options.examine_audible else [])}
            segments, language = self._hear(audio, regions, windows, options, on_progress, phase)
            coverage = cov.Coverage()
            if options.examine_audible:
                segments, coverage = self._cover_audible(
                    audio, segments, options, level, stretches, suspect, ahead
                )
        if options.refine_onsets:
            segments = _with_refined_onsets(segments, audio)
        if options.restore_full_stops:  # on the refined onsets: the pauses it weighs are real
            segments = self._restore_full_stops(audio, segments, language or options.language or "en")
        if on_progress:
            on_progress(duration, duration)
        return Transcript(
            segments=tuple(segments),
            language=language or options.language or "",
            duration=duration,
            model=self.source.name,
            options=options.as_dict(),
            source=source,
            coverage=coverage,
        )

    def _hear(
        self, audio: np.ndarray, regions: list[Region], windows: list[Region], options: DecodeOptions,
        on_progress: ProgressCallback | None, phase: PhaseCallback,
    ) -> tuple[list[Segment], str | None]:
        """The batched pass over the windows, repair rounds for speech regions left wordless, and
        loops decoded again."""
        duration = len(audio) / SAMPLE_RATE
        phase(TRANSCRIBING)
        segments, language = self._decode(audio, windows, options, duration, on_progress)
        tried: set[Region] = set()
        for _ in range(options.repair_rounds):
            words = [w for seg in segments for w in seg.words]
            missed = [
                r for r in uncovered_regions(regions, words, min_len=options.repair_min_region)
                if r not in tried
            ]
            if not missed:
                break
            tried.update(missed)
            # The model stops at a change of voice or recording; each round recovers at least the
            # first utterance of every dropped run, so a few rounds recover them all.
            retry = merge_regions(missed, max_gap=options.max_gap, max_len=options.max_window)
            phase(REPAIRING)
            extra, _ = self._decode(audio, retry, options, duration, on_progress)
            # Only words inside what was missed: a retry window re-hears its neighbours' words too.
            extra = [s for s in (_keep_words(seg, missed) for seg in extra) if s is not None]
            if not extra:
                break
            segments = _ordered(segments + extra)
        return self._unloop(audio, segments, options), language

    def _unloop(self, audio: np.ndarray, segments: list[Segment], options: DecodeOptions) -> list[Segment]:
        """Re-decode, sequentially and on its own, each run of segments the batched pass looped in.

        A loop is often split over several short segments ("So that's it." x3), so runs of
        segments without a pause between them are checked as one text.
        """
        duration = len(audio) / SAMPLE_RATE
        result: list[Segment] = []
        for run in cov.runs(segments, gap=1.0):
            if not _loops(run):
                result.extend(run)
                continue
            start = max(run[0].start - 0.2, result[-1].end if result else 0.0)
            end = min(duration, run[-1].end + 0.2)
            again = self._decode_alone(audio, start, end, options, retries=True)
            if options.hotwords and (not again or _loops(again)):
                # A glossary's names, given as hotwords, can themselves be what the model repeats
                # ("Olaf Scholz, Olaf Scholz, Olaf Scholz"): hear the stretch without them, and
                # keep the first hearing's words up to the loop (names the hint got right).
                again = self._decode_alone(audio, start, end, replace(options, hotwords=None), retries=True)
                words = [w for s in run for w in s.words]
                onset = cov.loop_onset([w.text for w in words])
                if again and onset:
                    cut = words[onset].start
                    again = [s for s in (*(_keep_words(s, [(start, cut)]) for s in run),
                                         *(_keep_words(s, [(cut, end)]) for s in again)) if s is not None]
            if again and not _loops(again):
                result.extend(again)
            else:
                result.extend(run)
        return _ordered(result)

    def _cover_audible(
        self, audio: np.ndarray, segments: list[Segment], options: DecodeOptions,
        level: cov.Loudness, stretches: list[Region], suspect: list[Region],
        ahead: dict[Region, Future[list[Segment]]],
    ) -> tuple[list[Segment], cov.Coverage]:
        """Decode, each on its own, the suspect stretches (audible, or the detector's hints) no word
        accounts for, and keep the verdict; coverage is measured on the audible ``stretches``.

        ``ahead``: stretches already being decoded, by their examination window."""
        duration = len(audio) / SAMPLE_RATE
        words = [w for seg in segments for w in seg.words]
        gaps = cov.uncovered(suspect, words)
        examined: list[cov.Examined] = []
        windows = cov.examination_windows(gaps, duration, stretches=suspect)
        with interruptible_pool(self.lanes) as pool:  # independent stretches
            pending = [ahead[w] if w in ahead else pool.submit(self._decode_alone, audio, *w, options)
                       for w in windows]
            heard = [p.result() for p in pending]
        for (start, end), found in zip(windows, heard, strict=True):
            mine = [(max(a, start), min(b, end)) for a, b in gaps if a < end and b > start]
            if not mine:
                continue
            now = [w for seg in segments for w in seg.words]
            known = [w for w in now if start <= (w.start + w.end) / 2 <= end]
            verdict, kept = cov.judge(found, mine, cov.unclaimed(mine, now), known)
            examined.append(verdict)
            segments = _ordered(segments + kept) if kept else segments
        words = [w for seg in segments for w in seg.words]
        return segments, cov.measure(stretches, words, level, examined)

    def _restore_full_stops(self, audio: np.ndarray, segments: list[Segment], language: str) -> list[Segment]:
        """``full_stops``: the questions split between the lanes. English only: the full stop and
        comma weighed are English punctuation."""
        asked = fs.questions(segments) if language == "en" else []
        if not asked:
            return segments
        half = (len(asked) + 1) // 2 if self.lanes > 1 else len(asked)
        parts = [asked[:half], asked[half:]]
        with interruptible_pool(self.lanes) as pool:
            futures = [pool.submit(fs.full_stop_shares, self.model, audio, part, language) for part in parts]
            shares = [share for future in futures for share in future.result()]
        return fs.with_full_stops(segments, fs.chosen(asked, shares))

    def _decode_alone(
        self, audio: np.ndarray, start: float, end: float, options: DecodeOptions, retries: bool = False
    ) -> list[Segment]:
        """Sequential decoding of one stretch with no previous text: nothing biases what it hears."""
        piece = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
        model = self.sampler() if retries and self.sampler else self.model
        fw_segments, _ = model.transcribe(
            piece,
            language=options.language or None,
            beam_size=options.beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
            # A verdict on a wordless stretch rests on the model's confidence: no sampled retries.
            # A loop of the batched pass gets Whisper's temperature fallback, made for loops, on a
            # model of its own whose random generator starts from a fixed seed (``seeded_copy``).
            temperature=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0) if retries else 0.0,
            hotwords=options.hotwords,
        )
        shifted = []
        for fw in fw_segments:
            segment = _to_segment(fw, end - start, 0.0)
            if segment is not None:
                shifted.append(_shift(segment, start))
        return shifted

    def _speech_regions(
        self, audio: np.ndarray, options: DecodeOptions
    ) -> tuple[list[Region], list[Region]]:
        """Silero's speech regions, and its hints (``speech_detection``), from one run of it."""
        from faster_whisper.vad import get_vad_model

        vad = sd.Thresholds(
            threshold=options.vad_threshold,
            min_silence_ms=options.vad_min_silence_ms,
            pad_ms=options.vad_speech_pad_ms,
            max_speech_s=options.max_window,
        )
        hint = replace(vad, threshold=options.hint_threshold)

        def probabilities(start: int, end: int) -> np.ndarray:
            piece = audio[start:end]  # padded to whole windows as faster-whisper pads it
            padded = np.pad(piece, (0, sd.WINDOW - len(piece) % sd.WINDOW))
            return np.asarray(get_vad_model()(padded), dtype=np.float32).reshape(-1)

        def heard(halves: list[int], probs: list[np.ndarray]) -> tuple[list[Region], list[Region]]:
            found: list[Region] = []
            hints: list[Region] = []
            for (a, b), half in zip(pairwise(halves), probs, strict=True):
                for t, into in ((vad, found), (hint, hints)):
                    into.extend(((a + x) / SAMPLE_RATE, (a + y) / SAMPLE_RATE)
                                for x, y in sd.regions(half, b - a, t))
            return found, hints

        # Silero runs on one core while the other waits for the windows. So a recording is
        # searched in two halves, cut in the longest quiet run of its middle third (on the grid of
        # Silero's windows, ``speech.cut_point``), side by side when there are two lanes. Always
        # two halves, so the words never depend on how many cores a machine has.
        n = len(audio)
        halves = [0, cut_point(audio, n // 3, 2 * n // 3), n] if n >= VAD_SPLIT_FROM * SAMPLE_RATE else [0, n]
        with interruptible_pool(min(2, self.lanes)) as pool:
            whole = [part.result() for part in [pool.submit(probabilities, a, b) for a, b in pairwise(halves)]]
            found, hints = heard(halves, whole)
            # Silero also carries its state from window to window through a whole call, and after
            # loud speech it can stay deaf to a quieter voice that follows: a telephone-band clip
            # under a music bed scored at most 0.36 after three other clips, 0.57-0.78 when Silero
            # started afresh anywhere in the pause before it. So it runs again, afresh from the
            # middle of every pause of ``FRESH_AFTER_PAUSE`` s or more, and each window keeps the
            # higher of its two probabilities. A pause is quiet by the recording's floor *and*
            # outside everything the first run heard or leaned towards: a creaky voice a few dB
            # over a music bed is quiet by level, and the state carried into it is what lets
            # Silero lean towards it (long-form seed 1's mfa_registershift). Every cut is on the
            # windows' grid, so the two runs line up; the pieces are fixed by the audio.
            restarts = [c for c in pause_cuts(audio, FRESH_AFTER_PAUSE, outside=cov.union(found, hints))
                        if c not in halves]
            if not restarts:
                return found, hints
            # Each fresh run ends where the next begins (or its half ends), in whole windows. A run
            # from a half's own start would repeat the first run window for window, so none is made.
            ends = sorted({*halves, *restarts})
            again = {c: pool.submit(lambda c, d: probabilities(c, d)[: (d - c) // sd.WINDOW], c, d)
                     for c, d in pairwise(ends) if c in restarts}
            combined = [sd.raised(probs, a, {c: run.result() for c, run in again.items() if a <= c < b})
                        for (a, b), probs in zip(pairwise(halves), whole, strict=True)]
        return heard(halves, combined)

    def _decode(
        self,
        audio: np.ndarray,
        windows: list[Region],
        options: DecodeOptions,
        duration: float,
        on_progress: ProgressCallback | None,
    ) -> tuple[list[Segment], str | None]:
        if not windows:
            return [], None
        language = options.language or None

        def decode(part: list[Region]) -> tuple[list[Any], str]:
            fw_segments, info = _pipeline(self.model).transcribe(
                audio,
                language=language,  # detected once, then kept
                beam_size=options.beam_size,
                batch_size=len(part),
                word_timestamps=True,
                clip_timestamps=[{"start": s, "end": e} for s, e in part],
                initial_prompt=options.initial_prompt,
                hotwords=options.hotwords,
            )
            return list(fw_segments), info.language  # the generator decodes as it is read

        lanes = self.lanes
        bounds = list(accumulate(decode_batches(len(windows), options.batch_size, lanes), initial=0))
        parts = [windows[a:b] for a, b in pairwise(bounds)]
        decoded: dict[int, list[Any]] = {}
        if language is None:  # the first call detects the language the others are told
            decoded[0], language = decode(parts[0])
            if on_progress:
                on_progress(duration * len(parts[0]) / len(windows), duration)
        done = sum(len(parts[i]) for i in decoded)
        # The longest calls first, so the last ones are short and the lanes finish together (a call
        # lasts about as long as its longest window). Which windows share a call is unchanged.
        order = sorted(range(len(parts)), key=lambda i: -max(e - s for s, e in parts[i]))
        with interruptible_pool(lanes) as pool:
            running = {pool.submit(decode, parts[i]): i for i in order if i not in decoded}
            for future in as_completed(running):
                decoded[running[future]] = future.result()[0]
                done += len(parts[running[future]])
                if on_progress:
                    on_progress(duration * done / len(windows), duration)
        segments: list[Segment] = []
        for i in range(len(parts)):
            for fw in decoded[i]:
                segment = _to_segment(fw, duration, segments[-1].end if segments else 0.0)
                if segment is not None and not _silence(segment):
                    segments.append(segment)
        return segments, language

    @property
    def lanes(self) -> int:
        """Windows of one file this model decodes side by side (``ModelOptions.plan``)."""
        return self.options.plan()[0]


def seeded_copy(source: ModelSource, options: ModelOptions) -> WhisperModel:
    """A fresh copy of the model for one sampled decode, so the same file always gives the same
    words.

    CTranslate2 has no seed per call: each of its worker threads draws from a generator seeded
    once, when that thread first samples, from the global seed. A new model's worker thread starts
    from ``SAMPLING_SEED``; the shared model's threads would carry on from wherever earlier files
    (or an earlier loop) left them. Loading tiny.en takes about 0.15 s, and only a stretch the
    batched pass looped in pays it.
    """
    import ctranslate2

    ctranslate2.set_random_seed(SAMPLING_SEED)
    _, _, threads = options.plan()
    return load_model(source, device=options.device, compute_type=options.compute_type,
                      threads=threads, workers=1)


def _pipeline(model: WhisperModel) -> Any:
    """A batched pipeline of its own for one call. faster-whisper's ``BatchedInferencePipeline``
    carries ``last_speech_timestamp`` (which bounds the first word after a pause) from one call to
    the next and resets it when a call ends; lanes sharing one pipeline would read each other's
    value mid-call. A fresh one starts every call where a lone call starts: at 0."""
    from faster_whisper import BatchedInferencePipeline

    return BatchedInferencePipeline(model)


@contextmanager
def interruptible_pool(workers: int) -> Iterator[ThreadPoolExecutor]:
    """A thread pool whose queued work is dropped when the caller stops (Ctrl-C, an error): a
    plain ``with ThreadPoolExecutor`` would decode every window still queued before letting go.
    Calls already inside the model finish (CTranslate2 cannot be stopped mid-batch)."""
    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _with_refined_onsets(segments: list[Segment], audio: np.ndarray) -> list[Segment]:
    words = refine_onsets([w for seg in segments for w in seg.words], audio, SAMPLE_RATE)
    result, taken = [], 0
    for seg in segments:
        mine = tuple(words[taken : taken + len(seg.words)])
        taken += len(seg.words)
        result.append(replace(seg, start=mine[0].start, words=mine))
    return result


def _loops(segments: list[Segment]) -> bool:
    return cov.is_looping(" ".join(s.text for s in segments))


def _silence(segment: Segment) -> bool:
    """Whisper's own rule (sequential decoding applies it; the batched pipeline does not)."""
    return segment.no_speech_prob > cov.NO_SPEECH and segment.avg_logprob < -1.0


def _keep_words(segment: Segment, regions: list[Region]) -> Segment | None:
    words = tuple(cov.inside(segment.words, regions))
    if not words:
        return None
    return segment if len(words) == len(segment.words) else segment.narrowed(words)


def _shift(segment: Segment, offset: float) -> Segment:
    words = tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words)
    return replace(segment, start=segment.start + offset, end=segment.end + offset, words=words)


def _ordered(segments: list[Segment]) -> list[Segment]:
    """Merge repaired segments into time order, clamping so times never go backwards.

    A segment whose words begin inside another's span (a repair or an examination heard words in a
    pause of a long, stretched segment) splits that one there, so its words come between the words
    around them in time, not after the whole segment (long-form seed 5: "Montréal, or St." heard in
    a pause at 50.7 s came out after "…A liner." at 62.1 s, each word 0 s long)."""
    result: list[Segment] = []
    for seg in sorted(_split_around(segments), key=lambda s: s.start):
        if result and seg.start < result[-1].end and result[-1].words[-1].start < seg.start:
            # The previous segment's last word was stretched over this one (a looping or cut-off
            # decode ends its last word seconds late): it ends where the new words begin.
            prev = result[-1]
            words = (*prev.words[:-1], replace(prev.words[-1], end=seg.start))
            result[-1] = replace(prev, end=seg.start, words=words)
        floor = result[-1].end if result else 0.0
        if seg.start < floor:
            words = tuple(
                Word(max(w.start, floor), max(w.end, floor), w.text, w.probability) for w in seg.words
            )
            seg = Segment(words[0].start, max(seg.end, floor), seg.text, words, seg.avg_logprob,
                          seg.no_speech_prob)
        result.append(seg)
    return result


def _split_around(segments: list[Segment]) -> list[Segment]:
    """Each segment cut before every other segment's start that falls between its words."""
    starts = sorted({seg.start for seg in segments})
    pieces: list[Segment] = []
    for seg in segments:
        at = [w.start for w in seg.words]  # in order: decoded words never go backwards
        cuts = starts[bisect.bisect_right(starts, at[0]) : bisect.bisect_right(starts, at[-1])]
        if not cuts:
            pieces.append(seg)
            continue
        edges = [0, *(bisect.bisect_left(at, t) for t in cuts), len(at)]
        pieces.extend(seg.narrowed(seg.words[i:j]) for i, j in pairwise(edges) if i < j)
    return pieces


def _to_segment(fw: Any, duration: float, floor: float) -> Segment | None:
    """Convert one faster-whisper segment, clamping times so they never go backwards or past the end."""
    words: list[Word] = []
    last = floor
    for w in fw.words or ():
        text = w.word.strip()
        if not text:
            continue
        start = min(max(w.start, last), duration)
        end = min(max(w.end, start), duration)
        words.append(Word(start=start, end=end, text=text, probability=float(w.probability)))
        last = end
    text = fw.text.strip()
    if not text or not words:
        return None
    return Segment(
        start=words[0].start,
        end=words[-1].end,
        text=text,
        words=tuple(words),
        avg_logprob=float(fw.avg_logprob),
        no_speech_prob=float(fw.no_speech_prob),
    )
