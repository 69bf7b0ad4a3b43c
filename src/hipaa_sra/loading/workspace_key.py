"""What a result computed from a whole workspace depends on: every file's path and bytes, and more.

`sra validate` stores its findings under a key of it, and `sra lint` its findings and their
rendering (adding what only the rules read: the date, the selection, the allowed signers,
the infrastructure inputs). An unchanged workspace is then answered from one entry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError
from ..writing.journal import finish_interrupted
from .cache import Cache, Key
from .discover import Listing, scan_workspace
from .read import read_file


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
    released: bool = False

    def release(self) -> None:
        """Let the bytes go before a stored result is read, so both are not held at once.

        Should the result prove unusable, a load reads the files again, and what it computes
        is not stored under this snapshot's key: the files may have changed meanwhile.
        """
        self.contents.clear()
        self.parts.clear()
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
