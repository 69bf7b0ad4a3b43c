"""File trees: CSV, TSV, JSON Lines and Parquet in, the same layout and formats out.

Each file streams through one lazy polars query, read and written in batches on every
core (`sink_*`), so a file larger than memory is fine. Other files of the tree are not
copied: they were not scanned and may hold anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..errors import SraError
from ..scan.sources import Filters, SourceError
from ..scan.sources.files import FileSource, FileTable
from .actions import TableTransform
from .tables import SourceTable


@dataclass(frozen=True)
class FileEntry:
    """One data file of the source tree."""

    table: SourceTable
    file: FileTable
    rel: str
    """Path under the tree, with its extension: where the copy goes under the destination."""


def reader(entry: FileTable) -> pl.LazyFrame:
    """The file as a lazy frame: CSV as text (ZIP codes keep their zeros), others typed."""
    if entry.fmt in ("csv", "tsv"):
        return pl.scan_csv(entry.location, infer_schema=False, glob=False, raise_if_empty=False,
                           separator="\t" if entry.fmt == "tsv" else ",")  # fmt: skip
    if entry.fmt == "jsonl":
        return pl.scan_ndjson(entry.location, infer_schema_length=10_000)
    return pl.scan_parquet(entry.location, glob=False)


def list_files(spec: str) -> list[FileEntry]:
    """Every data file of the tree (or the one file), with its columns' types."""
    root = Path(spec)
    entries = []
    try:
        for item in FileSource(spec, Filters()).tables():
            if isinstance(item, SourceError):
                raise item
            assert isinstance(item, FileTable)
            location = Path(item.location)
            rel = location.name if root.is_file() else location.relative_to(root).as_posix()
            try:
                schema = reader(item).collect_schema()
            except (pl.exceptions.PolarsError, OSError) as exc:
                raise SourceError(item._explain(exc)) from None
            entries.append(FileEntry(SourceTable(item.name, schema), item, rel))
    except SourceError as exc:
        raise SraError(str(exc)) from None
    return entries


def write(frame: pl.LazyFrame, path: Path, fmt: str) -> None:
    """Stream the frame into `path` in the format it was read in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("csv", "tsv"):
        frame.sink_csv(path, separator="\t" if fmt == "tsv" else ",")
    elif fmt == "jsonl":
        frame.sink_ndjson(path)
    else:
        frame.sink_parquet(path)


def copy_file(entry: FileEntry, transform: TableTransform, root: Path) -> None:
    """Prepare the table's mappings, then stream its copy to `root / entry.rel`."""
    frame = reader(entry.file)
    try:
        transform.prepare(frame)
        write(transform.apply(frame), root / entry.rel, entry.file.fmt)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise SraError(entry.file._explain(exc)) from None

