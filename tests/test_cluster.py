"""The batch on a Dask cluster: real local clusters (2 worker processes), the real model.

Same outputs as the local batch byte for byte, skip-done across runs (and across local and cluster
runs), a worker killed mid-file, a file that kills every worker it lands on, and the errors a
producer sees when Dask is missing or the cluster cannot be used.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import distributed  # the test extra installs it: without it these tests fail, never skip
import pytest
from conftest import MEDIA, SAMPLE

from gztranscribe import __version__
from gztranscribe import cluster as gzcluster
from gztranscribe.batch import MANIFEST_NAME, REPORT_NAME, run_batch
from gztranscribe.cluster import ClusterError, run_batch_on_cluster
from gztranscribe.errors import ExitCode, UsageError
from gztranscribe.settings import Overrides, resolve_settings

pytestmark = pytest.mark.slow  # the real model (or a browser/cluster) on real media

FILES = {
    "a.wav": MEDIA / "speech.wav",
    "b.mp3": MEDIA / "speech.mp3",
    "ep.m4a": MEDIA / "speech.m4a",  # same stem as ep.mov: both keep their extension
    "ep.mov": MEDIA / "speech.mov",
    "sub/c.flac": MEDIA / "speech.flac",
    "bad.mp4": MEDIA / "text.mp4",
}
RESULT_ENDINGS = (".vtt", ".txt", ".json")


def uploads(folder: Path, files: dict[str, Path]) -> Path:
    for name, source in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / name)
    return folder


def results_in(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name.endswith(RESULT_ENDINGS) and p.name != REPORT_NAME
        and not p.name.startswith(".")
    }  # fmt: skip


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".gztmp" in p.name]


def report_rows(out: Path) -> list[tuple]:
    """The report's files without timings, paths relative to the output folder."""
    data = json.loads((out / REPORT_NAME).read_text())
    return [
        (f["source"], f["status"], f["reason"], f["exit_code"], f["audio_seconds"],
         [str(Path(p).relative_to(out)) for p in f["outputs"]])
        for f in data["files"]
    ]  # fmt: skip


def _run(runner, folder: Path, out: Path, **kwargs) -> dict:
    settings = resolve_settings(folder, Overrides(output_dir=out))
    events: list[tuple[str, dict]] = []
    started = time.monotonic()
    summary = runner(
        folder, settings, recursive=True, on_event=lambda *e: events.append(e), **kwargs
    )
    return {"summary": summary, "events": events, "out": out, "settings": settings,
            "seconds": time.monotonic() - started}  # fmt: skip


