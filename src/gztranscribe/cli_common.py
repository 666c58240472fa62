"""What every ``gztranscribe`` command shares: one error funnel and one declaration per option.

``handle_errors`` turns every ``GzError`` into one ``error:`` line and its documented exit code.
The options that map onto settings (model, captions, outputs, text) are declared once here, in
groups; ``@with_options(*MODEL_OPTIONS, ...)`` adds them to a command and hands the command one
``Overrides`` (command line over the show's config over defaults, see ``settings``).
"""

from __future__ import annotations

import functools
import inspect
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from .errors import ExitCode, GzError

err = Console(stderr=True, highlight=False)
HELP = {"help_option_names": ["-h", "--help"]}


def say(message: str) -> None:
    """One line on stderr, printed as is (file names may hold brackets)."""
    err.print(message, markup=False, soft_wrap=True)


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



# ----------------------------------------------------------------------------- options
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Model: omit for the bundled tiny.en; a name such as small.en (downloaded once when "
        "online) or a folder holding a CTranslate2 Whisper model.",
    ),
]
DeviceOpt = Annotated[str | None, typer.Option("--device", help="auto (default), cpu or cuda.")]
ComputeOpt = Annotated[
    str | None,
    typer.Option("--compute-type", help="CTranslate2 compute type (default int8 on CPU, float16 on GPU)."),
]
ThreadsOpt = Annotated[
    int | None, typer.Option("--threads", min=0, help="CPU threads (default: all cores).")
]
LanguageOpt = Annotated[
    str | None, typer.Option("--language", "-l", help="Spoken language code (default en).")
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="Outputs, comma-separated: vtt, srt, txt, json, md, html (default vtt,txt,json).",
    ),
]
OutDirOpt = Annotated[
    Path | None,
    typer.Option("--output-dir", "-o", help="Folder for the outputs (default: beside the input).", readable=False),
]
ProfileOpt = Annotated[
    str | None,
    typer.Option("--profile", help="Caption style profile: broadcast (default), strict, bbc or social."),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="Project config file (default: gztranscribe.toml beside the input).", readable=False),
]
GlossaryOpt = Annotated[
    Path | None,
    typer.Option("--glossary", "-g", help="The show's glossary: names and terms, one a line.", readable=False),
]
LeadInOpt = Annotated[
    str | None,
    typer.Option("--lead-in", help='Transcript opening line, or a speaker label ending with ":".'),
]
CleanupOpt = Annotated[
    bool | None,
    typer.Option("--cleanup/--verbatim", help="Remove fillers and stutters (default) or keep them."),
]
MaxCharsOpt = Annotated[
    int | None, typer.Option("--max-line-chars", min=10, help="Caption line width (profile's by default).")
]
MaxCpsOpt = Annotated[
    float | None, typer.Option("--max-cps", min=5, help="Caption reading speed limit, characters a second.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output (for scripts).")]


# ----------------------------------------------------------------------------- option groups
def _option(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)


OUTPUT_OPTIONS = (_option("output_dir", OutDirOpt), _option("formats", FormatOpt))
MODEL_OPTIONS = (
    _option("model", ModelOpt),
    _option("device", DeviceOpt),
    _option("compute_type", ComputeOpt),
    _option("threads", ThreadsOpt),
    _option("language", LanguageOpt),
)
CAPTION_OPTIONS = (
    _option("profile", ProfileOpt),
    _option("max_line_chars", MaxCharsOpt),
    _option("max_cps", MaxCpsOpt),
)
TEXT_OPTIONS = (
    _option("glossary", GlossaryOpt),
    _option("lead_in", LeadInOpt),
    _option("cleanup", CleanupOpt),
)
CONFIG_OPTIONS = (_option("config", ConfigOpt),)
ALL_SETTINGS = OUTPUT_OPTIONS + MODEL_OPTIONS + CAPTION_OPTIONS + TEXT_OPTIONS + CONFIG_OPTIONS


def overrides(**values: Any) -> Any:
    """``settings.Overrides`` from option values (absent ones: None, the config decides)."""
    from .settings import Overrides

    captions = {
        "max_chars_per_line": values.pop("max_line_chars", None),
        "max_cps": values.pop("max_cps", None),
    }
    return Overrides(**values, captions=captions)


def with_options(*options: inspect.Parameter) -> Callable[[Callable[..., Any]], Any]:
    """Add ``options`` (the groups above) to a command; it receives them as ``given: Overrides``.

    The command declares its own arguments and options, then ``given``; the shared options are
    appended to its signature, which is what typer reads. ``--quiet`` stays the command's own.
    """
    shared = list(options)

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(command, eval_str=True)  # typer reads these objects
        own = [p for p in signature.parameters.values() if p.name != "given"]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {p.name: kwargs.pop(p.name) for p in shared}
            return command(*args, given=overrides(**values), **kwargs)

        wrapper.__signature__ = signature.replace(parameters=own + shared)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in own + shared}
        return wrapper

    return decorate
