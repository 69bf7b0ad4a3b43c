"""What a command-line run keeps until the process ends, and an exit that does not free it.

A lint of a large workspace builds hundreds of thousands of objects (models, indexes,
findings) and is done with them once its output is written. Freeing them one by one took
0.25 s of a 10 s lint at 50,000 risks, for memory that the operating system takes back at
once when the process ends. So `sra`'s entry point runs the command line with
`run_then_exit`: what a command hands to `keep` stays referenced, and the process then ends
without tearing the interpreter down, once the standard streams are flushed (mypy's command
line ends the same way). Exit handlers (`atexit`) do not run on that path, so only a
command with nothing left to clean up at exit keeps objects; a run that kept nothing exits
as usual.

A command opts in around its last piece of work (`with keeping():`), so that a long-running
one (`sra serve`) that reaches the same code keeps nothing. Outside `run_then_exit` (tests,
a program that imports hipaa-sra) `keep` keeps nothing either, and objects are freed as
usual.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_kept: list[object] | None = None
"""What `keep` was handed, while `run_then_exit` runs; None outside it."""
_open = 0
"""How many `keeping` blocks are open."""


@contextmanager
def keeping() -> Iterator[None]:
    """Within this block `keep` keeps: for a command's last work before the process ends."""
    global _open
    _open += 1
    try:
        yield
    finally:
        _open -= 1


def keep(*objects: object) -> None:
    """Keep `objects` until the process ends, inside `keeping` while `run_then_exit` runs."""
    if _kept is not None and _open:
        _kept.extend(objects)


def kept() -> int:
    """How many objects are kept for the end of the process (0 outside `run_then_exit`)."""
    return len(_kept) if _kept is not None else 0


def run_then_exit(command: Callable[[], object]) -> None:
    """Run `command` (a command line that ends by raising SystemExit), then end the process.

    When something was kept, the exit code is a number and no other thread runs, the
    process ends at once after flushing stdout and stderr; otherwise the SystemExit goes on
    as usual, as does any other exception.
    """
    global _kept
    _kept = []
    try:
        command()
    except SystemExit as stop:
        code = stop.code
        if not _kept or not (code is None or type(code) is int) or threading.active_count() > 1:
            raise
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            raise stop from None  # a closed pipe or stream: the interpreter's usual handling
        os._exit(code or 0)
    finally:
        _kept = None
