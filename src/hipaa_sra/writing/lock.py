"""The workspace lock: one writer at a time, across processes, for check, write and replace.

An advisory `fcntl.flock` on `<workspace>/.sra_edit/lock`. The kernel releases it when its
holder exits, however it exits (`kill -9` included), so a lock can never be left behind; a
writer that waits longer than its timeout gives up with a message naming the holder.
The state directory carries its own `.gitignore`, so nothing in it is ever committed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import WriteError

STATE_DIR = ".sra_edit"
"""Directory in the workspace for the lock and the journal of a change in progress."""
LOCK_FILE = "lock"
LOCK_TIMEOUT = 10.0
"""Seconds a writer waits for another one to finish before giving up."""


class LockTimeout(WriteError):
    """Another writer held the workspace lock for longer than the timeout; nothing was written."""


def state_dir(root: Path) -> Path:
    """The workspace's state directory, created (with its `.gitignore`) when missing."""
    directory = root / STATE_DIR
    try:
        directory.mkdir(exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Lock and journal of `sra` edits; never committed.\n*\n")
    except OSError as exc:
        raise WriteError(
            f"{directory}: cannot create the edit state directory: {exc.strerror or exc}"
        ) from None
    return directory


def _holder(fd: int) -> str:
    """The process id the current holder wrote into the lock file, for the message."""
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(fd, 32, 0).decode().strip() or "0")
        if pid > 0:
            return f" (process {pid})"
    return ""


@contextlib.contextmanager
def workspace_lock(root: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the workspace's exclusive lock for the `with` block; `LockTimeout` after `timeout` s."""
    path = state_dir(root) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise WriteError(f"{path}: cannot open the workspace lock: {exc.strerror or exc}") from None
    try:
        deadline = time.monotonic() + timeout
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"{root}: another edit{_holder(fd)} has held the workspace lock for over "
                        f"{timeout:g} s; nothing was written. Try again when it is done (a lock "
                        "ends with its process, so none is ever left behind)"
                    ) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.05)
        # Who holds it, for the message a waiting writer shows; advisory only.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
