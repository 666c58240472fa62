"""Atomic writing: a failure or Ctrl-C never leaves a half-written or stray file behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gztranscribe import output
from gztranscribe.errors import OutputError
from gztranscribe.output import TEMP_SUFFIX, prepare_output_dir, write_files

FILES = {
    "ep.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nhi\n",
    "ep.txt": "hi\n",
    "ep.json": "{}\n",
}


def targets(folder: Path) -> dict[Path, str]:
    return {folder / name: text for name, text in FILES.items()}


def everything_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    """Set the process umask for one test and restore it afterwards."""
    original = os.umask(0o022)
    os.umask(original)
    yield lambda mask: os.umask(mask)
    os.umask(original)


def test_write_files_writes_every_file_with_its_text_and_returns_their_paths(
    tmp_path: Path,
) -> None:
    written = write_files(targets(tmp_path))
    assert written == list(targets(tmp_path))
    assert {p.name: p.read_text(encoding="utf-8") for p in written} == FILES
    assert everything_in(tmp_path) == sorted(FILES)  # no temp file left


def test_write_files_writes_utf8_with_unix_newlines(tmp_path: Path) -> None:
    write_files({tmp_path / "a.txt": "Café\nnaïve — “quoted”\n"})
    assert (tmp_path / "a.txt").read_bytes() == "Café\nnaïve — “quoted”\n".encode()


def test_write_files_replaces_an_existing_target(tmp_path: Path) -> None:
    (tmp_path / "ep.vtt").write_text("old", encoding="utf-8")
    write_files({tmp_path / "ep.vtt": "new"})
    assert (tmp_path / "ep.vtt").read_text(encoding="utf-8") == "new"


class _FailingWrites:
    """Wrap ``os.fdopen`` so that writing the n-th file raises ``error``."""

    def __init__(self, fail_on: int, error: BaseException) -> None:
        self.fail_on, self.error, self.opened = fail_on, error, 0
        self.real = os.fdopen

    def __call__(self, *args, **kwargs):
        handle = self.real(*args, **kwargs)
        self.opened += 1
        if self.opened == self.fail_on:
            error = self.error

            class Boom:
                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    handle.close()
                    return False

                def write(self, _text):
                    raise error

            return Boom()
        return handle


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (KeyboardInterrupt(), KeyboardInterrupt),
        (OSError(28, "No space left on device"), OutputError),
    ],
    ids=["ctrl-c", "disk-full"],
)
def test_a_failure_while_writing_the_second_file_leaves_no_target_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, raised: type
) -> None:
    monkeypatch.setattr(output.os, "fdopen", _FailingWrites(2, error))
    with pytest.raises(raised):
        write_files(targets(tmp_path))
    assert everything_in(tmp_path) == []


def test_a_disk_error_becomes_an_output_error_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk_full = OSError(28, "No space left on device")
    monkeypatch.setattr(output.os, "fdopen", _FailingWrites(1, disk_full))
    with pytest.raises(OutputError, match="No space left on device"):
        write_files(targets(tmp_path))


def test_an_existing_target_is_untouched_when_a_later_file_fails_before_renaming(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ep.vtt").write_text("the old captions", encoding="utf-8")
    monkeypatch.setattr(output.os, "fdopen", _FailingWrites(3, KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_files(targets(tmp_path))
    assert everything_in(tmp_path) == ["ep.vtt"]
    assert (tmp_path / "ep.vtt").read_text(encoding="utf-8") == "the old captions"


@pytest.mark.parametrize("fail_on", [1, 2, 3])
def test_an_interrupt_while_renaming_leaves_no_new_result_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_on: int
) -> None:
    """All or nothing: a run interrupted at any point leaves none of its new files behind."""
    real_replace, calls = os.replace, []

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == fail_on:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_files(targets(tmp_path))
    assert everything_in(tmp_path) == []


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_get_the_permissions_the_umask_allows(
    tmp_path: Path, umask, mask: int, mode: int
) -> None:
    umask(mask)
    (path,) = write_files({tmp_path / "ep.vtt": "WEBVTT\n"})
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_prepare_output_dir_creates_nested_folders_and_leaves_nothing_in_them(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "a" / "b c" / "é"
    prepare_output_dir(folder)
    assert folder.is_dir()
    assert list(folder.iterdir()) == []


def test_prepare_output_dir_accepts_an_existing_folder_and_keeps_its_files(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    prepare_output_dir(tmp_path)
    assert everything_in(tmp_path) == ["keep.txt"]


@pytest.mark.parametrize(
    "below", ["afile", "afile/out", "afile/out/deeper"], ids=["the-file", "under", "deeper"]
)
def test_prepare_output_dir_refuses_a_path_at_or_under_a_regular_file(
    tmp_path: Path, below: str
) -> None:
    (tmp_path / "afile").write_text("not a folder", encoding="utf-8")
    folder = tmp_path / below
    with pytest.raises(OutputError, match=r"cannot write to output folder .*-o/--output-dir") as e:
        prepare_output_dir(folder)
    assert str(folder) in str(e.value)
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "not a folder"


def test_prepare_output_dir_refuses_a_folder_the_kernel_will_not_create(tmp_path: Path) -> None:
    # Tests run as root, so chmod cannot make a folder unwritable; /proc refuses new entries.
    with pytest.raises(OutputError, match="/proc/gztranscribe-test"):
        prepare_output_dir(Path("/proc/gztranscribe-test"))


def test_temp_files_are_hidden_and_marked_so_they_can_be_recognised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def replace(src, dst):
        seen.append(Path(src).name)
        return real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", replace)
    write_files(targets(tmp_path))
    assert len(seen) == len(FILES)
    assert all(name.startswith(".") and name.endswith(TEMP_SUFFIX) for name in seen)
