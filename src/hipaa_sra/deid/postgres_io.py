"""PostgreSQL to PostgreSQL: each chosen schema is built as a temporary schema and renamed.

Tables, column types, NOT NULL, primary, unique and foreign keys are created first (the
constraints as the source defines them, `pg_get_constraintdef`), then the rows arrive
through COPY, referenced tables first. Only when every table is written and the re-scan
passed is the temporary schema renamed to the source's name, in one transaction.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import polars as pl
import psycopg
from psycopg import sql

from ..errors import SraError
from ..scan.sources import Filters, SourceError
from ..scan.sources.postgres import PostgresSource, PostgresTable, redact
from .actions import TableTransform
from .ddl import column_type, load_order, not_null
from .policy import Action, TablePolicy
from .tables import SourceTable

_COLUMNS = """
SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute
WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
"""
_CONSTRAINTS = """
SELECT conname, contype, pg_get_constraintdef(oid), confrelid::regclass::text,
       ARRAY(SELECT attname FROM unnest(conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute
             ON attrelid = conrelid AND attnum = k.n ORDER BY k.i),
       ARRAY(SELECT attname FROM unnest(confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute
             ON attrelid = confrelid AND attnum = k.n ORDER BY k.i)
FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')
ORDER BY contype DESC, conname
"""


@dataclass(frozen=True)
class PgSchema:
    """One table: columns (name, type, NOT NULL) and constraints (name, kind, definition)."""

    table: SourceTable
    schema: str
    relation: str
    columns: tuple[tuple[str, str, bool], ...]
    constraints: tuple[tuple[str, str, str], ...]
    parents: frozenset[str]


def _first(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def same_database(a: str, b: str) -> bool:
    """True when two URLs name the same host, port and database."""
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.hostname or "localhost", pa.port or 5432, pa.path.strip("/")) == (
        pb.hostname or "localhost",
        pb.port or 5432,
        pb.path.strip("/"),
    )


def read_schemas(source: PostgresSource) -> list[PgSchema]:
    """Each table the filters let through, with its columns and key constraints."""
    out = []
    try:
        conn = source.connection()
        for item in source.tables():
            if isinstance(item, SourceError):
                raise item
            assert isinstance(item, PostgresTable)
            with conn.transaction():
                # Definitions then name tables of the same schema without their schema.
                conn.execute(
                    "SELECT set_config('search_path', %s, true)",
                    (sql.Identifier(item.schema).as_string(conn),),
                )
                relation = sql.Identifier(item.schema, item.table).as_string(conn)
                columns = tuple(
                    (str(n), str(t), bool(nn)) for n, t, nn in conn.execute(_COLUMNS, (relation,))
                )
                rows: list[tuple[Any, ...]] = conn.execute(_CONSTRAINTS, (relation,)).fetchall()
            constraints = tuple((str(r[0]), str(r[1]), str(r[2])) for r in rows)
            keys = frozenset(str(c) for r in rows if r[1] in ("p", "f") for c in r[4])
            parents = frozenset(_qualified(str(r[3]), item.schema) for r in rows if r[1] == "f")
            refs = tuple(
                (str(c), _qualified(str(r[3]), item.schema), str(p))
                for r in rows
                if r[1] == "f"
                for c, p in zip(r[4], r[5], strict=True)
            )
            schema = pl.Schema({c: pl.String() for c, _, _ in columns})
            out.append(
                PgSchema(
                    SourceTable(item.name, schema, keys, refs),
                    item.schema,
                    item.table,
                    columns,
                    constraints,
                    parents,
                )
            )
    except psycopg.Error as exc:
        raise SraError(f"{source.label}: {_first(exc)}") from None
    except SourceError as exc:
        raise SraError(str(exc)) from None
    return out


def _qualified(name: str, schema: str) -> str:
    return name.replace('"', "") if "." in name else f"{schema}.{name.replace(chr(34), '')}"


class PgDestination:
    """The destination database: temporary schemas while writing, renamed at the end."""

    def __init__(self, url: str) -> None:
        self.label = redact(url)
        try:
            self.conn = psycopg.connect(url, connect_timeout=10, application_name="sra deid")
        except psycopg.Error as exc:
            raise SraError(f"{self.label}: cannot connect: {_first(exc)}") from None
        self.token = secrets.token_hex(4)
        self.temps: dict[str, str] = {}

    def existing(self, schemas: set[str]) -> list[str]:
        """Schemas of `schemas` that exist in the destination and hold a table."""
        rows = self.conn.execute(
            "SELECT DISTINCT n.nspname FROM pg_namespace n JOIN pg_class c ON "
            "c.relnamespace = n.oid WHERE n.nspname = ANY(%s) AND c.relkind IN ('r', 'p')",
            (sorted(schemas),),
        ).fetchall()
        self.conn.commit()
        return sorted(str(r[0]) for r in rows)

    def temp(self, schema: str) -> str:
        """The temporary schema standing for `schema` while writing."""
        return self.temps.setdefault(schema, f"{schema[:40]}_sra_tmp_{self.token}")

    def create(self, tables: list[PgSchema], policies: dict[str, TablePolicy]) -> None:
        """Every temporary schema, table and constraint, before any row."""
        conn = self.conn
        try:
            for schema in sorted({t.schema for t in tables}):
                conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(self.temp(schema))))
            for table in tables:
                spec = policies[table.table.name]
                cols = [
                    sql.SQL("{} {}{}").format(
                        sql.Identifier(c),
                        sql.SQL(column_type(spec.columns[c], t, postgres=True)),
                        sql.SQL(" NOT NULL" if not_null(spec.columns[c], nn) else ""),
                    )
                    for c, t, nn in table.columns
                    if spec.columns[c].action is not Action.DROP
                ]
                conn.execute(
                    sql.SQL("CREATE TABLE {} ({})").format(
                        sql.Identifier(self.temp(table.schema), table.relation),
                        sql.SQL(", ").join(cols),
                    )
                )
            for kinds in (("p", "u"), ("f",)):
                for table in tables:
                    conn.execute(
                        "SELECT set_config('search_path', %s, true)",
                        (sql.Identifier(self.temp(table.schema)).as_string(conn),),
                    )
                    for name, kind, definition in table.constraints:
                        if kind in kinds:
                            conn.execute(
                                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                                    sql.Identifier(self.temp(table.schema), table.relation),
                                    sql.Identifier(name),
                                    sql.SQL(definition),
                                )
                            )
            conn.commit()
        except psycopg.Error as exc:
            conn.rollback()
            raise SraError(
                f"{self.label}: cannot create the copy's tables: {_first(exc)}"
            ) from None

    def copy(
        self,
        source: PostgresSource,
        tables: list[PgSchema],
        transforms: dict[str, TableTransform],
        progress: Callable[[int], None] | None = None,
    ) -> dict[str, int]:
        """The rows of every table through COPY, referenced tables first; rows per table."""
        by_name = {t.table.name: t for t in tables}
        order = load_order(list(by_name), {n: set(t.parents) for n, t in by_name.items()})
        rows: dict[str, int] = {}
        try:
            for name in order:
                table = by_name[name]
                transform = transforms[name]
                target = sql.Identifier(self.temp(table.schema), table.relation)
                columns = sql.SQL(", ").join(sql.Identifier(c) for c in transform.kept())
                statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, HEADER false)").format(
                    target, columns
                )
                rows[name] = 0
                with self.conn.cursor().copy(statement) as copy:
                    for batch in PostgresTable(source, table.schema, table.relation).batches():
                        out = transform.frame(batch)
                        buffer = io.BytesIO()
                        out.write_csv(buffer, include_header=False, quote_style="non_numeric")
                        copy.write(buffer.getvalue())
                        rows[name] += out.height
                        if progress is not None:
                            progress(out.height)
            self.conn.commit()
        except psycopg.Error as exc:
            self.conn.rollback()
            raise SraError(f"{self.label}: cannot write the copy: {_first(exc)}") from None
        except SourceError as exc:
            self.conn.rollback()
            raise SraError(str(exc)) from None
        return rows

    def swap(self, replace: bool) -> None:
        """Rename each temporary schema to its source's name, in one transaction."""
        try:
            with self.conn.transaction():
                for schema, temp in self.temps.items():
                    # Without --replace the schema holds no table (checked first); an empty
                    # one goes, one with other objects (views, sequences) stops the swap.
                    drop = (
                        "DROP SCHEMA IF EXISTS {} CASCADE"
                        if replace
                        else ("DROP SCHEMA IF EXISTS {}")
                    )
                    self.conn.execute(sql.SQL(drop).format(sql.Identifier(schema)))
                    self.conn.execute(
                        sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                            sql.Identifier(temp), sql.Identifier(schema)
                        )
                    )
            self.temps.clear()
        except psycopg.Error as exc:
            raise SraError(f"{self.label}: cannot put the copy in place: {_first(exc)}") from None

    def close(self) -> None:
        """Drop any temporary schema left (a failed or refused run) and disconnect."""
        try:
            self.conn.rollback()
            for temp in self.temps.values():
                self.conn.execute(
                    sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(temp))
                )
            self.conn.commit()
        except psycopg.Error:
            pass  # the connection is gone; the schemas are named *_sra_tmp_* for cleanup
        finally:
            self.conn.close()


def open_postgres(url: str, schemas: tuple[str, ...], tables: tuple[str, ...]) -> PostgresSource:
    """The source database, read-only, with the chosen schemas and tables."""
    return PostgresSource(url, Filters(schemas=schemas, tables=tables))
