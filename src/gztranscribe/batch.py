"""A folder of uploads: discovery, skip-done, failure isolation, and a summary.

``process_folder`` is the library call (a site's import job can drive it) and yields one
``ItemResult`` per input as it finishes. It loads the model once, decodes the next file's audio
while the current one is transcribed, skips files already done with the same settings (keyed by
content hash + settings fingerprint, so a renamed file is not redone but a changed setting is),
and records every failure without stopping. The manifest (``manifest.py``) is merged and rewritten
atomically after every file, so an interrupted batch resumes where it stopped, and two batches on
one folder share the work through per-file claims instead of both doing all of it.
"""

from __future__ import annotations

import fnmatch
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ExitCode, GzError, InputError
from .formats import WRITERS
from .manifest import MANIFEST_NAME, Manifest
from .media import extract_audio, probe
from .output import BACKUP_SUFFIX, prepare_output_dir, write_files
from .paths import is_broken_link, unusable_path
from .pipeline import streams, transcribe_file
from .settings import Settings
from .transcribe import Transcriber

REPORT_NAME = "batch-report.json"
MEDIA_SUFFIXES = {
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".mts", ".flv", ".wmv",
    ".mp3", ".m4a", ".aac", ".wav", ".flac", ".ogg", ".oga", ".opus", ".wma", ".aif", ".aiff", ".amr",
}  # fmt: skip
OWN_FILES = {MANIFEST_NAME, MANIFEST_NAME + ".lock", REPORT_NAME, "gztranscribe.toml"}
OUTPUT_SUFFIXES = {f".{fmt}" for fmt in WRITERS} | {BACKUP_SUFFIX}  # our outputs and their backups


@dataclass(frozen=True, slots=True)
class BatchItem:
    source: Path
    outputs: dict[str, Path]


@dataclass(frozen=True, slots=True)
class ItemResult:
    source: Path
    status: str  # "done" | "skipped" | "failed" | "not-retried" (failed before, unchanged)
    outputs: tuple[Path, ...] = ()
    reason: str = ""
    exit_code: int = 0
    audio_seconds: float = 0.0
    wall_seconds: float = 0.0
    warnings: tuple[str, ...] = ()


@dataclass
class BatchSummary:
    results: list[ItemResult] = field(default_factory=list)
    wall_seconds: float = 0.0
    ignored: list[Path] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def audio_seconds(self) -> float:
        return sum(r.audio_seconds for r in self.results if r.status == "done")

    @property
    def speed(self) -> float:
        """Audio seconds transcribed per wall-clock second (0 when nothing was transcribed)."""
        return self.audio_seconds / self.wall_seconds if self.wall_seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "done": self.count("done"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "not_retried": self.count("not-retried"),
            "ignored": [str(p) for p in self.ignored],
            "audio_seconds": round(self.audio_seconds, 3),
            "wall_seconds": round(self.wall_seconds, 3),
            "speed": round(self.speed, 3),
            "files": [
                {**asdict(r), "source": str(r.source), "outputs": [str(p) for p in r.outputs]}
                for r in self.results
            ],
        }


