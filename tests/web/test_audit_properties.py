"""Properties of the chain: every honest trail verifies; any one change to any entry is caught."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hipaa_sra.web.audit import GENESIS, canonical_detail, entry_hash, verify_chain
from hipaa_sra.web.models import AuditEntry

TEXT = st.text(max_size=30)
EVENT = st.fixed_dictionaries(
    {
        "actor": TEXT,
        "person_id": TEXT,
        "action": st.text(min_size=1, max_size=20),
        "object": TEXT,
        "ip": TEXT,
        "detail": st.dictionaries(st.text(max_size=8), st.integers() | TEXT, max_size=3),
    }
)
FIELDS = ("actor", "person_id", "action", "object", "detail", "ip", "at", "seq")


def _chain(events: list[dict[str, Any]]) -> list[AuditEntry]:
    """Entries linked as `audit.record` links them, built in memory."""
    start = datetime(2026, 3, 1, tzinfo=UTC)
    entries, previous = [], GENESIS
    for index, event in enumerate(events):
        entry = AuditEntry(
            seq=index + 1,
            at=start + timedelta(seconds=index, microseconds=index),
            detail=canonical_detail(event["detail"]),
            prev_hash=previous,
            **{k: v for k, v in event.items() if k != "detail"},
        )
        entry.entry_hash = entry_hash(entry)
        previous = entry.entry_hash
        entries.append(entry)
    return entries


# No deadline: building model instances is slow on a loaded machine, never wrong.
@settings(deadline=None)
@given(st.lists(EVENT, max_size=12))
def test_an_honest_trail_verifies(events: list[dict[str, Any]]) -> None:
    status = verify_chain(_chain(events))
    assert status.ok and status.entries == len(events)


@settings(deadline=None)
@given(st.lists(EVENT, min_size=1, max_size=8), st.data())
def test_any_change_to_any_field_is_caught_at_that_entry(
    events: list[dict[str, Any]], data: st.DataObject
) -> None:
    entries = _chain(events)
    victim = data.draw(st.integers(0, len(entries) - 1))
    field = data.draw(st.sampled_from(FIELDS))
    entry = entries[victim]
    if field == "at":
        entry.at = entry.at + timedelta(microseconds=1)
    elif field == "seq":
        entry.seq = entry.seq + len(entries) + 1
    else:
        setattr(entry, field, getattr(entry, field) + "x")
    status = verify_chain(entries)
    assert not status.ok and status.broken_at == entry.seq
