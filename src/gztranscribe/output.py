"""Writing result files so that a failure or Ctrl-C never leaves a half-written one.

Each file is written to a hidden temporary file in the same folder, flushed to disk, then renamed
over the target (atomic on POSIX). Temporary files are removed on any error or interrupt.

One backup policy for every command that rewrites a producer's files (transcribe, batch, render,
align, review, check --fix, convert): a file replaced by *different* content keeps its previous
version as ``FILE.bak`` beside it (one generation, so a hand-edited caption file is never lost to
a re-run). Rewriting a file with the same content keeps the existing ``.bak``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import OutputError

TEMP_SUFFIX = ".gztmp"
BACKUP_SUFFIX = ".bak"


def backup_path(path: Path) -> Path:
    """``EPISODE.vtt`` -> ``EPISODE.vtt.bak``."""
    return path.with_name(path.name + BACKUP_SUFFIX)


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


def write_files(files: Mapping[Path, str], *, backup: bool = True) -> list[Path]:
    """Write every ``path: text`` pair, all or nothing; return the paths written.

    Texts are staged in temporary files first; then every target is renamed into place. If the
    renaming is interrupted, targets already replaced are rolled back to their previous version
    (or removed when they had none), so a run never leaves a new ``.vtt`` without its ``.txt``.
    With ``backup`` (the default; bookkeeping files pass False) a target whose content changes
    keeps its previous version as ``FILE.bak``, moved there only once every target is in place.
    """
    keep = set(changed_files(files)) if backup else set()
    staged: list[tuple[str, Path]] = []
    umask = _current_umask()
    current: Path | None = None
    try:
        for path, text in files.items():
            current = path
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
            staged.append((temp, path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, 0o666 & ~umask)
        current = None
        _commit(staged, keep)
    except OSError as exc:
        _discard(staged)
        where = current or exc.filename or "output"
        raise OutputError(f"could not write {where} ({exc.strerror or exc})") from None
    except BaseException:
        _discard(staged)
        raise
    return [path for _, path in staged]


def changed_files(files: Mapping[Path, str]) -> list[Path]:
    """The existing targets that writing ``files`` would change: they get a ``.bak``."""
    return [path for path, text in files.items() if _changes(path, text)]


def _changes(path: Path, text: str) -> bool:
    try:
        return path.is_file() and path.read_bytes() != text.encode("utf-8")
    except OSError:
        return True


def _commit(staged: list[tuple[str, Path]], keep: set[Path]) -> None:
    backups: dict[Path, str] = {}
    done: list[Path] = []
    try:
        for temp, path in staged:
            if path.exists():
                backup = f"{temp}.previous"
                os.link(path, backup)
                backups[path] = backup
        for temp, path in staged:
            os.replace(temp, path)
            done.append(path)
        for path in keep & set(backups):
            with contextlib.suppress(OSError):  # the new files are in place; a backup is a bonus
                os.replace(backups.pop(path), backup_path(path))
    except BaseException:
        for path in done:
            with contextlib.suppress(OSError):
                if path in backups:
                    os.replace(backups.pop(path), path)
                else:
                    os.unlink(path)
        raise
    finally:
        for backup in backups.values():
            with contextlib.suppress(OSError):
                os.unlink(backup)


def _discard(staged: list[tuple[str, Path]]) -> None:
    for temp, _ in staged:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