def default_jobs() -> int:
    """Two files at once where there are two cores: measured 2.3x real-time speed vs 1.55x for one
    (benchmarks/bench_batch.py, real-en + the episode, 2 cores); more jobs only add memory."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


# --------------------------------------------------------------------------- discovery
def discover(
    folder: Path, *, recursive: bool = False, pattern: str | None = None
) -> tuple[list[Path], list[Path]]:
    """Return (candidates, ignored) in a stable order.

    Hidden files, our own outputs and files that are plainly not media are ignored. Content is
    probed later: a ``.mp4`` that is really text is a candidate and will fail with its reason,
    while an extension-less file that probes as audio is picked up. A symbolic link named like
    media that leads nowhere (a loop, a missing target) is a candidate too, so the report names
    it and why; any other broken link is listed as ignored.
    """
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    walker = folder.rglob("*") if recursive else folder.glob("*")
    candidates, ignored = [], []
    for path in sorted(walker):
        relative = path.relative_to(folder)
        broken = is_broken_link(path)  # a loop or a dangling link: reported, not silently skipped
        if any(part.startswith(".") for part in relative.parts) or not (path.is_file() or broken):
            continue
        if pattern and not (fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(str(relative), pattern)):
            continue
        if path.name in OWN_FILES or path.suffix.lower() in OUTPUT_SUFFIXES:
            continue
        if path.suffix.lower() in MEDIA_SUFFIXES or (not broken and _probes_as_media(path)):
            candidates.append(path)
        else:
            ignored.append(path)
    return candidates, ignored


def _probes_as_media(path: Path) -> bool:
    try:
        probe(path)
    except GzError:
        return False
    return True


def plan(folder: Path, sources: list[Path], settings: Settings) -> list[BatchItem]:
    """Output paths for every source, mirrored under ``output_dir`` when one is given.

    Two sources that would write the same outputs (``ep.mp4`` and ``ep.mov`` in one folder) both
    keep their extension in their output names instead, so neither overwrites the other.
    """
    out_root = settings.outputs.output_dir
    stems: dict[Path, list[Path]] = {}
    for source in sources:
        folder_out = (out_root / source.parent.relative_to(folder)) if out_root else source.parent
        stems.setdefault(folder_out / source.stem, []).append(source)
    items = []
    for base, group in stems.items():
        for source in group:
            name = source.name if len(group) > 1 else source.stem
            items.append(
                BatchItem(
                    source=source,
                    outputs={f: base.parent / f"{name}.{f}" for f in settings.outputs.formats},
                )
            )
    return sorted(items, key=lambda i: sources.index(i.source))


# --------------------------------------------------------------------------- processing
Event = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True, slots=True)
class FolderPlan:
    """What a batch will do, decided on the machine where it was started (local or cluster)."""

    items: list[BatchItem]
    manifest: Manifest
    fingerprint: str  # of every setting that changes an output
    durations: dict[Path, float]  # probed, for progress and for longest-first scheduling


def plan_folder(
    folder: Path,
    settings: Settings,
    *,
    recursive: bool = False,
    pattern: str | None = None,
    on_event: Event | None = None,
) -> FolderPlan:
    """Find the media, plan output names, open the manifest; reports "ignored" and "plan"."""
    emit = on_event or (lambda _name, _data: None)
    sources, ignored = discover(folder, recursive=recursive, pattern=pattern)
    emit("ignored", {"paths": ignored})
    items = plan(folder, sources, settings)
    out_root = settings.outputs.output_dir or folder
    prepare_output_dir(out_root)
    durations = {item.source: _duration_or_zero(item.source) for item in items}
    total = sum(durations.values())
    emit("plan", {"files": len(items), "audio_seconds": total, "durations": durations})
    return FolderPlan(items, Manifest(out_root / MANIFEST_NAME), settings.fingerprint(), durations)


def sort_out(
    planned: FolderPlan, *, force: bool = False, skip_failed: bool = False
) -> Iterator[tuple[int, BatchItem, str, ItemResult | None]]:
    """Each planned item: (its place in the plan, it, its content hash, and its result when it
    needs no work this run: done before, known broken, or unreadable)."""
    for place, item in enumerate(planned.items):
        started = time.perf_counter()
        try:
            content = planned.manifest.content_hash(item.source)
        except OSError as exc:
            yield place, item, "", failed_result(item, unusable_path(item.source, exc), started)
            continue
        earlier = triage(
            planned.manifest, item, content, planned.fingerprint, force, skip_failed, started
        )
        yield place, item, content, earlier


def process_folder(
    folder: Path,
    settings: Settings,
    *,
    recursive: bool = False,
    pattern: str | None = None,
    force: bool = False,
    skip_failed: bool = False,
    transcriber: Transcriber | None = None,
    jobs: int = 1,
    on_event: Event | None = None,
) -> Iterator[ItemResult]:
    """Yield one result per media file in ``folder``; never raises for a single bad file.

    ``on_event(name, data)`` reports progress: "plan" (files, total audio seconds, each file's
    duration), "start" (source), "phase" (source, phase), "progress" (source, done, total
    seconds), "waiting" (source, holder: another batch is transcribing it; it is taken up again
    at the end), "result" (the ItemResult).
    ``skip_failed``: a file that failed before and has not changed since (same bytes, same
    settings) is not tried again; it is reported "not-retried" with its earlier reason.

    Another batch may run on the same folder at the same time (``manifest``): a file is claimed
    before it is transcribed, and a file another batch holds is left to it and revisited once
    this batch's other files are done: by then it is finished (skipped here) or free again.
    """
    emit = on_event or (lambda _name, _data: None)
    planned = plan_folder(folder, settings, recursive=recursive, pattern=pattern, on_event=emit)
    manifest, fingerprint, durations = planned.manifest, planned.fingerprint, planned.durations
    pending: list[tuple[BatchItem, str]] = []
    for _place, item, content, earlier in sort_out(planned, force=force, skip_failed=skip_failed):
        if earlier is not None:
            yield emit_result(emit, earlier)
        else:
            pending.append((item, content))

    def gate(item: BatchItem, content: str) -> ItemResult | _Deferred | None:
        """Claim ``item`` just before it starts: None to go on, else why it is settled/left."""
        started = time.perf_counter()
        holder = manifest.claim(content, fingerprint)
        if holder:
            return _Deferred(holder)
        if not force:
            manifest.refresh()  # another batch may have finished it since we planned
            reused = manifest.done_outputs(content, fingerprint, item.source)
            if reused is not None:
                manifest.release(content, fingerprint)
                return _skipped(item, reused, manifest, content, fingerprint, started)
        return None

    model = transcriber
    runs = _run_parallel if max(1, jobs) > 1 else _run_in_order
    try:
        while pending:
            if model is None:
                model = Transcriber.load(replace(settings.model, workers=max(1, jobs)))
            deferred: list[tuple[BatchItem, str]] = []
            for item, content, result in runs(
                pending, model, settings, emit, durations, max(1, jobs), gate
            ):
                if isinstance(result, _Deferred):
                    emit("waiting", {"source": item.source, "holder": result.holder})
                    deferred.append((item, content))
                    continue
                result = settle(manifest, content, fingerprint, result)
                manifest.release(content, fingerprint)
                yield emit_result(emit, result)
            pending = _when_free(deferred, manifest, fingerprint)
    finally:
        manifest.release_all()


# A failure that only a new version of the file can cure (not a full disk or a missing model).
FILE_FAULTS = frozenset({ExitCode.INPUT, ExitCode.MEDIA})
STILL_FAILING = "still failing, unchanged since the last run"


def triage(
    manifest: Manifest, item: BatchItem, content: str, fingerprint: str, force: bool,
    skip_failed: bool, started: float,
) -> ItemResult | None:  # fmt: skip
    """The result of a file that needs no work this run (done before, or known broken), or None."""
    if force:
        return None
    reused = manifest.done_outputs(content, fingerprint, item.source)
    if reused is not None:
        return _skipped(item, reused, manifest, content, fingerprint, started)
    failure = manifest.failure(content, fingerprint) if skip_failed else None
    if failure is None:
        return None
    return ItemResult(
        source=item.source,
        status="not-retried",
        reason=f"{STILL_FAILING} (failing since {failure.get('since', '?')}; not retried: "
        f"--skip-failed): {failure.get('reason', '')}",
        exit_code=int(failure.get("exit_code") or ExitCode.MEDIA),
        wall_seconds=time.perf_counter() - started,
    )


def settle(manifest: Manifest, content: str, fingerprint: str, result: ItemResult) -> ItemResult:
    """Record a finished file; a file that fails again unchanged is reported as still failing."""
    if result.status == "done":
        manifest.record(content, fingerprint, result.source, list(result.outputs))
    elif result.status == "failed" and result.exit_code in FILE_FAULTS:
        again = manifest.failure(content, fingerprint) is not None
        manifest.record_failure(content, fingerprint, result)
        if again:
            result = replace(result, reason=f"{STILL_FAILING}: {result.reason}")
    return result


@dataclass(frozen=True, slots=True)
class _Deferred:
    """Another batch holds this file's claim: who (for the message)."""

    holder: str


