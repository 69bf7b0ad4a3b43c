"""Many small cache entries kept as one entry: a lint writes one file where it wrote hundreds.

Creating a file costs about a millisecond of system time on a virtual machine's disk,
whatever the file holds, and a cold lint of a large workspace stored two small entries per
workspace file (each file's per-record findings and the positions located in it): 560
files at 50,000 risks, more than half a second. A pack keeps such members in one entry,
each under the digest of the inputs its key was computed from, so that a member is found
only under the inputs it was computed from, as an entry is; the entry itself is bound to
the code like any other.

A pack keeps what this run read or stored, then the members it held before that this run
did not touch (another branch's files, the version of a file before an edit), up to as
many again, newest first: it does not grow with every edit, and switching back to the
files of the run before finds them. A run that stores only a few members (a lint after one
file changed) writes each as an entry of its own instead: rewriting a pack of 25 MB for
the one file that changed would cost more than that file's work.
"""

from __future__ import annotations

from typing import Any

from .cache import Cache, Key

_MINIMUM_KEPT = 64
"""Members kept from earlier runs however few this run touched (a small workspace)."""
_LOOSE_AT_MOST = 8
"""A run that stores this many members or fewer writes them as entries of their own."""


class Pack:
    """Members of one cache entry, read when first asked for and written by `store`."""

    def __init__(self, cache: Cache, name: str) -> None:
        self._cache = cache
        self._key = cache.key_of((name.encode(),), "pack")
        self._stored: dict[bytes, Any] | None = None
        self._touched: dict[bytes, Any] = {}
        self._new: dict[Key, Any] = {}

    def get(self, key: Key) -> Any | None:
        """The member stored under `key`'s inputs (in the pack, or on its own), or None."""
        inputs = key.inputs
        value = self._touched.get(inputs)
        if value is None:
            value = self._earlier().get(inputs)
            if value is None:
                value = self._cache.get(key)
            if value is not None:
                self._touched[inputs] = value
        return value

    def put(self, key: Key, value: Any) -> None:
        """Keep `value` under `key`'s inputs, written with the rest by `store`."""
        self._touched[key.inputs] = value
        self._new[key] = value

    def store(self) -> None:
        """Write what this run put: the pack, its members then earlier ones, or a few alone."""
        new, self._new = self._new, {}
        if not new or not self._cache.enabled:
            return
        if len(new) <= _LOOSE_AT_MOST:
            for key, value in new.items():
                self._cache.put(key, value)
            return
        members = dict(self._touched)
        room = max(len(members), _MINIMUM_KEPT)
        for inputs, value in self._earlier().items():
            if room <= 0:
                break
            if inputs not in members:
                members[inputs] = value
                room -= 1
        # Members hold objects a run also holds (a finding's texts): see `Cache.put`.
        self._cache.put(self._key, members, refs=False)
        self._stored = members

    def held(self) -> frozenset[bytes]:
        """The inputs of every member the pack's entry holds (not those stored on their own)."""
        return frozenset(self._earlier())

    def _earlier(self) -> dict[bytes, Any]:
        """What the entry holds, as last read or written (nothing if absent or malformed)."""
        if self._stored is not None:
            return self._stored
        value = self._cache.get(self._key)
        stored: dict[bytes, Any] = {}
        if isinstance(value, dict) and all(type(k) is bytes for k in value):
            stored = value
        self._stored = stored
        return stored
