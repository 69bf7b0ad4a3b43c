"""Hold each web sign-off (`method: web-mfa`) against the audit trail that should prove it.

A web sign-off names the app account that signed and the hash of the audit entry of its
re-authentication (password and TOTP). It holds when that entry is in the trail, records a
re-authentication by that account, and was made within `REAUTH_WINDOW` before `signed_at`.
`sra web verify-audit` runs this after checking the chain itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..model import Signoff, Workspace
from ..model.signoffs import SignoffMethod
from .models import AuditEntry

REAUTH_WINDOW = timedelta(minutes=5)
"""How long before signing the re-authentication may have been (the sign page's limit)."""
CLOCK_SLACK = timedelta(seconds=5)
"""`signed_at` is written to the second; the entry's time has microseconds."""


@dataclass(frozen=True)
class ProofCheck:
    """One web sign-off and, when it does not hold, why."""

    signoff: Signoff
    problem: str | None = None


def _moment(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def check_signoff_proof(signoff: Signoff) -> ProofCheck:
    """Whether the audit entry a web sign-off names proves its re-authentication."""
    entry = AuditEntry.objects.filter(entry_hash=signoff.audit_entry or "").first()
    who = f"the {signoff.role} sign-off by {signoff.web_user} on {signoff.signed_at.date()}"
    if entry is None:
        return ProofCheck(
            signoff, f"{who} names audit entry {signoff.audit_entry}, which is not in this trail"
        )
    if entry.action != "reauthenticated" or entry.actor != signoff.web_user:
        return ProofCheck(
            signoff,
            f"{who} names audit entry #{entry.seq}, which records "
            f"`{entry.action}` by {entry.actor or 'no one'}, not the "
            "signer's re-authentication",
        )
    signed = _moment(signoff.signed_at)
    if not signed - REAUTH_WINDOW - CLOCK_SLACK <= entry.at <= signed + CLOCK_SLACK:
        return ProofCheck(
            signoff,
            f"{who} names the re-authentication of "
            f"{entry.at:%Y-%m-%d %H:%M:%S} UTC (entry #{entry.seq}), "
            "not one within five minutes before signing",
        )
    return ProofCheck(signoff)


def check_web_signoffs(ws: Workspace) -> list[ProofCheck]:
    """Every web sign-off of the workspace, checked against the trail."""
    return [check_signoff_proof(s) for s in ws.signoffs if s.method is SignoffMethod.WEB_MFA]
