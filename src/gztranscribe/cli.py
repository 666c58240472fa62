"""The ``gztranscribe`` command: a thin typer face on the library.

It parses options, shows progress on stderr, calls the library, and turns every ``GzError`` into
one line on stderr plus the exit code documented in the README. No logic a library user would
need lives here.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import click
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
)
from rich.text import Text
from typer.core import TyperGroup

from . import __version__
from .batch import STILL_FAILING, default_jobs
from .errors import ExitCode, GzError, InputError
from .progress import LOADING_MODEL, READING_AUDIO, TRANSCRIBING, BatchEta, Eta, clock
from .transcribe import Transcriber

DEFAULT_COMMAND = "transcribe"
err = Console(stderr=True, highlight=False)


class DefaultCommandGroup(TyperGroup):
    """Route ``gztranscribe FILE`` to ``transcribe FILE`` and ``gztranscribe FOLDER`` to ``batch``.

    Producers type the short form; subcommands (check, render...) still resolve by name. A file
    literally named like a subcommand can be reached with ``gztranscribe transcribe NAME``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in GROUP_OPTIONS:
            target = self._first_positional(ctx, args)
            command = "batch" if target and Path(target).is_dir() else DEFAULT_COMMAND
            args = [command, *args]
        return super().parse_args(ctx, args)

    def _first_positional(self, ctx: click.Context, args: list[str]) -> str | None:
        """The file or folder argument, skipping the values of options such as ``-o DIR``."""
        takes_value = {
            name
            for command in (self.commands[DEFAULT_COMMAND], self.commands["batch"])
            for param in command.get_params(ctx)
            if isinstance(param, click.Option) and not param.is_flag
            for name in param.opts
        }
        skip = False
        for index, arg in enumerate(args):
            if skip:
                skip = False
            elif arg == "--":
                return args[index + 1] if index + 1 < len(args) else None
            elif arg.startswith("-"):
                skip = arg in takes_value
            else:
                return arg
        return None


GROUP_OPTIONS = ("--help", "-h", "--version")


app = typer.Typer(
    cls=DefaultCommandGroup,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    help="Turn commentary videos into clean transcripts and WebVTT captions.\n\n"
    "Run `gztranscribe EPISODE.mp4` to write EPISODE.vtt, EPISODE.txt and EPISODE.json beside it.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gztranscribe {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = None,
) -> None:
    """Turn commentary videos into clean transcripts and WebVTT captions."""


@contextmanager
def handle_errors() -> Iterator[None]:
    """One line and a documented exit code for every expected failure; Ctrl-C/SIGTERM -> 130."""
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    except GzError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("interrupted: no partial output files were left behind", markup=False)
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


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


# ----------------------------------------------------------------------------- options
ModelOpt = Annotated[
    Optional[str],
    typer.Option(
        "--model",
        "-m",
        help="Model: omit for the bundled tiny.en; a name such as small.en (downloaded once when "
        "online) or a folder holding a CTranslate2 Whisper model.",
    ),
]
DeviceOpt = Annotated[Optional[str], typer.Option("--device", help="auto (default), cpu or cuda.")]
ComputeOpt = Annotated[
    Optional[str],
    typer.Option("--compute-type", help="CTranslate2 compute type (default int8 on CPU, float16 on GPU)."),
]
ThreadsOpt = Annotated[
    Optional[int], typer.Option("--threads", min=0, help="CPU threads (default: all cores).")
]
LanguageOpt = Annotated[
    Optional[str], typer.Option("--language", "-l", help="Spoken language code (default en).")
]
FormatOpt = Annotated[
    Optional[str],
    typer.Option(
        "--format",
        "-f",
        help="Outputs, comma-separated: vtt, srt, txt, json, md, html (default vtt,txt,json).",
    ),
]
OutDirOpt = Annotated[
    Optional[Path],
    typer.Option("--output-dir", "-o", help="Folder for the outputs (default: beside the input)."),
]
ProfileOpt = Annotated[
    Optional[str],
    typer.Option("--profile", help="Caption style profile: broadcast (default), strict, bbc or social."),
]
ConfigOpt = Annotated[
    Optional[Path],
    typer.Option("--config", help="Project config file (default: gztranscribe.toml beside the input)."),
]
GlossaryOpt = Annotated[
    Optional[Path],
    typer.Option("--glossary", "-g", help="The show's glossary: names and terms, one a line."),
]
LeadInOpt = Annotated[
    Optional[str],
    typer.Option("--lead-in", help='Transcript opening line, or a speaker label ending with ":".'),
]
CleanupOpt = Annotated[
    Optional[bool],
    typer.Option("--cleanup/--verbatim", help="Remove fillers and stutters (default) or keep them."),
]
MaxCharsOpt = Annotated[
    Optional[int], typer.Option("--max-line-chars", min=10, help="Caption line width (profile's by default).")
]
MaxCpsOpt = Annotated[
    Optional[float], typer.Option("--max-cps", min=5, help="Caption reading speed limit, characters a second.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output (for scripts).")]