CLAIM_POLL = 1.0  # seconds between looks at claims another batch holds


def _when_free(
    waiting: list[tuple[BatchItem, str]], manifest: Manifest, fingerprint: str
) -> list[tuple[BatchItem, str]]:
    """Block until at least one of ``waiting`` is no longer held by another live batch."""
    while waiting and all(manifest.held_elsewhere(c, fingerprint) for _, c in waiting):
        time.sleep(CLAIM_POLL)
    return waiting


Gate = Callable[[BatchItem, str], "ItemResult | _Deferred | None"]
Runs = Iterator[tuple[BatchItem, str, "ItemResult | _Deferred"]]


def _run_in_order(
    pending: list[tuple[BatchItem, str]], model: Transcriber, settings: Settings, emit: Event,
    durations: dict[Path, float], _workers: int, gate: Gate,
) -> Runs:  # fmt: skip
    """One file at a time, decoding the next file's audio while this one transcribes."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gz-extract") as prefetch:
        upcoming: Future[np.ndarray | None] | None = prefetch.submit(_load_audio, pending[0][0].source)
        for index, (item, content) in enumerate(pending):
            current, upcoming = upcoming, None
            settled = gate(item, content)
            if index + 1 < len(pending):
                upcoming = prefetch.submit(_load_audio, pending[index + 1][0].source)
            if settled is not None:
                if current is not None:
                    current.cancel()
                yield item, content, settled
                continue
            emit("start", {"source": item.source, "audio_seconds": durations[item.source]})
            try:
                yield item, content, run_item(item, model, settings, emit, current)
            except BaseException:
                if upcoming is not None:
                    upcoming.cancel()
                raise


class _Cancelled(BaseException):
    """Raised inside a job's progress callback to abandon its file when the batch is stopped."""


