"""SQLite database files, opened read-only: every table, or those the filters name."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from .base import Filters, Source, SourceError, Table

SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db", ".db3")


def is_sqlite(path: Path) -> bool:
    """True if the file starts with the SQLite header."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class SqliteTable(Table):
    """One table of a SQLite database."""

    def __init__(self, source: SqliteSource, name: str) -> None:
        self.source = source
        self.name = name

    def batches(self) -> Iterator[pl.DataFrame]:
        """Rows as text, `batch_rows` at a time, optionally sampled and capped."""
        filters = self.source.filters
        query = f'SELECT * FROM "{self.name.replace(chr(34), chr(34) * 2)}"'
        params: list[object] = []
        if filters.sample_percent is not None:
            query += " WHERE abs(random()) % 1000000 < ?"
            params.append(int(filters.sample_percent * 10_000))
        if filters.max_rows is not None:
            query += " LIMIT ?"
            params.append(filters.max_rows)
        try:
            cursor = self.source.connection().execute(query, params)
            names = [d[0] for d in cursor.description]
            while rows := cursor.fetchmany(filters.batch_rows):
                columns = list(zip(*rows, strict=True))
                yield pl.DataFrame(
                    [
                        pl.Series(name, [_text(v) for v in col], dtype=pl.String)
                        for name, col in zip(names, columns, strict=True)
                    ]
                )
        except sqlite3.Error as exc:
            raise SourceError(f"{self.source.label}: table {self.name}: {exc}") from None


class SqliteSource(Source):
    """A SQLite file, opened with `mode=ro`: the scan can never change it."""

    def __init__(self, path: Path, label: str, filters: Filters) -> None:
        self.path = path
        self.label = label
        self.filters = filters
        self._conn: sqlite3.Connection | None = None

    def connection(self) -> sqlite3.Connection:
        """The read-only connection, opened on first use."""
        if self._conn is None:
            try:
                self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            except sqlite3.Error as exc:
                raise SourceError(f"{self.label}: cannot open the database: {exc}") from None
        return self._conn

    def tables(self) -> Iterator[Table | SourceError]:
        """Every user table the filters let through, by name."""
        try:
            names = [
                row[0]
                for row in self.connection().execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                    "'sqlite\\_%' ESCAPE '\\' ORDER BY name"
                )
            ]
        except sqlite3.DatabaseError as exc:
            raise SourceError(f"{self.label}: not a readable SQLite database: {exc}") from None
        for name in names:
            if self.filters.wants(None, name):
                yield SqliteTable(self, name)

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
