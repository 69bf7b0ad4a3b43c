"""The Dask engine: the same column scanner over the partitions of files, on a Dask cluster.

Each partition is counted where it lives with the plan chosen from the first rows (as the
in-process engine does), and the per-column counts are summed: the verdicts equal the
in-process ones. Databases are scanned in this process (their reads are the bottleneck,
not the counting).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from .checks import Counts
from .detect_polars import count_batch
from .engine import Options, Target, scan_source, table_result
from .plan import PROFILE_ROWS, Plan, full_plan, merge, narrow
from .sources import SourceError, open_source
from .sources.files import FileSource, FileTable
from .types import ScanResult, SourceResult, TableResult, Unscanned


def _count_partition(frame: Any, plan: Plan, skip: int) -> tuple[int, dict[str, Counts]]:
    """Rows and counts of one pandas partition (the first `skip` rows were profiled)."""
    table = pl.from_pandas(frame.astype("string")).with_columns(pl.all().cast(pl.String))
    rows = table.height
    table = table.slice(skip)
    return rows, (count_batch(table, plan) if table.height else {})


def _reduce(parts: Sequence[tuple[int, dict[str, Counts]]]) -> tuple[int, dict[str, Counts]]:
    rows = 0
    counts: dict[str, Counts] = {}
    for part_rows, part_counts in parts:
        rows += part_rows
        merge(counts, part_counts)
    return rows, counts


def _frame(table: FileTable, blocksize: int | None) -> Any:
    import dask.dataframe as dd

    if table.fmt in ("csv", "tsv"):
        return dd.read_csv(
            table.location,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            sep="\t" if table.fmt == "tsv" else ",",
            blocksize=blocksize,
            storage_options=table.storage,
        )
    if table.fmt == "parquet":
        return dd.read_parquet(table.location, storage_options=table.storage)
    return dd.read_json(
        table.location, lines=True, blocksize=blocksize, storage_options=table.storage
    )


def scan_table_dask(table: FileTable, options: Options, client: Any) -> TableResult:
    """Profile the first rows here, count every partition on the cluster, reduce per column."""
    try:
        return _scan_partitions(table, options, client, options.partition_bytes)
    except ValueError:
        if table.fmt not in ("csv", "tsv", "jsonl"):
            raise
        # Byte ranges split quoted fields that hold line breaks: one partition per file.
        return _scan_partitions(table, options, client, None)


def _scan_partitions(
    table: FileTable, options: Options, client: Any, blocksize: int | None
) -> TableResult:
    from dask.delayed import delayed

    frame = _frame(table, blocksize)
    partitions = frame.to_delayed()
    if options.filters.max_rows is not None:
        raise SourceError("--max-rows is not supported with --engine dask; scan in process")
    first = pl.from_pandas(partitions[0].compute().astype("string")).with_columns(
        pl.all().cast(pl.String)
    )
    head = first.head(PROFILE_ROWS)
    counts: dict[str, Counts] = {}
    merge(counts, count_batch(head, full_plan(first.columns)))
    plan = narrow(counts)
    tasks = [
        delayed(_count_partition)(part, plan, PROFILE_ROWS if i == 0 else 0)
        for i, part in enumerate(partitions)
    ]
    total = delayed(_reduce)(tasks)
    rows, rest = (
        client.compute(total).result() if client is not None else total.compute(scheduler="threads")
    )
    merge(counts, rest)
    samples = head if options.show_samples else None
    return table_result(table.name, rows, counts, samples)


def scan_dask(
    targets: Sequence[Target], options: Options, scheduler: str | None = None
) -> ScanResult:
    """Scan every target; file tables on the cluster at `scheduler` (default: local threads)."""
    try:
        import dask.dataframe  # noqa: F401 (fails early when the extra is missing)
    except ImportError:
        raise SourceError("--engine dask needs Dask: pip install 'hipaa-sra[dask]'") from None
    client = None
    if scheduler is not None:
        from distributed import Client

        try:
            client = Client(scheduler, timeout="10s", set_as_default=False)  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise SourceError(
                f"--scheduler {scheduler}: cannot reach the Dask scheduler: {exc}"
            ) from None
    try:
        results = []
        for target in targets:
            filters = target.filters or options.filters
            try:
                source = open_source(target.spec, filters, options.base)
            except SourceError as exc:
                results.append(SourceResult(target.spec, target.asset, str(exc)))
                continue
            if not isinstance(source, FileSource):
                results.append(scan_source(source, target.asset, options))
                continue
            results.append(_scan_files(source, target.asset, options, client))
        return ScanResult(tuple(results))
    finally:
        if client is not None:
            client.close()  # type: ignore[no-untyped-call]


def _scan_files(
    source: FileSource, asset: str | None, options: Options, client: Any
) -> SourceResult:
    tables: list[TableResult] = []
    unscanned: list[Unscanned] = []
    try:
        for table in source.tables():
            if isinstance(table, SourceError):
                unscanned.append(Unscanned(source.label, None, str(table)))
            elif isinstance(table, FileTable):
                try:
                    tables.append(scan_table_dask(table, options, client))
                except (SourceError, ValueError, OSError) as exc:
                    unscanned.append(
                        Unscanned(source.label, table.name, f"{table.location}: {exc}")
                    )
    except SourceError as exc:
        return SourceResult(source.label, asset, str(exc), tuple(tables), tuple(unscanned))
    return SourceResult(source.label, asset, None, tuple(tables), tuple(unscanned))
