"""Writing files for users: whole or not at all, never onto something that is not a file.

`--out` may name a new path or an existing regular file. A FIFO, a device, a folder or a
symbolic link is refused: replacing `/dev/null` or feeding a pipe is never what was meant.
The data goes to a temporary file beside the target (created with the final mode, so
personal data is never readable by others even for a moment), is synced, then renamed.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from dsat.services.errors import ServiceError

T = TypeVar("T")


def check_target(path: Path) -> None:
    """Refuse an output path that exists and is not a regular file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ServiceError("error.out_path", path=str(path), why=exc.strerror or "") from None
    if stat.S_ISLNK(info.st_mode):
        raise ServiceError("error.out_path", path=str(path), why="it is a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        kind = (
            "a folder" if stat.S_ISDIR(info.st_mode)
            else "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode)
            else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
            else "not a regular file"
        )  # fmt: skip
        raise ServiceError("error.out_path", path=str(path), why=f"it is {kind}")


def atomic_write(path: Path, write: Callable[[BinaryIO], T], mode: int = 0o644) -> T:
    """Call `write` on a temporary file beside `path`, then rename it into place."""
    check_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServiceError("error.out_path", path=str(path), why=exc.strerror or "") from None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, mode & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            result = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        check_target(path)  # nothing was put in its place meanwhile
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result


def write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    atomic_write(path, lambda fh: fh.write(data), mode)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
