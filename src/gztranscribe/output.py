"""Writing result files so that a failure or Ctrl-C never leaves a half-written one.

Each file is written to a hidden temporary file in the same folder, flushed to disk, then renamed
over the target (atomic on POSIX). Temporary files are removed on any error or interrupt.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import OutputError

TEMP_SUFFIX = ".gztmp"


def prepare_output_dir(folder: Path) -> None:
    """Create ``folder`` if needed and prove it is writable, before hours of transcription."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".gztranscribe-", suffix=TEMP_SUFFIX)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(
            f"cannot write to output folder {folder} ({reason}); choose another with -o/--output-dir"
        ) from None


def write_files(files: Mapping[Path, str]) -> list[Path]:
    """Write every ``path: text`` pair atomically; return the paths written."""
    staged: list[tuple[str, Path]] = []
    umask = _current_umask()
    try:
        for path, text in files.items():
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
            staged.append((temp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, 0o666 & ~umask)
        for temp, path in staged:
            os.replace(temp, path)
    except OSError as exc:
        _discard(staged)
        raise OutputError(f"could not write {exc.filename or 'output'} ({exc.strerror})") from None
    except BaseException:
        _discard(staged)
        raise
    return [path for _, path in staged]


def _discard(staged: list[tuple[str, Path]]) -> None:
    for temp, _ in staged:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
