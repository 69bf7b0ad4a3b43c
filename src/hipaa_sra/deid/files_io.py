"""File trees: CSV, TSV, JSON Lines and Parquet in, the same layout and formats out.

Each file streams through once: read in batches, each batch transformed and counted by the
scanner's detector, written by polars' streaming writer (`sink_*`), so a file larger than
memory is fine. Other files of the tree are not
copied: they were not scanned and may hold anything.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from polars.io.plugins import register_io_source

from ..errors import SraError
from ..scan.sources import Filters, SourceError
from ..scan.sources.files import FileSource, FileTable
from .actions import TableTransform
from .tables import SourceTable
from .verify import Tally

BATCH_ROWS = 250_000
"""Rows per batch: fewer, larger batches spend less on per-call overhead (a regular
expression is compiled for each call)."""


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
        return pl.scan_csv(
            entry.location,
            infer_schema=False,
            glob=False,
            raise_if_empty=False,
            separator="\t" if entry.fmt == "tsv" else ",",
        )
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


def copy_file(
    entry: FileEntry, transform: TableTransform, root: Path, tally: Tally | None = None
) -> int:
    """Stream the table's copy to `root / entry.rel`, each batch counted by `tally`; rows.

    One pass: polars reads the file in batches; here each batch gets its replacements (in
    order: the store issues new ones as they first appear), then is transformed and
    counted on worker threads while the next is read, and the polars writer takes the
    batches in order from this generator (`register_io_source`): nothing is read twice.
    """
    failed: list[BaseException] = []
    rows = [0]

    def batches(*_: object) -> Iterator[pl.DataFrame]:
        try:
            yield from _pipeline(entry, transform, tally, rows)
        except GeneratorExit:
            raise
        except BaseException as exc:  # raised again below: the writer would only wrap it
            failed.append(exc)

    try:
        out = register_io_source(batches, schema=_schema(transform), validate_schema=True)
        write(out, root / entry.rel, entry.file.fmt)
    except (pl.exceptions.PolarsError, OSError) as exc:
        if not failed:
            raise SraError(entry.file._explain(exc)) from None
    if failed:
        error = failed[0]
        if isinstance(error, (pl.exceptions.PolarsError, OSError)):
            raise SraError(entry.file._explain(error)) from None
        raise error
    return rows[0]


def _schema(transform: TableTransform) -> pl.Schema:
    """The copy's columns and types, as `frame` makes them."""
    empty = pl.DataFrame(schema=transform.schema)
    return (
        transform.bound()
        .frame(
            empty,
            {key: pl.Series([], dtype=dtype) for key, dtype in _lookup_types(transform).items()},
        )
        .schema
    )


def _lookup_types(transform: TableTransform) -> dict[str, pl.DataType]:
    return {
        key: pl.Int32() if key.startswith("offset:") else pl.String()
        for key in transform.lookup_keys()
    }


def _pipeline(
    entry: FileEntry, transform: TableTransform, tally: Tally | None, rows: list[int]
) -> Iterator[pl.DataFrame]:
    workers = max(1, pl.thread_pool_size())
    bound = transform.bound()

    def work(batch: pl.DataFrame, lookups: dict[str, pl.Series]) -> pl.DataFrame:
        out = bound.frame(batch, lookups)
        if tally is not None:
            tally.add(out)
        return out

    with ThreadPoolExecutor(workers, thread_name_prefix="sra-deid") as pool:
        pending: deque[Future[pl.DataFrame]] = deque()
        try:
            for batch in reader(entry.file).collect_batches(chunk_size=BATCH_ROWS):
                rows[0] += batch.height
                lookups = transform.lookups(batch)
                if tally is not None and not tally.planned:  # the scan's profile: in order
                    yield work(batch, lookups)
                    continue
                pending.append(pool.submit(work, batch, lookups))
                while len(pending) >= workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
