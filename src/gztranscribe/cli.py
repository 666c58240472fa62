"""The ``gztranscribe`` command: a thin typer face on the library.

It parses options, shows progress on stderr, calls the library, and turns every ``GzError`` into
one line on stderr plus the exit code documented in the README. No logic a library user would
need lives here.
"""

from __future__ import annotations

import signal
import sys
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
    TimeRemainingColumn,
)
from rich.text import Text
from typer.core import TyperGroup

from . import __version__
from .batch import default_jobs
from .errors import ExitCode, GzError, InputError
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
        done, total = task.completed, task.total or 0
        return Text(f"{_clock(done)} / {_clock(total)} audio", style="progress.download")


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@contextmanager
def progress_bar(quiet: bool) -> Iterator[Progress | None]:
    if quiet:
        yield None
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        AudioTimeColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
    with progress:
        yield progress


@contextmanager
def transcription_progress(
    quiet: bool, first: str = "loading model"
) -> Iterator[tuple[Callable[[str], None], Callable[[float, float], None]]]:
    """One progress bar for one file: stage names, audio time done, ETA; warnings always print.

    Yields the ``(on_stage, on_progress)`` callbacks the library's long calls accept.
    """
    with progress_bar(quiet) as progress:
        task = progress.add_task(first, total=None) if progress else None

        def on_stage(name: str) -> None:
            if name.startswith("warning:"):
                err.print(name, markup=False, soft_wrap=True)
            elif progress is not None and task is not None:
                progress.update(task, description=name)

        def on_progress(done: float, total: float) -> None:
            if progress is not None and task is not None:
                progress.update(task, completed=done, total=total)

        yield on_stage, on_progress
        if progress is not None and task is not None:
            progress.update(task, description="done")


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
    """Transcribe one file: write captions (.vtt), a clean transcript (.txt) and the full result (.json)."""
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
        preflight(media, settings.outputs)  # a mistyped path must not cost a model load (or download)
        with transcription_progress(quiet) as (on_stage, on_progress):
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
    """Transcribe every media file in a folder: skip finished ones, keep going past bad ones, report."""
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
    """Overall progress (files, audio time) plus the current file, on stderr."""
    if quiet:
        yield None
        return
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        AudioTimeColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    state: dict[str, Any] = {"overall": None, "current": None, "finished": 0.0, "files": 0, "total": 0}

    def on_event(name: str, data: dict[str, Any]) -> None:
        if name == "plan":
            state["total"] = data["files"]
            state["overall"] = progress.add_task(
                f"0/{data['files']} files", total=max(data["audio_seconds"], 1e-6)
            )
        elif name == "start":
            if state["current"] is not None:
                progress.remove_task(state["current"])
            state["current"] = progress.add_task(
                f"  {data['source'].name}", total=max(data["audio_seconds"], 1e-6)
            )
        elif name == "progress" and state["current"] is not None:
            progress.update(state["current"], completed=data["done"], total=data["total"])
            progress.update(state["overall"], completed=state["finished"] + data["done"])
        elif name == "result":
            result = data["result"]
            state["files"] += 1
            state["finished"] += result.audio_seconds
            if state["overall"] is not None:
                progress.update(
                    state["overall"],
                    completed=state["finished"],
                    description=f"{state['files']}/{state['total']} files",
                )
            mark = {"done": "done", "skipped": "skip", "failed": "FAIL"}[result.status]
            line = f"{mark}  {result.reason if result.status == 'failed' else result.source}"
            progress.console.print(line, markup=False, soft_wrap=True)

    with progress:
        yield on_event


def print_summary(summary: Any, *, quiet: bool) -> None:
    """The end-of-batch table; failures are listed even in quiet mode (cron mails stderr)."""
    failed = [r for r in summary.results if r.status == "failed"]
    if quiet:
        for r in failed:
            err.print(f"failed: {r.reason}", markup=False, soft_wrap=True)
        return
    from rich.table import Table

    table = Table(title="gztranscribe batch", show_header=True)
    for column in ("done", "skipped", "failed", "audio", "wall time", "speed"):
        table.add_column(column, justify="right")
    table.add_row(
        str(summary.count("done")),
        str(summary.count("skipped")),
        str(summary.count("failed")),
        _clock(summary.audio_seconds),
        _clock(summary.wall_seconds),
        f"{summary.speed:.1f}x real time" if summary.audio_seconds else "-",
    )
    err.print(table)
    for r in failed:
        err.print(f"failed: {r.reason}", markup=False, soft_wrap=True)
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
    """Render other formats from a saved .json transcript, without transcribing again."""
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
from .cli_import import register as _register_import  # noqa: E402
from .cli_review import register as _register_review  # noqa: E402

_register_align(app)
_register_review(app)
_register_import(app)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interrupt during import or option parsing
        sys.exit(ExitCode.INTERRUPTED)
