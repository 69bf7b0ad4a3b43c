"""What every source gives the engine: tables, each read as batches of text columns."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from ...errors import SraError

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
"""URL schemes of PostgreSQL sources (here, so that naming them does not import psycopg)."""


class SourceError(SraError):
    """A source, or one of its tables, cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Filters:
    """Which tables of a database to read, and how much of each."""

    schemas: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    max_rows: int | None = None
    """Rows read per table at most (None: all)."""
    sample_percent: float | None = None
    """Databases: read about this share of each table's pages (TABLESAMPLE SYSTEM)."""
    batch_rows: int = field(default=100_000)

    def wants(self, schema: str | None, table: str) -> bool:
        """True if the table passes the schema and table filters."""
        if self.schemas and schema not in self.schemas:
            return False
        qualified = f"{schema}.{table}" if schema else table
        return not self.tables or table in self.tables or qualified in self.tables


class Table(ABC):
    """One table: a file, or a database table."""

    name: str

    @abstractmethod
    def batches(self) -> Iterator[pl.DataFrame]:
        """The rows, in batches whose columns are all text (String); raises SourceError."""

    def close(self) -> None:  # noqa: B027 (most tables hold nothing open)
        """Release what reading held open (nothing by default)."""


class Source(ABC):
    """Somewhere data lives: a file, a folder or glob of files, a database."""

    label: str
    """How the source is shown: as written, with any password removed."""
    lost: str | None = None
    """Why the connection was lost midway, if it was: the tables left cannot be read."""

    @abstractmethod
    def tables(self) -> Iterator[Table | SourceError]:
        """Each table, or the error that keeps one from being listed; raises SourceError."""

    def close(self) -> None:  # noqa: B027 (most sources hold nothing open)
        """Release connections (nothing by default)."""


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column as text: nested records flattened to `parent.child`, lists joined."""
    columns: list[pl.Series] = []
    for series in frame.iter_columns():
        columns.extend(_text_columns(series))
    return pl.DataFrame(columns)


def _text_columns(series: pl.Series) -> list[pl.Series]:
    dtype = series.dtype
    if isinstance(dtype, pl.Struct):
        out: list[pl.Series] = []
        for child in series.struct.unnest().iter_columns():
            out.extend(_text_columns(child.alias(f"{series.name}.{child.name}")))
        return out
    if isinstance(dtype, pl.List | pl.Array):
        inner = (
            series.to_frame()
            .select(pl.col(series.name).cast(pl.List(pl.String), strict=False).list.join(" "))
            .to_series()
        )
        return [inner]
    if dtype == pl.String:
        return [series]
    if dtype == pl.Binary:
        return [series.cast(pl.String, strict=False)]
    return [series.cast(pl.String, strict=False)]
