"""`--engine dask`: the same verdicts as in process, on a two-worker LocalCluster."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

from hipaa_sra.cli import cli
from hipaa_sra.scan.dask_engine import scan_dask
from hipaa_sra.scan.engine import Options, Target, scan

from .data import columns


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """Two workers as threads of this process (processes=False): same code path, fast start."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def _lake(root: Path) -> Path:
    lake = root / "lake"
    (lake / "parquet").mkdir(parents=True)
    for part in range(3):
        data = columns(20 + part, 4000)
        frame = pl.DataFrame({name: values for name, (_, values) in data.items()})
        frame.write_csv(lake / f"visits-{part}.csv")
        frame.write_parquet(lake / "parquet" / f"visits-{part}.parquet")
    return lake


def _verdicts(*args: str) -> list:
    result = CliRunner().invoke(cli, ["scan", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"]["unscanned"] == []
    return doc["sources"]


def test_dask_verdicts_equal_in_process(tmp_path: Path, scheduler: str) -> None:
    lake = _lake(tmp_path)
    local = _verdicts(str(lake))
    remote = _verdicts(str(lake), "--engine", "dask", "--scheduler", scheduler)
    assert remote == local
    assert {t["table"] for t in local[0]["tables"]} == {
        "visits-0",
        "visits-1",
        "visits-2",
        "parquet/visits-0",
        "parquet/visits-1",
        "parquet/visits-2",
    }
    assert all(t["rows_sampled"] == 4000 for t in local[0]["tables"])
    threads = _verdicts(str(lake), "--engine", "dask")
    assert threads == local


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "a.csv"
    data.write_text("email\na@b.org\n")
    result = CliRunner().invoke(
        cli, ["scan", str(data), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"]
    )
    assert result.exit_code == 2
    assert "cannot reach the Dask scheduler" in result.output


def test_many_small_partitions_reduce_to_the_same_counts(tmp_path: Path, scheduler: str) -> None:
    lake = _lake(tmp_path)
    targets = [Target(str(lake))]
    local = scan(targets, Options())
    split = scan_dask(targets, Options(partition_bytes=150_000), scheduler)
    assert split == local
    import dask.dataframe as dd

    assert dd.read_csv(str(lake / "visits-0.csv"), dtype=str, blocksize=150_000).npartitions > 3
