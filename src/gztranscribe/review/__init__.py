"""Review an episode in the browser: watch, read, fix, publish (``gztranscribe review EPISODE``).

- ``session.py``: the episode under review (what the page shows, what a save writes; edited
  words are timed by the alignment engine, ``gztranscribe.align``);
- ``server.py``: the loopback-only, token-guarded HTTP server with fixed routes;
- ``static/``: the page (plain HTML, CSS and JavaScript, shipped in the package; nothing is
  fetched from the network, and no Node.js is needed at build or run time).

From Python::

    from gztranscribe.review import open_review
    from gztranscribe.settings import resolve_settings

    session = open_review(Path("ep.mp4"), resolve_settings(Path("ep.mp4")))
    server = ReviewServer(session)           # 127.0.0.1, a free port
    print(server.url)                        # includes the session token
    server.serve_forever()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .server import ReviewServer
from .session import EpisodeFiles, RequestError, ReviewSession, parse_save_request

if TYPE_CHECKING:
    from ..settings import Settings
    from ..transcribe import Transcriber

__all__ = [
    "DEFAULT_GLOSSARY",
    "EpisodeFiles",
    "RequestError",
    "ReviewServer",
    "ReviewSession",
    "ensure_transcript",
    "open_review",
    "parse_save_request",
]

DEFAULT_GLOSSARY = "glossary.txt"


def ensure_transcript(
    media: Path,
    settings: Settings,
    *,
    load: Callable[[], Transcriber] | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_progress: Callable[[float, float], None] | None = None,
) -> tuple[Path, bool]:
    """``EPISODE.json`` for ``media``, transcribing first when it is missing.

    Returns the JSON path and whether it was transcribed now. ``load`` gives the model (default:
    ``Transcriber.load(settings.model)``), called only when transcription is needed.
    """
    files = EpisodeFiles.of(media, settings.outputs.output_dir)
    if files.json.is_file():
        return files.json, False
    from ..pipeline import transcribe_file
    from ..transcribe import Transcriber

    formats = tuple(dict.fromkeys([*settings.outputs.formats, "json"]))
    outputs = replace(settings.outputs, formats=formats)
    transcribe_file(  # the model is loaded only once the paths are checked
        media,
        load or (lambda: Transcriber.load(settings.model)),
        decode=settings.decode,
        outputs=outputs,
        text=settings.text,
        on_stage=on_stage,
        on_progress=on_progress,
    )
    return files.json, True


def open_review(media: Path, settings: Settings, *, glossary: Path | None = None) -> ReviewSession:
    """A loaded ``ReviewSession`` for ``media`` (its ``EPISODE.json`` must exist).

    The glossary new terms go to: ``glossary`` if given, else the show's (``--glossary`` or the
    config's), else ``glossary.txt`` in the media's folder.
    """
    from ..errors import InputError

    if not media.is_file():
        raise InputError(f"{media}: no such media file")
    configured = glossary or settings.text.glossary_path
    session = ReviewSession(
        files=EpisodeFiles.of(media, settings.outputs.output_dir),
        profile=settings.outputs.profile,
        paragraph_style=settings.outputs.paragraph_style,
        lead_in=settings.outputs.lead_in,
        formats=settings.outputs.formats,
        glossary=configured or media.parent / DEFAULT_GLOSSARY,
        glossary_configured=configured is not None,
        config_path=settings.config_path,
    )
    return session.load()
