"""Progress on stderr that a producer can trust: one row per file, phases, audio time, ETA.

The library reports phases and ``(done, total)`` seconds (``progress``); this draws them with
rich, and prints each batch result and the end-of-batch table.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
)
from rich.text import Text

from .batch import STILL_FAILING
from .cli_common import err
from .progress import LOADING_MODEL, READING_AUDIO, TRANSCRIBING, BatchEta, Eta, clock


class AudioTimeColumn(ProgressColumn):
    """``1:23 / 5:00 audio`` rather than a bare percentage: producers think in running time."""

    def render(self, task: Task) -> Text:
        if not task.total:
            return Text("")
        return Text(f"{clock(task.completed)} / {clock(task.total)} audio", style="progress.download")


class EtaColumn(ProgressColumn):
    """``ETA 0:07`` from the task's own estimate (``task.fields["eta"]``), ``ETA -:--`` until the
    work can be measured; never rich's guess from a bar that moves in jumps."""

    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        eta: Eta | BatchEta | None = task.fields.get("eta")
        if eta is None:  # the work is over
            return Text("")
        left = eta.remaining(time.monotonic())
        shown = clock(math.ceil(left)) if left is not None else "-:--"  # rounded up, never down
        return Text(f"ETA {shown}", style="progress.remaining")




def _progress(transient: bool) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        AudioTimeColumn(),
        EtaColumn(),
        console=err,
        transient=transient,
    )


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Progress | None]:
    if quiet:
        yield None
        return
    with _progress(transient=False) as progress:
        yield progress


class FileRow:
    """One file's row: its phase, its audio time done of the total, its ETA."""

    def __init__(self, progress: Progress, label: str, phase: str, total: float | None) -> None:
        self.progress, self.label, self.eta, self.done = progress, label, Eta(), 0.0
        self.current = phase
        self.eta.phase(phase, time.monotonic())
        self.task = progress.add_task(self._describe(phase), total=total or None, eta=self.eta)

    def _describe(self, phase: str) -> str:
        return f"{self.label}{phase}" if self.label else phase

    def phase(self, name: str) -> None:
        self.current = name
        self.eta.phase(name, time.monotonic())
        self.progress.update(self.task, description=self._describe(name))

    def advance(self, done: float, total: float) -> None:
        if self.current == TRANSCRIBING:  # the overall bar counts the first decoding pass
            self.done = done
        self.eta.progress(done, total, time.monotonic())
        self.progress.update(self.task, completed=done, total=total or None)

    def remove(self) -> None:
        self.progress.remove_task(self.task)


@contextmanager
def transcription_progress(
    quiet: bool, first: str = LOADING_MODEL, total: float | None = None
) -> Iterator[tuple[Callable[[str], None], Callable[[float, float], None]]]:
    """One progress row for one file: its phase, audio time done, ETA; warnings always print.

    ``total``: the file's duration when it is already known (probed), so it shows from the
    first frame. Yields the ``(on_stage, on_progress)`` callbacks the library's long calls accept.
    """
    with progress_bar(quiet) as progress:
        row = FileRow(progress, "", first, total) if progress is not None else None

        def on_stage(name: str) -> None:
            if name.startswith("warning:"):
                err.print(name, markup=False, soft_wrap=True)
            elif row is not None:
                row.phase(name)

        def on_progress(done: float, total: float) -> None:
            if row is not None:
                row.advance(done, total)

        yield on_stage, on_progress
        if row is not None:
            row.eta.phase("done", time.monotonic())
            row.progress.update(row.task, description="done", eta=None)



