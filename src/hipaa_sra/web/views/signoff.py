"""Sign-off: where every required role stands, and signing in the browser after MFA.

Signing writes the same record as `sra signoff` (`signoff.sign_workspace`), with `method:
web-mfa`, the account, and the hash of the audit trail entry of the re-authentication
(password and TOTP) the signer passed within the last five minutes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode

from ...analysis.digest import workspace_digest
from ...analysis.signoff_status import required_roles
from ...editing import Commit
from ...editing.vcs import commit_files
from ...errors import SraError
from ...loading import load_workspace
from ...model.signoffs import SignoffMethod
from ...signoff import (
    DEFAULT_STATEMENT,
    SignoffRequest,
    attest,
    attestation_text,
    sign_workspace,
    verify_workspace,
)
from .. import audit
from ..edits import signed_in_person, workspace_root
from ..models import AuditEntry
from ..permissions import Permission, requires, user_permissions
from ..redirects import NEXT
from ..workspace import current_workspace, today
from .auth import REAUTH_MINUTES, reauthenticated_within


class SignForm(forms.Form):
    """The role, the statement, and (when errors are open) why they are accepted."""

    digest = forms.CharField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label="Sign as")
    statement = forms.CharField(
        label="Statement", widget=forms.Textarea(attrs={"rows": 3}), initial=DEFAULT_STATEMENT
    )
    accept_findings = forms.CharField(
        label="Why sign with errors open",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Errors are open (listed above). Signing over them attests that the analysis "
        "is acceptable with them open; the reason and the errors are recorded.",
    )


@requires(Permission.READ)
def signoff_view(request: HttpRequest) -> HttpResponse:
    """The current digest, each required role's state, and the way to sign."""
    version = current_workspace(request)
    as_of = today(request)
    verification = version.derived("verification", verify_workspace)
    attestation = version.derived(("attestation", as_of), lambda ws: attest(ws, as_of))
    return render(
        request,
        "web/signoff.html",
        {
            "verification": verification,
            "summary": attestation_text(attestation),
            "may_sign": Permission.SIGN in user_permissions(request),
        },
    )


def reauth_entry(request: HttpRequest) -> AuditEntry | None:
    """The audit entry of the user's latest re-authentication."""
    return (
        AuditEntry.objects.filter(actor=request.user.get_username(), action="reauthenticated")
        .order_by("-seq")
        .first()
    )


@requires(Permission.SIGN)
def sign_view(request: HttpRequest) -> HttpResponse:
    """Sign the SRA as the signed-in person, after password and TOTP within five minutes."""
    if not reauthenticated_within(request, REAUTH_MINUTES):
        return HttpResponseRedirect(f"{reverse('reauth')}?{urlencode({NEXT: request.path})}")
    person = signed_in_person(request)
    ws = load_workspace(workspace_root())  # the content signed is read now, not from a cache
    as_of = today(request)
    digest = workspace_digest(ws)
    attestation = attest(ws, as_of)
    roles = [role for role in required_roles(ws) if person is not None and role in person.roles]
    form = SignForm(request.POST or None, initial={"digest": digest})
    form.fields["role"].choices = [(role, role) for role in roles]  # type: ignore[attr-defined]
    open_errors = attestation.attested.errors
    if not open_errors:
        del form.fields["accept_findings"]
    context: dict[str, Any] = {
        "form": form,
        "digest": digest,
        "as_of": as_of,
        "summary": attestation_text(attestation),
        "person": person,
        "reauth_minutes": REAUTH_MINUTES,
    }
    if request.method == "POST" and form.is_valid() and person is not None:
        data = form.cleaned_data
        if data["digest"] != digest:
            context["changed"] = True
            form = SignForm({**request.POST.dict(), "digest": digest})
            form.fields["role"].choices = [(r, r) for r in roles]  # type: ignore[attr-defined]
            if not open_errors:
                del form.fields["accept_findings"]
            form.is_valid()
            context["form"] = form
        elif open_errors and not (data.get("accept_findings") or "").strip():
            form.add_error(
                "accept_findings", "Errors are open: say why you sign over them, or fix them first."
            )
        else:
            done = _sign(request, ws, person, data)
            if isinstance(done, str):
                context["problems"] = (done,)
            else:
                return done
    return render(request, "web/sign.html", context)


def _sign(request: HttpRequest, ws: Any, person: Any, data: dict[str, Any]) -> HttpResponse | str:
    entry = reauth_entry(request)
    if entry is None:
        return "No re-authentication is recorded in the audit trail; confirm it is you again."
    username = request.user.get_username()
    signed = SignoffRequest(
        role=data["role"],
        name=person.name or person.id,
        email=person.email or "",
        signed_at=datetime.now(UTC).replace(microsecond=0),
        statement=data["statement"],
        today=today(request),
        accept_findings=(data.get("accept_findings") or "").strip() or None,
        method=SignoffMethod.WEB_MFA,
        web_user=username,
        audit_entry=entry.entry_hash,
    )
    try:
        # Linted again with the reason given, over the very content whose digest was shown.
        written = sign_workspace(ws, signed)
    except SraError as exc:
        return str(exc)
    root = workspace_root().absolute()
    sha, note = commit_files(
        root,
        (written.path, written.objects),
        Commit(signed.name, signed.email, f"sra: sign-off by {signed.name} as {signed.role}"),
        [f"add {written.path.relative_to(root).as_posix()}"],
    )
    audit.record(
        request,
        "signoff",
        object=f"signoff:{signed.role}",
        detail={
            "digest": written.signoff.digest,
            "file": written.path.relative_to(root).as_posix(),
            "commit": sha,
            "reauthentication": entry.entry_hash,
            "method": "web-mfa",
        },
    )
    messages.success(
        request,
        f"Signed as {signed.role} for {written.signoff.digest}. {note[:1].upper()}{note[1:]}.",
    )
    return HttpResponseRedirect(reverse("signoff"))


urlpatterns = [
    path("signoff/", signoff_view, name="signoff"),
    path("signoff/sign/", sign_view, name="signoff-sign"),
]
