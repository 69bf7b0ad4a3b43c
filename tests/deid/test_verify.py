"""Verification as the copy is written (`--verify memory`, the default for files) against the
full re-read (`--verify full`): the same judgement, digest and copy, batch after batch."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from hipaa_sra.deid import files_io, known
from hipaa_sra.deid.known import Known

from .data import POLICY, SHIFTED, clinic, write_files, write_sqlite
from .test_files import read, run


def _both(tmp_path: Path, fmt: str, policy: str) -> tuple[dict, dict]:  # type: ignore[type-arg]
    """The same copy made twice at one place with one store: scanned as written (then moved
    to `memory/`), and read back in full (`out/`)."""
    source = write_files(clinic(), tmp_path / "export", fmt)
    (tmp_path / "policy.yaml").write_text(policy)
    docs = []
    for mode in ("memory", "full"):
        code, stdout, stderr = run(
            "--from",
            str(source),
            "--to",
            str(tmp_path / "out"),
            "--policy",
            str(tmp_path / "policy.yaml"),
            "--mapping-store",
            str(tmp_path / "map.sqlite"),
            "--verify",
            mode,
            "--format",
            "json",
        )
        assert code == 0, stdout + stderr
        docs.append(json.loads(stdout))
        if mode == "memory":
            (tmp_path / "out").rename(tmp_path / "memory")
    return docs[0], docs[1]


@pytest.mark.parametrize(
    ("fmt", "policy"), [("csv", POLICY), ("parquet", POLICY), ("csv", SHIFTED)]
)
def test_the_scan_as_written_equals_the_full_rescan(
    tmp_path: Path, fmt: str, policy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of 700 rows: the profile, the plan and the store's issuing cross batches.
    monkeypatch.setattr(files_io, "BATCH_ROWS", 700)
    memory, full = _both(tmp_path, fmt, policy)
    assert memory["verification"]["scanned"] == "memory"
    assert full["verification"]["scanned"] == "full"
    for key in ("passed", "rows", "digest", "failures", "accepted", "unscanned"):
        assert memory["verification"][key] == full["verification"][key], key
    assert memory["rows"] == full["rows"]
    for name in ("patients", "encounters", "notes"):
        assert read(tmp_path / "memory", fmt, name).equals(read(tmp_path / "out", fmt, name))


def test_surrogates_issued_batch_by_batch_still_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_io, "BATCH_ROWS", 97)
    data = clinic(patients=400)
    source = write_files(data, tmp_path / "export", "csv")
    (tmp_path / "policy.yaml").write_text(POLICY)
    code, stdout, stderr = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "out"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
    )
    assert code == 0, stdout + stderr
    patients = read(tmp_path / "out", "csv", "patients")
    encounters = read(tmp_path / "out", "csv", "encounters")
    assert patients["patient_id"].n_unique() == data.patients["patient_id"].n_unique()
    assert encounters["patient_id"].is_in(patients["patient_id"].implode()).all()
    pairs = pl.DataFrame(
        {"before": data.encounters["patient_id"], "after": encounters["patient_id"]}
    )
    assert pairs.group_by("before").agg(pl.col("after").n_unique())["after"].max() == 1


def test_a_leak_in_a_late_batch_fails_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files_io, "BATCH_ROWS", 50)
    notes = pl.DataFrame(
        {
            "note_id": [str(i) for i in range(400)],
            "text": ["Seen today, feeling better and walking without help."] * 399
            + ["Called back about billing; SSN on file is 536-22-8417 per intake."],
        }
    )
    (tmp_path / "export").mkdir()
    notes.write_csv(tmp_path / "export" / "notes.csv")
    (tmp_path / "policy.yaml").write_text(
        "profile: safe-harbor\ntables:\n  notes:\n    columns:\n      note_id: keep\n"
        "      text: keep\n"
    )
    out = tmp_path / "out"
    code, stdout, _ = run(
        "--from",
        str(tmp_path / "export"),
        "--to",
        str(out),
        "--policy",
        str(tmp_path / "policy.yaml"),
    )
    assert code == 1 and "notes.text: ssn" in stdout and "after keep" in stdout
    assert not out.exists()


def test_verify_memory_is_for_files_copied_in_process(tmp_path: Path) -> None:
    source = write_sqlite(clinic(patients=20), tmp_path / "clinic.sqlite")
    (tmp_path / "policy.yaml").write_text(POLICY)
    code, _, stderr = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "copy.sqlite"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
        "--verify",
        "memory",
    )
    assert code == 2 and "use --verify full" in stderr
    assert not (tmp_path / "copy.sqlite").exists() and not (tmp_path / "map.sqlite").exists()


def test_values_sharing_a_hash_are_told_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every value hashes alike: each hit must be confirmed against the value itself.
    monkeypatch.setattr(
        known, "_hashes", lambda values: pl.Series([7] * values.len(), dtype=pl.UInt64).to_numpy()
    )
    index = Known(pl.Series(["MRN1", "MRN2"]))
    index.add(pl.Series(["MRN3"]))
    got = index.rows(pl.Series(["MRN3", "MRN9", "MRN1", None, "MRN2"]))
    assert got.tolist() == [2, -1, 0, -1, 1]
