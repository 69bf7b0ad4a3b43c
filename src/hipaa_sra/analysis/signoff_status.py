"""Who has signed the SRA for its current content, and when it was last reviewed.

A sign-off counts for the content whose digest it records (`analysis.digest`). Per required
role (`signoff.required_roles` in sra.yaml; compliance-officer and engineering-owner by
default) the state is one of: signed for the current content, signed for it but with a
signature that does not hold (invalid), signed but the content changed since (stale), or
never signed.

Signatures follow one policy, here, so `sra verify` and the lint rule `signoff-missing`
always agree. Without `signoff.allowed_signers` in sra.yaml a sign-off is a record of the
digest, and a record that carries an SSH signature does not count: nothing could check it,
and an unverifiable signature must not pass for a verified one. With `allowed_signers`,
every sign-off must carry an SSH signature (`ssh-keygen -Y sign`, namespace `hipaa-sra`)
over `signed_payload(record)` that `ssh-keygen -Y verify` accepts for the record's email.
Either way the signer must hold the role in sra.yaml `people` (`analysis.signers`), and a
signature's key must belong to that person alone. sra.yaml is part of the signed content,
so the `people` a current sign-off is checked against are the ones its signer saw.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from ..model import Signoff, SignoffPolicy, Workspace
from ..model.signoffs import SignoffMethod
from ..ssh.allowed_signers import key_listings
from ..ssh.signatures import SshUnavailable, verify_signature
from .digest import ALGORITHM, same_digest
from .signers import key_owner_problem, signer_problem

PAYLOAD_VERSION = "hipaa-sra-signoff-v1"
"""First line of every signed payload, so a change of its form can never collide."""


class SignoffState(StrEnum):
    """Where one required role stands."""

    SIGNED = "signed"
    """Signed for exactly the current content."""
    INVALID = "invalid"
    """Signed for the current content, but no such sign-off has a signature that holds."""
    STALE = "stale"
    """Signed, but the content changed since."""
    UNSIGNED = "unsigned"
    """Never signed."""


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on one sign-off record under the workspace's signature policy."""

    valid: bool
    problem: str | None = None
    """Why it does not count, as a clause (`the sign-off ... does not count: <problem>`)."""
    key: str | None = None
    """Fingerprint of the SSH key that verified, when there was a signature."""
    listings: tuple[tuple[str, ...], ...] | None = None
    """The principals of every allowed-signers line listing `key` (None: not looked up)."""


Verifier = Callable[[Signoff, Path], SignatureCheck]
"""Checks one record's SSH signature against an allowed-signers file."""


@dataclass(frozen=True)
class RoleSignoff:
    """One required role and its sign-off."""

    role: str
    state: SignoffState
    signoff: Signoff | None = None
    """The matching sign-off when signed or invalid; the newest one for the role when stale."""
    check: SignatureCheck | None = None
    """The signature verdict on `signoff` when signed or invalid."""

    @property
    def problem(self) -> str | None:
        """Why the sign-off does not count, when invalid."""
        return self.check.problem if self.check is not None else None

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


def allowed_signers_path(ws: Workspace) -> Path | None:
    """The allowed-signers file named by `signoff.allowed_signers` (relative to the workspace)."""
    if ws.manifest is None or not ws.manifest.signoff.allowed_signers:
        return None
    return ws.root / ws.manifest.signoff.allowed_signers


def canonical_digest(digest: str) -> str:
    """`sha256:<lowercase hex>`, however the digest was written."""
    text = digest.strip().lower()
    return text if text.startswith(ALGORITHM + ":") else f"{ALGORITHM}:{text}"


def canonical_time(moment: datetime) -> str:
    """ISO 8601 in UTC (naive times as written), so re-zoning a timestamp keeps it signed."""
    return (moment.astimezone(UTC) if moment.tzinfo is not None else moment).isoformat()


def signed_payload(signoff: Signoff) -> bytes:
    """The canonical text an SSH signature covers: digest, role, signer, time, statement and
    what was attested (a record without `attested` signs exactly what it signed before)."""
    # JSON-quoted values: a name or statement with a newline cannot forge another line.
    fields: list[tuple[str, object]] = [
        ("digest", canonical_digest(signoff.digest)),
        ("role", signoff.role),
        ("name", signoff.name),
        ("email", signoff.email),
        ("signed_at", canonical_time(signoff.signed_at)),
        ("statement", signoff.statement),
    ]
    if signoff.attested is not None:
        fields.append(("attested", signoff.attested.model_dump(mode="json")))
    if signoff.method is not None:  # records without one sign exactly what they signed before
        fields += [
            ("method", signoff.method.value),
            ("web_user", signoff.web_user),
            ("audit_entry", signoff.audit_entry),
        ]
    lines = [
        PAYLOAD_VERSION,
        *(f"{key} {json.dumps(value, sort_keys=True)}" for key, value in fields),
    ]
    return ("\n".join(lines) + "\n").encode()


