"""A content-addressed cache of per-file load results: safe to delete, never stale.

An entry's key hashes the file's bytes, its workspace path and a fingerprint of the
code that produced it (the model and loader sources and the package version), so any
edit to either misses the cache. Entries are written atomically; a corrupt or
unreadable entry is a miss, and a cache that cannot be written is simply not used.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

CACHE_DIR = ".sra_cache"
_LAYOUT = "v1"


_LOAD_SOURCES = ("model/*.py", "loading/*.py", "catalog/*.py", "catalog/data/*.yaml")


@cache
def code_fingerprint(patterns: tuple[str, ...] = _LOAD_SOURCES) -> bytes:
    """Hash of the code and data whose output is cached; any edit to them invalidates entries."""
    from .. import __version__

    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for pattern in patterns:
        for source in sorted(package.glob(pattern)):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.digest()


def _fingerprint() -> bytes:
    return code_fingerprint()


class Cache:
    """Per-workspace cache directory of marshalled values keyed by content."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.enabled = enabled
        self.directory = root / CACHE_DIR / _LAYOUT

    def key(self, data: bytes, rel: str, what: str) -> str:
        """Cache key for `what` (e.g. `summary`) computed from the file `rel` with bytes `data`."""
        digest = hashlib.blake2b(_fingerprint(), digest_size=20)
        digest.update(rel.encode())
        digest.update(b"\0")
        digest.update(data)
        return f"{digest.hexdigest()}.{what}"

    def key_of(self, parts: Iterable[bytes], what: str, code: bytes) -> str:
        """Cache key for `what` computed from several inputs and a code fingerprint."""
        digest = hashlib.blake2b(code, digest_size=20)
        for part in parts:
            digest.update(len(part).to_bytes(8, "little"))  # lengths keep the parts apart
            digest.update(part)
        return f"{digest.hexdigest()}.{what}"

    def get(self, key: str) -> Any | None:
        """The cached value, or `None` on any miss or unreadable entry."""
        if not self.enabled:
            return None
        try:
            return marshal.loads((self.directory / key).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def put(self, key: str, value: Any) -> None:
        """Store `value` atomically; failures leave the cache unused, never the workspace."""
        if not self.enabled:
            return
        try:
            payload = marshal.dumps(value)
            self._ensure_directory()
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, self.directory / key)
        except (OSError, ValueError):
            return

    def _ensure_directory(self) -> None:
        if self.directory.is_dir():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        ignore = self.directory.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by hipaa-sra: the load cache, safe to delete.\n*\n")
