"""PostgreSQL through psycopg 3: read-only transactions, filters, TABLESAMPLE and a row cap."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import polars as pl
import psycopg
from psycopg import sql

from .base import POSTGRES_SCHEMES, Filters, Source, SourceError, Table

SCHEMES = POSTGRES_SCHEMES

_TABLES = """
SELECT n.nspname, c.relname, has_table_privilege(c.oid, 'SELECT')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
ORDER BY 1, 2
"""
_COLUMNS = """
SELECT attname FROM pg_attribute
WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
"""


def redact(url: str) -> str:
    """The URL without its password (in the authority or as a `password=` parameter)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}@{host}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "password"])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class PostgresTable(Table):
    """One table, read inside its own read-only transaction."""

    def __init__(self, source: PostgresSource, schema: str, table: str) -> None:
        self.source = source
        self.schema = schema
        self.table = table
        self.name = f"{schema}.{table}"

    def batches(self) -> Iterator[pl.DataFrame]:
        """Every column cast to text by the server, streamed through a server-side cursor."""
        conn = self.source.connection()
        filters = self.source.filters
        relation = sql.Identifier(self.schema, self.table)
        try:
            with conn.transaction():
                columns = [
                    str(row[0]) for row in conn.execute(_COLUMNS, (relation.as_string(conn),))
                ]
                casts = [sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns]
                query = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(casts), relation)
                if filters.sample_percent is not None:
                    query += sql.SQL(" TABLESAMPLE SYSTEM ({})").format(
                        sql.Literal(filters.sample_percent)
                    )
                if filters.max_rows is not None:
                    query += sql.SQL(" LIMIT {}").format(sql.Literal(filters.max_rows))
                with conn.cursor(name="sra_scan") as cursor:
                    cursor.execute(query)
                    while rows := cursor.fetchmany(filters.batch_rows):
                        values = list(zip(*rows, strict=True))
                        yield pl.DataFrame(
                            [
                                pl.Series(c, v, dtype=pl.String)
                                for c, v in zip(columns, values, strict=True)
                            ]
                        )
        except psycopg.errors.InsufficientPrivilege:
            raise SourceError(
                f"{self.source.label}: table {self.name}: permission denied; the role may not "
                "read it. Grant it SELECT, or leave it out with --schema/--table"
            ) from None
        except psycopg.OperationalError as exc:
            self.source.lost = f"connection lost: {_first_line(exc)}"
            raise SourceError(
                f"{self.source.label}: table {self.name}: {self.source.lost}"
            ) from None
        except psycopg.Error as exc:
            raise SourceError(
                f"{self.source.label}: table {self.name}: {_first_line(exc)}"
            ) from None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


class PostgresSource(Source):
    """A PostgreSQL database by URL, or by the libpq environment (`postgresql://` alone)."""

    def __init__(self, url: str, filters: Filters) -> None:
        self.url = url
        self.label = redact(url)
        self.filters = filters
        self.lost = None
        self._conn: psycopg.Connection[tuple[str | None, ...]] | None = None

    def connection(self) -> psycopg.Connection[tuple[str | None, ...]]:
        """The connection, read-only: every transaction it opens refuses writes."""
        if self._conn is None:
            target = "" if self.url.rstrip("/") in ("postgresql:", "postgres:") else self.url
            try:
                conn: psycopg.Connection[tuple[str | None, ...]] = psycopg.connect(
                    target, connect_timeout=10, application_name="sra scan"
                )
            except psycopg.Error as exc:
                # libpq's message names host and user, never the password.
                raise SourceError(f"{self.label}: cannot connect: {_first_line(exc)}") from None
            conn.read_only = True
            self._conn = conn
        return self._conn

    def tables(self) -> Iterator[Table | SourceError]:
        """Tables the filters let through; one the role may not read is reported, not read."""
        conn = self.connection()
        try:
            with conn.transaction():
                rows = [(str(s), str(t), bool(r)) for s, t, r in conn.execute(_TABLES)]
        except psycopg.Error as exc:
            raise SourceError(f"{self.label}: cannot list tables: {_first_line(exc)}") from None
        for schema, table, readable in rows:
            if not self.filters.wants(schema, table):
                continue
            if not readable:
                yield SourceError(
                    f"{self.label}: table {schema}.{table}: permission denied; the role may "
                    "not read it. Grant it SELECT, or leave it out with --schema/--table"
                )
                continue
            yield PostgresTable(self, schema, table)

    def close(self) -> None:
        """Close the connection; nothing was written, so nothing is committed."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
