"""SQLite to SQLite and PostgreSQL to PostgreSQL: the schema first, then rows that still join."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from .data import POLICY, clinic, write_sqlite
from .test_files import run

SERVER = "postgresql://postgres@127.0.0.1:5432"


def test_sqlite_copy_has_the_schema_and_rows_that_join(tmp_path: Path) -> None:
    source = write_sqlite(clinic(patients=80), tmp_path / "clinic.sqlite")
    (tmp_path / "policy.yaml").write_text(POLICY)
    out = tmp_path / "staging.sqlite"
    code, stdout, stderr = run(
        "--from",
        str(source),
        "--to",
        str(out),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
    )
    assert code == 0, stdout + stderr
    conn = sqlite3.connect(out)
    columns = {r[1]: (r[2], r[3], r[5]) for r in conn.execute("PRAGMA table_info(patients)")}
    assert "ssn" not in columns and "city" not in columns
    assert columns["patient_id"] == ("TEXT", 0, 1)  # still the primary key
    assert columns["full_name"] == ("TEXT", 0, 0)  # redacted: NOT NULL dropped
    assert columns["birth_date"][0] == "INTEGER"  # a year now
    keys = {(r[2], r[3], r[4]) for r in conn.execute("PRAGMA foreign_key_list(notes)")}
    assert keys == {
        ("encounters", "encounter_id", "encounter_id"),
        ("patients", "patient_id", "patient_id"),
    }
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute(
        "SELECT count(*) FROM encounters e JOIN patients p USING (patient_id)"
    ).fetchone() == (240,)
    original = sqlite3.connect(source)
    ids = {r[0] for r in original.execute("SELECT patient_id FROM patients")}
    assert not ids & {r[0] for r in conn.execute("SELECT patient_id FROM patients")}


def test_a_key_column_may_only_be_kept_or_replaced_alike(tmp_path: Path) -> None:
    source = write_sqlite(clinic(patients=10), tmp_path / "clinic.sqlite")
    policy = POLICY.replace(
        "      patient_id: {action: surrogate, type: mrn, domain: patient}\n      admit_date",
        "      patient_id: {action: surrogate, type: mrn, domain: person}\n      admit_date",
    )
    policy = policy.replace("note_id: keep", "note_id: redact")
    (tmp_path / "policy.yaml").write_text(policy)
    code, _, stderr = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "out.sqlite"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
    )
    assert code == 2
    assert (
        "column `patient_id` of `encounters` references `patients.patient_id`, which the "
        "policy treats differently (surrogate, domain `patient`)" in stderr
    )
    assert "column `note_id` of `notes` is a primary or foreign key; redact would break" in stderr
    assert not (tmp_path / "out.sqlite").exists()


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """A source database with the clinic schema and an empty destination; both dropped after."""
    names = [f"sra_deid_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        data = clinic(patients=120)
        with psycopg.connect(f"{SERVER}/{names[0]}", autocommit=True) as conn:
            conn.execute("CREATE SCHEMA clinic")
            conn.execute("""
                CREATE TABLE clinic.patients (patient_id text PRIMARY KEY, full_name text NOT NULL,
                    ssn text, birth_date date, age integer, zip varchar(10), city text, phone text,
                    email text UNIQUE, medicare_id text, sex char(1));
                CREATE TABLE clinic.encounters (encounter_id text PRIMARY KEY,
                    patient_id text NOT NULL REFERENCES clinic.patients, admit_date date,
                    discharge_date date, diagnosis text, department text);
                CREATE TABLE clinic.notes (note_id text PRIMARY KEY,
                    encounter_id text REFERENCES clinic.encounters,
                    patient_id text REFERENCES clinic.patients (patient_id), text text);
                """)
            for name, frame in data.frames().items():
                with conn.cursor().copy(f"COPY clinic.{name} FROM STDIN") as copy:
                    for row in frame.iter_rows():
                        copy.write_row(row)
        yield f"{SERVER}/{names[0]}", f"{SERVER}/{names[1]}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_policy(tmp_path: Path) -> Path:
    text = (
        POLICY.replace("  patients:", "  clinic.patients:")
        .replace("  encounters:", "  clinic.encounters:")
        .replace("  notes:", "  clinic.notes:")
    )
    (tmp_path / "policy.yaml").write_text(text)
    return tmp_path / "policy.yaml"


@pytest.mark.postgres
def test_postgres_to_postgres(databases: tuple[str, str], tmp_path: Path) -> None:
    source, target = databases
    policy = _pg_policy(tmp_path)
    args = (
        "--from",
        source,
        "--to",
        target,
        "--policy",
        str(policy),
        "--schema",
        "clinic",
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
    )
    code, stdout, stderr = run(*args)
    assert code == 0, stdout + stderr
    with psycopg.connect(target) as conn:
        types = dict(
            conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE "
                "table_schema = 'clinic' AND table_name = 'patients'"
            ).fetchall()
        )
        assert types["birth_date"] == "integer" and types["age"] == "text"
        assert types["sex"] == "character" and "ssn" not in types
        constraints = {
            r[0]: r[1]
            for r in conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                "connamespace = 'clinic'::regnamespace"
            )
        }
        assert constraints["encounters_patient_id_fkey"] == (
            "FOREIGN KEY (patient_id) REFERENCES clinic.patients(patient_id)"
        )
        assert "patients_email_key" in constraints and "notes_pkey" in constraints
        joined = conn.execute(
            "SELECT count(*) FROM clinic.notes n JOIN clinic.encounters e "
            "USING (encounter_id) JOIN clinic.patients p ON p.patient_id = "
            "n.patient_id"
        ).fetchone()
        assert joined == (360,)
        assert (
            conn.execute("SELECT count(*) FROM clinic.patients WHERE zip = '000'").fetchone()[0]
            >= 10
        )  # type: ignore[index]
        left = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE '%sra_tmp%'"
        ).fetchall()
        assert left == []
    # The destination now holds the schema: a second run needs --replace, then replaces it.
    code, _, stderr = run(*args)
    assert code == 2 and "schema(s) clinic exist and hold tables; give --replace" in stderr
    assert run(*args, "--replace")[0] == 0
    code, _, stderr = run("--from", source, "--to", source, "--policy", str(policy))
    assert code == 2 and "the destination is the source database" in stderr


def test_a_table_whose_parent_is_dropped_is_refused(tmp_path: Path) -> None:
    source = write_sqlite(clinic(patients=10), tmp_path / "clinic.sqlite")
    head, rest = POLICY.split("  encounters:\n")
    (tmp_path / "policy.yaml").write_text(
        head.split("  patients:\n")[0] + "  patients:\n    drop: true\n  encounters:\n" + rest
    )
    code, _, stderr = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "out.sqlite"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
    )
    assert code == 2
    assert "table `encounters` references `patients`, which the policy drops" in stderr
    assert "table `notes` references `patients`, which the policy drops" in stderr


@pytest.mark.postgres
def test_a_postgresql_mapping_store_gives_the_same_surrogates_each_run(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    from .data import write_files

    _, store = databases
    source = write_files(clinic(patients=50), tmp_path / "export", "csv")
    (tmp_path / "policy.yaml").write_text(POLICY)
    ids = []
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
        ids.append((tmp_path / name / "patients.csv").read_text().splitlines()[1:])
    assert ids[0] == ids[1]
    with psycopg.connect(store) as conn:
        counts = dict(
            conn.execute(
                "SELECT domain, count(*) FROM sra_mapping.sra_surrogate GROUP BY domain"
            ).fetchall()
        )
    assert counts["patient"] == 50 and counts["encounter"] == 150
