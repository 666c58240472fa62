"""One backup policy for every command that rewrites a producer's files.

A producer hand-edits ``EPISODE.vtt``, then re-runs a command that rewrites it (transcribe,
render, align, check --fix, convert; review too, in test_review.py): the hand-edited version is
kept as ``EPISODE.vtt.bak``. One generation; rewriting the same content keeps the older ``.bak``;
the batch's bookkeeping files never get one.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import MEDIA, SPEECH_TEXT

from gztranscribe import output
from gztranscribe.errors import ExitCode
from gztranscribe.output import backup_path, write_files

FIXTURES = Path(__file__).parent / "data" / "captions"
HAND_EDIT = "WEBVTT\n\n00:00.500 --> 00:02.000\nA producer's hand-made caption.\n"


def test_a_changed_file_keeps_its_previous_version_as_bak(tmp_path: Path) -> None:
    vtt, txt = tmp_path / "ep.vtt", tmp_path / "ep.txt"
    write_files({vtt: "first\n", txt: "same\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ep.txt", "ep.vtt"], "new: no backup"
    write_files({vtt: "second\n", txt: "same\n"})
    assert backup_path(vtt).read_text() == "first\n"
    assert not backup_path(txt).exists(), "an unchanged file gets no backup"
    write_files({vtt: "second\n"})
    assert backup_path(vtt).read_text() == "first\n", "rewriting the same text keeps the backup"
    write_files({vtt: "third\n"})
    assert backup_path(vtt).read_text() == "second\n", "one generation: the version before"
    assert vtt.read_text() == "third\n"


def test_bookkeeping_files_get_no_backup(tmp_path: Path) -> None:
    target = tmp_path / "batch-report.json"
    write_files({target: "{}\n"}, backup=False)
    write_files({target: '{"done": 1}\n'}, backup=False)
    assert [p.name for p in tmp_path.iterdir()] == ["batch-report.json"]


def test_an_interrupted_write_touches_neither_the_files_nor_their_backups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vtt, txt = tmp_path / "ep.vtt", tmp_path / "ep.txt"
    write_files({vtt: "v1\n", txt: "t1\n"})
    write_files({vtt: "v2\n", txt: "t2\n"})
    real_replace, calls = os.replace, []

    def replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_files({vtt: "v3\n", txt: "t3\n"})
    assert (vtt.read_text(), txt.read_text()) == ("v2\n", "t2\n")
    assert (backup_path(vtt).read_text(), backup_path(txt).read_text()) == ("v1\n", "t1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ep.txt",
        "ep.txt.bak",
        "ep.vtt",
        "ep.vtt.bak",
    ]


def test_check_fix_and_convert_keep_the_file_they_replace(cli, tmp_path: Path) -> None:
    source = tmp_path / "ep.vtt"
    shutil.copy(FIXTURES / "too-short.vtt", source)
    fixed = tmp_path / "ep.fixed.vtt"
    fixed.write_text(HAND_EDIT, encoding="utf-8")
    assert cli("check", source, "--fix").exit_code == ExitCode.OK
    assert backup_path(fixed).read_text(encoding="utf-8") == HAND_EDIT
    target = tmp_path / "ep.srt"
    target.write_text("1\n00:00:00,500 --> 00:00:02,000\nHand-made.\n", encoding="utf-8")
    assert cli("convert", FIXTURES / "clean.vtt", target, "-q").exit_code == ExitCode.OK
    assert "Hand-made." in backup_path(target).read_text(encoding="utf-8")
    assert source.read_bytes() == (FIXTURES / "too-short.vtt").read_bytes(), (
        "the input is untouched"
    )


def test_transcribe_render_and_align_keep_a_hand_edited_vtt(
    cli, model_loads, tmp_path: Path
) -> None:
    """Real model on a real clip: every command that writes EPISODE.vtt keeps the producer's."""
    media = tmp_path / "speech.wav"
    shutil.copy(MEDIA / "speech.wav", media)
    vtt = tmp_path / "speech.vtt"
    for command in (
        ("transcribe", media, "-q"),
        ("render", tmp_path / "speech.json", "-f", "vtt", "-q"),
        ("align", media, SPEECH_TEXT, "-q"),
    ):
        vtt.write_text(HAND_EDIT, encoding="utf-8")
        result = cli(*command)
        assert result.exit_code == ExitCode.OK, (command, result.output)
        assert "hand-made" not in vtt.read_text(encoding="utf-8")
        assert backup_path(vtt).read_text(encoding="utf-8") == HAND_EDIT, command[0]
