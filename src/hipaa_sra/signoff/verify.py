"""`sra verify`: has every required role signed the current content, and if not, why not.

The verdict per role is `analysis.signoff_status.signoff_status`, the same one the lint rule
`signoff-missing` uses, so the two always agree. This module adds the explanation: who
holds a missing role, why a signature does not hold, and, for a stale sign-off, exactly
which records were added, removed or changed since, from the object digests stored with
it (trusted only when they hash to the digest the record states).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from ..analysis.digest import DigestDiff, digest_diff, digest_of, object_digests
from ..analysis.signers import display_name
from ..analysis.signoff_status import (
    SignoffState,
    Verifier,
    signoff_status,
    ssh_verifier,
)
from ..findings import Severity
from ..model import Signoff, Workspace
from .attest import summary_line
from .objects import signed_objects

TEXT_CHANGE_LIMIT = 50
"""Changes listed per role in text; JSON lists them all."""


@dataclass(frozen=True)
class RoleReport:
    """One required role: its state and what explains it."""

    role: str
    state: SignoffState
    signoff: Signoff | None = None
    where: str | None = None
    """`file:line:col` of the sign-off record."""
    key: str | None = None
    """Fingerprint of the SSH key that verified, when signed with one."""
    problem: str | None = None
    """Why an invalid sign-off does not count."""
    changes: DigestDiff | None = None
    """For a stale sign-off: records added, removed and changed since."""
    changes_unknown: str | None = None
    """For a stale sign-off whose changes cannot be listed: why."""
    holders: tuple[str, ...] = ()
    """Who holds the role in sra.yaml `people`."""


@dataclass(frozen=True)
class Verification:
    """Every required role's report against the current digest."""

    digest: str
    records: int
    roles: tuple[RoleReport, ...]
    load_errors: int = 0
    """Error-level findings of the loader; what failed validation is in the digest as written."""

    @property
    def complete(self) -> bool:
        """Every required role has a sign-off that counts for the current content."""
        return all(role.state is SignoffState.SIGNED for role in self.roles)


def verify_workspace(ws: Workspace, verifier: Verifier = ssh_verifier) -> Verification:
    """Check every required role's sign-off against the workspace as it is now."""
    digests = object_digests(ws)
    digest = digest_of(digests)
    status = signoff_status(ws, digest, verifier)
    people = ws.manifest.people if ws.manifest is not None else ()
    reports = []
    for role in status.roles:
        signoff = role.signoff
        report = RoleReport(
            role.role,
            role.state,
            signoff,
            where=str(ws.locate(signoff)) if signoff is not None else None,
            key=role.check.key if role.check is not None else None,
            problem=role.problem,
            holders=tuple(display_name(p) for p in people if role.role in p.roles),
        )
        if role.state is SignoffState.STALE and signoff is not None:
            signed = signed_objects(ws, signoff)
            if signed.digests is None:
                report = replace(report, changes_unknown=signed.problem)
            else:
                report = replace(report, changes=digest_diff(signed.digests, digests))
        reports.append(report)
    errors = sum(1 for finding in ws.findings if finding.severity is Severity.ERROR)
    return Verification(digest, len(digests), tuple(reports), errors)


def _signer(signoff: Signoff) -> str:
    return f"{signoff.name} <{signoff.email}>"


def _change_lines(diff: DigestDiff, limit: int | None) -> list[str]:
    kinds = (("added", diff.added), ("removed", diff.removed), ("changed", diff.changed))
    lines = sorted(f"{key} {what}" for what, keys in kinds for key in keys)
    if limit is not None and len(lines) > limit:
        rest = len(lines) - limit
        lines = [*lines[:limit], f"... and {rest} more (`sra verify --format json` lists all)"]
    return lines


def _attested_text(signoff: Signoff) -> list[str]:
    """What the signer saw, indented under their line (nothing for records made before)."""
    seen = signoff.attested
    if seen is None:
        return []
    accepted = f"; accepted the open errors: {seen.accepted}" if seen.accepted else ""
    return [f"  lint as of {seen.today}: {summary_line(seen)}{accepted}"]


