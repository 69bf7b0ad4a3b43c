"""SQLite to SQLite: tables, types, primary and foreign keys first, then the rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..errors import SraError
from ..scan.sources import Filters, SourceError
from ..scan.sources.sqlite import SqliteSource, SqliteTable
from .actions import TableTransform
from .ddl import column_type, load_order, not_null, quote
from .policy import TablePolicy
from .tables import SourceTable


@dataclass(frozen=True)
class SqliteSchema:
    """One table's columns (name, declared type, NOT NULL), primary key and foreign keys."""

    table: SourceTable
    columns: tuple[tuple[str, str, bool], ...]
    primary: tuple[str, ...]
    foreign: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]
    """(columns, referenced table, referenced columns)."""


def read_schemas(source: SqliteSource) -> list[SqliteSchema]:
    """Every table's schema, from PRAGMA table_info and foreign_key_list."""
    out = []
    try:
        conn = source.connection()
        for item in source.tables():
            if isinstance(item, SourceError):
                raise item
            name = item.name
            info = conn.execute(f"PRAGMA table_info({quote(name)})").fetchall()
            columns = tuple((str(r[1]), str(r[2] or ""), bool(r[3])) for r in info)
            primary = tuple(str(r[1]) for r in sorted(info, key=lambda r: r[5]) if r[5])
            groups: dict[int, tuple[str, list[str], list[str]]] = {}
            for row in conn.execute(f"PRAGMA foreign_key_list({quote(name)})"):
                group = groups.setdefault(row[0], (str(row[2]), [], []))
                group[1].append(str(row[3]))
                group[2].append(str(row[4] or ""))
            foreign = tuple((tuple(c), t, tuple(r)) for t, c, r in groups.values())
            keys = frozenset(primary) | {c for cols, _, _ in foreign for c in cols}
            schema = pl.Schema({c: pl.String() for c, _, _ in columns})
            refs = tuple(
                (c, t, r) for cols, t, rs in foreign for c, r in zip(cols, rs, strict=True) if r
            )
            out.append(
                SqliteSchema(SourceTable(name, schema, keys, refs), columns, primary, foreign)
            )
    except (sqlite3.Error, SourceError) as exc:
        raise SraError(f"{source.label}: {exc}") from None
    return out


def _create(conn: sqlite3.Connection, schema: SqliteSchema, spec: TablePolicy) -> None:
    parts = [
        f"{quote(c)} {column_type(spec.columns[c], t, postgres=False)}"
        + (" NOT NULL" if not_null(spec.columns[c], nn) else "")
        for c, t, nn in schema.columns
        if spec.columns[c].action.value != "drop"
    ]
    if schema.primary:
        parts.append(f"PRIMARY KEY ({', '.join(quote(c) for c in schema.primary)})")
    for cols, parent, refs in schema.foreign:
        target = f" ({', '.join(quote(r) for r in refs)})" if all(refs) else ""
        parts.append(
            f"FOREIGN KEY ({', '.join(quote(c) for c in cols)}) REFERENCES {quote(parent)}{target}"
        )
    conn.execute(f"CREATE TABLE {quote(schema.table.name)} ({', '.join(parts)})")


def copy_database(
    source: SqliteSource,
    schemas: list[SqliteSchema],
    temp: Path,
    transforms: dict[str, TableTransform],
    policies: dict[str, TablePolicy],
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Create every table in the new file `temp`, then copy the rows; rows per table."""
    rows: dict[str, int] = {}
    copied = [s for s in schemas if s.table.name in transforms]
    conn = sqlite3.connect(temp, isolation_level=None)
    try:
        conn.execute("BEGIN")
        for schema in copied:
            _create(conn, schema, policies[schema.table.name])
        parents = {s.table.name: {p for _, p, _ in s.foreign} for s in copied}
        by_name = {s.table.name: s for s in copied}
        for name in load_order(list(by_name), parents):
            transform = transforms[name]
            columns = transform.kept()
            insert = (
                f"INSERT INTO {quote(name)} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})"
            )
            rows[name] = 0
            for batch in SqliteTable(source, name).batches():
                out = transform.frame(batch)
                conn.executemany(insert, out.iter_rows())
                rows[name] += out.height
                if progress is not None:
                    progress(out.height)
        conn.execute("COMMIT")
    except (sqlite3.Error, SourceError) as exc:
        raise SraError(f"{temp}: cannot write the copy: {exc}") from None
    finally:
        conn.close()
    return rows


def open_sqlite(path: Path, label: str, batch_rows: int = 100_000) -> SqliteSource:
    """The source database, read-only."""
    return SqliteSource(path, label, Filters(batch_rows=batch_rows))
