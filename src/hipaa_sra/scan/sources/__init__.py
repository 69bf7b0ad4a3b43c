"""Sources of data to scan: files, folders, globs, URLs, SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from .base import POSTGRES_SCHEMES, Filters, Source, SourceError, Table
from .files import FileSource
from .sqlite import SQLITE_SUFFIXES, SqliteSource, is_sqlite


def open_source(spec: str, filters: Filters, base: Path | None = None) -> Source:
    """The source a command-line or `scan:` entry names; relative paths are read from `base`."""
    if spec.startswith(POSTGRES_SCHEMES) or spec.rstrip("/") in ("postgresql:", "postgres:"):
        from .postgres import PostgresSource

        return PostgresSource(spec, filters)
    if spec.startswith("sqlite:///"):
        return SqliteSource(_local(spec.removeprefix("sqlite:///"), base), spec, filters)
    if "://" not in spec:
        path = _local(spec, base)
        if path.is_file() and (path.suffix.lower() in SQLITE_SUFFIXES or is_sqlite(path)):
            return SqliteSource(path, spec, filters)
    return FileSource(spec, filters, base)


def _local(spec: str, base: Path | None) -> Path:
    path = Path(spec).expanduser()
    return base / path if base is not None and not path.is_absolute() else path


__all__ = ["Filters", "Source", "SourceError", "Table", "open_source"]