def _overrides(**values: Any) -> Any:
    from .settings import Overrides

    captions = {
        "max_chars_per_line": values.pop("max_line_chars"),
        "max_cps": values.pop("max_cps"),
    }
    return Overrides(**values, captions=captions)


@app.command()
def transcribe(
    media: Annotated[
        Path, typer.Argument(help="The video or audio file to transcribe.", metavar="MEDIA")
    ],
    output_dir: OutDirOpt = None,
    formats: FormatOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    compute_type: ComputeOpt = None,
    threads: ThreadsOpt = None,
    language: LanguageOpt = None,
    profile: ProfileOpt = None,
    glossary: GlossaryOpt = None,
    lead_in: LeadInOpt = None,
    cleanup: CleanupOpt = None,
    max_line_chars: MaxCharsOpt = None,
    max_cps: MaxCpsOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Transcribe one video or audio file.

    Writes captions (.vtt), a clean transcript (.txt) and the full result (.json) beside it.
    """
    from .pipeline import preflight, transcribe_file
    from .settings import resolve_settings

    with handle_errors():
        settings = resolve_settings(
            media,
            _overrides(
                config=config, model=model, device=device, compute_type=compute_type,
                threads=threads, language=language, formats=formats, output_dir=output_dir,
                profile=profile, glossary=glossary, lead_in=lead_in, cleanup=cleanup,
                max_line_chars=max_line_chars, max_cps=max_cps,
            ),
        )  # fmt: skip
        info = preflight(media, settings.outputs)  # a mistyped path costs no model load
        with transcription_progress(quiet, total=info.duration) as (on_stage, on_progress):
            transcriber = Transcriber.load(settings.model)
            result = transcribe_file(
                media,
                transcriber,
                decode=settings.decode,
                outputs=settings.outputs,
                text=settings.text,
                on_progress=on_progress,
                on_stage=on_stage,
            )
        if not quiet:
            for note in result.notes:
                err.print(note, markup=False, soft_wrap=True)
            for path in result.outputs:
                err.print(f"wrote {path}", markup=False, soft_wrap=True)


@app.command()
def batch(
    folder: Annotated[
        Path, typer.Argument(help="The folder of uploads to transcribe.", metavar="FOLDER")
    ],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Include subfolders.")] = False,
    glob: Annotated[
        Optional[str], typer.Option("--glob", help='Only files matching this pattern, e.g. "*.mp4".')
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Redo files already done.")] = False,
    skip_failed: Annotated[
        bool,
        typer.Option(
            "--skip-failed",
            help="Do not retry files that failed before and have not changed since (same bytes, "
            "same settings); they are listed, and do not make the exit status 9 (for cron).",
        ),
    ] = False,
    jobs: Annotated[
        Optional[int],
        typer.Option(
            "--jobs", "-j", min=1, help="Files transcribed at once (default: 2 on 2+ cores, else 1)."
        ),
    ] = None,
    cluster: Annotated[
        Optional[str],
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help='Run on a running Dask cluster (tcp://scheduler:8786); needs pip install "gztranscribe[cluster]".',
        ),
    ] = None,
    workers: Annotated[
        Optional[int],
        typer.Option(
            "--workers",
            min=1,
            help='Run on a local Dask cluster of N worker processes; needs pip install "gztranscribe[cluster]".',
        ),
    ] = None,
    output_dir: OutDirOpt = None,
    formats: FormatOpt = None,
    model: ModelOpt = None,
    device: DeviceOpt = None,
    compute_type: ComputeOpt = None,
    threads: ThreadsOpt = None,
    language: LanguageOpt = None,
    profile: ProfileOpt = None,
    glossary: GlossaryOpt = None,
    lead_in: LeadInOpt = None,
    cleanup: CleanupOpt = None,
    max_line_chars: MaxCharsOpt = None,
    max_cps: MaxCpsOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Transcribe every media file in a folder.

    Skips files already done, keeps going past bad ones, and ends with a report.
    """
    from .batch import REPORT_NAME, run_batch
    from .settings import resolve_settings

    with handle_errors():
        if not folder.is_dir():
            raise InputError(f"{folder}: not a folder; for one file run `gztranscribe FILE`")
        settings = resolve_settings(
            folder,
            _overrides(
                config=config, model=model, device=device, compute_type=compute_type,
                threads=threads, language=language, formats=formats, output_dir=output_dir,
                profile=profile, glossary=glossary, lead_in=lead_in, cleanup=cleanup,
                max_line_chars=max_line_chars, max_cps=max_cps,
            ),
        )  # fmt: skip
        with batch_progress(quiet) as on_event:
            if cluster is not None or workers is not None:
                from .cluster import run_batch_on_cluster

                summary = run_batch_on_cluster(
                    folder,
                    settings,
                    recursive=recursive,
                    pattern=glob,
                    force=force,
                    skip_failed=skip_failed,
                    jobs=jobs or 1,
                    on_event=on_event,
                    cluster=cluster,
                    workers=workers,
                )
            else:
                summary = run_batch(
                    folder,
                    settings,
                    recursive=recursive,
                    pattern=glob,
                    force=force,
                    skip_failed=skip_failed,
                    jobs=jobs or default_jobs(),
                    on_event=on_event,
                )
        print_summary(summary, quiet=quiet)
        report = (settings.outputs.output_dir or folder) / REPORT_NAME
        if not quiet:
            err.print(f"report: {report}", markup=False, soft_wrap=True)
        if summary.count("failed"):
            raise typer.Exit(ExitCode.BATCH_FAILURES)


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
    """The end-of-batch table; failures are listed even in quiet mode (cron mails stderr).

    Files not retried (``--skip-failed``) are listed only without ``--quiet``: a cron job that
    uses both mails nothing until something new fails.
    """
    failed = [r for r in summary.results if r.status == "failed"]
    known = [r for r in summary.results if r.status == "not-retried"]
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


@app.command()
def render(
    transcript: Annotated[
        Path,
        typer.Argument(help="A .json transcript written by gztranscribe.", metavar="TRANSCRIPT"),
    ],
    formats: FormatOpt = None,
    output_dir: OutDirOpt = None,
    profile: ProfileOpt = None,
    lead_in: LeadInOpt = None,
    max_line_chars: MaxCharsOpt = None,
    max_cps: MaxCpsOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Render other formats from a saved .json transcript.

    Nothing is transcribed again: the .json holds every word with its times.
    """
    from .pipeline import render_file
    from .settings import resolve_settings

    with handle_errors():
        settings = resolve_settings(
            transcript,
            _overrides(
                config=config, formats=formats or "vtt,srt,txt", output_dir=output_dir,
                profile=profile, lead_in=lead_in, max_line_chars=max_line_chars, max_cps=max_cps,
            ),
        )  # fmt: skip
        for path in render_file(transcript, settings.outputs, formats=settings.outputs.formats):
            if not quiet:
                err.print(f"wrote {path}", markup=False, soft_wrap=True)


from .cli_captions import register as _register_caption_commands  # noqa: E402

_register_caption_commands(app)

from .cli_align import register as _register_align  # noqa: E402
from .cli_review import register as _register_review  # noqa: E402

_register_align(app)
_register_review(app)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interrupt during import or option parsing
        sys.exit(ExitCode.INTERRUPTED)
