"""Values a mapping store already holds, found in bulk by their 64-bit hash.

A copy is made batch by batch, and each batch asks the store which of its distinct values
already have a surrogate. Asking polars to join them against every known value would
hash all of those again for each batch (millions of MRNs, fifty times a gigabyte); here the
known values' hashes are kept sorted (numpy), so a batch costs a binary search per distinct
value. Every hit is checked against the value itself: a hash shared by two values never
hands one person's surrogate to another.
"""

from __future__ import annotations

import numpy as np
import polars as pl

_SEED = 0x5A7
"""Hash seed: the hashes live only in this process, never on disk."""


def _hashes(values: pl.Series) -> np.ndarray:
    return values.hash(_SEED).to_numpy()


class Known:
    """Distinct text values with their row numbers, in the order they were added."""

    def __init__(self, values: pl.Series) -> None:
        self.values = values.cast(pl.String).rechunk()
        # Sorted runs of (hash, row), merged as they grow (each row is moved O(log n) times).
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._run(_hashes(self.values), 0)

    def __len__(self) -> int:
        return self.values.len()

    def _run(self, hashes: np.ndarray, start: int) -> None:
        if not len(hashes):
            return
        order = np.argsort(hashes, kind="stable")
        self._runs.append((hashes[order], order.astype(np.int64) + start))
        while len(self._runs) > 1 and 2 * len(self._runs[-1][0]) >= len(self._runs[-2][0]):
            (h2, r2), (h1, r1) = self._runs.pop(), self._runs.pop()
            hashes, rows = np.concatenate([h1, h2]), np.concatenate([r1, r2])
            order = np.argsort(hashes, kind="stable")
            self._runs.append((hashes[order], rows[order]))

    def add(self, values: pl.Series) -> None:
        """Add values that are not known yet; their rows follow the existing ones."""
        start = len(self)
        values = values.cast(pl.String)
        self.values = pl.concat([self.values, values], rechunk=False)
        self._run(_hashes(values), start)

    def rows(self, values: pl.Series) -> np.ndarray:
        """The row of each value (-1 where unknown or null), by hash, every hit confirmed."""
        values = values.cast(pl.String)
        found = np.full(values.len(), -1, dtype=np.int64)
        if not self._runs or not values.len():
            return found
        wanted = _hashes(values)
        for hashes, rows in self._runs:
            at = np.minimum(np.searchsorted(hashes, wanted), len(hashes) - 1)
            hit = (hashes[at] == wanted) & (found < 0)
            found[hit] = rows[at[hit]]
        maybe = np.flatnonzero(found >= 0)
        if len(maybe):
            picks = pl.Series(maybe, dtype=pl.Int64)
            same = (self.values.gather(pl.Series(found[maybe])) == values.gather(picks))
            wrong = maybe[~same.fill_null(False).to_numpy()]
            for i in wrong:  # two values with one hash: rare enough to look up one by one
                found[i] = self._slow(values[int(i)])
        return found

    def _slow(self, value: str | None) -> int:
        if value is None:
            return -1
        row = self.values.index_of(value)
        return -1 if row is None else int(row)