@contextmanager
def batch_progress(quiet: bool) -> Iterator[Any]:
    """The overall bar (files, audio time, ETA) and one row per file being transcribed."""
    if quiet:
        yield None
        return
    progress = _progress(transient=True)
    lock = threading.Lock()  # --jobs N reports from N threads
    rows: dict[Path, FileRow] = {}
    eta = BatchEta()
    state: dict[str, Any] = {"overall": None, "files": 0, "total": 0, "durations": {}}
    settled = {"transcribed": 0.0, "other": 0.0}

    def update_overall() -> None:
        transcribed = settled["transcribed"] + sum(row.done for row in rows.values())
        eta.progress(transcribed, time.monotonic())
        if state["overall"] is not None:
            done = transcribed + settled["other"]
            description = f"{state['files']}/{state['total']} files"
            progress.update(state["overall"], completed=done, description=description)

    def on_event(name: str, data: dict[str, Any]) -> None:
        with lock:
            _on_event(name, data)

    def _on_event(name: str, data: dict[str, Any]) -> None:
        if name == "plan":
            state["total"] = data["files"]
            state["durations"] = data.get("durations", {})
            eta.plan(data["audio_seconds"])
            state["overall"] = progress.add_task(
                f"0/{data['files']} files", total=max(data["audio_seconds"], 1e-6), eta=eta
            )
        elif name == "start":
            source = data["source"]
            eta.start(time.monotonic())
            rows[source] = FileRow(
                progress, f"  {source.name}: ", READING_AUDIO, data["audio_seconds"]
            )
        elif name == "phase" and data["source"] in rows:
            rows[data["source"]].phase(data["phase"])
        elif name == "progress" and data["source"] in rows:
            rows[data["source"]].advance(data["done"], data["total"])
            update_overall()
        elif name == "waiting":
            progress.console.print(
                f"wait  {data['source']}: another batch ({data['holder']}) is transcribing it; "
                "back to it at the end",
                markup=False,
                soft_wrap=True,
            )
        elif name == "result":
            result = data["result"]
            row = rows.pop(result.source, None)
            if row is not None:
                row.remove()
            planned = state["durations"].get(result.source, 0.0)
            if result.status == "done":
                settled["transcribed"] += planned
            else:
                settled["other"] += planned
                eta.settle(planned)
            state["files"] += 1
            update_overall()
            mark = {"done": "done", "skipped": "skip", "failed": "FAIL", "not-retried": "KNOWN"}
            shown = result.source if result.status in ("done", "skipped") else result.reason
            progress.console.print(f"{mark[result.status]}  {shown}", markup=False, soft_wrap=True)

    with progress:
        yield on_event


def print_summary(summary: Any, *, quiet: bool) -> None:
    """The end-of-batch table; failures and each file's warnings are listed even in quiet mode
    (cron mails stderr).

    Files not retried (``--skip-failed``) are listed only without ``--quiet``: a cron job that
    uses both mails nothing until something new fails.
    """
    failed = [r for r in summary.results if r.status == "failed"]
    known = [r for r in summary.results if r.status == "not-retried"]
    for r in summary.results:  # a passage no word was found for, a truncated upload: always said
        for warning in r.warnings:
            err.print(f"warning: {warning}", markup=False, soft_wrap=True)
    if quiet:
        for r in failed:
            err.print(f"failed: {r.reason}", markup=False, soft_wrap=True)
        return
    from rich.table import Table

    table = Table(title="gztranscribe batch", show_header=True)
    columns = ["done", "skipped", "failed"] + (["not retried"] if known else [])
    for column in (*columns, "audio", "wall time", "speed"):
        table.add_column(column, justify="right")
    table.add_row(
        *(str(summary.count(c.replace(" ", "-"))) for c in columns),
        clock(summary.audio_seconds),
        clock(summary.wall_seconds),
        f"{summary.speed:.1f}x real time" if summary.audio_seconds else "-",
    )
    err.print(table)
    for r in failed:
        err.print(f"failed: {r.reason}", markup=False, soft_wrap=True)
    for r in known:
        err.print(f"not retried: {r.reason}", markup=False, soft_wrap=True)
    again = sum(1 for r in failed if r.reason.startswith(STILL_FAILING))
    if again:
        err.print(
            f"{again} file(s) failed again unchanged; `--skip-failed` stops retrying them until "
            "they change",
            markup=False,
            soft_wrap=True,
        )
    if summary.ignored:
        err.print(f"ignored {len(summary.ignored)} non-media file(s)", markup=False)
