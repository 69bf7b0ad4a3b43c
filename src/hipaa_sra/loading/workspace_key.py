"""What a result computed from a whole workspace depends on: every file's path and bytes, and more.

`sra validate` stores its findings under a key of it, and `sra lint` and `sra calendar` their
results (adding what only the rules read: the date, the selection, the allowed signers, the
infrastructure inputs: `workspace_keys`). An unchanged workspace is then answered from one
entry, with nothing but this module and the cache imported.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import LoadError, SraError
from ..model import MANIFEST_FILE
from ..writing.journal import finish_interrupted
from .cache import Cache, Key
from .diagnose import MAX_FILE_BYTES
from .discover import Listing, SourceFile, scan_workspace
from .parse import parse_yaml
from .read import read_file
from .text import normalise_newlines


@dataclass
class Snapshot:
    """A workspace as read once: its listing, every file's bytes, and the key parts of both.

    A loader given the snapshot loads these bytes, not the files again, so a result stored
    under the snapshot's key was computed from exactly what the key was computed from.
    """

    listing: Listing
    contents: dict[Path, bytes]
    parts: list[bytes]
    """The working directory and the root (findings show paths relative to them), the
    counts and the paths the walk reports without loading (they are findings), and every
    file's path and bytes."""
    summary_keys: dict[Path, Key] = field(default_factory=dict)
    """Each file's summary key, where a caller computed it: the loader takes it for these
    bytes instead of hashing them again (72 MB at 50,000 risks)."""
    released: bool = False

    def release(self) -> None:
        """Let the bytes go before a stored result is read, so both are not held at once.

        Should the result prove unusable, a load reads the files again, and what it computes
        is not stored under this snapshot's key: the files may have changed meanwhile.
        """
        self.contents.clear()
        self.parts.clear()
        self.summary_keys.clear()  # keys of bytes a reload may not find again
        self.released = True

    def release_for(self, cache: Cache, key: Key) -> None:
        """Release the bytes if a result is stored under `key` (see `release`)."""
        if cache.holds(key):
            self.release()


def snapshot(root: Path) -> Snapshot | None:
    """Read the whole workspace at `root` once; `None` when a path or file cannot be read.

    The loader reports those (all of them, in one run), and no result is stored for them. As
    for any reader, a killed edit is completed or undone first.
    """
    finish_interrupted(root)
    listing = scan_workspace(root)
    if listing.errors:
        return None
    parts = [
        # fsencode: a path that is not UTF-8 (surrogate-escaped) is still a key, not a crash.
        os.fsencode(os.getcwd()),
        os.fsencode(root.absolute()),
        len(listing.strays).to_bytes(8, "little"),
        *(os.fsencode(f"{stray.code}\0{stray.shown}") for stray in listing.strays),
        len(listing.files).to_bytes(8, "little"),
    ]
    contents: dict[Path, bytes] = {}
    for source in listing.files:
        try:
            data = read_file(source.path, source.rel)
        except LoadError:
            return None  # never hash what the loader would refuse
        parts += (os.fsencode(source.rel), data)
        contents[source.path] = data
    return Snapshot(listing, contents, parts)


@dataclass(frozen=True)
class FileKey:
    """A workspace file and the key of its bytes (the loader's summary key)."""

    source: SourceFile
    key: Key


@dataclass(frozen=True)
class WorkspaceKeys:
    """The keys of a result computed from the whole workspace, and of what it was computed from."""

    result: Key
    """Everything the result depends on, every file's bytes included."""
    latest: Key
    """The same but the files' bytes: the last result of these files and options."""
    files: tuple[FileKey, ...]
    """Each file's key on its bytes, in load order."""
    head: tuple[bytes, ...]
    """The parts of the result's key before the files'."""
    tail: tuple[bytes, ...]
    """The parts of the result's key after the files'."""
    what: str

    def result_of(self, cache: Cache, files: Any) -> Key:
        """The result's key for files of these keys (a `relocated.table`)."""
        parts = [part for rel, _, inputs in files for part in (os.fsencode(rel), inputs)]
        return cache.key_of([*self.head, *parts, *self.tail], self.what)


def _keyed(cache: Cache, read: Snapshot) -> tuple[tuple[FileKey, ...], list[bytes], list[bytes]]:
    """Each file's summary key, the snapshot's parts before the files', and the files' parts.

    The snapshot's parts end with each file's path and bytes. A key takes the key of a
    file's bytes instead (the loader's, as it reads them, noted in `read.summary_keys` for
    it to take), so the bytes are hashed once.
    """
    files = tuple(
        FileKey(s, cache.key(normalise_newlines(read.contents[s.path]), s.rel, "summary"))
        for s in read.listing.files
    )
    read.summary_keys.update((f.source.path, f.key) for f in files)
    head = read.parts[: len(read.parts) - 2 * len(files)]
    contents = [part for f in files for part in (os.fsencode(f.source.rel), f.key.inputs)]
    return files, head, contents


