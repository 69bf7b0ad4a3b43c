"""Concurrent appends from many threads leave one unbroken chain (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import PG_SERVER

APPEND = """
import sys, threading
from pathlib import Path
from hipaa_sra.web.maintenance import open_database
open_database(Path(sys.argv[1]), sys.argv[2] or None)
from django.db import connection
from hipaa_sra.web import audit

def work(n):
    for i in range(25):
        audit.record(None, "test.event", object=f"thread-{n}:{i}", actor=f"t{n}")
    connection.close()

threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
for t in threads: t.start()
for t in threads: t.join()
status = audit.verify_chain()
print(status.ok, status.entries, audit.AuditEntry.objects.values("prev_hash").distinct().count())
"""


@pytest.fixture(
    params=[
        pytest.param("", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """No URL (embedded SQLite), or a fresh PostgreSQL database dropped afterwards."""
    if not request.param:
        yield ""
        return
    import psycopg

    name = f"sra_web_chain_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_eight_threads_appending_leave_one_chain(web_workspace: Path, database_url: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", APPEND, str(web_workspace), database_url],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "200", "200"]
