"""Read one workspace file: a regular file only, and never more than the size limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import LoadError
from .diagnose import MAX_FILE_BYTES, too_big

# O_NONBLOCK: a named pipe swapped in after the walk looked must not block the open.
# O_NOCTTY: a terminal device must never become the controlling terminal.
_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 20


def file_type(mode: int) -> str | None:
    """What a non-regular file is ("a named pipe", ...), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def read_file(path: Path, shown: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file at `path`; `LoadError` naming `shown` if it cannot be read.

    The size is checked before reading and enforced while reading, so a file that grows, or
    one whose size the system misreports, still costs at most `limit` bytes of memory.
    """
    try:
        fd = os.open(path, _FLAGS)
    except IsADirectoryError:
        raise LoadError(shown, "is a directory; expected a YAML file") from None
    except OSError as exc:
        raise LoadError(shown, f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        kind = file_type(info.st_mode)
        if kind is not None:
            raise LoadError(shown, f"is {kind}, not a regular file; expected a YAML file")
        if info.st_size > limit:
            raise too_big(shown, info.st_size)
        # One read of the size the system reports, then more only if the file holds more.
        chunks = [os.read(fd, min(info.st_size, limit) + 1)]
        total = len(chunks[0])
        while total <= limit and (chunk := os.read(fd, min(_CHUNK, limit + 1 - total))):
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise too_big(shown, None if total > info.st_size else info.st_size)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        raise LoadError(shown, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
