"""Make a sign-off: check who signs what, sign it (optionally with SSH), write it atomically.

`sra signoff` refuses rather than write a record that `sra verify` would not count. Who may
sign a role is decided by sra.yaml `people` (`analysis.signers`): when people are listed,
the signer must be one of the role's holders. The record carries what the signer saw (the
lint summary, `attest`), and errors open at signing need an explicit, recorded acceptance.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..analysis.digest import digest_of, object_digests
from ..analysis.signers import people, signer_problem
from ..analysis.signoff_status import (
    allowed_signers_path,
    canonical_digest,
    check_signoff,
    required_roles,
    signed_payload,
)
from ..errors import TargetExists, WriteError
from ..loading import parse_yaml
from ..model import Signoff, Workspace
from ..model.schema import schema_file_name
from ..model.signoffs import Attested, SignoffMethod
from ..ssh.signatures import sign_payload
from ..writing import write_new
from ..writing.scaffold import SCHEMA_DIR
from .attest import Attestation, attest, check_accepted
from .objects import objects_file_name, signoffs_dir, write_objects

DEFAULT_STATEMENT = (
    "I have reviewed this security risk analysis and attest that it is the organization's "
    "current assessment of the risks to ePHI."
)
"""What a signer attests to unless they say otherwise (`--statement`)."""
_MAX_SUFFIX = 100


@dataclass(frozen=True)
class SignoffRequest:
    """Who signs, in which role, when, and with which key."""

    role: str
    name: str
    email: str
    signed_at: datetime
    statement: str | None = DEFAULT_STATEMENT
    ssh_key: Path | None = None
    today: date | None = None
    """The date the rules measure against; default the date of `signed_at`."""
    accept_findings: str | None = None
    """Why to sign although errors are open (`--accept-findings`); recorded in the sign-off."""
    method: SignoffMethod | None = None
    """How the signer was authenticated: None for `sra signoff`, `web-mfa` for the web app."""
    web_user: str | None = None
    """The web app account that signs (`web-mfa`)."""
    audit_entry: str | None = None
    """Hash of the audit trail entry of the signer's re-authentication (`web-mfa`)."""

    @property
    def lint_date(self) -> date:
        """`today`, else the signer's calendar date."""
        return self.today if self.today is not None else self.signed_at.date()


@dataclass(frozen=True)
class Written:
    """What `sign_workspace` wrote."""

    path: Path
    objects: Path
    signoff: Signoff
    notes: tuple[str, ...] = ()
    """Warnings for the signer (e.g. no `people` to check the role against)."""


def check_signer(
    ws: Workspace, role: str, name: str, email: str, *, keyed: bool = False
) -> tuple[str, ...]:
    """Refuse an unknown role or a signer who does not hold it; return notes for the signer.

    `keyed`: the sign-off will carry an SSH signature, so the holder must match by email.
    """
    known = dict.fromkeys((*required_roles(ws), *(r for p in people(ws) for r in p.roles)))
    if role not in known:
        roles = ", ".join(known) or "none"
        raise WriteError(
            f"unknown role `{role}`; the roles in sra.yaml (`signoff.required_roles` and "
            f"`people[].roles`) are: {roles}"
        )
    problem = signer_problem(ws, role, name, email, keyed=keyed)
    if problem is not None:
        raise WriteError(
            f"{problem}; sign as a holder of the role, or give the signer the "
            "role in sra.yaml `people` first"
        )
    if not people(ws):
        return (f"sra.yaml lists no `people`, so whether {name} holds `{role}` was not checked",)
    return ()


def _check_policy(ws: Workspace, ssh_key: Path | None) -> None:
    configured = ws.manifest.signoff.allowed_signers if ws.manifest is not None else None
    if ssh_key is not None and not configured:
        raise WriteError(
            "sra.yaml names no allowed-signers file (`signoff.allowed_signers`), so an SSH "
            "signature could not be verified and the sign-off would not count; add one, or "
            "sign without --ssh-key"
        )
    if ssh_key is None and configured:
        raise WriteError(
            f"sra.yaml requires SSH-signed sign-offs (`signoff.allowed_signers: {configured}`); "
            "pass --ssh-key with a key listed there for your email"
        )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "role"


def _quote(value: str, ascii_only: bool) -> str:
    # A JSON string is a YAML double-quoted scalar: every special character stays literal.
    return json.dumps(value, ensure_ascii=ascii_only)


