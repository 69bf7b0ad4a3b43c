"""`sra deidentify` on CSV and Parquet trees: the Proof list of the feature, as a user sees it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from hipaa_sra.cli import cli
from hipaa_sra.deid.generalize import RESTRICTED_ZIP3
from hipaa_sra.scan import Options, Target, scan

from .data import POLICY, SHIFTED, TODAY, clinic, write_files


def run(*args: str) -> tuple[int, str, str]:
    """`sra deidentify ARGS` with the date pinned; (exit code, stdout, stderr)."""
    result = CliRunner().invoke(
        cli, ["deidentify", "--today", TODAY.isoformat(), *args], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def read(root: Path, fmt: str, name: str) -> pl.DataFrame:
    """A table of a copy, as text columns (CSV) or its own types (Parquet)."""
    if fmt == "csv":
        return pl.read_csv(root / f"{name}.csv", infer_schema=False)
    return pl.read_parquet(root / f"{name}.parquet")


@pytest.fixture(params=["csv", "parquet"])
def fmt(request: pytest.FixtureRequest) -> str:
    """Each file format the feature promises at speed."""
    return str(request.param)


def _copy(tmp_path: Path, fmt: str, policy: str = POLICY) -> tuple[Path, Path]:
    source = write_files(clinic(), tmp_path / "export", fmt)
    (tmp_path / "policy.yaml").write_text(policy)
    out = tmp_path / "staging"
    code, stdout, stderr = run(
        "--from",
        str(source),
        "--to",
        str(out),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "secure" / "map.sqlite"),
        "--format",
        "json",
    )
    assert code == 0, stdout + stderr
    return source, out


def test_the_copy_holds_no_identifier_the_scan_can_find(tmp_path: Path, fmt: str) -> None:
    _, out = _copy(tmp_path, fmt)
    result = scan([Target(str(out))], Options())
    found = {
        (t.table, c.column): sorted(i.type.value for i in c.identifiers if i.type.is_phi)
        for s in result.sources
        for t in s.tables
        for c in t.columns
        if c.identifiers
    }
    # Only the surrogates are found, by shape: MRN-like ids and example.org emails.
    assert set(found) <= {
        ("patients", "patient_id"),
        ("encounters", "patient_id"),
        ("notes", "patient_id"),
        ("patients", "email"),
    }
    text = read(out, fmt, "notes").get_column("text")
    assert not text.str.contains(r"\d{3}-\d{2}-\d{4}").any()
    assert text.str.contains(r"\[SSN\]").any() and text.str.contains(r"\[NAME\]").any()
    assert "ssn" not in read(out, fmt, "patients").columns


def test_joins_still_match_and_no_original_key_is_left(tmp_path: Path, fmt: str) -> None:
    data = clinic()
    _, out = _copy(tmp_path, fmt)
    patients, visits = read(out, fmt, "patients"), read(out, fmt, "encounters")
    notes = read(out, fmt, "notes")
    assert visits.join(patients, on="patient_id", how="anti").height == 0
    assert notes.join(visits, on="encounter_id", how="anti").height == 0
    assert patients.get_column("patient_id").is_in(data.patients["patient_id"].implode()).sum() == 0
    # The same patient has the same number of visits before and after.
    before = data.encounters.group_by("patient_id").len().get_column("len").sort().to_list()
    after = visits.group_by("patient_id").len().get_column("len").sort().to_list()
    assert before == after


def test_zip_codes_ages_and_dates_are_generalized(tmp_path: Path, fmt: str) -> None:
    data = clinic()
    _, out = _copy(tmp_path, fmt)
    patients = read(out, fmt, "patients")
    zips = patients.get_column("zip").to_list()
    restricted = [z[:3] in RESTRICTED_ZIP3 for z in data.patients["zip"]]
    assert restricted.count(True) >= 20
    assert all(z == "000" for z, r in zip(zips, restricted, strict=True) if r)
    assert all(len(z) == 3 and z != "000" for z, r in zip(zips, restricted, strict=True) if not r)
    ages = patients.get_column("age").to_list()
    old = [int(a) > 89 for a in data.patients["age"]]
    assert any(old)
    assert all(a == "90+" for a, o in zip(ages, old, strict=True) if o)
    assert all(a != "90+" and int(a) <= 89 for a, o in zip(ages, old, strict=True) if not o)
    years = patients.get_column("birth_date").cast(pl.Int32, strict=False).to_list()
    births = [date.fromisoformat(b) for b in data.patients["birth_date"]]
    for born, year in zip(births, years, strict=True):
        assert year == (born.year if born.year > TODAY.year - 90 else None)


def test_date_shift_keeps_every_interval_of_a_subject(tmp_path: Path, fmt: str) -> None:
    data = clinic()
    _, out = _copy(tmp_path, fmt, SHIFTED)
    visits = read(out, fmt, "encounters").with_columns(
        pl.col("admit_date", "discharge_date").str.to_date()
    )
    original = data.encounters.with_columns(pl.col("admit_date", "discharge_date").str.to_date())
    assert (visits["discharge_date"] - visits["admit_date"]).to_list() == (
        original["discharge_date"] - original["admit_date"]
    ).to_list()
    shift = (visits["admit_date"] - original["admit_date"]).dt.total_days()
    assert shift.abs().max() <= 60 and (shift != 0).all()  # type: ignore[operator]
    # One offset per patient: intervals between visits of a subject are kept too.
    per_patient = pl.DataFrame({"patient": original["patient_id"], "shift": shift})
    assert (
        per_patient.group_by("patient").agg(pl.col("shift").n_unique()).get_column("shift").max()
        == 1
    )


def test_surrogates_are_the_same_across_runs_and_tables(tmp_path: Path) -> None:
    source = write_files(clinic(), tmp_path / "export", "csv")
    (tmp_path / "policy.yaml").write_text(POLICY)
    store = str(tmp_path / "secure" / "map.sqlite")
    outs = []
    for name in ("a", "b"):
        code, stdout, stderr = run(
            "--from",
            str(source),
            "--to",
            str(tmp_path / name),
            "--policy",
            str(tmp_path / "policy.yaml"),
            "--mapping-store",
            store,
        )
        assert code == 0, stdout + stderr
        outs.append(read(tmp_path / name, "csv", "patients"))
    assert outs[0].get_column("patient_id").to_list() == outs[1].get_column("patient_id").to_list()
    assert outs[0].get_column("patient_id").str.contains(r"^[A-Z]{3}\d{6}$").all()
    assert outs[0].get_column("email").str.ends_with("@example.org").all()


def test_json_output_and_the_record_of_what_was_done(tmp_path: Path) -> None:
    source = write_files(clinic(), tmp_path / "export", "csv")
    (tmp_path / "policy.yaml").write_text(POLICY)
    code, stdout, _ = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "out"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(stdout)
    assert doc["written"] and doc["verification"]["passed"]
    assert doc["rows"] == {"encounters": 900, "notes": 900, "patients": 300}
    assert doc["actions"] == {
        "drop": 2,
        "generalize": 5,
        "keep": 4,
        "redact": 3,
        "redact-text": 1,
        "surrogate": 6,
    }
    assert doc["policy_digest"].startswith("sha256:")


def test_pseudonyms_need_a_key_and_are_the_same_for_the_same_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = clinic(patients=40)
    export = tmp_path / "export"
    export.mkdir()
    data.encounters.write_ndjson(export / "encounters.jsonl")
    policy = (
        "profile: limited-data-set\ntables:\n  encounters:\n    columns:\n"
        "      encounter_id: {action: pseudonymize}\n"
        "      patient_id: {action: pseudonymize, type: mrn}\n"
        "      admit_date: {action: keep, type: date}\n"
        "      discharge_date: {action: keep, type: date}\n"
        "      diagnosis: keep\n      department: drop\n"
    )
    (tmp_path / "policy.yaml").write_text(policy)
    args = (
        "--from",
        str(export),
        "--to",
        str(tmp_path / "out"),
        "--policy",
        str(tmp_path / "policy.yaml"),
    )
    monkeypatch.delenv("SRA_DEID_KEY", raising=False)
    code, _, stderr = run(*args)
    assert code == 2 and "pseudonymize needs a key: set SRA_DEID_KEY" in stderr
    monkeypatch.setenv("SRA_DEID_KEY", "a key kept in the vault")
    code, stdout, stderr = run(*args)
    assert code == 0, stdout + stderr
    out = pl.read_ndjson(tmp_path / "out" / "encounters.jsonl")
    assert out.columns == [
        "encounter_id",
        "patient_id",
        "admit_date",
        "discharge_date",
        "diagnosis",
    ]
    assert out.get_column("patient_id").str.contains(r"^[0-9a-f]{64}$").all()
    pairs = pl.DataFrame({"before": data.encounters["patient_id"], "after": out["patient_id"]})
    assert pairs.group_by("before").agg(pl.col("after").n_unique())["after"].max() == 1
    assert out["patient_id"].n_unique() == data.encounters["patient_id"].n_unique()


def test_progress_on_a_terminal_and_quiet_when_piped(tmp_path: Path) -> None:
    source = write_files(clinic(patients=20), tmp_path / "export", "csv")
    (tmp_path / "policy.yaml").write_text(POLICY)
    args = (
        "--from",
        str(source),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
    )
    code, _, stderr = run(*args, "--to", str(tmp_path / "a"))  # not a terminal: quiet
    assert code == 0 and stderr == ""
    code, _, stderr = run(*args, "--to", str(tmp_path / "b"), "--progress")
    assert code == 0
    lines = stderr.splitlines()
    assert lines[0] == "sra deidentify: table 1/3: encounters"
    assert lines[-1].startswith("sra deidentify: scanned the copy as it was written: ")
    code, _, stderr = run(*args, "--to", str(tmp_path / "c"), "--progress", "--verify", "full")
    assert code == 0
    lines = stderr.splitlines()
    assert "sra deidentify: re-scanning the copy" in lines
    assert any(line.startswith("sra deidentify: re-scanned ") for line in lines)
