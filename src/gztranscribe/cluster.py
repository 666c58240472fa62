"""The same folder batch on a Dask cluster, for archive backfills (optional extra ``cluster``).

``run_batch_on_cluster`` is ``batch.run_batch`` with the files spread over Dask (``distributed``)
workers: a running cluster (``cluster="tcp://scheduler:8786"``) or a local one started for the
run (``workers=N`` processes). It returns the same ``BatchSummary``, writes the same
``batch-report.json`` and manifest, and reports the same events, so producers and the CLI see
no difference but speed.

How the work is split:

- **The client decides what to do.** Discovery, planning, content hashes, the skip-done manifest
  and the report stay in this process and reuse ``batch`` (``discover``, ``plan``, ``Manifest``,
  ``Settings.fingerprint``), so a cluster run and a local run skip each other's finished files.
- **Dask does the scheduling.** One task per pending file, submitted in one ``client.map`` (so
  the scheduler queues them and a worker holds only the files it runs), longest files first so
  the batch does not end with one worker alone on a long file. There is no queue or worker
  protocol of ours: a killed worker's file is rescheduled by Dask, and a file that kills
  ``allowed-failures + 1`` workers comes back as ``KilledWorker``, which we record as that file's
  failure ("crashed 3 Dask workers ...") instead of retrying it forever.
- **Each worker loads the model once** (a per-process cache keyed by ``ModelOptions``, filled up
  front on every worker by ``Client.run`` so a bad model name fails the batch at once, exit 5,
  as it does locally) and runs the local batch's own per-file code (``batch.run_item``: probe,
  extract, ``pipeline.transcribe_file``, atomic writes). A bad file is a *failed result*, not an
  exception, so only a dead worker is an exception on the client. The files running at once on
  one machine share its cores (``--threads`` overrides).
- **Progress** comes from the workers as Dask events ("start", throttled "progress"); Dask's
  threads only post to an inbox, and the calling thread reports everything, so ``on_event`` is
  called as in a local batch and never on Dask's event loop.

Paths: every worker reads the inputs and writes the outputs at the paths the client sees (made
absolute), so the folder must be mounted at the same path everywhere; the client checks that
each worker can see it before submitting anything.

``dask[distributed]`` is imported only when a cluster is asked for; without it the call fails
with a ``UsageError`` telling the user to ``pip install "gztranscribe[cluster]"``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from . import __version__, batch
from .batch import BatchItem, BatchSummary, Event, ItemResult, summarize
from .errors import ExitCode, GzError, UsageError
from .output import TEMP_SUFFIX
from .settings import Settings
from .transcribe import ModelOptions, Transcriber

if TYPE_CHECKING:
    from distributed import Client, Future, Worker

INSTALL_HINT = 'pip install "gztranscribe[cluster]"'
# A local cluster's scheduler: a file gets 3 workers before it is called a crasher, and a worker
# holds only the files it is running (Dask's default queues one more on it, and a file merely
# queued on a worker that dies counts as a suspect too, so a neighbour of a crasher could be failed).
LOCAL_SCHEDULER_CONFIG = {
    "distributed.scheduler.allowed-failures": 2,
    "distributed.scheduler.worker-saturation": 1.0,
}
# Dask starts worker processes with MALLOC_TRIM_THRESHOLD_=65536 and MKL_NUM_THREADS=1 (to hand
# freed memory back to the OS, and so numpy in N threads does not oversubscribe). Both cost us:
# the first fixes glibc's mmap threshold, so every large buffer CTranslate2 frees is unmapped and
# faulted in again (3x the page faults: files take 35% longer), the second caps CTranslate2's own
# MKL at one thread whatever `threads` says (a 2-thread model 25% slower). Newer Dask also sets
# OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1: single-thread OpenBLAS sums the log-mel matrix
# product in another order, so a worker's features differ in the last bits from a local run and
# its word probabilities and times with them (outputs no longer byte-identical). Local workers
# start with none of these; the README ("An archive on a Dask cluster") gives the same as a Dask
# config file for a cluster's workers.
LOCAL_WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.nanny.pre-spawn-environ.MKL_NUM_THREADS": None,
    "distributed.nanny.pre-spawn-environ.OMP_NUM_THREADS": None,
    "distributed.nanny.pre-spawn-environ.OPENBLAS_NUM_THREADS": None,
}
CONNECT_TIMEOUT = "10s"
WORKERS_TIMEOUT = 60.0  # seconds to wait for a running scheduler to have at least one worker
PROGRESS_EVERY = 1.0  # seconds between progress events from one file
MAX_MODELS = 2  # models kept per worker process (a long-lived cluster may serve two settings)


class ClusterError(UsageError):
    """The cluster cannot be used: unreachable, no workers, paths it cannot see (exit code 2)."""


# --------------------------------------------------------------------------- the batch call
def run_batch_on_cluster(
    folder: Path,
    settings: Settings,
    *,
    recursive: bool = False,
    pattern: str | None = None,
    force: bool = False,
    skip_failed: bool = False,
    jobs: int = 1,
    on_event: Event | None = None,
    cluster: str | None = None,
    workers: int | None = None,
) -> BatchSummary:
    """``batch.run_batch`` on Dask: process a whole folder and write ``batch-report.json``.

    ``cluster`` is a running scheduler's address (``tcp://host:8786``); ``workers`` starts a
    local cluster of that many worker processes for this run instead (neither: one per core).
    ``jobs`` is files at once per local worker (a running cluster's workers decide that with
    ``dask worker --nthreads``). Everything else is exactly ``run_batch``'s.
    """
    positions: dict[int, tuple[int, int]] = {}

    def produce(listen: Event) -> Iterator[ItemResult]:
        for position, result in _positioned_results(
            folder, settings, recursive, pattern, (force, skip_failed), jobs, listen, cluster,
            workers,
        ):
            positions[id(result)] = position
            yield result

    # The local batch's order: files settled before any transcription (skipped, unreadable),
    # then the transcribed ones in folder order, whichever worker finished first.
    return summarize(folder, settings, produce, on_event, order=lambda r: positions[id(r)])


def process_folder_on_cluster(
    folder: Path,
    settings: Settings,
    *,
    recursive: bool = False,
    pattern: str | None = None,
    force: bool = False,
    skip_failed: bool = False,
    jobs: int = 1,
    on_event: Event | None = None,
    cluster: str | None = None,
    workers: int | None = None,
) -> Iterator[ItemResult]:
    """``batch.process_folder`` on Dask: yield one result per media file as it finishes.

    Events are the local batch's: "ignored", "plan", "start" and "progress" (from the workers),
    "result"; plus "cluster" (address, workers) once the cluster is ready.
    """
    for _, result in _positioned_results(
        folder, settings, recursive, pattern, (force, skip_failed), jobs, on_event, cluster,
        workers,
    ):
        yield result


def _positioned_results(
    folder: Path, settings: Settings, recursive: bool, pattern: str | None,
    redo: tuple[bool, bool], jobs: int, on_event: Event | None, cluster: str | None,
    workers: int | None,
) -> Iterator[tuple[tuple[int, int], ItemResult]]:  # fmt: skip
    """The results, each with its place in a local batch's report: (phase, index in the plan).

    ``redo`` is ``(force, skip_failed)``, as ``batch.process_folder`` takes them.
    """
    if cluster is not None and workers is not None:
        raise UsageError(
            "give either --cluster ADDRESS (a running Dask cluster) or --workers N (a local one), "
            "not both"
        )
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1, not {workers}")
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    if cluster is not None and jobs > 1:
        raise UsageError(
            "--jobs applies to a local batch or --workers; a running cluster's workers run as "
            "many files at once as they have threads (`dask worker --nthreads N`)"
        )
    dist = import_distributed()
    emit = on_event or (lambda _name, _data: None)
    connection = _Connection(dist, cluster, workers, jobs)
    try:
        if cluster is not None:
            connection.open()  # a mistyped address fails before hours of hashing, not after
        yield from _process(dist, connection, folder, settings, recursive, pattern, redo, emit)
    finally:
        connection.close()


def import_distributed() -> ModuleType:
    """``distributed``, or a UsageError saying how to install it (it is an optional extra)."""
    try:
        import distributed
    except ImportError as exc:
        raise UsageError(
            f"running a batch on a Dask cluster needs Dask, which is not installed ({exc}); "
            f"install it with: {INSTALL_HINT}"
        ) from None
    return distributed


def start_local_cluster(workers: int, jobs: int = 1, **config: Any) -> Any:
    """The ``LocalCluster`` that ``workers=N`` runs on: N processes of ``jobs`` threads each.

    ``config`` overrides ``LOCAL_SCHEDULER_CONFIG`` (keys without the ``distributed.scheduler.``
    prefix, ``-`` as ``_``: ``allowed_failures=1``). No dashboard; the scheduler's small HTTP
    server takes a free local port, so two batches on one machine never collide.
    """
    import logging

    import dask

    dist = import_distributed()
    settings: dict[str, Any] = dict(LOCAL_SCHEDULER_CONFIG)
    for name, value in config.items():
        settings[f"distributed.scheduler.{name.replace('_', '-')}"] = value
    settings.update(LOCAL_WORKER_CONFIG)
    with dask.config.set(settings):
        return dist.LocalCluster(
            n_workers=workers,
            threads_per_worker=jobs,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )


# --------------------------------------------------------------------------- client side
class _Connection:
    """A Client to a running scheduler, or to a LocalCluster started (lazily) for this run."""

    def __init__(self, dist: ModuleType, address: str | None, workers: int | None, jobs: int):
        self.dist = dist
        self.address = address
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self.jobs = jobs
        self.client: Client | None = None
        self.local: Any = None

    def open(self) -> Client:
        if self.client is not None:
            return self.client
        if self.address is not None:
            try:
                self.client = self.dist.Client(
                    self.address, timeout=CONNECT_TIMEOUT, set_as_default=False
                )
            except (OSError, TimeoutError, ValueError) as exc:
                raise ClusterError(
                    f"cannot reach the Dask scheduler at {self.address} ({exc}); start one with "
                    "`dask scheduler` and workers with `dask worker ADDRESS`, or check the address"
                ) from None
            try:
                self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
            except TimeoutError:
                raise ClusterError(
                    f"no Dask workers joined the scheduler at {self.address} within "
                    f"{WORKERS_TIMEOUT:.0f} s; start some with `dask worker {self.address}`"
                ) from None
        else:
            self.local = start_local_cluster(self.workers, self.jobs)
            self.client = self.dist.Client(self.local, set_as_default=False)
        return self.client

    @property
    def is_local(self) -> bool:
        return self.address is None

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.local is not None:
            self.local.close()
        self.client = self.local = None


def _process(
    dist: ModuleType, connection: _Connection, folder: Path, settings: Settings, recursive: bool,
    pattern: str | None, redo: tuple[bool, bool], emit: Event,
) -> Iterator[tuple[tuple[int, int], ItemResult]]:  # fmt: skip
    force, skip_failed = redo
    # ---- the same planning and skip-done as batch.process_folder, on this machine
    planned = batch.plan_folder(folder, settings, recursive=recursive, pattern=pattern, on_event=emit)
    manifest, fingerprint, durations = planned.manifest, planned.fingerprint, planned.durations
    out_root = settings.outputs.output_dir or folder
    pending: list[tuple[BatchItem, str]] = []
    places: list[int] = []  # each pending item's index in the plan
    for place, item, content, earlier in batch.sort_out(planned, force=force, skip_failed=skip_failed):
        if earlier is not None:
            yield (0, place), batch.emit_result(emit, earlier)
        else:
            pending.append((item, content))
            places.append(place)
    if not pending:
        return  # nothing to transcribe: no local cluster is started

    # ---- the cluster does the files
    client = connection.open()
    work = _worker_settings(settings)
    remote = [_absolute(item) for item, _ in pending]
    host_threads = _host_threads(client)
    _prepare_workers(client, folder, out_root, work, host_threads)
    emit("cluster", {"address": client.scheduler.address, "workers": _worker_count(client)})

    # Dask calls back on its own threads; they only post to this inbox, and this thread reports
    # everything (so the caller's on_event never runs on Dask's event loop, nor two at a time).
    inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    topic = f"gztranscribe-progress-{uuid.uuid4().hex[:12]}"
    client.subscribe_topic(topic, lambda event: inbox.put(("event", event[1])))
    futures: dict[Future, int] = {}
    finished: set[int] = set()
    try:
        # Longest first: with many workers, the batch then ends with short files on every worker
        # instead of one long file on one worker. One map call, so Dask sees the whole group at
        # once and queues it on the scheduler (a worker then holds only the files it is running:
        # a crash makes no innocent neighbour a suspect).
        order = sorted(range(len(pending)), key=lambda i: -durations[pending[i][0].source])
        token = uuid.uuid4().hex[:8]
        submitted = client.map(
            transcribe_on_worker,
            [remote[index] for index in order],
            order,
            key=[f"transcribe-{token}-{i}-{pending[i][0].source.name}" for i in order],
            pure=False,
            retries=1,  # an exception that escaped the task (never a bad file: that is data)
            settings=work,
            host_threads=host_threads,
            topic=topic,
        )
        for index, future in zip(order, submitted, strict=True):
            futures[future] = index
            future.add_done_callback(lambda done: inbox.put(("done", done)))
        while futures:
            try:
                kind, payload = inbox.get(timeout=1.0)  # a timeout keeps Ctrl-C responsive
            except queue.Empty:
                continue
            if kind == "event":
                index = int(payload.get("item", -1))
                if 0 <= index < len(pending) and index not in finished:  # else: late news
                    _emit_worker_event(emit, payload, pending[index][0].source, durations)
                continue
            index = futures.pop(payload, -1)
            if index < 0:
                continue
            finished.add(index)
            item, content = pending[index]
            result = _collect(dist, payload, item, remote[index], connection)
            payload.release()
            result = batch.settle(manifest, content, fingerprint, result)
            yield (1, places[index]), batch.emit_result(emit, result)
    finally:
        with contextlib.suppress(Exception):  # the connection may already be gone
            if futures:  # interrupted: stop what has not started; started files write atomically
                client.cancel(list(futures), force=True)
        with contextlib.suppress(Exception):
            client.unsubscribe_topic(topic)
        if futures and connection.is_local:
            connection.close()  # kill the local workers before sweeping their temporary files
        _sweep_temporaries(remote)


def _emit_worker_event(
    emit: Event, msg: dict[str, Any], source: Path, durations: dict[Path, float]
) -> None:
    if msg.get("event") == "start":
        emit("start", {"source": source, "audio_seconds": durations[source]})
    elif msg.get("event") == "phase":
        emit("phase", {"source": source, "phase": msg["phase"]})
    elif msg.get("event") == "progress":
        emit("progress", {"source": source, "done": msg["done"], "total": msg["total"]})


def _collect(
    dist: ModuleType, future: Future, item: BatchItem, remote: BatchItem, connection: _Connection
) -> ItemResult:
    """The worker's result in the client's terms (its paths), or a failure for a crashed file."""
    started = time.perf_counter()
    if future.cancelled():
        where = connection.address or "the local cluster"
        raise ClusterError(
            f"lost the Dask cluster ({where}) while transcribing {item.source}; run the same "
            "command again to resume: finished files are kept and skipped"
        )
    try:
        # Waits if the result was lost with its worker after finishing: Dask recomputes it.
        return _as_client_result(future.result(), item, remote)
    except dist.KilledWorker as error:
        crashed = error.allowed_failures + 1
        last = getattr(error.last_worker, "address", error.last_worker)
        reason = (
            f"{item.source}: crashed {crashed} Dask workers (each died while transcribing it, the "
            f"last was {last}); not retried again. Check the worker logs: out of memory?"
        )
    except Exception as error:
        reason = f"{item.source}: failed on the cluster: {error!r}"
    return ItemResult(
        source=item.source,
        status="failed",
        reason=reason,
        exit_code=ExitCode.INTERNAL,
        wall_seconds=time.perf_counter() - started,
    )


def _as_client_result(result: ItemResult, item: BatchItem, remote: BatchItem) -> ItemResult:
    """Workers see absolute paths; the report shows the paths the user gave, as locally."""
    back = {remote.outputs[fmt]: path for fmt, path in item.outputs.items()}
    here, there = str(item.source), str(remote.source)
    return replace(
        result,
        source=item.source,
        outputs=tuple(back.get(path, path) for path in result.outputs),
        reason=result.reason.replace(there, here) if here != there else result.reason,
    )


def _absolute(item: BatchItem) -> BatchItem:
    return BatchItem(
        source=item.source.absolute(),
        outputs={fmt: path.absolute() for fmt, path in item.outputs.items()},
    )


def _worker_settings(settings: Settings) -> Settings:
    """Settings as a worker must see them: every path absolute (its working folder is not ours)."""
    model = settings.model
    if model.model and Path(model.model).exists():  # a model folder: workers load it by path
        model = replace(model, model=str(Path(model.model).absolute()))
    glossary = settings.text.glossary_path
    text = replace(settings.text, glossary_path=glossary.absolute()) if glossary else settings.text
    output_dir = settings.outputs.output_dir
    outputs = replace(settings.outputs, output_dir=output_dir.absolute() if output_dir else None)
    return replace(settings, model=model, text=text, outputs=outputs)


def _host_threads(client: Client) -> dict[str, int]:
    """Dask threads per machine: the files that may run at once on it, sharing its cores."""
    try:
        workers = client.scheduler_info(n_workers=-1).get("workers", {})
    except TypeError:  # distributed before 2025 has no n_workers and returns every worker
        workers = client.scheduler_info().get("workers", {})
    from distributed.comm import get_address_host

    threads: dict[str, int] = {}
    for address, info in workers.items():
        host = get_address_host(address)
        threads[host] = threads.get(host, 0) + int(info.get("nthreads", 1))
    return threads


def _prepare_workers(
    client: Client, folder: Path, out_root: Path, settings: Settings, host_threads: dict[str, int]
) -> None:
    """Check every worker sees our paths and runs our version; load the model on each, once."""
    paths = [str(folder.absolute()), str(out_root.absolute())]
    if settings.text.glossary_path is not None:
        paths.append(str(settings.text.glossary_path))
    try:
        reports = client.run(prepare_worker, paths, settings.model, host_threads)
    except GzError:
        raise  # a model that cannot be loaded: the same error (and exit code 5) as a local batch
    except Exception as exc:
        raise ClusterError(
            f"the Dask workers cannot run gztranscribe ({exc!r}); install the same gztranscribe "
            f"on every worker: {INSTALL_HINT}"
        ) from None
    for address, report in sorted(reports.items()):
        if report["version"] != __version__:
            raise ClusterError(
                f"Dask worker {address} runs gztranscribe {report['version']}, this machine "
                f"{__version__}; install the same version on every worker"
            )
        if report["missing"]:
            raise ClusterError(
                f"Dask worker {address} cannot see {', '.join(report['missing'])}; every worker "
                "must see the inputs and outputs at the same path as this machine (a shared mount)"
            )


def _worker_count(client: Client) -> int:
    return len(client.scheduler_info().get("workers", {}))


def _sweep_temporaries(items: list[BatchItem]) -> None:
    """Remove temporary files a killed worker left for these items (one listing per folder).

    Outputs are written as ``.NAME.XXXXXXXX.gztmp`` then renamed; a worker killed in between
    (by Dask, the OOM killer or Ctrl-C on a local cluster) leaves the temporary file behind.
    """
    targets: dict[Path, set[str]] = {}
    for item in items:
        for path in item.outputs.values():
            targets.setdefault(path.parent, set()).add(path.name)
    for folder, names in targets.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not name.startswith(".") or TEMP_SUFFIX not in name:
                continue
            stem = name[1:].split(TEMP_SUFFIX)[0]  # NAME.XXXXXXXX
            if stem.rsplit(".", 1)[0] in names:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


# --------------------------------------------------------------------------- worker side
_MODELS: OrderedDict[ModelOptions, Transcriber] = OrderedDict()
_MODELS_LOCK = threading.Lock()


def model_for(options: ModelOptions) -> Transcriber:
    """This worker process's model for ``options``, loaded on first use and kept."""
    with _MODELS_LOCK:  # a worker with several threads loads it once, not once a thread
        model = _MODELS.get(options)
        if model is None:
            model = Transcriber.load(options)
            _MODELS[options] = model
            while len(_MODELS) > MAX_MODELS:
                _MODELS.popitem(last=False)
        else:
            _MODELS.move_to_end(options)
        return model


