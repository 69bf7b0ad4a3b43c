"""The mapping store: every surrogate and date offset ever issued, in its own database.

It holds the originals beside their replacements, so it is as sensitive as the source and
lives outside the copy (SQLite file or PostgreSQL database). A run holds one transaction
on it from start to end: two runs never hand out different surrogates for the same value,
and a run that fails leaves the store as it was.
"""

from __future__ import annotations

import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ..errors import SraError
from .known import Known
from .surrogates import offsets

MAX_ROUNDS = 50
"""Rounds of redrawing colliding surrogates before the shape is declared too small."""
FORMAT = "hipaa-sra mapping store 1"

_TABLES = (
    "CREATE TABLE IF NOT EXISTS sra_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sra_surrogate (domain TEXT NOT NULL, original TEXT NOT NULL, "
    "surrogate TEXT NOT NULL, PRIMARY KEY (domain, original), UNIQUE (domain, surrogate))",
    "CREATE TABLE IF NOT EXISTS sra_offset (domain TEXT NOT NULL, subject TEXT NOT NULL, "
    "days INTEGER NOT NULL, PRIMARY KEY (domain, subject))",
)


class StoreError(SraError):
    """The mapping store cannot be opened, is not one, or cannot give distinct surrogates."""


Make = Callable[[pl.Series], pl.Series]


@dataclass
class _Domain:
    """One domain's mappings in memory: originals (indexed), replacements in the same rows."""

    originals: Known
    replacements: pl.Series
    taken: Known | None = None
    """Surrogates issued (indexed): a new one must differ from all of them."""