def _run_parallel(
    pending: list[tuple[BatchItem, str]], model: Transcriber, settings: Settings, emit: Event,
    durations: dict[Path, float], workers: int, gate: Gate,
) -> Runs:  # fmt: skip
    """``--jobs N``: N files at once on one loaded model (CTranslate2 runs them concurrently).

    Threads cannot be killed, so on Ctrl-C every running job is told to stop at its next
    progress report, before it writes anything; the batch then ends as promptly as one decode step.
    """
    stop = threading.Event()

    def checked(name: str, data: dict[str, Any]) -> None:
        if stop.is_set():
            raise _Cancelled
        emit(name, data)

    def task(item: BatchItem, content: str) -> ItemResult | _Deferred | None:
        try:
            if stop.is_set():
                return None
            settled = gate(item, content)
            if settled is not None:
                return settled
            checked("start", {"source": item.source, "audio_seconds": durations[item.source]})
            return run_item(item, model, settings, checked, None)
        except _Cancelled:
            return None

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gz-job") as pool:
        futures = {pool.submit(task, item, content): (item, content) for item, content in pending}
        try:
            for future in as_completed(futures):
                item, content = futures[future]
                result = future.result()
                if result is not None:
                    yield item, content, result
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            raise


def run_item(
    item: BatchItem, model: Transcriber, settings: Settings, emit: Event,
    audio: Future[np.ndarray | None] | None,
) -> ItemResult:  # fmt: skip
    """Never raises for a bad file: the failure becomes the item's result."""
    started = time.perf_counter()
    try:
        samples = audio.result() if audio is not None else _load_audio(item.source)
        return _transcribe_item(item, model, settings, samples, emit)
    except GzError as exc:
        return failed_result(item, exc, started)
    except Exception as exc:
        return failed_result(item, GzError(f"{item.source}: unexpected error: {exc!r}"), started)


