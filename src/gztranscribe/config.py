"""A show's defaults in ``gztranscribe.toml``: found beside the input, or given with ``--config``.

Command-line options always win over the file; the file wins over built-in defaults. Relative paths
in the file (glossary, output_dir) are relative to the file, so a show folder can move as a whole.

```toml
model = "tiny.en"            # or a model name / folder
language = "en"
glossary = "names.txt"       # see glossary.py for the format
lead_in = "Ian Bremmer:"     # ends with ":" -> speaker label before the first paragraph
profile = "broadcast"        # caption style profile
formats = ["vtt", "txt", "json", "html"]
output_dir = "published"

[captions]                   # custom numbers on top of the profile
max_chars_per_line = 37
max_cps = 17
```
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import UsageError
from .profiles import PROFILES, StyleProfile

CONFIG_NAME = "gztranscribe.toml"


class ConfigError(UsageError):
    """A config file that cannot be used; the message names the file, line and key."""


@dataclass(frozen=True, slots=True)
class ProjectConfig:
    path: Path | None = None
    model: str | None = None
    language: str | None = None
    glossary: Path | None = None
    lead_in: str | None = None
    profile: str | None = None
    formats: tuple[str, ...] | None = None
    output_dir: Path | None = None
    captions: dict[str, Any] = field(default_factory=dict)


_STRINGS = ("model", "language", "lead_in", "profile")
_PATHS = ("glossary", "output_dir")
_CAPTION_KEYS = {f.name: f.type for f in fields(StyleProfile) if f.name != "name"}


def find_config(media: Path, explicit: Path | None = None) -> Path | None:
    """``--config`` if given (it must exist), else ``gztranscribe.toml`` beside the input."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return explicit
    folder = media if media.is_dir() else media.parent
    candidate = folder / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None) -> ProjectConfig:
    if path is None:
        return ProjectConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_config(data, path=path, text=text)


def parse_config(data: dict[str, Any], *, path: Path, text: str = "") -> ProjectConfig:
    """Validate every key; an error names the key and the line it is on."""

    def fail(key: str, problem: str) -> ConfigError:
        line = _line_of(text, key)
        where = f"{path}:{line}" if line else str(path)
        return ConfigError(f"{where}: {key}: {problem}")

    known = set(_STRINGS) | set(_PATHS) | {"formats", "captions"}
    for key in data:
        if key not in known:
            raise fail(key, f"unknown setting; known settings: {', '.join(sorted(known))}")
    values: dict[str, Any] = {"path": path}
    for key in _STRINGS:
        if key in data:
            if not isinstance(data[key], str):
                raise fail(key, "must be a string in quotes")
            values[key] = data[key]
    if values.get("profile") is not None and values["profile"] not in PROFILES:
        names = ", ".join(sorted(PROFILES))
        raise fail("profile", f"unknown caption profile {values['profile']!r}; choose one of: {names}")
    for key in _PATHS:
        if key in data:
            if not isinstance(data[key], str) or not data[key].strip():
                raise fail(key, "must be a path in quotes")
            values[key] = (path.parent / Path(data[key]).expanduser()).resolve()
    if "formats" in data:
        formats = data["formats"]
        if isinstance(formats, str):
            formats = [f for f in formats.split(",") if f.strip()]
        if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
            raise fail("formats", 'must be a list such as ["vtt", "txt"]')
        values["formats"] = tuple(f.strip() for f in formats)
    if "captions" in data:
        captions = data["captions"]
        if not isinstance(captions, dict):
            raise fail("captions", "must be a [captions] table")
        for key, value in captions.items():
            if key not in _CAPTION_KEYS:
                raise fail(key, f"unknown caption setting; known: {', '.join(sorted(_CAPTION_KEYS))}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise fail(key, "must be a positive number")
        values["captions"] = dict(captions)
    return ProjectConfig(**values)


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None
