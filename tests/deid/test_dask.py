"""`--engine dask`: the same copy as in process, on a two-worker LocalCluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from distributed import LocalCluster

from hipaa_sra.deid import dask_run

from .data import POLICY, clinic, write_files
from .test_files import run


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """Two workers as threads of this process (processes=False): same code path, fast start."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_dask_copy_equals_the_in_process_copy(
    tmp_path: Path, scheduler: str, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = clinic(patients=600)
    source = tmp_path / "export"
    write_files(data, source, fmt)
    if fmt == "parquet":  # several row groups, so several partitions
        data.encounters.write_parquet(source / "encounters.parquet", row_group_size=300)
    else:
        monkeypatch.setattr(dask_run, "PARTITION_BYTES", 40_000)
    (tmp_path / "policy.yaml").write_text(POLICY)
    store = str(tmp_path / "secure" / "map.sqlite")
    common = ("--policy", str(tmp_path / "policy.yaml"), "--mapping-store", store)
    local = run("--from", str(source), "--to", str(tmp_path / "local"), *common)
    assert local[0] == 0, local
    remote = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "remote"),
        *common,
        "--engine",
        "dask",
        "--scheduler",
        scheduler,
    )
    assert remote[0] == 0, remote
    for name in ("patients", "encounters", "notes"):
        a = tmp_path / "local" / f"{name}.{fmt}"
        b = tmp_path / "remote" / f"{name}.{fmt}"
        if fmt == "csv":
            assert a.read_bytes() == b.read_bytes()
        else:
            assert pl.read_parquet(a).equals(pl.read_parquet(b))
    assert not (tmp_path / "remote" / ".parts").exists()


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    source = write_files(clinic(patients=10), tmp_path / "export", "csv")
    (tmp_path / "policy.yaml").write_text(POLICY)
    code, _, stderr = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "out"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:1",
    )
    assert code == 2 and "cannot reach the Dask scheduler" in stderr
    assert not (tmp_path / "out").exists()
