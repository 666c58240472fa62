"""The ``gztranscribe`` command: a thin typer face on the library.

It parses options, shows progress on stderr, calls the library, and turns every ``GzError`` into
one line on stderr plus the exit code documented in the README. No logic a library user would
need lives here.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
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
from .errors import ExitCode, GzError
from .formats import DEFAULT_FORMATS, parse_formats
from .profiles import get_profile
from .transcribe import DecodeOptions, ModelOptions, Transcriber

DEFAULT_COMMAND = "transcribe"
err = Console(stderr=True, highlight=False)


class DefaultCommandGroup(TyperGroup):
    """Route ``gztranscribe FILE`` to ``gztranscribe transcribe FILE``.

    Producers type the short form; subcommands (check, render...) still resolve by name. A file
    literally named like a subcommand can be reached with ``gztranscribe transcribe NAME``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in GROUP_OPTIONS:
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


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
DeviceOpt = Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")]
ComputeOpt = Annotated[
    Optional[str],
    typer.Option("--compute-type", help="CTranslate2 compute type (default int8 on CPU, float16 on GPU)."),
]
ThreadsOpt = Annotated[int, typer.Option("--threads", min=0, help="CPU threads (0: all cores).")]
LanguageOpt = Annotated[str, typer.Option("--language", "-l", help="Spoken language code.")]
FormatOpt = Annotated[
    str,
    typer.Option("--format", "-f", help="Outputs to write, comma-separated: vtt, srt, txt, json."),
]
OutDirOpt = Annotated[
    Optional[Path],
    typer.Option("--output-dir", "-o", help="Folder for the outputs (default: beside the input)."),
]
ProfileOpt = Annotated[
    str, typer.Option("--profile", help="Caption style profile: broadcast, strict, bbc or social.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output (for scripts).")]


@app.command()
def transcribe(
    media: Annotated[
        Path, typer.Argument(help="The video or audio file to transcribe.", metavar="MEDIA")
    ],
    output_dir: OutDirOpt = None,
    formats: FormatOpt = ",".join(DEFAULT_FORMATS),
    model: ModelOpt = None,
    device: DeviceOpt = "auto",
    compute_type: ComputeOpt = None,
    threads: ThreadsOpt = 0,
    language: LanguageOpt = "en",
    profile: ProfileOpt = "broadcast",
    quiet: QuietOpt = False,
) -> None:
    """Transcribe one file: write captions (.vtt), a clean transcript (.txt) and the full result (.json)."""
    from .pipeline import OutputOptions, preflight, transcribe_file

    with handle_errors():
        outputs = OutputOptions(
            formats=parse_formats(formats), output_dir=output_dir, profile=get_profile(profile)
        )
        decode = DecodeOptions(language=language)
        preflight(media, outputs)  # a mistyped path must not cost a model load (or download)
        with progress_bar(quiet) as progress:
            task = progress.add_task("loading model", total=None) if progress else None
            transcriber = Transcriber.load(
                ModelOptions(model=model, device=device, compute_type=compute_type, threads=threads)
            )

            def on_stage(name: str) -> None:
                if name.startswith("warning:"):
                    err.print(name, markup=False, soft_wrap=True)
                elif progress is not None and task is not None:
                    progress.update(task, description=name)

            def on_progress(done: float, total: float) -> None:
                if progress is not None and task is not None:
                    progress.update(task, completed=done, total=total)

            result = transcribe_file(
                media,
                transcriber,
                decode=decode,
                outputs=outputs,
                on_progress=on_progress,
                on_stage=on_stage,
            )
            if progress is not None and task is not None:
                progress.update(task, description="done")
        if not quiet:
            for path in result.outputs:
                err.print(f"wrote {path}", markup=False, soft_wrap=True)


@app.command()
def render(
    transcript: Annotated[
        Path,
        typer.Argument(help="A .json transcript written by gztranscribe.", metavar="TRANSCRIPT"),
    ],
    formats: FormatOpt = "vtt,srt,txt",
    output_dir: OutDirOpt = None,
    profile: ProfileOpt = "broadcast",
    quiet: QuietOpt = False,
) -> None:
    """Render other formats from a saved .json transcript, without transcribing again."""
    from .pipeline import OutputOptions, render_file

    with handle_errors():
        chosen = parse_formats(formats)
        outputs = OutputOptions(formats=chosen, output_dir=output_dir, profile=get_profile(profile))
        for path in render_file(transcript, outputs, formats=chosen):
            if not quiet:
                err.print(f"wrote {path}", markup=False, soft_wrap=True)


from .cli_captions import register as _register_caption_commands  # noqa: E402

_register_caption_commands(app)


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interrupt during import or option parsing
        sys.exit(ExitCode.INTERRUPTED)
