"""``gztranscribe import``: caption files from vendors and platforms -> the show's captions.

A thin face on ``importing.files``. ``cli.py`` calls ``register(app)`` at its end; everything
from ``cli`` is imported inside ``register`` so importing this module first cannot trip a
circular import. Annotations are evaluated when the command is defined (no ``from __future__
import annotations``): typer reads them, and the option types are local names in ``register``.
"""

from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_common import (
    HELP,
    ConfigOpt,
    GlossaryOpt,
    MaxCharsOpt,
    MaxCpsOpt,
    OutDirOpt,
    ProfileOpt,
    QuietOpt,
    err,
    handle_errors,
    overrides,
)
from .cli_progress import transcription_progress
from .errors import ExitCode, GzError, UsageError


def _options(target: Path, config: Any, formats: Any, output_dir: Any, profile: Any,
             glossary: Any, max_line_chars: Any, max_cps: Any) -> Any:  # fmt: skip
    """Command line over the show's ``gztranscribe.toml`` over defaults, as for transcription."""
    from .glossary import load_glossary
    from .importing.files import ImportOptions, check_formats
    from .settings import resolve_settings

    given = overrides(
        config=config, formats=formats or "vtt", output_dir=output_dir, profile=profile,
        glossary=glossary, max_line_chars=max_line_chars, max_cps=max_cps,
    )  # fmt: skip
    settings = resolve_settings(target, given)
    path = settings.text.glossary_path
    return settings, ImportOptions(
        profile=settings.outputs.profile,
        formats=check_formats(settings.outputs.formats),
        output_dir=settings.outputs.output_dir,
        glossary=load_glossary(path) if path else None,
    )


def register(app: typer.Typer) -> None:
    """Add ``import`` to ``app`` (called once, at the end of ``cli.py``)."""

    def say(message: str) -> None:
        err.print(message, markup=False, soft_wrap=True)

    @app.command("import", context_settings=HELP)
    def import_captions(
        captions: Annotated[
            list[Path],
            typer.Argument(
                help="Caption files (SCC, DFXP/TTML, SAMI, SBV, ASS/SSA, SRT, WebVTT, MicroDVD; recognised "
                "by content) or folders of them.",
                metavar="CAPTIONS...",
            ),
        ],
        output_dir: OutDirOpt = None,
        media: Annotated[
            Path | None,
            typer.Option(
                "--media",
                help="The episode's video or audio: re-time the imported words to it with the "
                "aligner (one caption file only).",
            ),
        ] = None,
        formats: Annotated[
            str | None,
            typer.Option("--format", "-f", help="vtt (default), srt or vtt,srt."),
        ] = None,
        profile: ProfileOpt = None,
        glossary: GlossaryOpt = None,
        max_line_chars: MaxCharsOpt = None,
        max_cps: MaxCpsOpt = None,
        config: ConfigOpt = None,
        recursive: Annotated[
            bool, typer.Option("--recursive", "-r", help="Include subfolders of a folder.")
        ] = False,
        force: Annotated[
            bool, typer.Option("--force", help="Import again files already imported.")
        ] = False,
        quiet: QuietOpt = False,
    ) -> None:
        """Import caption files (SCC, TTML, SAMI, SBV, ASS, SRT, VTT).

        Writes STEM.vtt (and .srt) under the show's caption profile. Every word is kept in
        order; upper-case broadcast text becomes sentence case with the glossary's names;
        roll-up captions give each word once; styling and positions are dropped; cues are
        re-flowed where they break the profile. Exit status: 0, 8 when a
        caption file cannot be read (nothing is written), 9 when some files of several failed.
        """
        with handle_errors():
            if not captions:
                raise UsageError("give at least one caption file or folder")
            if media is not None and (len(captions) != 1 or captions[0].is_dir()):
                raise UsageError("--media re-times one caption file; give exactly one file")
            settings, options = _options(
                captions[0], config, formats, output_dir, profile, glossary, max_line_chars,
                max_cps,
            )  # fmt: skip
            if len(captions) == 1 and not captions[0].is_dir():
                _one(captions[0], options, settings, media, quiet, say, transcription_progress)
                return
            files = [p for p in captions if not p.is_dir()]
            failed = _files(files, options, quiet, say) if files else 0
            for folder in (p for p in captions if p.is_dir()):
                failed += _folder(folder, options, recursive, force, quiet, say)
            if failed:
                raise typer.Exit(ExitCode.BATCH_FAILURES)


def _one(path: Path, options: Any, settings: Any, media: Path | None, quiet: bool, say: Any,
         progress: Any) -> None:  # fmt: skip
    from .importing.files import import_file

    if media is None:
        result = import_file(path, options)
    else:
        from .transcribe import Transcriber

        with progress(quiet, "reading") as (on_stage, on_progress):
            result = import_file(
                path, options, media=media,
                transcriber=lambda: Transcriber.load(settings.model),
                on_stage=on_stage, on_progress=on_progress,
            )  # fmt: skip
        for line in result.notes:
            say(line)
    for problem in result.problems:
        say(f"warning: {path}: {problem}")
    if not quiet:
        say(
            f"imported {path} ({result.format}): {result.words} words, {len(result.captions.cues)} cues"
        )
        for output in result.outputs:
            say(f"wrote {output}")


def _files(files: list[Path], options: Any, quiet: bool, say: Any) -> int:
    """Several files: each imported or reported; returns how many failed."""
    from .importing.files import import_file, plan_targets

    failed = 0
    for path, targets in plan_targets(files, options).items():
        try:
            result = import_file(path, options, targets=targets)
        except GzError as exc:
            say(f"failed: {exc}")
            failed += 1
            continue
        for problem in result.problems:
            say(f"warning: {path}: {problem}")
        if not quiet:
            for output in result.outputs:
                say(f"wrote {output}")
    return failed


def _folder(folder: Path, options: Any, recursive: bool, force: bool, quiet: bool, say: Any) -> int:
    """A folder with batch semantics; returns how many files failed."""
    from .importing.files import REPORT_NAME, import_folder

    def on_event(name: str, data: dict[str, Any]) -> None:
        if name == "result" and not quiet:
            result = data["result"]
            mark = {"done": "done", "skipped": "skip", "failed": "FAIL"}[result.status]
            say(f"{mark}  {result.reason if result.status == 'failed' else result.source}")

    summary = import_folder(folder, options, recursive=recursive, force=force, on_event=on_event)
    failures = [r for r in summary.results if r.status == "failed"]
    for result in failures:
        if quiet:
            say(f"failed: {result.reason}")
    for result in summary.results:
        for warning in result.warnings:
            say(f"warning: {result.source}: {warning}")
    if not quiet:
        say(
            f"{folder}: {summary.count('done')} imported, {summary.count('skipped')} already "
            f"done, {len(failures)} failed, {len(summary.ignored)} other files ignored; report: "
            f"{(options.output_dir or folder) / REPORT_NAME}"
        )
    return len(failures)