def render_record(signoff: Signoff, header: str = "", *, ascii_only: bool = False) -> str:
    """The YAML of a sign-off file: a one-element list, every value quoted, signature as a block."""
    lines = [header] if header else []
    lines.append(
        "# Written by `sra signoff`. The digest (and the signature) cover these values; "
        "editing them voids the sign-off."
    )
    lines += [
        f"- role: {_quote(signoff.role, ascii_only)}",
        f"  name: {_quote(signoff.name, ascii_only)}",
        f"  email: {_quote(signoff.email, ascii_only)}",
        f"  signed_at: {signoff.signed_at.isoformat()}",
    ]
    optional = (
        ("digest", signoff.digest),
        ("objects", signoff.objects),
        ("statement", signoff.statement),
        ("key", signoff.key),
        ("method", signoff.method.value if signoff.method else None),
        ("web_user", signoff.web_user),
        ("audit_entry", signoff.audit_entry),
    )
    lines += [f"  {key}: {_quote(value, ascii_only)}" for key, value in optional if value]
    if signoff.attested is not None:
        lines += _attested_lines(signoff.attested, ascii_only)
    if signoff.signature:
        lines.append("  signature: |")
        lines += [f"    {line}" for line in signoff.signature.strip().splitlines()]
    return "\n".join(lines) + "\n"


def _attested_lines(attested: Attested, ascii_only: bool) -> list[str]:
    lines = ["  attested:", f"    today: {attested.today.isoformat()}"]
    lines += [
        f"    {key}: {value}"
        for key, value in (
            ("errors", attested.errors),
            ("warnings", attested.warnings),
            ("info", attested.info),
            ("waived", attested.waived),
        )
    ]
    if attested.open_errors:
        lines.append("    open_errors:")
        for item in attested.open_errors:
            oid = f", object: {_quote(item.object, ascii_only)}" if item.object else ""
            lines.append(f"      - {{rule: {_quote(item.rule, ascii_only)}{oid}}}")
    if attested.accepted:
        lines.append(f"    accepted: {_quote(attested.accepted, ascii_only)}")
    return lines


def _record_text(signoff: Signoff, header: str, name: str) -> bytes:
    """Rendered and read back: what is written must load as exactly this record."""
    for ascii_only in (False, True):
        text = render_record(signoff, header, ascii_only=ascii_only)
        value = parse_yaml(text.encode("utf-8"), name)
        if isinstance(value, list) and len(value) == 1:
            try:
                if Signoff.model_validate(value[0]).model_dump() == signoff.model_dump():
                    return text.encode("utf-8")
            except ValueError:
                pass
    raise WriteError(f"{name}: the sign-off does not read back as written; not writing it")


def _header(ws: Workspace) -> str:
    schema = f"{SCHEMA_DIR}/{schema_file_name('signoffs')}"
    if (ws.root / schema).is_file():
        return f"# yaml-language-server: $schema=../{schema}"
    return ""


def _write_record(folder: Path, stem: str, data: bytes) -> Path:
    for suffix in range(1, _MAX_SUFFIX + 1):
        path = folder / (f"{stem}.yaml" if suffix == 1 else f"{stem}-{suffix}.yaml")
        if path.exists():
            continue
        try:
            write_new(path, data)
            return path
        except TargetExists:
            continue  # someone took the name meanwhile: try the next
    raise WriteError(f"{folder}/{stem}.yaml: {_MAX_SUFFIX} sign-offs of that name exist already")


def check_request(ws: Workspace, request: SignoffRequest) -> tuple[str, ...]:
    """Everything `sign_workspace` refuses before it lints or signs; notes for the signer."""
    notes = check_signer(
        ws, request.role, request.name, request.email, keyed=allowed_signers_path(ws) is not None
    )
    _check_policy(ws, request.ssh_key)
    return notes


def sign_workspace(
    ws: Workspace, request: SignoffRequest, attestation: Attestation | None = None
) -> Written:
    """Sign the workspace's current content as `request` says; write the record and its objects.

    `attestation` is what the signer was shown (`attest`); it is computed when not given.
    Raises `OpenFindings` when errors are open and `request.accept_findings` is not set.
    """
    notes = check_request(ws, request)
    if attestation is None:
        attestation = attest(ws, request.lint_date, request.accept_findings)
    check_accepted(attestation.attested)
    digests = object_digests(ws)
    digest = canonical_digest(digest_of(digests))
    signoff = Signoff(
        role=request.role,
        name=request.name,
        email=request.email,
        signed_at=request.signed_at,
        digest=digest,
        statement=request.statement or None,
        objects=objects_file_name(digest),
        attested=attestation.attested,
        method=request.method,
        web_user=request.web_user,
        audit_entry=request.audit_entry,
    )
    if request.ssh_key is not None:
        signature = sign_payload(signed_payload(signoff), request.ssh_key)
        signoff = signoff.model_copy(update={"signature": signature})
        # Verified before anything is written: a key missing from allowed_signers for this
        # email, or shared with another person, is found now, not at the next `sra verify`.
        verdict = check_signoff(ws, signoff)
        if not verdict.valid:
            raise WriteError(
                f"the new signature does not verify, so it would not count: {verdict.problem}"
            )
        signoff = signoff.model_copy(update={"key": verdict.key})
    folder = signoffs_dir(ws)
    stem = f"{request.signed_at.date().isoformat()}-{_slug(request.role)}-{digest[7:15]}"
    data = _record_text(signoff, _header(ws), f"signoffs/{stem}.yaml")
    objects = write_objects(ws, digest, digests)
    path = _write_record(folder, stem, data)
    return Written(path, objects, signoff, notes)
