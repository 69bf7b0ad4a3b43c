"""Replace several workspace files as one change that a `kill -9` cannot leave half done.

The protocol, run by a writer that holds the workspace lock (`writing.lock`):

1. write the journal `.sra_edit/journal.json` in state `prepare`, naming each target file
   and the temporary file (`.<name>.<token>.tmp`, beside the target) that will replace it;
2. write and fsync every temporary file;
3. check that no target changed since it was read (else undo and raise `WriteConflict`);
4. rewrite the journal in state `commit`: from here on the change is decided;
5. `os.replace` each temporary over its target, fsync the directories;
6. delete the journal.

A writer killed before step 4 leaves a `prepare` journal: the next writer (or load) deletes
the temporaries, and every file is as it was. Killed after it, the next one completes the
replacements, and every file is new. Either way the journal goes, and with it the
temporaries. Each journal write is itself atomic (temporary file, fsync, rename).

Temporary files that no journal names are left by writers outside this protocol (the
single-file writes of `writing.atomic`) that were killed; they are deleted once they are
older than `STALE_AFTER`, so that a write still in progress is never disturbed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import WriteConflict, WriteError
from .atomic import mode_for
from .lock import STATE_DIR, state_dir, workspace_lock
from .unchanged import check_file_unchanged

JOURNAL = "journal.json"
STALE_AFTER = 60.0
"""Seconds after which a temporary file no journal names is a leftover of a killed writer."""
_TEMP = re.compile(r"\A\..+\.ya?ml\.[A-Za-z0-9_]+\.tmp\Z")
_VERSION = 1


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_journal(root: Path, state: str, pairs: list[tuple[Path, Path]]) -> None:
    """Write the journal atomically; a `commit` one durably (it is the point of no return).

    A `prepare` journal only has to outlive its process, which the page cache ensures: it
    names temporaries to delete, and any it loses to a power cut are deleted by age.
    """
    directory = state_dir(root)
    files = [
        [temp.relative_to(root).as_posix(), target.relative_to(root).as_posix()]
        for temp, target in pairs
    ]
    body = {"version": _VERSION, "state": state, "files": files}
    staging = directory / f".{JOURNAL}.{secrets.token_hex(4)}"
    with open(staging, "w", encoding="utf-8") as handle:
        json.dump(body, handle)
        handle.flush()
        if state == "commit":
            os.fsync(handle.fileno())
    os.replace(staging, directory / JOURNAL)
    if state == "commit":
        _fsync_dir(directory)


def _drop_journal(root: Path) -> None:
    # Not synced: a journal that comes back after a power cut is replayed, which is harmless
    # (its temporaries are gone, so there is nothing left to replace).
    with contextlib.suppress(FileNotFoundError):
        (root / STATE_DIR / JOURNAL).unlink()


def _write_temp(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        # A replaced file keeps its mode and a new one gets what `open` would give it.
        os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def swap_in(root: Path, writes: Mapping[Path, tuple[bytes, str | None]]) -> None:
    """Replace each file of `writes` with its new bytes, all or none; the caller holds the lock.

    `writes` maps a path inside `root` to (new bytes, the file's digest when it was read, or
    None when it did not exist). Raises `WriteConflict` when a file changed since, and
    `WriteError` when the files cannot be written; nothing is replaced then.
    """
    root = root.absolute()
    pairs: list[tuple[Path, Path]] = []
    for target in writes:
        temp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        pairs.append((temp, target))
    temps = [temp for temp, _ in pairs]
    try:
        _write_journal(root, "prepare", pairs)
        for temp, target in pairs:
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_temp(temp, writes[target][0], mode_for(target))
    except OSError as exc:
        _unlink_all(temps)
        _drop_journal(root)
        raise WriteError(
            f"cannot write: {exc.filename or ''}: {exc.strerror or exc}; nothing was changed"
        ) from None
    for _, target in pairs:
        try:
            check_file_unchanged(target, writes[target][1])
        except WriteConflict:
            _unlink_all(temps)
            _drop_journal(root)
            raise
    try:
        _write_journal(root, "commit", pairs)
    except OSError as exc:
        _unlink_all(temps)
        _drop_journal(root)
        raise WriteError(
            f"cannot write the edit journal: {exc.strerror or exc}; nothing was changed"
        ) from None
    _replace_all(root, pairs)


def _replace_all(root: Path, pairs: list[tuple[Path, Path]]) -> None:
    """Step 5 and 6; on failure the `commit` journal stays for the next writer to complete."""
    try:
        for temp, target in pairs:
            if temp.exists():
                os.replace(temp, target)
        for directory in sorted({target.parent for _, target in pairs}):
            _fsync_dir(directory)
    except OSError as exc:
        raise WriteError(
            f"{exc.filename or root}: cannot replace: {exc.strerror or exc}; the change is "
            f"recorded in {STATE_DIR}/{JOURNAL} and the next edit or load completes it"
        ) from None
    _drop_journal(root)


def _read_journal(root: Path) -> tuple[str, list[tuple[Path, Path]]] | None:
    path = root / STATE_DIR / JOURNAL
    try:
        body: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise WriteError(
            f"{path}: cannot read the journal of an interrupted edit ({exc}); "
            "look at it, then delete it to go on"
        ) from None
    try:
        state = body["state"]
        pairs = [(root / temp, root / target) for temp, target in body["files"]]
        if body["version"] != _VERSION or state not in ("prepare", "commit"):
            raise ValueError(state)
        inside = all(root.resolve() in (p.resolve().parents) for pair in pairs for p in pair)
    except (KeyError, TypeError, ValueError):
        inside = False
    if not inside:
        raise WriteError(
            f"{path}: not a journal this version of sra wrote; look at it, then delete it to go on"
        )
    return state, pairs


def recover(root: Path) -> str | None:
    """Complete or undo the change a killed writer left, and delete stale temporary files.

    The caller holds the workspace lock. Returns what was done, or None if nothing was left.
    """
    root = root.absolute()
    found = _read_journal(root)
    done = None
    if found is not None:
        state, pairs = found
        if state == "commit":
            _replace_all(root, pairs)
            done = f"completed an interrupted edit of {len(pairs)} file(s)"
        else:
            _unlink_all([temp for temp, _ in pairs])
            _drop_journal(root)
            done = f"undid an interrupted edit of {len(pairs)} file(s); no file had changed"
    clean_stale_temporaries(root)
    return done


def clean_stale_temporaries(root: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Delete `.<name>.yaml.<token>.tmp` files older than `older_than` seconds; return them."""
    removed: list[Path] = []
    cutoff = time.time() - older_than
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = [name for name in subdirs if not name.startswith(".")]
        for name in names:
            if not _TEMP.match(name):
                continue
            path = Path(directory) / name
            with contextlib.suppress(OSError):
                if path.lstat().st_mtime < cutoff:
                    path.unlink()
                    removed.append(path)
    return removed


def pending_edit(root: Path) -> bool:
    """True when an interrupted edit's journal is waiting in the workspace."""
    return (root / STATE_DIR / JOURNAL).exists()


def finish_interrupted(root: Path) -> str | None:
    """For readers: complete or undo an interrupted edit before reading, if one is waiting."""
    if not pending_edit(root):
        return None
    with workspace_lock(root):
        return recover(root)