def snapshot_key(cache: Cache, read: Snapshot, what: str) -> Key:
    """The key of `what` computed from the workspace as read: its parts, each file by its key."""
    _, head, contents = _keyed(cache, read)
    return cache.key_of([*head, *contents], what)


def workspace_key(
    cache: Cache,
    root: Path,
    today: date,
    what: str,
    options: list[bytes],
    discovered: tuple[Path, ...] = (),
) -> Key | None:
    """The key of a result computed from the whole workspace as of `today` with `options`.

    Its inputs: the working directory and the root (paths are shown relative to them), the
    date, every workspace file's path and bytes, the paths the walk reports without loading,
    the allowed-signers file and the infrastructure inputs sra.yaml names. `None` (no
    caching) when a file cannot be read in full.
    """
    keys = workspace_keys(cache, root, today, what, options, discovered)[1]
    return keys.result if keys is not None else None


def workspace_keys(
    cache: Cache,
    root: Path,
    today: date,
    what: str,
    options: list[bytes],
    discovered: tuple[Path, ...] = (),
) -> tuple[Snapshot | None, WorkspaceKeys | None]:
    """The workspace as read for the keys, and the keys (see `workspace_key`); `None`: no cache."""
    read = snapshot(root)
    if read is None:
        return None, None
    files, head, contents = _keyed(cache, read)
    parts = [today.isoformat().encode(), *options]
    try:
        for source in read.listing.files:
            if source.kind is not None:
                continue
            data = read.contents[source.path]
            # Sign-offs count only with signatures this file accepts: it is an input too.
            signers = _allowed_signers(root, data) if b"allowed_signers" in data else b""
            # Infrastructure inputs decide the discovery findings: inputs of the result.
            inputs = _discovery_digests(root, data, discovered)
            if signers is None or inputs is None:
                return read, None
            parts += (signers, len(inputs).to_bytes(8, "little"), *inputs)
    except OSError:
        return read, None  # the loader reports unreadable files with their path
    kinds = [f.source.kind.name if f.source.kind else "" for f in files]
    names = [os.fsencode(f"{f.source.rel}\0{kind}") for f, kind in zip(files, kinds, strict=True)]
    return read, WorkspaceKeys(
        cache.key_of([*head, *contents, *parts], what),
        cache.key_of([*head, *names, *parts], f"{what}-latest"),
        files,
        tuple(head),
        tuple(parts),
        what,
    )


def _discovery_digests(
    root: Path, manifest: bytes, discovered: tuple[Path, ...]
) -> list[bytes] | None:
    """A digest of every infrastructure input (streamed: plans may be large); None if unreadable."""
    try:
        listed = parse_yaml(manifest, MANIFEST_FILE)["discovery"]["inputs"]
        named = [root / str(entry) for entry in listed] if isinstance(listed, list) else []
    except (SraError, KeyError, TypeError):
        named = []  # the loader and the rules report what is wrong
    paths = [*named, *discovered]
    if not paths:
        return []
    out = [os.fsencode(os.getcwd())]  # `--discovered` paths are relative to it
    for path in paths:
        files = sorted(path.glob("*.tf")) if path.is_dir() else [path]
        for file in files:
            digest = hashlib.sha256(os.fsencode(file) + b"\0")
            try:
                with open(file, "rb", opener=_open_nonblocking) as handle:
                    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                        return None
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
            except OSError:
                return None  # discovery reports the input that cannot be read
            out.append(digest.digest())
    return out


def _read_bounded(path: Path) -> bytes | None:
    """A regular file's bytes, or `None` for anything else or anything over the size limit.

    The limit is enforced while reading: a device or a FIFO reports no useful size.
    """
    with open(path, "rb", opener=_open_nonblocking) as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return None
        data = handle.read(MAX_FILE_BYTES + 1)
    return data if len(data) <= MAX_FILE_BYTES else None


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)  # opening a FIFO must not wait for a writer


def _allowed_signers(root: Path, manifest: bytes) -> bytes | None:
    """The allowed-signers file sra.yaml names, as key bytes; `None` if it cannot be read."""
    try:
        value = parse_yaml(manifest, MANIFEST_FILE)
        name = value["signoff"]["allowed_signers"]
    except (SraError, KeyError, TypeError):
        return b"no signers file"  # the loader and the rules report what is wrong
    try:
        data = _read_bounded(root / str(name))
    except FileNotFoundError:
        return b"no signers file"
    except OSError:
        return None
    return None if data is None else b"signers\0" + data