def _load_audio(path: Path) -> np.ndarray | None:
    """The whole file's samples, or None for a long file (streamed in chunks when its turn comes)."""
    info = probe(path)  # its messages say what is wrong with a file better than ffmpeg's last line
    return None if streams(info) else extract_audio(path)


def _transcribe_item(
    item: BatchItem, model: Transcriber, settings: Settings, audio: np.ndarray | None, emit: Event
) -> ItemResult:
    started = time.perf_counter()
    outputs = _single_file_outputs(item, settings)
    result = transcribe_file(
        item.source,
        model,
        decode=settings.decode,
        outputs=outputs,
        text=settings.text,
        audio=audio,
        targets=item.outputs,
        on_progress=lambda done, total: emit(
            "progress", {"source": item.source, "done": done, "total": total}
        ),
        on_stage=lambda name: emit("phase", {"source": item.source, "phase": name}),
    )
    return ItemResult(
        source=item.source,
        status="done",
        outputs=result.outputs,
        audio_seconds=result.transcript.duration,
        wall_seconds=time.perf_counter() - started,
        warnings=result.warnings,
    )


def _single_file_outputs(item: BatchItem, settings: Settings) -> Any:
    folder = next(iter(item.outputs.values())).parent
    return replace(settings.outputs, output_dir=folder)


def _skipped(
    item: BatchItem, reused: tuple[list[Path], Path], manifest: Manifest, content: str,
    fingerprint: str, started: float,
) -> ItemResult:  # fmt: skip
    """Done before with these settings: under this name, or as a copy or a renamed file.

    Outputs made for another path are copied to this file's names; the JSON copy names this
    file as its ``source``. Every path is recorded in the manifest.
    """
    outputs_before, made_for = reused
    by_suffix = {p.suffix.lstrip("."): p for p in outputs_before}
    outputs = []
    for fmt, target in item.outputs.items():
        old = by_suffix.get(fmt)
        if old is not None and old != target and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            text = old.read_text(encoding="utf-8")
            if fmt == "json":
                text = _with_source(text, item.source.name)
            write_files({target: text})
        outputs.append(target)
    if made_for != item.source or [str(p) for p in outputs] != [str(p) for p in outputs_before]:
        manifest.record(content, fingerprint, item.source, outputs)
    return ItemResult(
        source=item.source,
        status="skipped",
        outputs=tuple(outputs),
        reason="already done with these settings",
        wall_seconds=time.perf_counter() - started,
    )


def _with_source(text: str, name: str) -> str:
    """A JSON transcript's text with ``source`` set to ``name`` (everything else as it was)."""
    from .formats import jsonfile

    transcript = jsonfile.read_transcript(text)
    return jsonfile.render_transcript(replace(transcript, source=name))


def failed_result(item: BatchItem, error: GzError, started: float) -> ItemResult:
    return ItemResult(
        source=item.source,
        status="failed",
        reason=str(error),
        exit_code=error.exit_code,
        wall_seconds=time.perf_counter() - started,
    )


def emit_result(emit: Event, result: ItemResult) -> ItemResult:
    emit("result", {"result": result})
    return result


def _duration_or_zero(path: Path) -> float:
    try:
        return probe(path).duration
    except GzError:
        return 0.0


def run_batch(
    folder: Path,
    settings: Settings,
    *,
    recursive: bool = False,
    pattern: str | None = None,
    force: bool = False,
    skip_failed: bool = False,
    jobs: int = 1,
    on_event: Event | None = None,
) -> BatchSummary:
    """Process a whole folder and write ``batch-report.json``; the CLI's ``batch`` command."""
    return summarize(
        folder,
        settings,
        lambda listen: process_folder(
            folder, settings, recursive=recursive, pattern=pattern, force=force,
            skip_failed=skip_failed, jobs=jobs, on_event=listen,
        ),
        on_event,
    )  # fmt: skip


