"""The overwrite guard: a file is replaced only while it still holds the bytes that were read.

A writer reads a file, decides what to write, and writes; if someone saved the file in
between, writing would lose their edit. Every writer that replaces a file (a single-file
write, the edit journal, the editing path's check against a snapshot) asks this module,
so they all compare the same digest and refuse with the same `WriteConflict` and words.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import WriteConflict


def data_digest(data: bytes) -> str:
    """Content hash of bytes, as `file_digest` computes it for a file."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def file_digest(path: Path) -> str | None:
    """Content hash of a file as read now, or `None` if it does not exist (optimistic writes)."""
    try:
        return data_digest(path.read_bytes())
    except FileNotFoundError:
        return None


def check_unchanged(shown: object, expected: str | None, now: str | None) -> None:
    """Raise `WriteConflict` unless the digest `now` is the `expected` one (None: no file)."""
    if now != expected:
        raise WriteConflict(
            f"{shown}: changed on disk since it was read; not writing (re-run to pick it up)"
        )


def check_file_unchanged(path: Path, expected: str | None) -> None:
    """Raise `WriteConflict` unless `path` still has digest `expected` (None: must not exist)."""
    check_unchanged(path, expected, file_digest(path))
