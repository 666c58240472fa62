"""gztranscribe: commentary videos -> clean transcripts and broadcast-quality WebVTT captions.

The library is the product; the CLI is a thin face on it. The names below are the public API,
loaded on first use (PEP 562) so that ``import gztranscribe`` stays instant and pulling in the
caption engine never loads the model, ffmpeg or the CLI.

    from gztranscribe import Transcriber, OutputOptions, transcribe_file
    transcriber = Transcriber.load()
    result = transcribe_file(Path("episode.mp4"), transcriber, outputs=OutputOptions())
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that owns it
_PUBLIC = {
    # transcribing: a model loaded once, one file or a folder end to end
    "Transcriber": "transcribe",
    "ModelOptions": "transcribe",
    "DecodeOptions": "transcribe",
    "OutputOptions": "pipeline",
    "TextOptions": "pipeline",
    "transcribe_file": "pipeline",
    "render_file": "pipeline",
    "resolve_settings": "settings",
    "process_folder": "batch",
    "run_batch": "batch",
    # an edited text timed to the audio
    "AlignOptions": "align",
    "align_file": "align",
    "align_words": "align",
    # captions: the engine, its profiles, reading and linting caption files
    "StyleProfile": "profiles",
    "PROFILES": "profiles",
    "get_profile": "profiles",
    "build_cues": "captions",
    "build_document": "document",
    "read_caption_file": "caption_files",
    "check_captions": "checking",
    "check_parsed": "checking",
    "fix_captions": "checking",
    "convert_file": "caption_tools",
    "format_problem": "caption_tools",
    "ImportOptions": "importing.files",
    "import_file": "importing.files",
    "import_folder": "importing.files",
    "load_glossary": "glossary",
    "load_transcript": "transcript_files",
    # the data flowing between stages
    "Word": "types",
    "Segment": "types",
    "Transcript": "types",
    "Cue": "types",
    "Captions": "types",
    "Paragraph": "types",
    # errors: every failure a person can act on, with its exit code
    "GzError": "errors",
    "ExitCode": "errors",
}

__all__ = ["__version__", *sorted(_PUBLIC)]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'gztranscribe' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .align import AlignOptions, align_file, align_words
    from .batch import process_folder, run_batch
    from .caption_files import read_caption_file
    from .caption_tools import convert_file, format_problem
    from .captions import build_cues
    from .checking import check_captions, check_parsed, fix_captions
    from .document import build_document
    from .errors import ExitCode, GzError
    from .glossary import load_glossary
    from .importing.files import ImportOptions, import_file, import_folder
    from .pipeline import OutputOptions, TextOptions, render_file, transcribe_file
    from .profiles import PROFILES, StyleProfile, get_profile
    from .settings import resolve_settings
    from .transcribe import DecodeOptions, ModelOptions, Transcriber
    from .transcript_files import load_transcript
    from .types import Captions, Cue, Paragraph, Segment, Transcript, Word
