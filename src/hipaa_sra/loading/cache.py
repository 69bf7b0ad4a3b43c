"""A content-addressed cache of results (per-file loads, lint runs): safe to delete, never stale.

Every entry is bound to what produced it: the digest of every file of the installed
hipaa-sra package (code and data) and the digest of its inputs (the bytes it was computed
from, and what it is). Both are stored in the entry and compared on read, so an entry
copied under another name, written by another version or from another state of the
workspace is a miss, never a result. A corrupt, truncated or non-regular entry is a miss
too, and a cache that cannot be written is simply not used. Every state of the workspace
adds entries, so a run that writes keeps the directory within `LIMIT_BYTES`, removing the
entries used least recently first.

The binding protects against accidents (stale entries, a cache shared between checkouts),
not against a person who can write the cache directory on purpose: such a person can
compute a matching binding, as they could edit the workspace itself. Commands whose output
is an attestation (sign-off, verification) therefore never read the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import mmap
import os
import stat
import tempfile
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CACHE_DIR = ".sra_cache"
_LAYOUT = "v1"
_MAGIC = b"sra-cache\x03"
_RAW_MAGIC = b"sra-bytes\x01"
"""An entry of bytes stored as they are (`put_bytes`), of the same length as `_MAGIC`."""
_DIGEST = 32
_CHECK = 4
_HEADER = len(_MAGIC) + 2 * _DIGEST + _CHECK
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600
"""A temporary entry older than this was left by a killed run (a write takes milliseconds)."""
LIMIT_BYTES = 2 << 30
"""What the entries may take before a run that writes removes the least recently used.

Every state of the workspace adds entries (a lint of 50,000 risks stores about 150 MB, its
calendar 70 MB), and nothing else removes them."""
_TOUCH_SECONDS = 3600
"""An entry read is marked used (its modification time set to now) when older than this."""
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
_VERSION = marshal.version
_NO_REFS = 2
"""The last marshal format without references to objects written before (they came in 3)."""


def _payload(entry: memoryview, magic: bytes, key: Key) -> memoryview | None:
    """The payload of a whole entry of this format bound to `key` and this code, else None."""
    if len(entry) < _HEADER or entry[: len(magic)] != magic:
        return None
    start = len(magic)
    code = entry[start : start + _DIGEST]
    inputs = entry[start + _DIGEST : start + 2 * _DIGEST]
    check = entry[start + 2 * _DIGEST : _HEADER]
    payload = entry[_HEADER:]
    if code != code_digest() or inputs != key.inputs or check != _check(payload):
        return None
    return payload


def _hash(data: bytes | memoryview = b"") -> hashlib.blake2b:
    return hashlib.blake2b(data, digest_size=_DIGEST)


def _check(payload: bytes | memoryview) -> bytes:
    """A checksum of an entry's payload, to tell a torn or damaged entry from a whole one.

    Not a digest: the binding is the code and input digests beside it, and nothing here
    stands against a person who writes the cache on purpose (see above). CRC-32 runs at
    about 4 GB/s against BLAKE2b's 0.7, and a large lint stores and reads 100 MB or more.
    """
    return zlib.crc32(payload).to_bytes(_CHECK, "little")


@cache
def code_digest() -> bytes:
    """Digest of every file of the installed package (code and data), computed once per process.

    Hashing the bytes, not sizes and modification times, so that an edit that keeps both (a
    checkout, a copy with preserved times) still changes the digest.
    """
    package = Path(__file__).resolve().parent.parent
    digest = _hash()
    for path in sorted(_package_files(package)):
        data = path.read_bytes()
        name = path.relative_to(package).as_posix().encode()
        digest.update(len(name).to_bytes(8, "little") + name)
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


def _package_files(directory: Path) -> Iterable[Path]:
    for entry in os.scandir(directory):
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue  # editor leftovers and bytecode follow from the sources
        if entry.is_dir():
            yield from _package_files(Path(entry.path))
        elif entry.is_file() and not entry.name.endswith(_SKIPPED_SUFFIXES):
            yield Path(entry.path)


@dataclass(frozen=True, slots=True)
class Key:
    """Where an entry lives and the digest of the inputs it must have been computed from."""

    name: str
    inputs: bytes

    def variant(self, suffix: str) -> Key:
        """The key of a result derived from this one's inputs (e.g. one rendering of a lint)."""
        inputs = _hash(self.inputs + b"\0" + suffix.encode()).digest()
        return Key(f"{self.name}.{suffix}", inputs)


