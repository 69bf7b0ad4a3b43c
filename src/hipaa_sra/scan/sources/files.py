"""Files: CSV, TSV, JSON Lines and Parquet, alone, in a folder, by glob, or at an fsspec URL."""

from __future__ import annotations

import csv
import glob
import json
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import polars as pl

from ...names import is_utf8, printable
from .base import Filters, Source, SourceError, Table, as_text

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
"""File suffix -> format; other files in a folder are passed over."""

_GLOB_CHARS = frozenset("*?[")


def file_format(name: str) -> str | None:
    """The format a file name's suffix says (`.csv.gz` counts as `.csv`)."""
    path = PurePosixPath(name)
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".gz", ".zst", ".bz2") and len(suffixes) > 1:
        suffixes.pop()
    return FORMATS.get(suffixes[-1]) if suffixes else None


def _stem(name: str) -> str:
    path = PurePosixPath(name)
    while path.suffix and (path.suffix.lower() in FORMATS or path.suffix in (".gz", ".zst")):
        path = path.with_suffix("")
    return str(path)


class FileTable(Table):
    """One data file; its table name is the file name without extension."""

    def __init__(
        self,
        name: str,
        location: str,
        fmt: str,
        filters: Filters,
        storage: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.location = location
        self.fmt = fmt
        self.filters = filters
        self.storage = storage

    def _lazy(self) -> pl.LazyFrame:
        if self.fmt in ("csv", "tsv"):
            return pl.scan_csv(
                self.location,
                infer_schema=False,
                separator="\t" if self.fmt == "tsv" else ",",
                storage_options=self.storage,
                glob=False,
                raise_if_empty=False,
            )
        if self.fmt == "jsonl":
            return pl.scan_ndjson(
                self.location, infer_schema_length=10_000, storage_options=self.storage
            )
        return pl.scan_parquet(self.location, storage_options=self.storage, glob=False)

    def batches(self) -> Iterator[pl.DataFrame]:
        """Streamed batches: a file larger than memory is read a batch at a time."""
        try:
            lazy = self._lazy()
            if self.filters.max_rows is not None:
                lazy = lazy.head(self.filters.max_rows)
            for batch in lazy.collect_batches(chunk_size=self.filters.batch_rows):
                yield batch if self.fmt in ("csv", "tsv") else as_text(batch)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise SourceError(self._explain(exc)) from None

    def _explain(self, exc: Exception) -> str:
        """The error in a user's words, with the line it is on when a local file can say."""
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        where = self.location
        if isinstance(exc, OSError):
            return f"{where}: cannot read: {exc.strerror or text}"
        if "utf-8" in text.lower() or "utf8" in text.lower():
            line = _first_bad_utf8_line(self.location) if self.storage is None else None
            at = f"{where}:{line}" if line else where
            return (
                f"{at}: not UTF-8 text (mixed or legacy encoding); expected UTF-8. "
                "Re-export the file as UTF-8 (for example `iconv -f latin1 -t utf-8`)"
            )
        if self.fmt in ("csv", "tsv") and ("fields" in text or "quote" in text.lower()):
            found = _first_ragged_row(self.location, self.fmt) if self.storage is None else None
            if found:
                line, got, want = found
                return (
                    f"{where}:{line}: malformed row: {got} fields where the header has "
                    f"{want}; quote fields that contain the separator, or fix the row"
                )
            return f"{where}: malformed {self.fmt.upper()}: {text}"
        if self.fmt == "parquet":
            return f"{where}: not a readable Parquet file: {text}"
        if self.fmt == "jsonl":
            line = _first_bad_json_line(self.location) if self.storage is None else None
            at = f"{where}:{line}" if line else where
            return f"{at}: not JSON Lines (expected one JSON object per line): {text}"
        return f"{where}: {text}"


def _first_bad_utf8_line(path: str) -> int | None:
    line = 1
    try:
        with open(path, "rb") as handle:
            for raw in handle:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return line
                line += 1
    except OSError:
        return None
    return None


def _first_bad_json_line(path: str) -> int | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    if not isinstance(json.loads(line), dict):
                        return number
                except ValueError:
                    return number
    except OSError:
        return None
    return None


def _first_ragged_row(path: str, fmt: str) -> tuple[int, int, int] | None:
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            reader = csv.reader(handle, delimiter="\t" if fmt == "tsv" else ",")
            header = next(reader, None)
            if header is None:
                return None
            for row in reader:
                if row and len(row) != len(header):
                    return reader.line_num, len(row), len(header)
    except (OSError, csv.Error):
        return None
    return None


class FileSource(Source):
    """A file, a folder of files (walked), a glob, or an fsspec URL of either."""

    def __init__(self, spec: str, filters: Filters, base: Path | None = None) -> None:
        self.label = spec
        self.spec = spec
        self.filters = filters
        self.base = base

    def tables(self) -> Iterator[Table | SourceError]:
        """Each data file, named by its path under the folder (or glob) without extension."""
        if "://" in self.spec:
            yield from self._remote()
            return
        path = Path(self.spec).expanduser()
        if self.base is not None and not path.is_absolute():
            path = self.base / path
        if any(char in self.spec for char in _GLOB_CHARS):
            matches = sorted(Path(p) for p in glob.glob(str(path), recursive=True))
            files = [p for p in matches if p.is_file() and file_format(p.name)]
            if not files:
                raise SourceError(
                    f"{self.spec}: the pattern matches no CSV, TSV, JSON Lines or Parquet file"
                )
            root = Path(_glob_root(str(path)))
            yield from (self._table(p, p.relative_to(root).as_posix()) for p in files)
        elif path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and file_format(p.name)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                raise SourceError(
                    f"{self.spec}: the folder holds no CSV, TSV, JSON Lines or Parquet file"
                )
            yield from (self._table(p, p.relative_to(path).as_posix()) for p in files)
        elif path.is_file():
            if file_format(path.name) is None:
                raise SourceError(
                    f"{self.spec}: not a file type sra scan reads; expected .csv, "
                    ".tsv, .jsonl, .ndjson, .parquet, or a SQLite database"
                )
            yield self._table(path, path.name)
        elif path.exists():
            raise SourceError(f"{self.spec}: not a regular file or folder")
        else:
            raise SourceError(f"{self.spec}: no such file or folder")

    def _table(self, path: Path, rel: str) -> FileTable | SourceError:
        fmt = file_format(path.name)
        assert fmt is not None
        location = str(path)
        if not is_utf8(location):  # polars opens files by a UTF-8 path only
            return SourceError(
                f"{printable(location)}: the path is not UTF-8, and the reader opens only "
                "UTF-8 paths; rename the file or folder whose name is not"
            )
        return FileTable(_stem(rel), location, fmt, self.filters)

    def _remote(self) -> Iterator[Table | SourceError]:
        try:
            import fsspec  # type: ignore[import-untyped]
        except ImportError:
            raise SourceError(
                f"{self.label}: reading URLs needs fsspec and the filesystem's "
                "package; install them with `pip install 'hipaa-sra[remote]'`"
            ) from None
        try:
            fs, _, paths = fsspec.get_fs_token_paths(self.spec)
            listed = [
                p for p in (fs.find(paths[0]) if fs.isdir(paths[0]) else paths) if file_format(p)
            ]
        except (ImportError, ValueError) as exc:
            raise SourceError(f"{self.label}: {exc}") from None
        except OSError as exc:
            raise SourceError(f"{self.label}: cannot list: {exc}") from None
        if not listed:
            raise SourceError(f"{self.label}: no CSV, TSV, JSON Lines or Parquet file there")
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        for path in sorted(listed):
            fmt = file_format(path)
            assert fmt is not None
            url = path if "://" in path else f"{protocol}://{path}"
            yield FileTable(
                _stem(PurePosixPath(path).name),
                url,
                fmt,
                self.filters,
                storage=dict(fs.storage_options) or None,
            )


def _glob_root(pattern: str) -> str:
    parts = []
    for part in Path(pattern).parts:
        if any(char in part for char in _GLOB_CHARS):
            break
        parts.append(part)
    return str(Path(*parts)) if parts else "."
