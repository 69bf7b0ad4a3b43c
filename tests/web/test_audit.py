"""The audit trail: hash-chained, append-only, verified, exported."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from hipaa_sra.web import audit
from hipaa_sra.web.models import AppendOnly, AuditEntry

TABLE = "sra_web_auditentry"


def _entries(n: int) -> list[AuditEntry]:
    return [
        audit.record(None, "test.event", object=f"risk:R-{i}", actor="tester", detail={"n": i})
        for i in range(n)
    ]


def _drop_triggers() -> None:
    """What an attacker with database access would do first (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {TABLE}_no_update")
            cursor.execute(f"DROP TRIGGER {TABLE}_no_delete")
        else:
            cursor.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE}")


def test_entries_link_into_a_chain_that_verifies(web_app: Any) -> None:
    entries = _entries(5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(entries))
    status = audit.verify_chain()
    assert status.ok and status.entries == 5


def test_a_row_changed_with_raw_sql_breaks_the_chain_at_that_row(web_app: Any) -> None:
    _entries(5)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET actor = 'someone-else' WHERE seq = 3")
    status = audit.verify_chain()
    assert not status.ok and status.broken_at == 3
    assert "changed after it was written" in status.problem


def test_a_deleted_row_breaks_the_chain(web_app: Any) -> None:
    _entries(4)
    _drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = 2")
    status = audit.verify_chain()
    assert status.broken_at == 3 and "#2 is missing" in status.problem


def test_a_rehashed_row_still_breaks_the_link_to_the_next(web_app: Any) -> None:
    entries = _entries(3)
    _drop_triggers()
    forged = entries[1]
    forged.action = "forged"
    new_hash = audit.entry_hash(forged)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET action = %s, entry_hash = %s WHERE seq = 2", ["forged", new_hash]
        )
    status = audit.verify_chain()
    assert status.broken_at == 3 and "does not link" in status.problem


def test_the_database_refuses_updates_and_deletes(web_app: Any) -> None:
    _entries(2)
    for sql in (f"UPDATE {TABLE} SET actor = 'x' WHERE seq = 1", f"DELETE FROM {TABLE}"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert audit.verify_chain().entries == 2


def test_the_model_refuses_to_change_or_delete_an_entry(web_app: Any) -> None:
    entry = _entries(1)[0]
    entry.actor = "x"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(seq=1).update(actor="x")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.all().delete()
    assert audit.verify_chain().entries == 1


def test_csv_export_has_every_entry_and_no_formula_cells(web_app: Any) -> None:
    audit.record(None, "test.event", object="=HYPERLINK(1)", actor="-tester")
    rows = list(csv.reader(io.StringIO("".join(audit.export_csv()))))
    assert rows[0] == list(audit.CSV_FIELDS)
    assert rows[1][2] == "'-tester" and rows[1][5].startswith("'=")


def test_the_audit_page_pages_and_shows_the_chain_status(clients: dict[str, Any]) -> None:
    _entries(60)
    page = clients["admin"].get("/audit/").content.decode()
    assert "Chain intact" in page and "page 1 of 2" in page
    assert clients["admin"].get("/audit/?page=2").status_code == 200
    download = clients["admin"].get("/audit/export.csv")
    assert download["Content-Disposition"].startswith('attachment; filename="sra-audit-')
    body = b"".join(download.streaming_content).decode()
    assert body.count("test.event") == 60
    assert AuditEntry.objects.filter(action="audit.exported").exists()
