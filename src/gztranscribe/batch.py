"""A folder of uploads: discovery, skip-done, failure isolation, and a summary.

``process_folder`` is the library call (a site's import job can drive it) and yields one
``ItemResult`` per input as it finishes. It loads the model once, decodes the next file's audio
while the current one is transcribed, skips files already done with the same settings (keyed by
content hash + settings fingerprint, so a renamed file is not redone but a changed setting is),
and records every failure without stopping. The manifest is rewritten atomically after every file,
so an interrupted batch resumes where it stopped.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .errors import GzError, InputError
from .formats import WRITERS
from .media import extract_audio, probe
from .output import prepare_output_dir, write_files
from .paths import is_broken_link, unusable_path
from .pipeline import transcribe_file
from .settings import Settings
from .transcribe import Transcriber

MANIFEST_NAME = ".gztranscribe-manifest.json"
REPORT_NAME = "batch-report.json"
MEDIA_SUFFIXES = {
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".ts", ".mts", ".flv", ".wmv",
    ".mp3", ".m4a", ".aac", ".wav", ".flac", ".ogg", ".oga", ".opus", ".wma", ".aif", ".aiff", ".amr",
}  # fmt: skip
OWN_FILES = {MANIFEST_NAME, REPORT_NAME, "gztranscribe.toml"}
OUTPUT_SUFFIXES = {f".{fmt}" for fmt in WRITERS}


@dataclass(frozen=True, slots=True)
class BatchItem:
    source: Path
    outputs: dict[str, Path]


@dataclass(frozen=True, slots=True)
class ItemResult:
    source: Path
    status: str  # "done" | "skipped" | "failed"
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


# --------------------------------------------------------------------------- manifest
class Manifest:
    """What has been done: content hash -> settings fingerprint -> outputs. Rewritten atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = {"version": 1, "files": {}, "hashes": {}}
        if path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict) and loaded.get("version") == 1:
                    self.data = loaded
            except (OSError, ValueError):
                pass  # a damaged manifest only costs redoing work, never wrong skips

    def content_hash(self, path: Path) -> str:
        """BLAKE2b of the bytes, cached by (path, size, mtime) so a rerun does not reread videos."""
        stat = path.stat()
        key = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        cached = self.data["hashes"].get(key)
        if cached:
            return str(cached)
        digest = hashlib.blake2b(digest_size=16)
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        value = digest.hexdigest()
        self.data["hashes"][key] = value
        return value

    def done_outputs(self, content: str, fingerprint: str) -> list[Path] | None:
        entry = self.data["files"].get(f"{content}:{fingerprint}")
        if not entry:
            return None
        outputs = [Path(p) for p in entry["outputs"]]
        return outputs if all(p.is_file() for p in outputs) else None

    def record(self, content: str, fingerprint: str, source: Path, outputs: list[Path]) -> None:
        self.data["files"][f"{content}:{fingerprint}"] = {
            "source": str(source),
            "outputs": [str(p) for p in outputs],
            "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_files({self.path: json.dumps(self.data, indent=1, sort_keys=True) + "\n"})


# --------------------------------------------------------------------------- processing
Event = Callable[[str, dict[str, Any]], None]


def process_folder(
    folder: Path,
    settings: Settings,
    *,
    recursive: bool = False,
    pattern: str | None = None,
    force: bool = False,
    transcriber: Transcriber | None = None,
    jobs: int = 1,
    on_event: Event | None = None,
) -> Iterator[ItemResult]:
    """Yield one result per media file in ``folder``; never raises for a single bad file.

    ``on_event(name, data)`` reports progress: "plan" (files, total audio seconds), "start"
    (source), "progress" (source, done, total seconds), "result" (the ItemResult).
    """
    emit = on_event or (lambda _name, _data: None)
    sources, ignored = discover(folder, recursive=recursive, pattern=pattern)
    emit("ignored", {"paths": ignored})
    items = plan(folder, sources, settings)
    out_root = settings.outputs.output_dir or folder
    prepare_output_dir(out_root)
    manifest = Manifest(out_root / MANIFEST_NAME)
    fingerprint = settings.fingerprint()
    durations = {item.source: _duration_or_zero(item.source) for item in items}
    emit("plan", {"files": len(items), "audio_seconds": sum(durations.values())})

    pending: list[tuple[BatchItem, str]] = []
    for item in items:
        started = time.perf_counter()
        try:
            content = manifest.content_hash(item.source)
        except OSError as exc:
            yield _emit(emit, _failed(item, unusable_path(item.source, exc), started))
            continue
        reused = None if force else manifest.done_outputs(content, fingerprint)
        if reused is not None:
            yield _emit(emit, _skipped(item, reused, manifest, content, fingerprint, started))
            continue
        pending.append((item, content))

    if not pending:
        return
    workers = max(1, jobs)
    model = transcriber or Transcriber.load(replace(settings.model, workers=workers))
    runs = _run_parallel if workers > 1 else _run_in_order
    for item, content, result in runs(pending, model, settings, emit, durations, workers):
        if result.status == "done":
            manifest.record(content, fingerprint, item.source, list(result.outputs))
        yield _emit(emit, result)


Runs = Iterator[tuple[BatchItem, str, ItemResult]]


def _run_in_order(
    pending: list[tuple[BatchItem, str]], model: Transcriber, settings: Settings, emit: Event,
    durations: dict[Path, float], _workers: int,
) -> Runs:  # fmt: skip
    """One file at a time, decoding the next file's audio while this one transcribes."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gz-extract") as prefetch:
        upcoming: Future[np.ndarray] | None = prefetch.submit(_load_audio, pending[0][0].source)
        for index, (item, content) in enumerate(pending):
            current, upcoming = upcoming, None
            if index + 1 < len(pending):
                upcoming = prefetch.submit(_load_audio, pending[index + 1][0].source)
            emit("start", {"source": item.source, "audio_seconds": durations[item.source]})
            try:
                yield item, content, _run_one(item, model, settings, emit, current)
            except BaseException:
                if upcoming is not None:
                    upcoming.cancel()
                raise


class _Cancelled(BaseException):
    """Raised inside a job's progress callback to abandon its file when the batch is stopped."""


def _run_parallel(
    pending: list[tuple[BatchItem, str]], model: Transcriber, settings: Settings, emit: Event,
    durations: dict[Path, float], workers: int,
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

    def task(item: BatchItem) -> ItemResult | None:
        try:
            checked("start", {"source": item.source, "audio_seconds": durations[item.source]})
            return _run_one(item, model, settings, checked, None)
        except _Cancelled:
            return None

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gz-job") as pool:
        futures = {pool.submit(task, item): (item, content) for item, content in pending}
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


def _run_one(
    item: BatchItem, model: Transcriber, settings: Settings, emit: Event,
    audio: Future[np.ndarray] | None,
) -> ItemResult:  # fmt: skip
    """Never raises for a bad file: the failure becomes the item's result."""
    started = time.perf_counter()
    try:
        samples = audio.result() if audio is not None else _load_audio(item.source)
        return _transcribe_item(item, model, settings, samples, emit)
    except GzError as exc:
        return _failed(item, exc, started)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the batch
        return _failed(item, GzError(f"{item.source}: unexpected error: {exc!r}"), started)


def _load_audio(path: Path) -> np.ndarray:
    probe(path)  # its messages say what is wrong with a file better than ffmpeg's last line
    return extract_audio(path)


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
    item: BatchItem, reused: list[Path], manifest: Manifest, content: str, fingerprint: str, started: float
) -> ItemResult:
    """Done before with these settings; a renamed or moved file gets copies under its new name."""
    by_suffix = {p.suffix.lstrip("."): p for p in reused}
    outputs = []
    for fmt, target in item.outputs.items():
        old = by_suffix.get(fmt)
        if old is not None and old != target and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.gztmp")
            shutil.copyfile(old, tmp)
            os.replace(tmp, target)
        outputs.append(target)
    if [str(p) for p in outputs] != [str(p) for p in reused]:
        manifest.record(content, fingerprint, item.source, outputs)
    return ItemResult(
        source=item.source,
        status="skipped",
        outputs=tuple(outputs),
        reason="already done with these settings",
        wall_seconds=time.perf_counter() - started,
    )


def _failed(item: BatchItem, error: GzError, started: float) -> ItemResult:
    return ItemResult(
        source=item.source,
        status="failed",
        reason=str(error),
        exit_code=error.exit_code,
        wall_seconds=time.perf_counter() - started,
    )


def _emit(emit: Event, result: ItemResult) -> ItemResult:
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
    jobs: int = 1,
    on_event: Event | None = None,
) -> BatchSummary:
    """Process a whole folder and write ``batch-report.json``; the CLI's ``batch`` command."""
    return summarize(
        folder,
        settings,
        lambda listen: process_folder(
            folder, settings, recursive=recursive, pattern=pattern, force=force, jobs=jobs,
            on_event=listen,
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
    """Collect results into a summary and always write the report, even when interrupted.

    Shared by the local batch and the cluster batch so both report identically; ``order`` lets a
    runner whose results arrive out of order restore the local batch's order in the report.
    """
    started = time.perf_counter()
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
        report_root = settings.outputs.output_dir or folder
        if report_root.is_dir():
            write_files({report_root / REPORT_NAME: report_text(summary)})
    return summary


def report_text(summary: BatchSummary) -> str:
    """``batch-report.json``'s text."""
    return json.dumps(summary.to_dict(), indent=1) + "\n"