def summarize(
    folder: Path,
    settings: Settings,
    produce: Callable[[Event], Iterable[ItemResult]],
    on_event: Event | None = None,
    order: Callable[[ItemResult], Any] | None = None,
) -> BatchSummary:
    """Collect a batch's results and always write ``batch-report.json``, even when interrupted.

    Shared by the local batch and the cluster batch so both report identically; ``order`` lets a
    runner whose results arrive out of order restore the local batch's order in the report.
    """
    report_root = settings.outputs.output_dir or folder

    def report(summary: BatchSummary, started_at: float) -> None:
        if report_root.is_dir():
            write_report(report_root / REPORT_NAME, summary, started_at)

    return collect(produce, on_event, order=order, finish=report)


def collect(
    produce: Callable[[Event], Iterable[ItemResult]],
    on_event: Event | None = None,
    *,
    order: Callable[[ItemResult], Any] | None = None,
    finish: Callable[[BatchSummary, float], None] | None = None,
) -> BatchSummary:
    """Run ``produce(listen)`` into a summary; ``finish(summary, started_at)`` runs however it
    ends (a report is written after Ctrl-C too). Batches of media and of caption files share it."""
    started, started_at = time.perf_counter(), time.time()
    summary = BatchSummary()
    events = on_event or (lambda _n, _d: None)

    def listen(name: str, data: dict[str, Any]) -> None:
        if name == "ignored":
            summary.ignored = list(data["paths"])
        events(name, data)

    try:
        for result in produce(listen):
            summary.results.append(result)
    finally:
        summary.wall_seconds = time.perf_counter() - started
        if order is not None:
            summary.results.sort(key=order)
        if finish is not None:
            finish(summary, started_at)
    return summary


def _report(summary: BatchSummary, started_at: float | None) -> dict[str, Any]:
    finished_at = time.time()
    return {
        **summary.to_dict(),
        "started_at": round(started_at if started_at is not None else finished_at, 3),
        "finished_at": round(finished_at, 3),
        "batches": 1,
    }


def report_text(summary: BatchSummary, started_at: float | None = None) -> str:
    """The report of one run as JSON text (``batch-report.json``, ``import-report.json``)."""
    return json.dumps(_report(summary, started_at), indent=1) + "\n"


def write_report(path: Path, summary: BatchSummary, started_at: float) -> None:
    """Write the report; merged with the one there when that batch finished while this one ran.

    Two batches on one folder then leave one report listing both batches' files (a file both
    met shows its best outcome: done, then failed, then skipped), not only the last one's.
    """
    ours = _report(summary, started_at)
    with Manifest(path.with_name(MANIFEST_NAME)).locked():
        try:
            theirs = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            theirs = None
        if isinstance(theirs, dict) and float(theirs.get("finished_at", 0) or 0) >= started_at:
            ours = _merged_reports(theirs, ours)
        write_files({path: json.dumps(ours, indent=1) + "\n"}, backup=False)


_OUTCOME_RANK = {"done": 2, "failed": 1, "skipped": 0}


def _merged_reports(theirs: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    files: dict[str, dict[str, Any]] = {
        str(f["source"]): f for f in theirs.get("files", []) if isinstance(f, dict) and "source" in f
    }
    for entry in ours["files"]:
        old = files.get(entry["source"])
        if old is None or _OUTCOME_RANK.get(entry["status"], 0) >= _OUTCOME_RANK.get(
            old.get("status"), 0
        ):
            files[entry["source"]] = entry
    merged = list(files.values())
    started_at = min(float(theirs.get("started_at", ours["started_at"])), ours["started_at"])
    wall = max(ours["finished_at"] - started_at, 1e-9)
    audio = sum(float(f.get("audio_seconds", 0)) for f in merged if f.get("status") == "done")
    return {
        **{status: sum(1 for f in merged if f.get("status") == status) for status in _OUTCOME_RANK},
        "ignored": sorted(set(map(str, theirs.get("ignored", []))) | set(ours["ignored"])),
        "audio_seconds": round(audio, 3),
        "wall_seconds": round(wall, 3),
        "speed": round(audio / wall, 3),
        "files": merged,
        "started_at": round(started_at, 3),
        "finished_at": ours["finished_at"],
        "batches": int(theirs.get("batches", 1) or 1) + 1,
    }
