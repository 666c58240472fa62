"""Project config: a show's defaults in gztranscribe.toml, and errors that name the key and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gztranscribe.config import ConfigError, find_config, load_config
from gztranscribe.errors import ExitCode
from gztranscribe.profiles import get_profile


def write(folder: Path, text: str, name: str = "gztranscribe.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_setting_is_read_and_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'model = "tiny.en"\nlanguage = "en"\nglossary = "names.txt"\nlead_in = "Ian Bremmer:"\n'
            'profile = "bbc"\nformats = ["vtt", "html"]\noutput_dir = "out"\n\n'
            "[captions]\nmax_chars_per_line = 40\nmax_cps = 18.5\n",
        )
    )
    assert config.model == "tiny.en"
    assert config.glossary == (tmp_path / "names.txt").resolve()
    assert config.output_dir == (tmp_path / "out").resolve()
    assert config.formats == ("vtt", "html")
    assert config.lead_in == "Ian Bremmer:"
    assert config.captions == {"max_chars_per_line": 40, "max_cps": 18.5}


def test_the_config_beside_the_input_is_found_and_an_explicit_one_wins(tmp_path: Path) -> None:
    beside = write(tmp_path, 'language = "en"\n')
    other = write(tmp_path, 'language = "de"\n', name="other.toml")
    media = tmp_path / "ep.mp4"
    assert find_config(media) == beside
    assert find_config(media, other) == other
    assert find_config(tmp_path / "sub" / "ep.mp4") is None


def test_a_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        find_config(tmp_path / "ep.mp4", tmp_path / "nope.toml")


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param('language = "en"\nmodle = "x"\n', ":2: modle: unknown setting", id="typo in a key"),
        pytest.param('\n\nformats = 3\n', ":3: formats: must be a list", id="formats not a list"),
        pytest.param('model = 5\n', ":1: model: must be a string", id="model not a string"),
        pytest.param('[captions]\nmax_cps = "fast"\n', ":2: max_cps: must be a positive number", id="bad number"),
        pytest.param('[captions]\nmax_cps = -1\n', ":2: max_cps: must be a positive number", id="negative"),
        pytest.param('[captions]\nwidth = 3\n', ":2: width: unknown caption setting", id="unknown caption key"),
        pytest.param('model = "a\n', "not valid TOML (", id="broken TOML"),
        pytest.param('glossary = ""\n', ":1: glossary: must be a path", id="empty path"),
    ],
)
def test_a_bad_config_names_the_key_and_the_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert expected in str(caught.value)
    assert caught.value.exit_code == ExitCode.USAGE


def test_caption_numbers_from_a_config_keep_their_types(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[captions]\nmax_chars_per_line = 37.0\n"))
    profile = get_profile("broadcast", **config.captions)
    assert profile.max_chars_per_line == 37 and isinstance(profile.max_chars_per_line, int)


def test_no_config_means_no_overrides() -> None:
    config = load_config(None)
    assert config.model is None and config.formats is None and config.captions == {}