def _worker_model_options(
    options: ModelOptions, worker: Worker, host_threads: dict[str, int]
) -> ModelOptions:
    """One model per worker process serves all its threads, as ``--jobs`` does on one machine.

    Unless ``--threads`` was given, every file running on a machine gets an equal share of its
    cores: 8 cores and ``dask worker --nworkers 4 --nthreads 1`` (or ``--workers 4`` locally)
    give each file 2 threads, never 8 each.
    """
    from distributed.comm import get_address_host

    nthreads = max(1, int(worker.state.nthreads))
    threads = options.threads
    if not threads:
        sharing = host_threads.get(get_address_host(worker.address), nthreads)
        threads = max(1, (os.cpu_count() or 1) // max(sharing, nthreads))
    return replace(options, threads=threads, workers=nthreads)


async def prepare_worker(
    paths: list[str], options: ModelOptions, host_threads: dict[str, int], dask_worker: Worker
) -> dict[str, Any]:
    """Run on every worker by ``Client.run``: what it cannot see, its version, then the model.

    Async, so the model loads in a thread and the worker keeps answering the scheduler.
    """
    missing = [path for path in paths if not os.path.exists(path)]
    if not missing:
        options = _worker_model_options(options, dask_worker, host_threads)
        await asyncio.get_running_loop().run_in_executor(None, model_for, options)
    return {"version": __version__, "missing": missing}


def transcribe_on_worker(
    item: BatchItem,
    index: int,
    *,
    settings: Settings,
    host_threads: dict[str, int],
    topic: str | None = None,
) -> ItemResult:
    """One Dask task: the local batch's per-file code on this worker's cached model.

    Never raises for a bad file (or a model that fails to load here): that is a failed result.
    """
    from distributed import get_worker

    worker = get_worker()
    emit = _WorkerEvents(worker, topic, index)
    emit("start", {})
    started = time.perf_counter()
    try:
        model = model_for(_worker_model_options(settings.model, worker, host_threads))
    except GzError as exc:
        return batch.failed_result(item, exc, started)
    return batch.run_item(item, model, settings, emit, None)


class _WorkerEvents:
    """The batch's ``emit`` on a worker: "start", "phase" and throttled "progress" as Dask events."""

    def __init__(self, worker: Worker, topic: str | None, index: int) -> None:
        self.worker, self.topic, self.index = worker, topic, index
        self.last = 0.0

    def __call__(self, name: str, data: dict[str, Any]) -> None:
        if self.topic is None:
            return
        if name == "start":
            self.worker.log_event(self.topic, {"event": "start", "item": self.index})
        elif name == "phase":
            event = {"event": "phase", "item": self.index, "phase": str(data["phase"])}
            self.worker.log_event(self.topic, event)
        elif name == "progress":
            now = time.monotonic()
            done, total = float(data["done"]), float(data["total"])
            if now - self.last < PROGRESS_EVERY and done < total:
                return
            self.last = now
            self.worker.log_event(
                self.topic, {"event": "progress", "item": self.index, "done": done, "total": total}
            )