class MappingStore(ABC):
    """Surrogates and offsets by domain; cached in memory for the run, written in bulk."""

    def __init__(self, location: str, rng: np.random.Generator) -> None:
        self.location = location
        self.rng = rng
        self._maps: dict[str, _Domain] = {}
        self._offsets: dict[str, _Domain] = {}
        self.issued = 0
        """Surrogates and offsets this run added."""

    @abstractmethod
    def _fetch(self, query: str, domain: str) -> list[tuple[Any, ...]]:
        """Rows of `query` (ending where the domain parameter goes) for `domain`."""

    @abstractmethod
    def _insert(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Add rows to a table of the store, in bulk."""

    @abstractmethod
    def commit(self) -> None:
        """Keep what this run issued."""

    @abstractmethod
    def close(self) -> None:
        """Release the store; what was not committed is dropped."""

    def _load(self, query: str, domain: str, dtype: pl.DataType) -> _Domain:
        rows = self._fetch(query, domain)
        keys = pl.Series([r[0] for r in rows], dtype=pl.String)
        values = pl.Series([r[1] for r in rows], dtype=dtype)
        return _Domain(Known(keys), values)

    def surrogates(self, domain: str, originals: pl.Series, make: Make) -> pl.Series:
        """The surrogate of each of `originals` (null for null), issuing the missing ones."""
        if domain not in self._maps:
            mapped = self._load(
                "SELECT original, surrogate FROM sra_surrogate WHERE domain = ", domain, pl.String()
            )
            mapped.taken = Known(mapped.replacements)
            self._maps[domain] = mapped
        mapped = self._maps[domain]
        assert mapped.taken is not None
        wanted = originals.cast(pl.String)
        rows = mapped.originals.rows(wanted)
        missing = (rows < 0) & wanted.is_not_null().to_numpy()
        new = wanted.filter(pl.Series(missing)).unique(maintain_order=True)
        if new.len():
            made = self._draw(new, mapped.taken, make, domain)
            self._insert(
                "sra_surrogate",
                list(zip([domain] * new.len(), new.to_list(), made.to_list(), strict=True)),
            )
            self.issued += new.len()
            mapped.originals.add(new)
            mapped.taken.add(made)
            mapped.replacements = pl.concat([mapped.replacements, made], rechunk=False)
            rows[missing] = mapped.originals.rows(wanted.filter(pl.Series(missing)))
        return _pick(mapped.replacements, rows)

    def _draw(self, new: pl.Series, taken: Known, make: Make, domain: str) -> pl.Series:
        """Surrogates for `new`, distinct from each other, from those issued and from `new`."""
        made = make(new.alias("original")).alias("surrogate")
        for _ in range(MAX_ROUNDS):
            # Redraw those equal to an issued surrogate, to any original of this draw, or to
            # an earlier surrogate of this draw; the first of equal ones stays.
            redo = (
                pl.Series(taken.rows(made) >= 0)
                | made.is_in(new.implode())
                | (made.is_duplicated() & ~made.is_first_distinct())
            )
            if not redo.any():
                return made
            fresh = make(new.filter(redo))
            made = made.scatter(np.flatnonzero(redo.to_numpy()), fresh)
        raise StoreError(
            f"domain `{domain}`: cannot draw {new.len():,} distinct surrogates of "
            "these values' shape; the shape has too few letters and digits. Use "
            "redact, or a wider identifier"
        )

    def offsets(self, domain: str, subjects: pl.Series, max_days: int) -> pl.Series:
        """The day offset of each of `subjects` (null for null), drawing the new ones."""
        if domain not in self._offsets:
            self._offsets[domain] = self._load(
                "SELECT subject, days FROM sra_offset WHERE domain = ", domain, pl.Int32()
            )
        known = self._offsets[domain]
        wanted = subjects.cast(pl.String)
        rows = known.originals.rows(wanted)
        missing = (rows < 0) & wanted.is_not_null().to_numpy()
        new = wanted.filter(pl.Series(missing)).unique(maintain_order=True)
        if new.len():
            days = pl.Series(offsets(new.len(), max_days, self.rng), dtype=pl.Int32)
            self._insert(
                "sra_offset",
                list(zip([domain] * new.len(), new.to_list(), days.to_list(), strict=True)),
            )
            self.issued += new.len()
            known.originals.add(new)
            known.replacements = pl.concat([known.replacements, days], rechunk=False)
            rows[missing] = known.originals.rows(wanted.filter(pl.Series(missing)))
        return _pick(known.replacements, rows)


def _pick(replacements: pl.Series, rows: np.ndarray) -> pl.Series:
    """The replacement at each row; null where the row is -1 (a null value)."""
    index = pl.Series(rows, dtype=pl.Int64)
    return replacements.gather(index.set(index < 0, None))


class SqliteStore(MappingStore):
    """A SQLite file, locked for writing for the whole run (BEGIN IMMEDIATE)."""

    def __init__(self, path: Path, rng: np.random.Generator) -> None:
        super().__init__(str(path), rng)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # Readable by its owner only: it holds every original beside its surrogate.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            # Used from the thread polars' writer pulls batches on, one call at a time.
            self._conn = sqlite3.connect(
                path, timeout=10, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("BEGIN IMMEDIATE")
            names = {
                r[0]
                for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if names and "sra_meta" not in names:
                raise StoreError(
                    f"{path}: a SQLite database that is not a mapping store; "
                    "give a new file or an existing mapping store"
                )
            for statement in _TABLES:
                self._conn.execute(statement)
            self._conn.execute("INSERT OR IGNORE INTO sra_meta VALUES ('format', ?)", (FORMAT,))
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise StoreError(
                    f"{path}: the mapping store is in use by another run; try again when it ends"
                ) from None
            raise StoreError(f"{path}: cannot open the mapping store: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a SQLite mapping store: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the mapping store: {exc.strerror}") from None

    def _fetch(self, query: str, domain: str) -> list[tuple[Any, ...]]:
        return self._conn.execute(query + "?", (domain,)).fetchall()

    def _insert(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        self._conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)", rows)

    def commit(self) -> None:
        """Commit this run's surrogates and offsets."""
        self._conn.execute("COMMIT")
        self._conn.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        """Roll back anything not committed and close."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        self._conn.close()


class PostgresStore(MappingStore):
    """Tables in the schema `sra_mapping` of a PostgreSQL database, locked for the run."""

    def __init__(self, url: str, shown: str, rng: np.random.Generator) -> None:
        import psycopg

        super().__init__(shown, rng)
        try:
            self._conn = psycopg.connect(url, connect_timeout=10, application_name="sra deid")
            self._conn.execute("CREATE SCHEMA IF NOT EXISTS sra_mapping")
            self._conn.execute("SET search_path TO sra_mapping")
            for statement in _TABLES:
                self._conn.execute(statement)
            self._conn.execute("LOCK TABLE sra_surrogate, sra_offset IN EXCLUSIVE MODE NOWAIT")
            self._conn.execute(
                "INSERT INTO sra_meta VALUES ('format', %s) ON CONFLICT DO NOTHING", (FORMAT,)
            )
        except psycopg.errors.LockNotAvailable:
            raise StoreError(
                f"{shown}: the mapping store is in use by another run; try again when it ends"
            ) from None
        except psycopg.Error as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise StoreError(f"{shown}: cannot open the mapping store: {first}") from None

    def _fetch(self, query: str, domain: str) -> list[tuple[Any, ...]]:
        return self._conn.execute(query + "%s", (domain,)).fetchall()

    def _insert(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        with self._conn.cursor().copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def commit(self) -> None:
        """Commit this run's surrogates and offsets."""
        self._conn.commit()

    def close(self) -> None:
        """Roll back anything not committed and close."""
        self._conn.rollback()
        self._conn.close()
