"""`sra signoff` and `sra verify`: sign the current content, and check who has signed it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..formats.terminal import inert
from ..loading import load_workspace
from ..signoff import (
    DEFAULT_STATEMENT,
    OpenFindings,
    SignoffRequest,
    attest,
    attestation_text,
    check_request,
    sign_workspace,
    verification_json,
    verification_text,
    verify_workspace,
)
from .common import format_option, today_option, workspace_option


def _text(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split()) if param.name != "statement" else value.strip()
    if not value and param.name != "statement":
        raise click.BadParameter("must not be blank")
    return value


def _moment(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime:
    """`--now`, or the clock: the only place sign-off reads the time."""
    if value is None:
        return datetime.now().astimezone().replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{value!r} has no zone; add one, e.g. {value}+00:00")
    return moment


@click.command("signoff")
@workspace_option
@click.option(
    "--role",
    required=True,
    callback=_text,
    help="The role you sign for, e.g. compliance-officer or engineering-owner.",
)
@click.option("--name", required=True, callback=_text, help="Your name, as in sra.yaml `people`.")
@click.option(
    "--email",
    required=True,
    callback=_text,
    help="Your email; with --ssh-key, the identity in the allowed-signers file.",
)
@click.option(
    "--ssh-key",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Sign with this SSH key (private key, or public key held by ssh-agent).",
)
@click.option(
    "--statement",
    callback=_text,
    default=DEFAULT_STATEMENT,
    help="What you attest to (default: a review-and-accept statement).",
)
@click.option(
    "--accept-findings",
    "accept",
    callback=_text,
    metavar="REASON",
    help="Sign although errors are open, saying why; the reason and the open errors "
    "are recorded in the sign-off.",
)
@today_option
@click.option(
    "--now",
    callback=_moment,
    metavar="ISO8601",
    help="Sign as of this date-time with zone instead of the clock (for tests).",
)
def signoff_command(
    workspace: Path | None,
    role: str,
    name: str,
    email: str,
    ssh_key: Path | None,
    statement: str,
    accept: str | None,
    today: datetime | None,
    now: datetime,
) -> None:
    """Sign the current content of the workspace in a role.

    Prints the lint summary the signer attests to (counts by severity, and
    each open error's rule and record; the sign-off rules are left out) and
    records it in the sign-off. Writes a new file in signoffs/ (never
    overwriting one) recording who signed, in which role, when, what lint
    said, and the digest of the content, plus a file of per-record digests
    so `sra verify` can later name what changed. With --ssh-key the record
    carries an SSH signature (`ssh-keygen -Y sign`, namespace hipaa-sra)
    over all of it, required when sra.yaml names `signoff.allowed_signers`.

    Refuses with exit 1 while errors are open, unless --accept-findings
    gives the reason to sign anyway. Refuses with exit 2 when a file cannot
    be read or parsed, the role is unknown, or the signer does not hold the
    role in sra.yaml `people`. Never reads the lint cache.

    Example:

    \b
        sra signoff --role compliance-officer --name "Alice Reyes" \\
            --email alice@example.com --ssh-key ~/.ssh/id_ed25519
    """
    # Never from the cache: what is signed must be what is on disk, byte for byte.
    ws = load_workspace(workspace, use_cache=False)
    request = SignoffRequest(
        role,
        name,
        email,
        now,
        statement or None,
        ssh_key,
        today=today.date() if today is not None else None,
        accept_findings=accept,
    )
    notes = check_request(ws, request)
    attestation = attest(ws, request.lint_date, accept)
    click.echo(inert(attestation_text(attestation)))
    try:
        written = sign_workspace(ws, request, attestation)
    except OpenFindings as exc:
        click.echo(f"sra: not signed: {inert(str(exc))}", err=True)
        raise SystemExit(1) from None
    if accept and attestation.attested.accepted is None:
        notes += (
            "no error was open, so --accept-findings had nothing to accept and is not recorded",
        )
    for note in dict.fromkeys((*notes, *written.notes)):
        click.echo(f"sra: note: {inert(note)}", err=True)
    signed = " with an SSH signature" if written.signoff.signature else ""
    click.echo(f"Signed {written.signoff.digest} as {role}{signed}: {written.path}")
    click.echo(
        f"Commit {written.path.name} and {written.objects.name} in "
        f"{written.path.parent}/; check with `sra verify`."
    )


@click.command("verify")
@workspace_option
@format_option(["text", "json"])
def verify_command(workspace: Path | None, fmt: str) -> None:
    """Check that every required role signed the current content.

    Exits 0 only when each role in sra.yaml `signoff.required_roles` has a
    sign-off that counts for the content as it is now; otherwise 1, saying
    whose sign-off is missing, whose signature does not hold, and for a stale
    sign-off exactly which records were added, removed or changed since. The
    lint rule signoff-missing (SRA502) reaches the same verdict. A file that
    cannot be read or parsed exits 2: such a workspace is never verified.
    Never reads the lint cache.

    Example:

    \b
        sra verify
        sra verify --format json
    """
    # Never from the cache: a forged or stale entry must not vouch for the content.
    result = verify_workspace(load_workspace(workspace, use_cache=False))
    # Names and messages come from the workspace: no escape sequence reaches the terminal.
    click.echo(verification_json(result) if fmt == "json" else inert(verification_text(result)))
    if not result.complete:
        raise SystemExit(1)
