"""`--engine dask`: a file's partitions transformed on a Dask cluster, as `sra scan` counts them.

The distinct values the lookups need are gathered per partition on the cluster and reduced;
the mapping store is filled here, in one place (it is one transaction); every partition is
then transformed where it lives with the filled lookups (`Bound`, picklable) and written as
a part file beside the copy, and the parts are joined in order. CSV and TSV are split into
64 MB partitions (dask.dataframe), Parquet by row group; JSON Lines are copied in process.
Workers write under the destination's temporary folder: they need the same paths.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import polars as pl

from ..errors import SraError
from .actions import Bound, TableTransform
from .files_io import FileEntry, copy_file, write

PARTITION_BYTES = 64_000_000


def connect(scheduler: str | None) -> Any:
    """A client of the cluster at `scheduler`, or None for threads in this process."""
    try:
        import dask.dataframe  # noqa: F401 (fails early when the extra is missing)
    except ImportError:
        raise SraError("--engine dask needs Dask: pip install 'hipaa-sra[dask]'") from None
    if scheduler is None:
        return None
    from distributed import Client

    try:
        return Client(scheduler, timeout="10s", set_as_default=False)  # type: ignore[no-untyped-call]
    except OSError as exc:
        raise SraError(f"--scheduler {scheduler}: cannot reach the Dask scheduler: {exc}") from None


def _frame(part: Any, fmt: str) -> pl.DataFrame:
    if fmt == "parquet":
        return part if isinstance(part, pl.DataFrame) else pl.from_arrow(part)  # type: ignore[return-value]
    return pl.from_pandas(part.astype("string")).with_columns(pl.all().cast(pl.String))


def _distinct(part: Any, fmt: str, columns: list[str]) -> dict[str, pl.Series]:
    frame = _frame(part, fmt)
    return {c: frame.get_column(c).cast(pl.String).drop_nulls().unique() for c in columns}


def _union(parts: list[dict[str, pl.Series]]) -> dict[str, pl.Series]:
    out: dict[str, pl.Series] = {}
    for part in parts:
        for column, values in part.items():
            out[column] = pl.concat([out[column], values]).unique() if column in out else values
    return out


def _write_part(part: Any, fmt: str, bound: Bound, path: str, header: bool) -> int:
    frame = bound.frame(_frame(part, fmt))
    if fmt in ("csv", "tsv"):
        with open(path, "wb") as handle:
            frame.write_csv(handle, include_header=header, separator="\t" if fmt == "tsv" else ",")
    else:
        frame.write_parquet(path)
    return frame.height


def _row_group(path: str, index: int) -> Any:
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    return pq.ParquetFile(path).read_row_group(index)


def _partitions(entry: FileEntry) -> list[Any]:
    from dask.delayed import delayed

    location = entry.file.location
    if entry.file.fmt == "parquet":
        import pyarrow.parquet as pq

        groups = pq.ParquetFile(location).num_row_groups
        return [delayed(_row_group)(location, i) for i in range(max(groups, 1))]
    import dask.dataframe as dd

    frame = dd.read_csv(
        location,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        sep="\t" if entry.file.fmt == "tsv" else ",",
        blocksize=PARTITION_BYTES,
    )
    return list(frame.to_delayed())


def _compute(value: Any, client: Any) -> Any:
    return (
        client.compute(value).result() if client is not None else value.compute(scheduler="threads")
    )


def copy_file_dask(entry: FileEntry, transform: TableTransform, root: Path, client: Any) -> None:
    """Copy one file with its partitions transformed on the cluster."""
    fmt = entry.file.fmt
    if fmt == "jsonl":
        copy_file(entry, transform, root)
        return
    from dask.delayed import delayed

    try:
        parts = _partitions(entry)
        columns = transform.columns_to_map()
        if columns:
            found = delayed(_union)([delayed(_distinct)(p, fmt, columns) for p in parts])
            transform.load(_compute(found, client))
        bound = transform.bound()
        target = root / entry.rel
        folder = root / ".parts" / entry.rel
        folder.mkdir(parents=True, exist_ok=True)
        paths = [str(folder / f"part-{i:05d}") for i in range(len(parts))]
        tasks = [
            delayed(_write_part)(p, fmt, bound, path, i == 0)
            for i, (p, path) in enumerate(zip(parts, paths, strict=True))
        ]
        _compute(delayed(sum)(tasks), client)
        target.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            write(pl.scan_parquet(paths), target, fmt)
        else:
            with open(target, "wb") as out:
                for path in paths:
                    with open(path, "rb") as handle:
                        shutil.copyfileobj(handle, out)
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        raise SraError(f"{entry.file.location}: {exc}") from None
    finally:
        shutil.rmtree(root / ".parts", ignore_errors=True)
