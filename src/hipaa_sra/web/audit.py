"""The audit trail: append-only, hash-chained entries; verification and CSV export.

Each entry's hash is SHA-256 over its fields and the hash of the entry before, so changing,
removing or reordering any entry breaks every later link. `verify_chain` finds the first
break; `sra web verify-audit` reports it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest

from ..interop.csv_cells import neutralise
from .models import AuditEntry

GENESIS = "0" * 64
"""The `prev_hash` of the first entry."""

APPEND_ATTEMPTS = 5
"""A concurrent append can take the same place in the chain; the loser retries."""

CSV_FIELDS = (
    "seq",
    "at",
    "actor",
    "person_id",
    "action",
    "object",
    "detail",
    "ip",
    "prev_hash",
    "entry_hash",
)


def canonical_detail(detail: dict[str, Any] | None) -> str:
    """`detail` as the canonical JSON stored and hashed."""
    return json.dumps(
        detail or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry, from its fields and `prev_hash`."""
    fields = [
        str(entry.seq),
        _timestamp(entry.at),
        entry.actor,
        entry.person_id,
        entry.action,
        entry.object,
        entry.detail,
        entry.ip,
        entry.prev_hash,
    ]
    payload = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(b"hipaa-sra-audit-v1\n" + payload.encode("utf-8")).hexdigest()


def _who(subject: HttpRequest | AbstractBaseUser | AnonymousUser | None) -> tuple[str, str, str]:
    """(user name, linked person id, client address) of a request or a user."""
    from .permissions import linked_person_id

    request = subject if isinstance(subject, HttpRequest) else None
    user: AbstractBaseUser | AnonymousUser | None = (
        getattr(request, "user", None)
        if request is not None
        else subject
        if not isinstance(subject, HttpRequest)
        else None
    )
    name, person = "", ""
    if user is not None and user.is_authenticated:
        name = user.get_username()
        person = linked_person_id(user) or ""
    ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    return name, person, str(ip)


APPEND_LOCK = 0x5352_4155_4449_54
"""PostgreSQL advisory lock key ("SRAAUDIT") that orders appends to the chain."""


def _serialise_appends() -> None:
    """Make concurrent appends take turns (until the transaction ends).

    SQLite transactions here begin IMMEDIATE, so writers already queue; PostgreSQL would let
    two transactions read the same last entry, and the unique `prev_hash` would reject one.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [APPEND_LOCK])


def record(
    subject: HttpRequest | AbstractBaseUser | AnonymousUser | None,
    action: str,
    *,
    object: str = "",
    detail: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AuditEntry:
    """Append an entry: who (`subject`'s user, or `actor` when named), did what, to what."""
    name, person, ip = _who(subject)
    if actor is not None:
        name = actor
    text = canonical_detail(detail)
    for attempt in range(APPEND_ATTEMPTS):
        try:
            with transaction.atomic():
                _serialise_appends()
                last = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
                entry = AuditEntry(
                    seq=(last.seq + 1) if last is not None else 1,
                    at=datetime.now(UTC),
                    actor=name[:150],
                    person_id=person[:200],
                    action=action[:64],
                    object=object[:500],
                    detail=text,
                    ip=ip[:64],
                    prev_hash=last.entry_hash if last is not None else GENESIS,
                )
                entry.entry_hash = entry_hash(entry)
                entry.save()
                return entry
        except IntegrityError:
            if attempt == APPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class ChainStatus:
    """The verdict of `verify_chain`."""

    entries: int
    """Entries checked."""
    broken_at: int | None = None
    """`seq` of the first entry that does not hold, None when the chain is intact."""
    problem: str = ""

    @property
    def ok(self) -> bool:
        """Whether every entry holds."""
        return self.broken_at is None


def verify_chain(entries: Iterable[AuditEntry] | None = None) -> ChainStatus:
    """Check every entry's hash and link, in order; report the first that does not hold."""
    rows = (
        entries
        if entries is not None
        else AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    )
    previous, expected_seq, count = GENESIS, 1, 0
    for entry in rows:
        count += 1
        if entry.seq != expected_seq:
            return ChainStatus(
                count, entry.seq, f"entry #{expected_seq} is missing (next is #{entry.seq})"
            )
        if entry.prev_hash != previous:
            return ChainStatus(count, entry.seq, "does not link to the entry before it")
        if entry_hash(entry) != entry.entry_hash:
            return ChainStatus(
                count,
                entry.seq,
                "was changed after it was written (its hash does not match its contents)",
            )
        previous, expected_seq = entry.entry_hash, expected_seq + 1
    return ChainStatus(count)


def csv_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The entries as CSV text, header first, one chunk per entry (for streaming)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_FIELDS)
    yield flush()
    for entry in entries:
        writer.writerow(
            [
                entry.seq,
                _timestamp(entry.at),
                neutralise(entry.actor),
                entry.person_id,
                entry.action,
                neutralise(entry.object),
                entry.detail,
                entry.ip,
                entry.prev_hash,
                entry.entry_hash,
            ]
        )
        yield flush()


def export_csv() -> Iterator[str]:
    """The whole trail as CSV, in chain order."""
    return csv_rows(AuditEntry.objects.order_by("seq").iterator(chunk_size=2000))
