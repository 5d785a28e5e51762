"""Safe file writes: writable-folder checks before a run, and atomic replacement of files."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from asnbench.errors import AsnbenchError


class StorageError(AsnbenchError):
    """A folder or file that asnbench must write cannot be written."""


def describe_os_error(error: OSError) -> str:
    """Return the operating system's reason for ``error``, e.g. ``No space left on device``."""
    return error.strerror or str(error) or type(error).__name__


def check_writable_folder(folder: str | os.PathLike[str], option: str) -> None:
    """Raise StorageError unless ``folder`` exists as a writable folder or can be created.

    Nothing is created: the check writes and removes an empty probe file in ``folder``
    or, when it does not exist yet, in its nearest existing parent. ``option`` names the
    command-line option that sets the folder, for the message.
    """
    path = Path(folder)
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise StorageError(
            f"cannot use {option} {path}: {existing} is a file, not a folder; pass a folder path with {option}"
        )
    try:
        fd, probe = tempfile.mkstemp(dir=existing, prefix=".asnbench-write-check-")
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise StorageError(
            f"cannot write to {option} {path} ({existing}: {describe_os_error(error)}); "
            f"pass a writable folder with {option}"
        ) from error


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write a file through ``write(handle)`` into a temporary file, then rename it over ``path``.

    A failed write (a full disk, a killed process) leaves any previous ``path`` untouched
    and removes the temporary file. The data and the rename are flushed to disk with
    ``fsync``. Raises StorageError naming ``path`` when the operating system rejects a write.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise StorageError(f"cannot write {path}: {describe_os_error(error)}") from error
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise StorageError(
            f"cannot write {path}: {describe_os_error(error)}; the previous version, if any, is kept"
        ) from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable. Some file systems do not support fsync on folders.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
