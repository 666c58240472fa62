"""``gztranscribe --help`` is the first thing a newcomer reads: every command's line shows whole."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.main import get_command

from gztranscribe.cli import app


def _commands() -> dict[str, Any]:
    return dict(get_command(app).commands)  # type: ignore[attr-defined]


def _command_lines(help_text: str) -> dict[str, str]:
    """``{name: description}`` from the "Commands:" section of a help page."""
    section = help_text.split("Commands:", 1)[1]
    lines: dict[str, str] = {}
    for line in section.splitlines():
        match = re.match(r"^  (\S+)\s+(.*)$", line)
        if match:
            lines[match.group(1)] = match.group(2)
    return lines


@pytest.mark.parametrize("columns", [80, 100])
def test_top_level_help_shows_every_command_description_whole(runner, columns: int) -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": str(columns)}, prog_name="gztranscribe")
    assert result.exit_code == 0
    shown = _command_lines(result.output)
    assert set(shown) == set(_commands()), "every command is listed"
    for name, command in _commands().items():
        first_sentence = " ".join((command.help or "").split("\n\n")[0].split())
        assert not shown[name].endswith("..."), f"{name}: description cut at {columns} columns"
        assert shown[name] == first_sentence, f"{name}: the listed line is its whole first sentence"
    assert all(len(line) <= columns for line in result.output.splitlines())


def test_every_command_has_a_short_first_sentence_and_details_after_it() -> None:
    for name, command in _commands().items():
        first, _, rest = (command.help or "").partition("\n\n")
        assert first.strip().endswith("."), f"{name}: the first line is a sentence"
        assert len(" ".join(first.split())) <= 60, f"{name}: first sentence fits beside its name"
        assert rest.strip(), f"{name}: details follow the first sentence"
