"""Why a path someone named cannot be used: absent, a broken link, a link loop, or unreadable.

``Path.exists()`` is False for all of the first three, and "no such file" sends a producer
looking for a file that is right there in the listing; the reason here is the one to act on.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from .errors import InputError


def unusable_path(path: Path, error: OSError | None = None) -> InputError:
    """The ``InputError`` (exit 3) for ``path``, which could not be found or opened."""
    if error is None:
        try:
            os.stat(path)
        except OSError as exc:
            error = exc
    code = error.errno if error is not None else None
    if code == errno.ELOOP:
        return InputError(
            f"{path}: a symbolic link loop (the link leads back to itself); "
            "point it at the real file or remove it"
        )
    if code == errno.ENOENT and path.is_symlink():
        return InputError(
            f"{path}: a broken symbolic link (to {os.readlink(path)}, which does not exist); "
            "point it at the real file or remove it"
        )
    if code in (errno.EACCES, errno.EPERM):
        return InputError(f"{path}: cannot be read (permission denied)")
    if code == errno.ENOENT or error is None:
        return InputError(f"{path}: no such file; check the path and try again")
    return InputError(f"{path}: cannot be read ({error.strerror or error})")


def is_broken_link(path: Path) -> bool:
    """A symbolic link whose target cannot be reached (missing, or a loop)."""
    return path.is_symlink() and not path.exists()