class Cache:
    """Per-workspace cache directory of marshalled values, each bound to its inputs and code."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.enabled = enabled
        self.directory = root / CACHE_DIR / _LAYOUT
        self._swept = False

    def key(self, data: bytes, rel: str, what: str) -> Key:
        """Key of `what` (e.g. `summary`) computed from the workspace file `rel` holding `data`."""
        return self.key_of((os.fsencode(rel), data), what)

    def key_of(self, parts: Iterable[bytes], what: str) -> Key:
        """Key of `what` computed from `parts`, the bytes of everything the result depends on."""
        digest = _hash(what.encode())
        for part in parts:
            digest.update(len(part).to_bytes(8, "little"))  # lengths keep the parts apart
            digest.update(part)
        inputs = digest.digest()
        name = hashlib.blake2b(code_digest() + inputs, digest_size=20).hexdigest()
        return Key(f"{name}.{what}", inputs)

    def get(self, key: Key) -> Any | None:
        """The cached value, or `None` on a miss: absent, unreadable, corrupt or bound elsewhere."""
        if not self.enabled:
            return None
        entry = self._read(self.directory / key.name, mapped=False)
        payload = _payload(entry, _MAGIC, key) if entry is not None else None
        if payload is None:
            return None
        try:
            return marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return None

    def get_bytes(self, key: Key) -> memoryview | None:
        """Bytes stored by `put_bytes`, mapped from the entry (not copied), or `None` on a miss.

        For a rendered file of tens of megabytes (a calendar): reading, unmarshalling and
        writing it out made three copies of it, a fifth of a warm run.
        """
        if not self.enabled:
            return None
        entry = self._read(self.directory / key.name, mapped=True)
        return _payload(entry, _RAW_MAGIC, key) if entry is not None else None

    def holds(self, key: Key) -> bool:
        """True if an entry is stored under `key`'s name (`get` still checks it is the one)."""
        return self.enabled and (self.directory / key.name).is_file()

    @staticmethod
    def _read(path: Path, mapped: bool) -> memoryview | None:
        """The entry's bytes (or its mapping), if it is a regular file (no device, no FIFO)."""
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                return None
            if status.st_mtime < time.time() - _TOUCH_SECONDS:
                with contextlib.suppress(OSError):  # a read-only cache is still read
                    os.utime(fd)  # used: the sweep removes the least recently used first
            if mapped:
                # Entries are replaced, never written in place: the mapping stays whole.
                return memoryview(mmap.mmap(fd, 0, access=mmap.ACCESS_READ))
            with os.fdopen(fd, "rb", closefd=False) as handle:
                return memoryview(handle.read())
        except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
            return None
        finally:
            os.close(fd)

    def put(self, key: Key, value: Any, *, refs: bool = True) -> None:
        """Store `value` atomically; failures leave the cache unused, never the workspace.

        `refs=False` for a large value whose objects are also held elsewhere (a lint's
        findings): marshal notes every object with more than one reference, to write a
        shared one once, and for a million of them its table cost a third of a second.
        """
        if self.enabled:
            with contextlib.suppress(ValueError):  # a value marshal cannot write
                self._write(key, _MAGIC, marshal.dumps(value, _VERSION if refs else _NO_REFS))

    def put_bytes(self, key: Key, data: bytes) -> None:
        """Store `data` as it is, for `get_bytes` (an entry `get` never reads, nor the reverse)."""
        if self.enabled:
            self._write(key, _RAW_MAGIC, data)

    def _write(self, key: Key, magic: bytes, payload: bytes) -> None:
        """Write an entry atomically; failures leave the cache unused, never the workspace."""
        try:
            self._ensure_directory()
            self._sweep()
            header = magic + code_digest() + key.inputs + _check(payload)
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=TEMP_PREFIX)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(header)
                    handle.write(payload)
                os.replace(tmp, self.directory / key.name)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return

    def _sweep(self) -> None:
        """Once per cache per run: remove what killed runs left, then keep within the limit.

        Entries go least recently used first (`_read` marks an entry used), down to three
        quarters of `LIMIT_BYTES`, so that the next few runs need not sweep again.
        """
        if self._swept:
            return
        self._swept = True
        # Only old ones: a fresh temporary file may belong to a run writing at this moment.
        cutoff = time.time() - STALE_TEMP_SECONDS
        kept: list[tuple[float, int, str]] = []
        with os.scandir(self.directory) as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    status = entry.stat(follow_symlinks=False)
                    if entry.name.startswith(TEMP_PREFIX):
                        if status.st_mtime < cutoff:
                            os.unlink(entry.path)
                    elif stat.S_ISREG(status.st_mode):
                        kept.append((status.st_mtime, status.st_size, entry.path))
        total = sum(size for _, size, _ in kept)
        if total <= LIMIT_BYTES:
            return
        for _, size, path in sorted(kept):
            if total <= LIMIT_BYTES * 3 // 4:
                break
            with contextlib.suppress(OSError):  # another run may have removed it first
                os.unlink(path)
            total -= size

    def _ensure_directory(self) -> None:
        if self.directory.is_dir():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by hipaa-sra: the load cache, safe to delete.\n*\n")
