"""`sra scan postgresql://...` against the real server: each test makes and drops a database."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from click.testing import CliRunner

from hipaa_sra.cli import cli
from hipaa_sra.scan.engine import Options, Target, scan
from hipaa_sra.scan.sources import Filters
from hipaa_sra.scan.sources.postgres import PostgresSource

pytestmark = pytest.mark.postgres

SERVER = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture
def database() -> Iterator[str]:
    """A fresh database with PHI in `clinic.patients`, none in `public.products`."""
    name = f"sra_scan_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(f"{SERVER}/{name}", autocommit=True) as conn:
            conn.execute("CREATE SCHEMA clinic")
            conn.execute(
                "CREATE TABLE clinic.patients (id int, full_name text, ssn text, "
                "dob date, email text)"
            )
            conn.execute(
                "INSERT INTO clinic.patients SELECT i, "
                "(ARRAY['James Smith','Mary Johnson','Robert Brown'])[1 + i % 3], "
                "lpad((100 + i % 600)::text, 3, '0') || '-45-' "
                "|| lpad((1000 + i)::text, 4, '0'), "
                "date '1950-01-01' + i, 'p' || i || '@example.org' "
                "FROM generate_series(1, 3000) i"
            )
            conn.execute("CREATE TABLE public.products (sku text, version text)")
            conn.execute(
                "INSERT INTO public.products SELECT 'PRD-' || i, '1.' || (i % 9) "
                "FROM generate_series(1, 200) i"
            )
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _scan(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["scan", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_tables_columns_and_filters(database: str) -> None:
    doc = _scan(database)
    tables = {t["table"]: t for t in doc["sources"][0]["tables"]}
    assert set(tables) == {"clinic.patients", "public.products"}
    found = {
        c["column"]: [i["type"] for i in c["identifiers"]]
        for c in tables["clinic.patients"]["columns"]
    }
    assert found == {
        "id": [],
        "full_name": ["name"],
        "ssn": ["ssn"],
        "dob": ["date"],
        "email": ["email"],
    }
    assert all(not c["identifiers"] for c in tables["public.products"]["columns"])
    only = _scan(database, "--schema", "clinic", "--max-rows", "500")
    assert [(t["table"], t["rows_sampled"]) for t in only["sources"][0]["tables"]] == [
        ("clinic.patients", 500)
    ]
    named = _scan(database, "--table", "public.products")
    assert [t["table"] for t in named["sources"][0]["tables"]] == ["public.products"]
    sampled = _scan(database, "--table", "clinic.patients", "--sample", "50")
    assert 0 < sampled["sources"][0]["tables"][0]["rows_sampled"] < 3000


def test_unreadable_table_is_listed_and_the_rest_scanned(database: str) -> None:
    role = f"sra_reader_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 's3cret-pw'")
        conn.execute(f"GRANT USAGE ON SCHEMA clinic TO {role}")
        conn.execute(f"GRANT SELECT ON public.products TO {role}")
    try:
        url = database.replace("postgres@", f"{role}:s3cret-pw@")
        result = CliRunner().invoke(cli, ["scan", "--format", "json", url])
        assert "s3cret-pw" not in result.output
        doc = json.loads(result.stdout)
        source = doc["sources"][0]
        assert source["source"] == url.replace(":s3cret-pw", "")
        assert [t["table"] for t in source["tables"]] == ["public.products"]
        [skipped] = doc["summary"]["unscanned"]
        assert "clinic.patients: permission denied" in skipped["error"]
    finally:
        with psycopg.connect(database, autocommit=True) as conn:
            conn.execute(f"REVOKE ALL ON SCHEMA clinic FROM {role}")
            conn.execute(f"REVOKE ALL ON public.products FROM {role}")
            conn.execute(f"DROP ROLE {role}")


def test_the_scan_connection_refuses_writes(database: str) -> None:
    source = PostgresSource(database, Filters())
    conn = source.connection()
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction), conn.transaction():
        conn.execute("CREATE TABLE public.should_fail (x int)")
    source.close()


def test_unreachable_server_and_lost_connection(database: str) -> None:
    doc = _scan("postgresql://postgres@127.0.0.1:1/nothing", "--no-progress")
    assert "cannot connect" in doc["sources"][0]["error"]
    # End the scan's own backend from another connection in the middle of the first table.
    killer = psycopg.connect(database, autocommit=True)
    calls = []

    def progress(rows: int, size: int) -> None:
        if not calls:
            killer.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                "application_name = 'sra scan' AND datname = current_database()"
            )
        calls.append(rows)

    result = scan([Target(database)], Options(filters=Filters(batch_rows=100)), progress)
    killer.close()
    source = result.sources[0]
    assert source.error is not None and "connection lost" in source.error


def test_libpq_environment(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", "5432")
    monkeypatch.setenv("PGUSER", "postgres")
    monkeypatch.setenv("PGDATABASE", database.rsplit("/", 1)[1])
    doc = _scan("postgresql://", "--table", "clinic.patients", "--max-rows", "100")
    [table] = doc["sources"][0]["tables"]
    assert table["table"] == "clinic.patients" and table["rows_sampled"] == 100
