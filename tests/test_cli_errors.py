"""The command line: one clear ``error:`` line and the documented exit code for every bad input,
help everywhere, the happy path in a real process, ``render`` without the model, and Ctrl-C/SIGTERM.

Most runs are in-process (``CliRunner``) with the session's model swapped in for
``Transcriber.load``; a real process is used where the test is about the process itself.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
import webvtt
from conftest import MEDIA, REPO_ROOT, SAMPLE, SPEECH_TEXT, leftovers, run_module, wer
from processes import ctrl_c_as_in_a_terminal

from gztranscribe import __version__
from gztranscribe.cli import app
from gztranscribe.errors import ExitCode
from gztranscribe.formats.jsonfile import read_transcript

SPEECH = MEDIA / "speech.wav"


def assert_one_error_line(stderr: str, *mentions: str) -> str:
    """stderr is exactly one line, ``error: ...``, mentioning each of ``mentions``; no traceback."""
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in stderr
    for text in mentions:
        assert text in lines[0], f"{text!r} not in {lines[0]!r}"
    return lines[0]


def assert_clean_exit(result, code: int) -> None:
    """Exited with ``code`` through SystemExit, never an uncaught exception."""
    assert result.exit_code == code, (result.exit_code, result.stderr, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


# =========================================================================== bad input
@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [
        ("no-such-file.mp4", ExitCode.INPUT, "no such file"),
        ("a-folder.mp4", ExitCode.INPUT, "is a folder"),
        ("empty.mp4", ExitCode.MEDIA, "empty"),
        ("text.mp4", ExitCode.MEDIA, "not a media file (it is text)"),
        ("truncated.mp4", ExitCode.MEDIA, "not a media file"),
        ("no-audio.mp4", ExitCode.MEDIA, "no audio track"),
    ],
)
@pytest.mark.parametrize("placement", ["beside-the-input", "in-an-output-folder"])
def test_bad_input_gives_one_error_line_its_exit_code_and_writes_nothing(
    cli, model_loads, tmp_path: Path, name: str, code: int, reason: str, placement: str
) -> None:
    source = tmp_path / "in" / name
    source.parent.mkdir()
    if name == "a-folder.mp4":
        source.mkdir()
    elif (MEDIA / name).exists():
        shutil.copy(MEDIA / name, source)
    out = ["-o", tmp_path / "out"] if placement == "in-an-output-folder" else []
    # `gztranscribe FOLDER` is a batch; asking to transcribe a folder as one file is the mistake.
    command = ["transcribe"] if name == "a-folder.mp4" else []

    result = cli(*command, source, *out, "-q")

    assert_clean_exit(result, code)
    assert_one_error_line(result.stderr, str(source), reason)
    assert result.stdout == ""
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "name", ["no-such-file.mp4", "empty.mp4", "text.mp4", "no-audio.mp4"]
)
def test_without_quiet_a_bad_input_still_ends_with_the_one_error_line(
    cli, model_loads, name: str
) -> None:
    result = cli(MEDIA / name)
    assert_clean_exit(result, ExitCode.INPUT if name.startswith("no-such") else ExitCode.MEDIA)
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and result.stderr.rstrip("\n").endswith(errors[0])
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["no-such-file.mp4", "text.mp4", "no-audio.mp4"])
def test_a_bad_input_is_reported_before_any_model_is_loaded(cli, no_model, name: str) -> None:
    """A typo in the path must not first cost a model load (or a 3 GB download of large-v3)."""
    result = cli(MEDIA / name, "--model", "large-v3", "-q")
    assert_clean_exit(result, ExitCode.INPUT if name.startswith("no-such") else ExitCode.MEDIA)
    assert_one_error_line(result.stderr, name)


def test_a_folder_is_refused_with_advice_that_names_only_commands_that_exist(
    cli, model_loads, tmp_path: Path
) -> None:
    result = cli("transcribe", tmp_path, "-q")
    assert_clean_exit(result, ExitCode.INPUT)
    line = assert_one_error_line(result.stderr, str(tmp_path))
    assert "folder" in line
    suggested = re.findall(r"`gztranscribe (\w+)", line)
    for name in suggested:
        assert name in _command_names(), f"{line!r} suggests `gztranscribe {name}`: no such command"


@pytest.mark.parametrize(
    "output_dir",
    ["afile", "afile/out", "/proc/gztranscribe-test"],
    ids=["a-regular-file", "below-a-regular-file", "under-proc"],
)
def test_an_output_folder_that_cannot_be_written_exits_6_and_writes_nothing(
    cli, model_loads, tmp_path: Path, output_dir: str
) -> None:
    # Tests run as root, so chmod cannot make a folder unwritable; a file in the way can.
    (tmp_path / "afile").write_text("keep me", encoding="utf-8")
    target = tmp_path / output_dir  # an absolute output_dir stays as it is
    result = cli(SPEECH, "-o", target, "-q")
    assert_clean_exit(result, ExitCode.OUTPUT)
    assert_one_error_line(result.stderr, str(target), "-o/--output-dir")
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "keep me"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--format", "doc"], ["unknown format doc", "vtt, srt, txt, json, md, html"]),
        (["--format", "vtt,docx"], ["unknown format docx"]),
        (["--format", ","], ["(none given)"]),
        (["--profile", "cinema"], ["unknown caption profile 'cinema'", "broadcast"]),
    ],
)
def test_an_unknown_format_or_profile_is_a_usage_error(
    cli, no_model, tmp_path: Path, args: list[str], mentions: list[str]
) -> None:
    result = cli(SPEECH, "-o", tmp_path, *args, "-q")
    assert_clean_exit(result, ExitCode.USAGE)
    assert_one_error_line(result.stderr, *mentions)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "mentions"),
    [(["--bogus"], ["--bogus"]), (["--threads", "-1"], ["--threads"])],
)
def test_an_unknown_or_invalid_option_is_a_usage_error_with_an_error_line(
    cli, no_model, tmp_path: Path, args: list[str], mentions: list[str]
) -> None:
    result = cli(SPEECH, "-o", tmp_path, *args)
    assert_clean_exit(result, ExitCode.USAGE)
    errors = [ln for ln in result.stderr.splitlines() if ln.lower().startswith("error:")]
    assert len(errors) == 1 and all(m in errors[0] for m in mentions), result.stderr
    assert leftovers(tmp_path) == []


# =========================================================================== model problems
def test_an_unknown_model_name_exits_5_listing_the_known_names(cli, tmp_path: Path) -> None:
    result = cli(SPEECH, "-o", tmp_path / "out", "--model", "nosuch-model", "-q")
    assert_clean_exit(result, ExitCode.MODEL)
    assert_one_error_line(result.stderr, "'nosuch-model'", "tiny.en", "large-v3")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("files", "mentions"),
    [
        ({}, ["missing model.bin, config.json"]),
        ({"config.json": b"{}"}, ["missing model.bin"]),
        ({"config.json": b"{}", "model.bin": b"not a model"}, ["could not load model"]),
    ],
    ids=["empty-folder", "no-model-bin", "corrupt-model-bin"],
)
def test_a_model_folder_that_is_not_a_model_exits_5(
    cli, tmp_path: Path, files: dict[str, bytes], mentions: list[str]
) -> None:
    folder = tmp_path / "my model"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    result = cli(SPEECH, "-o", tmp_path / "out", "--model", folder, "-q")
    assert_clean_exit(result, ExitCode.MODEL)
    assert_one_error_line(result.stderr, str(folder), *mentions)
    assert leftovers(tmp_path / "out") == []


def test_an_unknown_device_exits_5(cli, tmp_path: Path) -> None:
    result = cli(SPEECH, "-o", tmp_path, "--device", "tpu", "-q")
    assert_clean_exit(result, ExitCode.MODEL)
    assert_one_error_line(result.stderr, "'tpu'", "auto, cpu or cuda")


def test_a_model_that_is_not_downloaded_while_offline_exits_5_saying_what_to_do(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "empty-hf-cache"
    cache.mkdir()
    proc = run_module(
        [SPEECH, "-o", tmp_path / "out", "--model", "large-v3", "-q"],
        env={"HF_HUB_OFFLINE": "1", "HF_HOME": str(cache), "HF_HUB_CACHE": str(cache / "hub")},
    )
    assert proc.returncode == ExitCode.MODEL, proc.stderr
    line = assert_one_error_line(proc.stderr, "'large-v3'")
    assert "internet" in line and "--model" in line and "tiny.en" in line
    assert proc.stdout == ""
    assert leftovers(tmp_path) == []


# =========================================================================== help and version
def _command_names() -> list[str]:
    return [c.name or c.callback.__name__ for c in app.registered_commands]


def test_gztranscribe_help_describes_the_tool_and_lists_every_command(cli) -> None:
    result = cli("--help")
    assert_clean_exit(result, 0)
    assert result.stdout.startswith("Usage: gztranscribe")
    assert "Turn commentary videos into clean transcripts" in result.stdout
    for name in _command_names():
        assert name in result.stdout


@pytest.mark.parametrize("name", _command_names())
def test_every_command_has_help_text_and_its_help_exits_0(cli, name: str) -> None:
    (command,) = [c for c in app.registered_commands if (c.name or c.callback.__name__) == name]
    doc = (command.help or command.callback.__doc__ or "").strip()
    assert doc, f"command {name!r} has no help docstring"
    result = cli(name, "--help")
    assert_clean_exit(result, 0)
    assert result.stdout.startswith(f"Usage: gztranscribe {name}")
    assert " ".join(doc.split()[:6]) in " ".join(result.stdout.split())


@pytest.mark.parametrize("name", _command_names())
def test_every_option_and_argument_of_every_command_has_help_text(name: str) -> None:
    group = typer.main.get_command(app)
    command = group.commands[name]
    missing = [p.name for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert missing == [], f"{name}: no help for {missing}"


@pytest.mark.parametrize("args", [["-h"], ["transcribe", "-h"], ["render", "-h"]])
def test_dash_h_is_short_for_help(cli, args: list[str]) -> None:
    """cli.py lists ``-h`` with ``--help`` as a group option, so it must work like ``--help``."""
    short, long = cli(*args), cli(*args[:-1], "--help")
    assert_clean_exit(short, 0)
    assert short.stdout == long.stdout


def test_version_prints_the_package_version(cli) -> None:
    result = cli("--version")
    assert_clean_exit(result, 0)
    assert result.stdout == f"gztranscribe {__version__}\n"
    assert __version__ == importlib.metadata.version("gztranscribe")


def test_no_arguments_shows_usage_and_exits_as_a_usage_error(cli, no_model) -> None:
    result = cli()
    assert result.exit_code == ExitCode.USAGE
    assert "Usage: gztranscribe" in result.output
    assert "transcribe" in result.output and "render" in result.output


# =========================================================================== happy path
ALL_FORMATS = ("vtt", "srt", "txt", "json")


@pytest.fixture(scope="session")
def all_formats_run(tmp_path_factory: pytest.TempPathFactory):
    """One real run: ``python -m gztranscribe tests/data/media/speech.wav -o OUT -f ... -q``."""
    out = tmp_path_factory.mktemp("all-formats")
    proc = run_module(
        [SPEECH.relative_to(REPO_ROOT), "-o", out, "--format", ",".join(ALL_FORMATS), "-q"]
    )
    return proc, out


@pytest.mark.slow
def test_a_real_run_writes_exactly_the_requested_formats_and_is_silent_with_quiet(
    all_formats_run,
) -> None:
    proc, out = all_formats_run
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")
    assert sorted(p.name for p in out.iterdir()) == sorted(f"speech.{f}" for f in ALL_FORMATS)


@pytest.mark.slow
def test_the_real_runs_files_are_valid_and_hold_the_spoken_sentence(all_formats_run) -> None:
    _, out = all_formats_run
    reference = SPEECH_TEXT.read_text(encoding="utf-8")
    transcript = read_transcript((out / "speech.json").read_text(encoding="utf-8"))
    assert wer(reference, transcript.text) <= 0.25
    assert wer(reference, (out / "speech.txt").read_text(encoding="utf-8")) <= 0.25
    cues = webvtt.read(str(out / "speech.vtt")).captions
    srt = webvtt.from_srt(str(out / "speech.srt")).captions
    assert cues and [(c.start, c.end) for c in cues] == [
        (c.start.replace(",", "."), c.end.replace(",", ".")) for c in srt
    ]
    assert wer(reference, " ".join(c.text for c in cues)) <= 0.25


@pytest.mark.parametrize("name", ["speech.wav", "my clip é.wav", "./-dash clip.wav"])
def test_without_options_vtt_txt_and_json_are_written_beside_the_input(
    cli, model_loads, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    shutil.copy(SPEECH, tmp_path / name)
    monkeypatch.chdir(tmp_path)  # so "./-dash clip.wav" is a relative path
    result = cli(name, "-q")
    assert_clean_exit(result, 0)
    assert result.stderr == ""
    stem = Path(name).stem
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [Path(name).name, f"{stem}.json", f"{stem}.txt", f"{stem}.vtt"]
    )
    assert len(model_loads) == 1


@pytest.mark.slow
def test_a_path_with_spaces_and_unicode_works_in_a_real_process(tmp_path: Path) -> None:
    media = tmp_path / "my clip é.wav"
    shutil.copy(SPEECH, media)
    proc = run_module([media, "-q"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "my clip é.json", "my clip é.txt", "my clip é.vtt", "my clip é.wav"
    ]


def test_without_quiet_every_written_file_is_reported(cli, model_loads, tmp_path: Path) -> None:
    result = cli(SPEECH, "-o", tmp_path, "--format", "srt,json")
    assert_clean_exit(result, 0)
    wrote = [ln for ln in result.stderr.splitlines() if ln.startswith("wrote ")]
    assert wrote == [f"wrote {tmp_path / 'speech.srt'}", f"wrote {tmp_path / 'speech.json'}"]


# =========================================================================== render
@pytest.mark.parametrize("fmt", ["srt", "vtt", "txt"])
@pytest.mark.slow
def test_render_from_the_json_reproduces_what_transcription_wrote_without_the_model(
    cli, no_model, all_formats_run, tmp_path: Path, fmt: str
) -> None:
    _, out = all_formats_run
    result = cli("render", out / "speech.json", "--format", fmt, "-o", tmp_path / "other", "-q")
    assert_clean_exit(result, 0)
    assert [p.name for p in (tmp_path / "other").iterdir()] == [f"speech.{fmt}"]
    rendered = (tmp_path / "other" / f"speech.{fmt}").read_bytes()
    assert rendered == (out / f"speech.{fmt}").read_bytes()


@pytest.mark.slow
def test_render_with_another_profile_changes_the_captions_not_the_words(
    cli, no_model, all_formats_run, tmp_path: Path
) -> None:
    _, out = all_formats_run
    result = cli("render", out / "speech.json", "-f", "vtt", "--profile", "social", "-o", tmp_path)
    assert_clean_exit(result, 0)
    social = webvtt.read(str(tmp_path / "speech.vtt")).captions
    broadcast = webvtt.read(str(out / "speech.vtt")).captions
    assert all(len(c.lines) == 1 for c in social)
    assert " ".join(c.text.replace("\n", " ") for c in social) == " ".join(
        c.text.replace("\n", " ") for c in broadcast
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nhi\n", "not a readable gztranscribe JSON"),
        (b'{"title": "someone else\'s JSON"}', "not a gztranscribe transcript"),
        (b"[1, 2, 3]", "not a readable gztranscribe JSON"),
        (b"", "not a readable gztranscribe JSON"),
        ((MEDIA / "speech.wav").read_bytes()[:4096], "not a readable gztranscribe JSON"),
    ],
    ids=["captions", "foreign-json", "json-array", "empty", "binary"],
)
def test_render_of_a_file_that_is_not_our_json_exits_3_with_one_line(
    cli, no_model, tmp_path: Path, content: bytes, reason: str
) -> None:
    source = tmp_path / "episode.json"
    source.write_bytes(content)
    result = cli("render", source, "-o", tmp_path / "out", "-q")
    assert_clean_exit(result, ExitCode.INPUT)
    assert_one_error_line(result.stderr, str(source), reason)
    assert leftovers(tmp_path / "out") == []


@pytest.mark.parametrize("what", ["missing", "folder"])
def test_render_of_a_path_that_is_not_a_file_exits_3(
    cli, no_model, tmp_path: Path, what: str
) -> None:
    source = tmp_path / "episode.json"
    if what == "folder":
        source.mkdir()
    result = cli("render", source, "-q")
    assert_clean_exit(result, ExitCode.INPUT)
    assert_one_error_line(result.stderr, str(source))


# =========================================================================== interrupts
def _wait_for(proc: subprocess.Popen[bytes], needle: bytes, timeout: float) -> bytes:
    """Read proc's stderr until ``needle`` shows up; return what was read."""
    seen = b""
    fd = proc.stderr.fileno()
    os.set_blocking(fd, False)
    deadline = time.monotonic() + timeout
    while needle not in seen:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(
                f"never saw {needle!r}; exit {proc.returncode}; stderr: {seen[-500:]!r}"
            )
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            seen += os.read(fd, 65536)
    return seen


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.slow
def test_an_interrupt_while_transcribing_exits_130_and_leaves_no_output(
    tmp_path: Path, sig: signal.Signals
) -> None:
    media = tmp_path / "commentary.mp4"
    shutil.copy(SAMPLE, media)
    out = tmp_path / "out"
    # Make rich draw the live progress into the pipe, so the "transcribing" stage can be seen.
    env = {**os.environ, "TTY_COMPATIBLE": "1", "TTY_INTERACTIVE": "1", "TERM": "xterm",
           "COLUMNS": "120"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gztranscribe", str(media), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )
    try:
        seen = _wait_for(proc, b"transcribing", timeout=60)
        proc.send_signal(sig)
        _, rest = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = (seen + rest).decode("utf-8", "replace")
    assert proc.returncode == ExitCode.INTERRUPTED, stderr[-1000:]
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["commentary.mp4"]
