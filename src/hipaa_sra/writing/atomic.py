"""Atomic file writes: temp file + rename, refusing to clobber new or concurrently changed files."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from ..errors import TargetExists, WriteError
from .unchanged import check_file_unchanged


def mode_for(path: Path) -> int:
    """The permissions the file should end with: its own when it exists, else the umask's."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux)."""
    # Setting it to read it changes it for every thread meanwhile: the web app's other
    # threads, and the git processes they start, made files open to all in that window.
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    # Elsewhere only setting it tells; the stand-in is private, so a file another thread
    # makes meanwhile is too strict rather than too open.
    umask = os.umask(0o077)
    os.umask(umask)
    return umask


def _temp_beside(path: Path, data: bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); a replaced file keeps its mode and a new one
        # gets what `open` would give it, so an edit never changes who may read the file.
        os.chmod(tmp, mode_for(path))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_new(path: Path, data: bytes) -> None:
    """Create `path` atomically; raise `TargetExists` rather than replace an existing file."""
    try:
        tmp = _temp_beside(path, data)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        os.link(tmp, path)  # fails if `path` appeared meanwhile: no clobbering, even in a race
    except FileExistsError:
        raise TargetExists(f"{path}: already exists; not overwriting it") from None
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def replace_file(path: Path, data: bytes, expected_digest: str | None) -> None:
    """Replace `path` atomically, only if it still has `expected_digest` (None: must not exist)."""
    check_file_unchanged(path, expected_digest)
    if expected_digest is None:
        write_new(path, data)
        return
    try:
        tmp = _temp_beside(path, data)
        os.replace(tmp, path)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
