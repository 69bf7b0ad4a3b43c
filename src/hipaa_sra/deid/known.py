"""Values a mapping store already holds, found in bulk by their 64-bit hash.

A copy is made batch by batch, and each batch asks the store for the surrogate of every
row. Asking polars to join them against every known value would hash all of those again
for each batch (millions of MRNs, a few dozen times a gigabyte); here the known values'
hashes stay in an open-addressing table (numpy arrays, linear probing, at most half full),
so a row costs one hash and a probe or two. Every hit is checked against the value itself:
a hash shared by two values never hands one person's surrogate to another.
"""

from __future__ import annotations

import numpy as np
import polars as pl

_SEED = 0x5A7
"""Hash seed: the hashes live only in this process, never on disk."""
_EMPTY = -1


def _hashes(values: pl.Series) -> np.ndarray:
    return values.hash(_SEED).to_numpy()


class Known:
    """Distinct text values with their row numbers, in the order they were added."""

    def __init__(self, values: pl.Series) -> None:
        self.values = values.cast(pl.String).rechunk()
        self._chunks: list[np.ndarray] = []
        self._keys = np.zeros(0, dtype=np.uint64)
        self._rows = np.zeros(0, dtype=np.int64)
        self._grow(self.values.len())
        self._place(self._hashes_of(self.values), 0)

    def __len__(self) -> int:
        return self.values.len()

    def _hashes_of(self, values: pl.Series) -> np.ndarray:
        hashes = _hashes(values)
        self._chunks.append(hashes)
        return hashes

    def _grow(self, count: int) -> None:
        """Make room for `count` values in all, at most half full; rebuild if it moved."""
        size = max(16, len(self._keys))
        while size < 2 * count:
            size *= 2
        if size == len(self._keys):
            return
        self._keys = np.zeros(size, dtype=np.uint64)
        self._rows = np.full(size, _EMPTY, dtype=np.int64)
        if self._chunks:
            self._place(np.concatenate(self._chunks), 0)

    def _place(self, hashes: np.ndarray, start: int) -> None:
        mask = np.uint64(len(self._keys) - 1)
        slots = (hashes & mask).astype(np.int64)
        waiting = np.arange(len(hashes), dtype=np.int64)
        while len(waiting):
            at = slots[waiting]
            free = self._rows[at] == _EMPTY
            # Of several values wanting one free slot, the first takes it; the rest probe on.
            _, first = np.unique(at[free], return_index=True)
            won = waiting[free][first]
            self._keys[slots[won]] = hashes[won]
            self._rows[slots[won]] = won + start
            taken = np.zeros(len(hashes), dtype=bool)
            taken[won] = True
            waiting = waiting[~taken[waiting]]
            slots[waiting] = (slots[waiting] + 1) & int(mask)

    def add(self, values: pl.Series) -> None:
        """Add values that are not known yet; their rows follow the existing ones."""
        start = len(self)
        values = values.cast(pl.String)
        self.values = pl.concat([self.values, values], rechunk=False)
        hashes = self._hashes_of(values)
        before = len(self._keys)
        self._grow(len(self))
        if len(self._keys) == before:  # a rebuilt table already holds them
            self._place(hashes, start)

    def rows(self, values: pl.Series) -> np.ndarray:
        """The row of each value (-1 where unknown or null), by hash, every hit confirmed."""
        values = values.cast(pl.String)
        found = np.full(values.len(), _EMPTY, dtype=np.int64)
        if not len(self) or not values.len():
            return found
        wanted = _hashes(values)
        mask = len(self._keys) - 1
        slots = (wanted & np.uint64(mask)).astype(np.int64)
        active = np.arange(len(wanted), dtype=np.int64)
        while len(active):
            at = slots[active]
            row = self._rows[at]
            hit = (row != _EMPTY) & (self._keys[at] == wanted[active])
            found[active[hit]] = row[hit]
            active = active[(row != _EMPTY) & ~hit]
            slots[active] = (slots[active] + 1) & mask
        index = pl.Series(found)
        same = self.values.gather(index.set(index < 0, None)) == values
        wrong = np.flatnonzero((found >= 0) & ~same.fill_null(False).to_numpy())
        for i in wrong:  # two values with one hash: rare enough to look up one by one
            found[i] = self._slow(values[int(i)])
        return found

    def _slow(self, value: str | None) -> int:
        if value is None:
            return _EMPTY
        row = self.values.index_of(value)
        return _EMPTY if row is None else int(row)
