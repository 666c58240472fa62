"""Everything one run needs, resolved once: command-line values over the show's config over defaults.

The CLI and library callers describe what they were given in ``Overrides`` (``None`` = not given);
``resolve_settings`` returns the frozen option records the pipeline stages take. Keeping this out
of the CLI means a batch and a single file resolve settings the same way.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import ProjectConfig, find_config, load_config
from .formats import DEFAULT_FORMATS, parse_formats
from .pipeline import OutputOptions, TextOptions
from .profiles import StyleProfile, get_profile
from .transcribe import DecodeOptions, ModelOptions


@dataclass(frozen=True, slots=True)
class Overrides:
    config: Path | None = None
    model: str | None = None
    device: str | None = None
    compute_type: str | None = None
    threads: int | None = None
    language: str | None = None
    formats: str | None = None
    output_dir: Path | None = None
    profile: str | None = None
    glossary: Path | None = None
    lead_in: str | None = None
    cleanup: bool | None = None
    captions: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Settings:
    model: ModelOptions
    decode: DecodeOptions
    outputs: OutputOptions
    text: TextOptions
    config_path: Path | None = None

    def fingerprint(self) -> str:
        """A short hash of everything that changes an output: batch skip-done keys on it."""
        glossary = self.text.glossary_path
        identity = {
            "model": self.model.model or "default",
            "decode": self.decode.as_dict(),
            "formats": list(self.outputs.formats),
            "profile": repr(self.outputs.profile),
            "paragraphs": repr(self.outputs.paragraph_style),
            "lead_in": self.outputs.lead_in,
            "cleanup": self.text.cleanup,
            "glossary": _file_digest(glossary) if glossary else None,
        }
        blob = json.dumps(identity, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def resolve_settings(target: Path, given: Overrides = Overrides()) -> Settings:
    """``target`` is the media file or folder; its ``gztranscribe.toml`` supplies show defaults."""
    config_path = find_config(target, given.config)
    config = load_config(config_path)
    return _merge(given, config)


def resolve_profile(
    target: Path,
    *,
    config: Path | None = None,
    profile: str | None = None,
    captions: dict[str, Any] | None = None,
) -> StyleProfile:
    """The caption profile for a caption command: options over the config beside ``target``.

    The commands that only read or write captions (check, convert) need nothing else from the
    config, so they do not load a glossary or look at models; a broken config still stops them.
    """
    found = load_config(find_config(target, config))
    numbers = {**found.captions, **{k: v for k, v in (captions or {}).items() if v is not None}}
    return get_profile(profile or found.profile or "broadcast", **numbers)


def _merge(given: Overrides, config: ProjectConfig) -> Settings:
    def pick(name: str, default: Any = None) -> Any:
        value = getattr(given, name)
        if value is not None:
            return value
        from_config = getattr(config, name, None)
        return from_config if from_config is not None else default

    formats_value = given.formats if given.formats is not None else config.formats
    formats = parse_formats(formats_value) if formats_value is not None else DEFAULT_FORMATS
    captions = {**config.captions, **{k: v for k, v in given.captions.items() if v is not None}}
    profile = get_profile(pick("profile", "broadcast"), **captions)
    glossary_path: Path | None = pick("glossary")
    text = TextOptions(cleanup=pick("cleanup", True), glossary_path=glossary_path)
    decode = DecodeOptions(language=pick("language", "en"), **text.decoding_hint())
    return Settings(
        model=ModelOptions(
            model=pick("model"),
            device=pick("device", "auto"),
            compute_type=pick("compute_type"),
            threads=pick("threads", 0),
        ),
        decode=decode,
        outputs=OutputOptions(
            formats=formats,
            output_dir=pick("output_dir"),
            profile=profile,
            lead_in=pick("lead_in"),
        ),
        text=text,
        config_path=config.path,
    )


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"
