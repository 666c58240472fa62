"""``gztranscribe review EPISODE``: the episode in the browser, to watch, read, fix and publish.

A thin face on ``gztranscribe.review``. ``cli.py`` calls ``register(app)`` at its end; names from
``cli`` are imported inside ``register`` so importing this module first cannot trip a circular
import. Annotations are evaluated when the command is defined (no ``from __future__ import
annotations``): typer reads them.
"""

import threading
import webbrowser
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_common import (
    HELP,
    ConfigOpt,
    OutDirOpt,
    ProfileOpt,
    QuietOpt,
    err,
    handle_errors,
    overrides,
)
from .cli_progress import transcription_progress


def register(app: typer.Typer) -> None:
    """Add ``review`` to ``app`` (called once, at the end of ``cli.py``)."""

    @app.command("review", context_settings=HELP)
    def review(
        media: Annotated[
            Path,
            typer.Argument(
                help="The episode's video or audio file.", metavar="MEDIA", readable=False
            ),
        ],
        port: Annotated[
            int,
            typer.Option(
                "--port", min=0, max=65535, help="Port on 127.0.0.1 (default 0: a free one)."
            ),
        ] = 0,
        no_browser: Annotated[
            bool,
            typer.Option("--no-browser", help="Print the address but do not open a browser."),
        ] = False,
        output_dir: OutDirOpt = None,
        profile: ProfileOpt = None,
        glossary: Annotated[
            Path | None,
            typer.Option(
                "--glossary",
                "-g",
                help="The show's glossary, where terms added on the page go (default: the "
                "config's glossary, else glossary.txt beside the media).",
                readable=False,
            ),
        ] = None,
        config: ConfigOpt = None,
        quiet: QuietOpt = False,
    ) -> None:
        """Review an episode in the browser, and fix its text.

        Watch it with its captions, fix the text, save.

        Serves a page on 127.0.0.1 only (stop with Ctrl-C). Saving times the edited words to the
        audio again, rebuilds the captions and rewrites EPISODE.vtt/.txt/.json (and any other
        formats beside them), keeping the previous versions as EPISODE.vtt.bak etc. Needs
        EPISODE.json beside the media (or in -o DIR); without it the episode is transcribed first.
        New glossary terms go to --glossary, the config's glossary, or glossary.txt beside the media.
        """
        from .errors import UsageError
        from .media import check_input_file
        from .review import EpisodeFiles, ReviewServer, ensure_transcript, open_review
        from .settings import resolve_settings

        with handle_errors():
            check_input_file(media)
            settings = resolve_settings(
                media,
                overrides(
                    config=config, output_dir=output_dir, profile=profile, glossary=glossary,
                    max_line_chars=None, max_cps=None,
                ),
            )  # fmt: skip
            files = EpisodeFiles.of(media, settings.outputs.output_dir)
            if not files.json.is_file():
                _transcribe(media, settings, quiet, ensure_transcript)
            session = open_review(media, settings)

            def on_event(name: str, data: dict[str, Any]) -> None:
                if name == "save" and data.get("saved"):
                    err.print(
                        f"saved {', '.join(data['written'])} (previous versions: "
                        f"{', '.join(data['backups']) or 'none'})",
                        markup=False,
                        soft_wrap=True,
                    )
                elif name == "glossary":
                    err.print(data["message"], markup=False, soft_wrap=True)

            try:
                server = ReviewServer(session, port=port, on_event=on_event)
            except OSError as exc:
                raise UsageError(
                    f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc}); "
                    "choose another --port, or 0 for any free one"
                ) from None
            err.print(
                f"Reviewing {media.name}: {server.url}\n(the address holds this session's key; "
                "press Ctrl-C to stop)",
                markup=False,
                soft_wrap=True,
            )
            if not no_browser:
                threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                if not quiet:
                    err.print("stopped", markup=False)
            finally:
                server.server_close()

    def _transcribe(media: Path, settings: Any, quiet: bool, ensure: Any) -> None:
        """No EPISODE.json yet: transcribe with the show's settings, with the usual progress."""
        from .transcribe import Transcriber

        if not quiet:
            err.print(f"no transcript for {media.name} yet: transcribing it first", markup=False)
        with transcription_progress(quiet) as (on_stage, on_progress):
            ensure(
                media,
                settings,
                load=lambda: Transcriber.load(settings.model),
                on_stage=on_stage,
                on_progress=on_progress,
            )
