"""Every command that reads or writes captions finds the show's ``gztranscribe.toml`` as transcribe
does (beside its input, or ``--config``); options still win, and a broken config stops it (exit 2).

A show that publishes to social video puts ``profile = "social"`` (one line of 32) in its config; a
file that passes under the broadcast profile must then fail ``check`` there, with no option typed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MEDIA, SPEECH_TEXT

from gztranscribe.caption_files import read_caption_file
from gztranscribe.errors import ExitCode
from gztranscribe.pipeline import OutputOptions, write_outputs
from gztranscribe.types import Segment, Transcript, Word

CLEAN = Path(__file__).parent / "data" / "captions" / "clean.vtt"  # passes the broadcast profile


def _show(folder: Path, config: str) -> Path:
    """A show folder: the broadcast-clean caption file and a config beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(CLEAN, folder / "episode.vtt")
    (folder / "gztranscribe.toml").write_text(config, encoding="utf-8")
    return folder / "episode.vtt"


def test_check_reads_the_profile_from_the_config_beside_the_file(cli, tmp_path: Path) -> None:
    assert cli("check", CLEAN).exit_code == ExitCode.OK
    episode = _show(tmp_path / "show", 'profile = "social"\n')
    result = cli("check", episode)
    assert result.exit_code == ExitCode.CAPTION_PROBLEMS
    assert "line-count" in result.stdout and "max 1" in result.stdout


def test_an_option_wins_over_the_config(cli, tmp_path: Path) -> None:
    episode = _show(tmp_path / "show", 'profile = "social"\n')
    assert cli("check", episode, "--profile", "broadcast").exit_code == ExitCode.OK


def test_the_configs_caption_numbers_apply_and_an_explicit_config_is_used(
    cli, tmp_path: Path
) -> None:
    episode = _show(tmp_path / "show", "[captions]\nmax_chars_per_line = 30\n")
    beside = cli("check", episode)
    assert beside.exit_code == ExitCode.CAPTION_PROBLEMS and "(max 30)" in beside.stdout
    elsewhere = tmp_path / "other.toml"
    elsewhere.write_text('profile = "broadcast"\n', encoding="utf-8")
    assert cli("check", CLEAN, "--config", elsewhere).exit_code == ExitCode.OK
    strict = tmp_path / "strict.toml"
    strict.write_text('profile = "social"\n', encoding="utf-8")
    assert cli("check", CLEAN, "--config", strict).exit_code == ExitCode.CAPTION_PROBLEMS


@pytest.mark.parametrize(
    "command",
    [("check",), ("check", "--fix"), ("convert", "OUT"), ("render",)],
    ids=["check", "check-fix", "convert", "render"],
)
def test_a_bad_profile_in_the_config_names_the_file_and_line(
    cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    episode = _show(tmp_path / "show", 'model = "tiny.en"\nprofile = "socal"\n')
    target = episode.with_suffix(".json") if command == ("render",) else episode
    if command == ("render",):
        _scripted_json(target)
    args = [a if a != "OUT" else str(tmp_path / "out.srt") for a in command[1:]]
    result = cli(command[0], target, *args)
    assert result.exit_code == ExitCode.USAGE
    config = tmp_path / "show" / "gztranscribe.toml"
    assert result.stderr.strip() == (
        f"error: {config}:2: profile: unknown caption profile 'socal'; "
        "choose one of: bbc, broadcast, social, strict"
    )
    assert not (tmp_path / "out.srt").exists() and not episode.with_suffix(".fixed.vtt").exists()


def test_check_fix_reflows_under_the_configs_profile(cli, tmp_path: Path) -> None:
    episode = _show(tmp_path / "show", 'profile = "social"\n')
    result = cli("check", episode, "--fix")
    assert result.exit_code == ExitCode.OK, result.output
    fixed = read_caption_file(episode.with_name("episode.fixed.vtt")).captions
    assert all(len(c.lines) == 1 and len(c.lines[0]) <= 32 for c in fixed.cues)


def _scripted_json(path: Path) -> None:
    words = "Tonight we look at new bike lanes on Main Street and River Road, and what they cost."
    timed = tuple(
        Word(1.0 + 0.4 * i, 1.3 + 0.4 * i, text, 0.9) for i, text in enumerate(words.split())
    )
    segment = Segment(timed[0].start, timed[-1].end, words, timed, -0.2, 0.01)
    transcript = Transcript((segment,), "en", 10.0, "tiny.en", {}, "episode.mp4")
    write_outputs(transcript, {"json": path}, OutputOptions(formats=("json",)))


def test_render_uses_the_configs_profile(cli, tmp_path: Path) -> None:
    show = tmp_path / "show"
    show.mkdir()
    (show / "gztranscribe.toml").write_text('profile = "social"\n', encoding="utf-8")
    _scripted_json(show / "episode.json")
    assert cli("render", show / "episode.json", "-f", "vtt", "-q").exit_code == ExitCode.OK
    cues = read_caption_file(show / "episode.vtt").captions.cues
    assert cues and all(len(c.lines) == 1 and len(c.lines[0]) <= 32 for c in cues)


@pytest.mark.slow
def test_align_uses_the_configs_profile_with_the_real_model(cli, tmp_path: Path) -> None:
    show = tmp_path / "show"
    show.mkdir()
    (show / "gztranscribe.toml").write_text('profile = "social"\n', encoding="utf-8")
    shutil.copy(MEDIA / "speech.wav", show / "speech.wav")
    shutil.copy(SPEECH_TEXT, show / "edited.txt")
    result = cli("align", show / "speech.wav", show / "edited.txt", "-q")
    assert result.exit_code == ExitCode.OK, result.output
    cues = read_caption_file(show / "speech.vtt").captions.cues
    assert len(cues) > 1 and all(len(c.lines) == 1 and len(c.lines[0]) <= 32 for c in cues)
