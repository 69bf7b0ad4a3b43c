"""Each file's located paths, cached under its bytes: a later run places findings unparsed.

Where a path of a file was written depends on the file's bytes alone, so the positions a run
located are stored under a key of those bytes (and of the code), every file's in one pack
(`pack`: one entry to write, not one per file). A later run takes them from
there and parses a file again only for a path it has not located before (a finding that
another file's change brought, say); it then stores the union. A warm `sra validate` of a
register with 50,000 warnings, and the unchanged files of a lint, need no parse to place them.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from .cache import Cache, Key
from .pack import Pack
from .positions import Path

Position = tuple[int, int]
"""1-based (line, column)."""


class KnownPositions:
    """Positions located in earlier runs, per file, and those this run adds to them."""

    def __init__(self, cache: Cache) -> None:
        self._pack = Pack(cache, "positions")
        self._keys: dict[str, Key] = {}
        self._known: dict[str, dict[Path, Position]] = {}
        self._sizes: dict[str, int] = {}
        """How many positions each file's dictionary held when read (or last stored)."""

    def track(self, file: str, key: Key) -> None:
        """Keep the positions in `file` under `key`, a key of the bytes they were found in."""
        self._keys[file] = key

    def of(self, file: str) -> dict[Path, Position]:
        """The positions of `file` known so far; a caller adds what it locates to this dict.

        One dictionary per file, handed out, because a large register places 100,000
        findings: a method call for each read and each write was a tenth of placing them.
        Positions are only ever added, so a file whose dictionary grew is one to store.
        """
        known = self._known.get(file)
        if known is None:
            key = self._keys.get(file)
            stored = self._pack.get(key) if key is not None else None
            known = self._known[file] = stored if _well_formed(stored) else {}
            self._sizes[file] = len(known)
        return known

    def store(self) -> None:
        """Store the positions of every file that gained some in this run."""
        for file in sorted(self._known):
            known, key = self._known[file], self._keys.get(file)
            if key is not None and len(known) != self._sizes[file]:
                self._pack.put(key, known)
                self._sizes[file] = len(known)
        self._pack.store()


def _well_formed(stored: Any) -> TypeGuard[dict[Path, Position]]:
    """True for a mapping of paths to (line, column): an entry of another layout is a miss."""
    if not isinstance(stored, dict):
        return False
    return all(
        type(path) is tuple
        and type(where) is tuple
        and len(where) == 2
        and type(where[0]) is int
        and type(where[1]) is int
        for path, where in stored.items()
    )
