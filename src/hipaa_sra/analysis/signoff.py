"""Who has signed the SRA for its current content, and when it was last reviewed.

A sign-off counts for the content whose digest it records (`analysis.digest`). Per required
role (`signoff.required_roles` in sra.yaml; compliance-officer and engineering-owner by
default) the state is one of: signed for the current content, signed but the content changed
since (stale), or never signed. Signatures themselves (SSH) are verified elsewhere; this
module compares digests only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date
from enum import StrEnum

from ..model import Signoff, SignoffPolicy, Workspace
from .digest import same_digest


class SignoffState(StrEnum):
    """Where one required role stands."""

    SIGNED = "signed"
    """Signed for exactly the current content."""
    STALE = "stale"
    """Signed, but the content changed since."""
    UNSIGNED = "unsigned"
    """Never signed."""


@dataclass(frozen=True)
class RoleSignoff:
    """One required role and its sign-off."""

    role: str
    state: SignoffState
    signoff: Signoff | None = None
    """The matching sign-off when signed; the newest one for the role when stale."""

    @property
    def signed_on(self) -> date | None:
        """Date of that sign-off (as written, in the signer's zone)."""
        return self.signoff.signed_at.date() if self.signoff is not None else None


@dataclass(frozen=True)
class SignoffStatus:
    """Sign-off state of every required role against one digest."""

    digest: str
    """The digest of the current content the sign-offs were compared with."""
    roles: tuple[RoleSignoff, ...]

    @property
    def complete(self) -> bool:
        """Every required role signed the current content."""
        return all(role.state is SignoffState.SIGNED for role in self.roles)

    def in_state(self, state: SignoffState) -> tuple[RoleSignoff, ...]:
        """The roles in `state`, in required-role order."""
        return tuple(role for role in self.roles if role.state is state)


def required_roles(ws: Workspace) -> tuple[str, ...]:
    """Roles that must sign, without repeats (the defaults when sra.yaml is missing)."""
    policy = ws.manifest.signoff if ws.manifest is not None else SignoffPolicy()
    return tuple(dict.fromkeys(policy.required_roles))


def signoff_status(ws: Workspace, digest: str) -> SignoffStatus:
    """Each required role's state against `digest` (pass `workspace_digest(ws)`)."""
    current: dict[str, Signoff] = {}
    newest: dict[str, Signoff] = {}
    for signoff in ws.signoffs:
        role = signoff.role
        if same_digest(signoff.digest, digest) and _newer(signoff, current.get(role)):
            current[role] = signoff
        if _newer(signoff, newest.get(role)):
            newest[role] = signoff
    roles = []
    for role in required_roles(ws):
        if role in current:
            roles.append(RoleSignoff(role, SignoffState.SIGNED, current[role]))
        elif role in newest:
            roles.append(RoleSignoff(role, SignoffState.STALE, newest[role]))
        else:
            roles.append(RoleSignoff(role, SignoffState.UNSIGNED))
    return SignoffStatus(digest, tuple(roles))


def last_signoff(ws: Workspace) -> Signoff | None:
    """The newest sign-off by a required role, whatever content it was for."""
    roles = frozenset(required_roles(ws))
    best: Signoff | None = None
    for signoff in ws.signoffs:
        if signoff.role in roles and _newer(signoff, best):
            best = signoff
    return best


def last_review(ws: Workspace) -> date | None:
    """Date of the newest sign-off by a required role; None when the SRA was never signed.

    A sign-off is the record that the analysis as a whole was reviewed, so it is the only
    source. There is deliberately no fallback to rows' `last_reviewed`: reviewing some risks
    is not a periodic review of the SRA (stale rows have their own rule, SRA101), and
    guessing a date would hide that no review was ever recorded.
    """
    signoff = last_signoff(ws)
    return signoff.signed_at.date() if signoff is not None else None


def _newer(signoff: Signoff, than: Signoff | None) -> bool:
    return than is None or _moment(signoff) > _moment(than)


def _moment(signoff: Signoff) -> float:
    # Naive and aware datetimes cannot be compared; the schema asks for a zone, but a
    # hand-written record may lack one, and that should not crash the analysis: read it as UTC.
    moment = signoff.signed_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
