"""``gztranscribe align``: captions with an edited transcript's exact words, timed to the audio.

A thin face on ``align.align_file``. ``cli.py`` calls ``register(app)`` at its end; shared
options and the error funnel come from ``cli_common`` (no import of ``cli``: no cycle).
"""

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_common import (
    CAPTION_OPTIONS,
    CONFIG_OPTIONS,
    HELP,
    MODEL_OPTIONS,
    OutDirOpt,
    QuietOpt,
    err,
    handle_errors,
    with_options,
)
from .cli_progress import transcription_progress


def register(app: typer.Typer) -> None:
    """Add ``align`` to ``app`` (called once, at the end of ``cli.py``)."""

    @app.command("align", context_settings=HELP)
    @with_options(*MODEL_OPTIONS, *CAPTION_OPTIONS, *CONFIG_OPTIONS)
    def align(
        media: Annotated[
            Path,
            typer.Argument(
                help="The episode's video or audio file.", metavar="MEDIA", readable=False
            ),
        ],
        text: Annotated[
            Path,
            typer.Argument(
                help="The edited transcript: plain text (.txt, paragraphs) or captions "
                "(.vtt/.srt, whose text is kept and whose timings are redone).",
                metavar="TEXT",
                readable=False,
            ),
        ],
        transcript: Annotated[
            Path | None,
            typer.Option(
                "--transcript",
                "-t",
                help="Reuse this EPISODE.json (written by gztranscribe) instead of transcribing. "
                "By default an EPISODE.json from an earlier run on the same file is reused.",
                readable=False,
            ),
        ] = None,
        retranscribe: Annotated[
            bool,
            typer.Option(
                "--retranscribe", help="Transcribe again even when an EPISODE.json is found."
            ),
        ] = False,
        formats: Annotated[
            str | None,
            typer.Option(
                "--format",
                "-f",
                help="Outputs, comma-separated: vtt, srt, json, txt, md, html (default vtt).",
            ),
        ] = None,
        output_dir: OutDirOpt = None,
        min_match: Annotated[
            float,
            typer.Option(
                "--min-match",
                min=0.0,
                max=1.0,
                help="Refuse the text when fewer of its words than this share are heard in the "
                "audio (default 0.5): it is then probably another episode's transcript.",
            ),
        ] = 0.5,
        notes: Annotated[
            bool,
            typer.Option(
                "--notes/--no-notes",
                help="List the spans where text and audio differ in a NOTE block of the .vtt "
                "(default on; viewers never see NOTEs).",
            ),
        ] = True,
        quiet: QuietOpt = False,
        *,
        given: Any,
    ) -> None:
        """Time an edited transcript to the audio.

        Captions with exactly the text's words.

        Every word of TEXT appears in the captions, in order and as written, timed from the
        audio by the Whisper model. Words the audio does not have are placed between their
        neighbours; spans where text and audio differ are listed on stderr with their times
        (and in a NOTE block of the .vtt). A text that is not this episode's transcript is
        refused (exit status 10). Writes MEDIA's name with .vtt (or --format) beside MEDIA.
        """
        from .align import AlignOptions, align_file
        from .settings import resolve_settings
        from .transcribe import Transcriber

        with handle_errors():
            given = replace(given, formats=formats or "vtt", output_dir=output_dir)
            settings = resolve_settings(media, given)
            with transcription_progress(quiet, "reading") as (on_stage, on_progress):
                result = align_file(
                    media,
                    text,
                    lambda: Transcriber.load(settings.model),
                    transcript=transcript,
                    reuse=not retranscribe,
                    decode=settings.decode,
                    outputs=settings.outputs,
                    options=AlignOptions(min_match=min_match),
                    notes=notes,
                    on_progress=on_progress,
                    on_stage=on_stage,
                )
            _report(result, err, quiet)


def _report(result: Any, err: Any, quiet: bool) -> None:
    """Spans always (a producer must see them, even with -q); the summary and paths unless -q."""
    for line in result.notes:
        err.print(line, markup=False, soft_wrap=True)
    if quiet:
        return
    alignment = result.alignment
    if result.reused_transcript is not None:
        err.print(
            f"used the recognized words in {result.reused_transcript} (--retranscribe to decode "
            "again)",
            markup=False,
            soft_wrap=True,
        )
    sources = alignment.sources
    timed = sum(1 for s in sources if s != "interpolated")
    err.print(
        f"aligned {len(sources)} words of {result.text.name}: {100 * alignment.match_ratio:.1f}% "
        f"heard in the audio, {timed} timed from the audio, {len(sources) - timed} placed "
        "between neighbours",
        markup=False,
        soft_wrap=True,
    )
    for path in result.outputs:
        err.print(f"wrote {path}", markup=False, soft_wrap=True)