def _role_text(report: RoleReport) -> list[str]:
    signoff = report.signoff
    role = report.role
    if report.state is SignoffState.SIGNED and signoff is not None:
        key = f" with SSH key {report.key}" if report.key else ""
        if signoff.method is not None:
            key += (
                f" in the web app as {signoff.web_user} after password and TOTP "
                f"(audit entry {(signoff.audit_entry or '')[:12]})"
            )
        return [
            f"{role}: signed by {_signer(signoff)} on {signoff.signed_at.date()}{key} "
            f"({report.where})",
            *_attested_text(signoff),
        ]
    if report.state is SignoffState.INVALID and signoff is not None:
        return [
            f"{role}: invalid: the sign-off by {_signer(signoff)} on "
            f"{signoff.signed_at.date()} ({report.where}) does not count: {report.problem}"
        ]
    if report.state is SignoffState.STALE and signoff is not None:
        head = (
            f"{role}: stale: {_signer(signoff)} signed on {signoff.signed_at.date()} "
            f"({report.where}), but the content changed since"
        )
        if report.changes is None:
            return [f"{head}; which records changed cannot be told: {report.changes_unknown}"]
        count = len(report.changes.keys)
        return [
            f"{head}: {count} record{'s' if count != 1 else ''}",
            *(f"  {line}" for line in _change_lines(report.changes, TEXT_CHANGE_LIMIT)),
        ]
    who = (
        f"held by {', '.join(report.holders)} in sra.yaml"
        if report.holders
        else "no one in sra.yaml `people` holds it"
    )
    return [
        f"{role}: missing: no sign-off by this role ({who}); sign with `sra signoff --role {role}`"
    ]


def verification_text(result: Verification) -> str:
    """The report a person reads: one line per role, changes indented, a verdict last."""
    lines = [f"content {result.digest} ({result.records} records)"]
    if result.load_errors:
        lines.append(
            f"note: {result.load_errors} error(s) found while loading (`sra validate`); "
            "values that failed validation count in the digest as written"
        )
    for report in result.roles:
        lines += _role_text(report)
    if not result.roles:
        lines.append("verified: sra.yaml requires no sign-off (`signoff.required_roles` is empty)")
    elif result.complete:
        lines.append("verified: every required role signed the current content")
    else:
        ok = sum(1 for report in result.roles if report.state is SignoffState.SIGNED)
        lines.append(
            f"not verified: {ok} of {len(result.roles)} required roles signed the current content"
        )
    return "\n".join(lines)


def _signoff_json(report: RoleReport) -> dict[str, Any] | None:
    signoff = report.signoff
    if signoff is None:
        return None
    return {
        "name": signoff.name,
        "email": signoff.email,
        "signed_at": signoff.signed_at.isoformat(),
        "digest": signoff.digest,
        "location": report.where,
        "key": report.key,
        "ssh_signed": bool(signoff.signature),
        "method": signoff.method.value if signoff.method else None,
        "web_user": signoff.web_user,
        "audit_entry": signoff.audit_entry,
        "attested": None if signoff.attested is None else signoff.attested.model_dump(mode="json"),
    }


def verification_json(result: Verification) -> str:
    """The report as JSON: per role its state, signer, problem and every change."""
    roles = []
    for report in result.roles:
        changes = report.changes
        roles.append(
            {
                "role": report.role,
                "state": report.state.value,
                "signoff": _signoff_json(report),
                "problem": report.problem,
                "changes": None
                if changes is None
                else {
                    "added": list(changes.added),
                    "removed": list(changes.removed),
                    "changed": list(changes.changed),
                },
                "changes_unknown": report.changes_unknown,
                "holders": list(report.holders),
            }
        )
    document = {
        "digest": result.digest,
        "records": result.records,
        "complete": result.complete,
        "load_errors": result.load_errors,
        "roles": roles,
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
