"""Values a validator has already judged, per table: each distinct value is validated once."""

from __future__ import annotations

from threading import Lock

import polars as pl


class Memo:
    """Values already validated in a table, per column and check: each is validated once.

    Names, dates of service and codes recur from batch to batch; a batch then only looks
    its matches up among the values known to pass or fail. At most about `limit` values
    are kept per column and check, so memory stays bounded; once full, a column whose
    matches are mostly new values stops looking them up (it would only add work).
    Shared by the threads that count a table's batches.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._known: dict[tuple[str, str], tuple[pl.Series, pl.Series]] = {}
        self._unhelpful: set[tuple[str, str]] = set()
        self._lock = Lock()

    def known(self, column: str, key: str) -> tuple[pl.Series, pl.Series] | None:
        """The values known to pass and to fail, or None when there are none to look up."""
        with self._lock:
            if (column, key) in self._unhelpful:
                return None
            return self._known.get((column, key))

    def learn(
        self,
        column: str,
        key: str,
        passed: pl.Series,
        failed: pl.Series,
        looked_up: int,
        found: int,
    ) -> None:
        """Remember newly validated values while there is room; give up on unhelpful ones."""
        with self._lock:
            empty = (passed.clear(), failed.clear())
            old_passed, old_failed = self._known.get((column, key), empty)
            if old_passed.len() + old_failed.len() >= self.limit:
                if found < looked_up // 2:
                    self._unhelpful.add((column, key))
                return
            # New series: another thread may be reading the old ones.
            self._known[(column, key)] = (
                pl.concat([old_passed, passed]),
                pl.concat([old_failed, failed]),
            )