@pytest.fixture(scope="module")
def both_runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The same folder through the local batch (out-local) and a 2-worker local cluster (out-dask)."""
    root = tmp_path_factory.mktemp("cluster")
    folder = uploads(root / "up", FILES)
    return {
        "folder": folder,
        "local": _run(run_batch, folder, root / "out-local"),
        "dask": _run(run_batch_on_cluster, folder, root / "out-dask", workers=2),
    }


def test_a_cluster_writes_the_same_files_as_the_local_batch_byte_for_byte(both_runs) -> None:
    local, cluster = results_in(both_runs["local"]["out"]), results_in(both_runs["dask"]["out"])
    assert sorted(local) == sorted(cluster)
    assert {"a.vtt", "ep.m4a.txt", "ep.mov.json", "sub/c.vtt"} <= set(cluster)
    assert len(cluster) == 5 * 3
    for name, content in local.items():
        assert cluster[name] == content, f"{name} differs between the local batch and the cluster"
    assert not temporaries(both_runs["dask"]["out"])


def test_the_summary_and_report_are_the_local_batchs(both_runs) -> None:
    local, cluster = both_runs["local"], both_runs["dask"]
    assert report_rows(cluster["out"]) == report_rows(local["out"])
    summary = cluster["summary"]
    assert (summary.count("done"), summary.count("skipped"), summary.count("failed")) == (5, 0, 1)
    assert summary.audio_seconds == pytest.approx(local["summary"].audio_seconds)
    failed = next(r for r in summary.results if r.status == "failed")
    assert failed.exit_code == ExitCode.MEDIA
    assert failed.reason.startswith(f"{both_runs['folder'] / 'bad.mp4'}: not a media file")


def test_progress_comes_from_the_cluster_as_files_finish(both_runs) -> None:
    events = both_runs["dask"]["events"]
    names = [n for n, _ in events]
    assert names[:2] == ["ignored", "plan"] and events[1][1]["files"] == 6
    assert names.count("result") == 6 and names.count("start") >= 6
    assert "progress" in names and "cluster" in names
    # every file starts before it finishes, and nothing is reported about it after its result
    for source in {d["result"].source for n, d in events if n == "result"}:
        mine = [n for n, d in events if d.get("source") == source or
                (n == "result" and d["result"].source == source)]  # fmt: skip
        assert mine[0] == "start" and mine[-1] == "result"
    assert all(isinstance(d["source"], Path) for n, d in events if n in ("start", "progress"))


def test_skip_done_works_across_runs_without_starting_a_cluster(both_runs) -> None:
    folder, cluster = both_runs["folder"], both_runs["dask"]
    events: list[str] = []
    again = run_batch_on_cluster(
        folder, cluster["settings"], recursive=True, workers=2, skip_failed=True,
        on_event=lambda name, _data: events.append(name),
    )  # fmt: skip
    assert "cluster" not in events, "nothing to do must not start workers or load models"
    counts = [again.count(s) for s in ("done", "skipped", "failed", "not-retried")]
    assert counts == [0, 5, 0, 1]  # the broken upload, unchanged, is not sent again
    # the manifest is the local batch's: a local run over the cluster's outputs skips too
    local_again = run_batch(folder, cluster["settings"], recursive=True)
    assert local_again.count("skipped") == 5
    assert (cluster["out"] / MANIFEST_NAME).is_file()


def _kill_on_first_result(client, pattern: str, killed: list[str], starts: list[str]):
    """on_event that SIGKILLs the worker running `pattern` when the first file is done."""

    def on_event(name: str, data: dict) -> None:
        if name == "start":
            starts.append(data["source"].name)
        if name != "result" or killed:
            return
        pids = client.run(os.getpid)
        for address, keys in client.processing().items():
            if any(pattern in str(key) for key in keys):
                os.kill(pids[address], signal.SIGKILL)  # mid-file: it is transcribing `pattern`
                killed.append(address)

    return on_event


@pytest.fixture
def local_cluster() -> Iterator[tuple]:
    """A 2-process local cluster configured like the one ``--workers 2`` starts."""
    cluster = gzcluster.start_local_cluster(2)
    client = distributed.Client(cluster, set_as_default=False)
    yield cluster, client
    client.close()
    cluster.close()


def test_a_worker_killed_mid_file_has_its_file_finished_elsewhere(
    tmp_path: Path, local_cluster
) -> None:
    cluster, client = local_cluster
    files = {f"{n}.wav": MEDIA / "speech.wav" for n in "abcd"} | {"commentary.mp4": SAMPLE}
    folder = uploads(tmp_path / "up", files)
    out = tmp_path / "out"
    settings = resolve_settings(folder, Overrides(output_dir=out, threads=1))
    killed: list[str] = []
    starts: list[str] = []
    summary = run_batch_on_cluster(
        folder, settings, cluster=cluster.scheduler_address,
        on_event=_kill_on_first_result(client, "commentary", killed, starts),
    )  # fmt: skip
    assert killed, "the worker transcribing the long file was never killed"
    assert starts.count("commentary.mp4") == 2, "started, killed mid-file, started again"
    assert [r.status for r in summary.results] == ["done"] * 5, summary.to_dict()
    for name in files:
        for ext in ("vtt", "txt", "json"):
            assert (out / f"{Path(name).stem}.{ext}").stat().st_size > 0
    assert "Brookfield" in (out / "commentary.txt").read_text()
    assert not temporaries(out)
    assert json.loads((out / REPORT_NAME).read_text())["done"] == 5


def test_a_file_that_kills_every_worker_is_failed_not_retried_forever(tmp_path: Path) -> None:
    """A worker plugin makes `poison.mp4` kill its worker half a second into the file.

    The poison is the bundled sample, which takes seconds to transcribe, so the worker always dies
    before the file is done (a 4 s clip can finish inside half a second on a fast machine). Only the
    poison fails: the files around it (more than the cluster's threads, so Dask queues
    them on the scheduler) are never on a dying worker, so none becomes a suspect.
    """

    class Poison(distributed.WorkerPlugin):  # a local class: pickled by value to the workers
        def transition(self, key, start, finish, **kwargs) -> None:
            if finish == "executing" and "poison" in str(key):
                threading.Timer(0.5, os._exit, (1,)).start()  # dies mid-file, like a real crash

    cluster = gzcluster.start_local_cluster(2, allowed_failures=1)
    client = distributed.Client(cluster, set_as_default=False)
    try:
        client.register_plugin(Poison(), name="poison")
        good = {f"{name}.wav": MEDIA / "speech.wav" for name in "abcde"}
        folder = uploads(tmp_path / "up", {**good, "poison.mp4": SAMPLE})
        settings = resolve_settings(folder, Overrides(threads=1))
        summary = run_batch_on_cluster(folder, settings, cluster=cluster.scheduler_address)
    finally:
        client.close()
        cluster.close()
    statuses = {r.source.name: r for r in summary.results}
    assert [statuses[name].status for name in good] == ["done"] * len(good)
    poison = statuses["poison.mp4"]
    assert poison.status == "failed" and poison.exit_code == ExitCode.INTERNAL
    assert poison.reason.startswith(f"{folder / 'poison.mp4'}: crashed 2 Dask workers")
    assert not (folder / "poison.vtt").exists() and not temporaries(folder)
    assert json.loads((folder / REPORT_NAME).read_text())["failed"] == 1


# --------------------------------------------------------------------------- errors, no model
def test_the_core_install_does_not_import_dask() -> None:
    code = (
        "import sys, gztranscribe.cluster, gztranscribe.batch, gztranscribe.cli; "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_without_dask_the_user_is_told_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now fails
    settings = resolve_settings(tmp_path, Overrides())
    with pytest.raises(UsageError, match=r'pip install "gztranscribe\[cluster\]"') as caught:
        run_batch_on_cluster(tmp_path, settings, workers=2)
    assert caught.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cluster": "tcp://127.0.0.1:8786", "workers": 2}, "not both"),
        ({"workers": 0}, "at least 1"),
        ({"cluster": "tcp://127.0.0.1:8786", "jobs": 2}, "--nthreads"),
    ],
)
def test_contradictory_options_are_usage_errors(tmp_path: Path, kwargs, message, no_model) -> None:
    with pytest.raises(UsageError, match=message):
        run_batch_on_cluster(tmp_path, resolve_settings(tmp_path, Overrides()), **kwargs)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path: Path, monkeypatch, no_model) -> None:
    monkeypatch.setattr(gzcluster, "CONNECT_TIMEOUT", "1s")
    uploads(tmp_path, {"a.wav": MEDIA / "speech.wav"})
    started = time.monotonic()
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        run_batch_on_cluster(
            tmp_path, resolve_settings(tmp_path, Overrides()), cluster="tcp://127.0.0.1:9"
        )
    assert time.monotonic() - started < 15
    assert not (tmp_path / MANIFEST_NAME).exists(), "nothing is hashed before the cluster answers"


class _FakeClient:
    def __init__(self, reports: dict) -> None:
        self.reports = reports

    def run(self, *_args: object) -> dict:
        return self.reports


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ({"version": __version__, "missing": ["/archive"]}, "cannot see /archive; every worker"),
        ({"version": "0.0.1", "missing": []}, "runs gztranscribe 0.0.1"),
    ],
)
def test_workers_that_cannot_see_the_paths_or_run_another_version_are_refused(
    tmp_path: Path, report: dict, message: str
) -> None:
    settings = resolve_settings(tmp_path, Overrides())
    connection = gzcluster._Connection(distributed, "tcp://x:8786", None, 1)
    with pytest.raises(ClusterError, match=message):
        gzcluster._prepare_workers(
            _FakeClient({"tcp://w1:1234": report}), tmp_path, tmp_path, settings, connection
        )


def test_workers_see_absolute_paths_and_the_same_fingerprint(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "names.txt").write_text("Bremmer\n")
    overrides = Overrides(glossary=Path("names.txt"), output_dir=Path("out"))
    settings = resolve_settings(Path("."), overrides)
    work = gzcluster._worker_settings(settings)
    assert work.text.glossary_path == tmp_path / "names.txt"
    assert work.outputs.output_dir == tmp_path / "out"
    assert work.fingerprint() == settings.fingerprint()


@pytest.mark.parametrize(
    ("given", "host_threads", "nthreads", "threads"),
    [
        (0, {"10.0.0.5": 4}, 1, 2),  # 8 cores, 4 single-thread workers on the machine: 2 each
        (0, {"10.0.0.5": 4}, 2, 2),  # 2 workers of 2 threads: 4 files at once, 2 threads each
        (0, {"10.0.0.5": 16}, 1, 1),  # more files than cores: never below one thread
        (0, {}, 2, 4),  # a worker that joined later: its own threads share the machine
        (3, {"10.0.0.5": 4}, 1, 3),  # --threads wins
    ],
)
def test_the_files_on_a_machine_share_its_cores(
    monkeypatch, given: int, host_threads: dict, nthreads: int, threads: int
) -> None:
    from types import SimpleNamespace

    from gztranscribe.transcribe import ModelOptions

    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    worker = SimpleNamespace(
        address="tcp://10.0.0.5:40123", state=SimpleNamespace(nthreads=nthreads)
    )
    options = gzcluster._worker_model_options(ModelOptions(threads=given), worker, host_threads)
    assert (options.threads, options.workers) == (threads, nthreads)
