"""The in-process engine: each source's tables, batch by batch, through the polars detector."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import polars as pl

from .checks import Counts
from .detect_polars import count_batch
from .mask import mask
from .memo import Memo
from .plan import PROFILE_ROWS, Plan, full_plan, merge, narrow
from .sources import Filters, Source, SourceError, Table, open_source
from .types import ColumnResult, ScanResult, SourceResult, TableResult, Unscanned
from .verdict import decide

Progress = Callable[[int, int], None]
"""Called in order as batches are counted, with the rows and the bytes (of text) just scanned."""


@dataclass(frozen=True)
class Target:
    """A source to scan and the asset it belongs to, if any."""

    spec: str
    asset: str | None = None
    filters: Filters | None = None
    """Filters of this target (an asset's `scan:` entry), else the options' filters."""


@dataclass(frozen=True)
class Options:
    """How much to read and what to show."""

    filters: Filters = field(default_factory=Filters)
    show_samples: bool = False
    base: Path | None = None
    """Folder that relative paths of `scan:` entries are read from."""
    partition_bytes: int = 64_000_000
    """Dask engine: bytes of CSV or JSON Lines per partition."""


def table_result(
    name: str, rows: int, counts: dict[str, Counts], samples: pl.DataFrame | None = None
) -> TableResult:
    """The verdict of every column, in the table's column order."""
    columns = []
    for column, got in counts.items():
        found = decide(column, got)
        shown: tuple[str, ...] = ()
        if samples is not None and found and column in samples.columns:
            values = [v for v in samples.get_column(column).drop_nulls().to_list() if v][:3]
            shown = tuple(mask(v) for v in values)
        columns.append(ColumnResult(column, found, got.get("values", 0), shown))
    return TableResult(name, rows, tuple(columns))


def scan_table(table: Table, options: Options, progress: Progress | None = None) -> TableResult:
    """Count every batch of one table and decide each column; raises SourceError.

    Batches are counted on worker threads while the next ones are read (polars releases
    the GIL), at most one waiting per worker, so memory stays a few batches whatever the
    size of the table.
    """
    counts: dict[str, Counts] = {}
    plan: Plan | None = None
    rows = 0
    samples: pl.DataFrame | None = None
    workers = max(1, pl.thread_pool_size())
    memo = Memo()
    with ThreadPoolExecutor(workers, thread_name_prefix="sra-scan") as pool:
        pending: deque[Future[tuple[dict[str, Counts], int, int]]] = deque()
        try:
            for batch in table.batches():
                rows += batch.height
                if plan is None:
                    head = batch.head(PROFILE_ROWS)
                    # Every check on every column: the columns are shared out to the workers
                    # (and the counts keep the table's column order).
                    counts = {column: {} for column in batch.columns}
                    shares = [
                        dict(list(full_plan(batch.columns).items())[i::workers])
                        for i in range(workers)
                    ]
                    for got in pool.map(partial(count_batch, head, memo=memo), shares):
                        merge(counts, got)
                    plan = narrow(counts)
                    samples = head if options.show_samples else None
                    _report(progress, head)
                    batch = batch.slice(PROFILE_ROWS)
                if batch.height:
                    pending.append(pool.submit(_count, batch, plan, memo))
                while len(pending) > workers or (pending and pending[0].done()):
                    _collect(pending.popleft(), counts, progress)
            while pending:
                _collect(pending.popleft(), counts, progress)
        finally:
            for future in pending:
                future.cancel()
    return table_result(table.name, rows, counts, samples)


def _count(batch: pl.DataFrame, plan: Plan, memo: Memo) -> tuple[dict[str, Counts], int, int]:
    """A batch's counts, rows and size in memory (run on a worker thread)."""
    return count_batch(batch, plan, memo), batch.height, int(batch.estimated_size())


def _collect(
    future: Future[tuple[dict[str, Counts], int, int]],
    counts: dict[str, Counts],
    progress: Progress | None,
) -> None:
    got, height, size = future.result()
    merge(counts, got)
    if progress is not None:
        progress(height, size)


def _report(progress: Progress | None, batch: pl.DataFrame) -> None:
    if progress is not None and batch.height:
        progress(batch.height, int(batch.estimated_size()))


def scan_source(
    source: Source, asset: str | None, options: Options, progress: Progress | None = None
) -> SourceResult:
    """One source: its tables in order; a table that fails is listed, the others go on."""
    tables: list[TableResult] = []
    unscanned: list[Unscanned] = []
    try:
        for table in source.tables():
            if isinstance(table, SourceError):
                unscanned.append(Unscanned(source.label, None, str(table)))
                continue
            try:
                tables.append(scan_table(table, options, progress))
            except SourceError as exc:
                unscanned.append(Unscanned(source.label, table.name, str(exc)))
                if source.lost:
                    return SourceResult(
                        source.label, asset, source.lost, tuple(tables), tuple(unscanned)
                    )
            finally:
                table.close()
    except SourceError as exc:
        return SourceResult(source.label, asset, str(exc), tuple(tables), tuple(unscanned))
    finally:
        source.close()
    return SourceResult(source.label, asset, None, tuple(tables), tuple(unscanned))


def scan(
    targets: Sequence[Target], options: Options, progress: Progress | None = None
) -> ScanResult:
    """Scan every target in order; each reports its own errors and the others go on."""
    results = []
    for target in targets:
        try:
            source = open_source(target.spec, target.filters or options.filters, options.base)
        except SourceError as exc:
            results.append(SourceResult(target.spec, target.asset, str(exc)))
            continue
        results.append(scan_source(source, target.asset, options, progress))
    return ScanResult(tuple(results))
