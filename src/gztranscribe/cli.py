"""The ``gztranscribe`` command: a thin typer face on the library.

It parses options, shows progress on stderr, calls the library, and turns every ``GzError`` into
one line on stderr plus the exit code documented in the README. No logic a library user would
need lives here: shared options and the error funnel are in ``cli_common``, progress drawing in
``cli_progress``, and each further command in its own ``cli_*`` module, registered below.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from . import __version__
from .cli_common import (
    ALL_SETTINGS,
    CAPTION_OPTIONS,
    CONFIG_OPTIONS,
    FormatOpt,
    LeadInOpt,
    OutDirOpt,
    QuietOpt,
    err,
    handle_errors,
    with_options,
)
from .cli_progress import batch_progress, print_summary, transcription_progress
from .errors import ExitCode, InputError
from .transcribe import Transcriber

DEFAULT_COMMAND = "transcribe"


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
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = None,
) -> None:
    """Turn commentary videos into clean transcripts and WebVTT captions."""



@app.command()
@with_options(*ALL_SETTINGS)
def transcribe(
    media: Annotated[
        Path, typer.Argument(help="The video or audio file to transcribe.", metavar="MEDIA", readable=False)
    ],
    quiet: QuietOpt = False,
    *,
    given: Any,
) -> None:
    """Transcribe one video or audio file.

    Writes captions (.vtt), a clean transcript (.txt) and the full result (.json) beside it.
    """
    from .pipeline import preflight, transcribe_file
    from .settings import resolve_settings

    with handle_errors():
        settings = resolve_settings(media, given)
        info = preflight(media, settings.outputs)  # the bar's total; a bad path: one line, no bar
        with transcription_progress(quiet, total=info.duration) as (on_stage, on_progress):
            result = transcribe_file(
                media,
                lambda: Transcriber.load(settings.model),
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
@with_options(*ALL_SETTINGS)
def batch(
    folder: Annotated[
        Path, typer.Argument(help="The folder of uploads to transcribe.", metavar="FOLDER", readable=False)
    ],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Include subfolders.")] = False,
    glob: Annotated[
        str | None, typer.Option("--glob", help='Only files matching this pattern, e.g. "*.mp4".')
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
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Files transcribed at once (default: 2 on 2+ cores, else 1)."
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help='Run on a running Dask cluster (tcp://scheduler:8786); needs pip install "gztranscribe[cluster]".',
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help='Run on a local Dask cluster of N worker processes; needs pip install "gztranscribe[cluster]".',
        ),
    ] = None,
    quiet: QuietOpt = False,
    *,
    given: Any,
) -> None:
    """Transcribe every media file in a folder.

    Skips files already done, keeps going past bad ones, and ends with a report.
    """
    from .batch import REPORT_NAME, default_jobs, run_batch
    from .settings import resolve_settings

    with handle_errors():
        if not folder.is_dir():
            raise InputError(f"{folder}: not a folder; for one file run `gztranscribe FILE`")
        settings = resolve_settings(folder, given)
        with batch_progress(quiet) as on_event:
            common: dict[str, Any] = dict(
                recursive=recursive, pattern=glob, force=force, skip_failed=skip_failed,
                on_event=on_event,
            )  # fmt: skip
            if cluster is not None or workers is not None:
                from .cluster import run_batch_on_cluster

                summary = run_batch_on_cluster(
                    folder, settings, jobs=jobs or 1, cluster=cluster, workers=workers, **common
                )
            else:
                summary = run_batch(folder, settings, jobs=jobs or default_jobs(), **common)
        print_summary(summary, quiet=quiet)
        report = (settings.outputs.output_dir or folder) / REPORT_NAME
        if not quiet:
            err.print(f"report: {report}", markup=False, soft_wrap=True)
        if summary.count("failed"):
            raise typer.Exit(ExitCode.BATCH_FAILURES)


@app.command()
@with_options(*CAPTION_OPTIONS, *CONFIG_OPTIONS)
def render(
    transcript: Annotated[
        Path,
        typer.Argument(help="A .json transcript written by gztranscribe.", metavar="TRANSCRIPT", readable=False),
    ],
    formats: FormatOpt = None,
    output_dir: OutDirOpt = None,
    lead_in: LeadInOpt = None,
    quiet: QuietOpt = False,
    *,
    given: Any,
) -> None:
    """Render other formats from a saved .json transcript.

    Nothing is transcribed again: the .json holds every word with its times.
    """
    from .pipeline import render_file
    from .settings import resolve_settings

    with handle_errors():
        given = replace(
            given, formats=formats or "vtt,srt,txt", output_dir=output_dir, lead_in=lead_in
        )
        settings = resolve_settings(transcript, given)
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