def ssh_verifier(signoff: Signoff, allowed_signers: Path) -> SignatureCheck:
    """Verify a record's signature with `ssh-keygen -Y verify` (the default `Verifier`)."""
    try:
        result = verify_signature(
            signed_payload(signoff),
            signoff.signature or "",
            allowed_signers,
            signoff.email,
            at=signoff.signed_at,
        )
    except SshUnavailable as exc:
        return SignatureCheck(False, str(exc))
    if not result.valid:
        return SignatureCheck(False, result.message)
    if signoff.key and result.key and signoff.key != result.key:
        return SignatureCheck(
            False, f"the record names key {signoff.key}, but {result.key} made the signature"
        )
    if result.key is None:
        return SignatureCheck(False, "ssh-keygen did not name the key that made the signature")
    listings = key_listings(allowed_signers, result.key)
    if isinstance(listings, str):
        return SignatureCheck(False, listings, result.key)
    return SignatureCheck(True, key=result.key, listings=listings)


def check_signoff(
    ws: Workspace, signoff: Signoff, verifier: Verifier = ssh_verifier
) -> SignatureCheck:
    """Whether one record counts: by a holder of its role, under the workspace's signature
    policy (the digest is not compared)."""
    manifest = ws.manifest
    if manifest is not None and (
        manifest.is_unknown("signoff") or manifest.signoff.is_unknown("allowed_signers")
    ):
        # Whether a signature is required is unknown: no record may count meanwhile.
        return SignatureCheck(
            False,
            "sra.yaml's `signoff.allowed_signers` could not be read, "
            "so no signature policy applies",
        )
    allowed = allowed_signers_path(ws)
    problem = _policy_problem(signoff, allowed) or signer_problem(
        ws, signoff.role, signoff.name, signoff.email, keyed=allowed is not None
    )
    if problem is not None:
        return SignatureCheck(False, problem)
    if allowed is None:
        return SignatureCheck(True)
    return _signed_by_holder(ws, signoff, verifier(signoff, allowed))


def _policy_problem(signoff: Signoff, allowed: Path | None) -> str | None:
    if signoff.method is SignoffMethod.WEB_MFA and not (signoff.web_user and signoff.audit_entry):
        return (
            "it says it was signed in the web app (`method: web-mfa`) but does not name "
            "the account (`web_user`) and the audit trail entry (`audit_entry`) that "
            "prove the re-authentication"
        )
    if not signoff.signature and allowed is not None:
        return (
            "it has no SSH signature, and sra.yaml requires one "
            "(`signoff.allowed_signers`); sign again with `sra signoff --ssh-key`"
        )
    if signoff.signature and allowed is None:
        return (
            "it carries an SSH signature, but sra.yaml names no allowed-signers file "
            "to check it against (`signoff.allowed_signers`)"
        )
    return None


def _signed_by_holder(ws: Workspace, signoff: Signoff, check: SignatureCheck) -> SignatureCheck:
    if not check.valid or check.listings is None:
        return check
    problem = key_owner_problem(ws, signoff.email, check.key, check.listings)
    return check if problem is None else SignatureCheck(False, problem, check.key)


def signoff_status(ws: Workspace, digest: str, verifier: Verifier = ssh_verifier) -> SignoffStatus:
    """Each required role's state against `digest` (pass `workspace_digest(ws)`)."""
    current: dict[str, list[Signoff]] = {}
    newest: dict[str, Signoff] = {}
    for signoff in ws.signoffs:
        role = signoff.role
        if same_digest(signoff.digest, digest):
            current.setdefault(role, []).append(signoff)
        if _newer(signoff, newest.get(role)):
            newest[role] = signoff
    roles = []
    for role in required_roles(ws):
        if role in current:
            roles.append(_judge(ws, role, current[role], verifier))
        elif role in newest:
            roles.append(RoleSignoff(role, SignoffState.STALE, newest[role]))
        else:
            roles.append(RoleSignoff(role, SignoffState.UNSIGNED))
    return SignoffStatus(digest, tuple(roles))


def _judge(ws: Workspace, role: str, candidates: list[Signoff], verifier: Verifier) -> RoleSignoff:
    # Newest first, stopping at the first that holds: one valid sign-off is enough, and
    # each check may run ssh-keygen.
    rejected: RoleSignoff | None = None
    for signoff in sorted(candidates, key=_moment, reverse=True):
        check = check_signoff(ws, signoff, verifier)
        if check.valid:
            return RoleSignoff(role, SignoffState.SIGNED, signoff, check)
        rejected = rejected or RoleSignoff(role, SignoffState.INVALID, signoff, check)
    return rejected or RoleSignoff(role, SignoffState.UNSIGNED)


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
