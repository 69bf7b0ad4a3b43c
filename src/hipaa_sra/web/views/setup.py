"""The first administrator (setup link), invitations, TOTP enrolment and backup codes."""

from __future__ import annotations

from django.contrib import auth, messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django_otp import login as otp_login

from .. import audit
from ..forms import EnrolForm, NewAccountForm
from ..links import LinkProblem, consume, find_link
from ..mfa import (
    BACKUP_CODES,
    confirm_totp,
    has_confirmed_totp,
    issue_backup_codes,
    pending_totp,
    qr_svg,
    secret_base32,
)
from ..models import Account, LinkPurpose
from ..permissions import Permission, before_mfa, is_verified, public, requires
from ..redirects import safe_next

BACKUP_SESSION_KEY = "sra_new_backup_codes"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refused(request: HttpRequest, problem: LinkProblem) -> HttpResponse:
    return render(
        request,
        "web/link_refused.html",
        {"problem": problem.value},
        status=410 if problem is not LinkProblem.UNKNOWN else 404,
    )


@public
def setup_view(request: HttpRequest, token: str) -> HttpResponse:
    """Create the first administrator from the link `sra serve` printed."""
    link = find_link(token, LinkPurpose.SETUP)
    if isinstance(link, LinkProblem):
        return _refused(request, link)
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            if not consume(link) or User.objects.filter(is_superuser=True).exists():
                return _refused(request, LinkProblem.USED)
            user = User.objects.create_user(
                data["username"], data.get("email") or "", data["password1"], is_superuser=True
            )
            Account.objects.create(user=user)
            audit.record(
                None,
                "user.created",
                object=f"user:{user.username}",
                actor=user.username,
                detail={"admin": True, "via": "setup link"},
            )
        auth.login(request, user, backend=MODEL_BACKEND)
        return redirect("mfa-enrol")
    return render(request, "web/setup.html", {"form": form, "first_admin": True})


@public
def invite_view(request: HttpRequest, token: str) -> HttpResponse:
    """An invited user chooses a password, then enrols TOTP."""
    link = find_link(token, LinkPurpose.INVITE)
    if isinstance(link, LinkProblem):
        return _refused(request, link)
    user = link.user
    if user is None:
        return _refused(request, LinkProblem.UNKNOWN)
    form = NewAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        resetting = user.has_usable_password()
        with transaction.atomic():
            if not consume(link):
                return _refused(request, LinkProblem.USED)
            if resetting and not user.is_active:
                return _refused(request, LinkProblem.UNKNOWN)  # deactivated since
            user.set_password(form.cleaned_data["password1"])
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
            audit.record(
                None,
                "user.password-reset" if resetting else "user.invitation-accepted",
                object=f"user:{user.username}",
                actor=user.username,
            )
        auth.login(request, user, backend=MODEL_BACKEND)
        return redirect("mfa-enrol")
    return render(request, "web/setup.html", {"form": form, "invited": user})


@before_mfa
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Add the authenticator app: QR code and secret, confirmed with its first code."""
    user = request.user
    if has_confirmed_totp(user):
        return HttpResponseRedirect(
            safe_next(request) if is_verified(user) else reverse("mfa-verify")
        )
    device = pending_totp(user)  # type: ignore[arg-type]
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if confirm_totp(device, form.cleaned_data["code"]):
            codes = issue_backup_codes(user)  # type: ignore[arg-type]
            request.session.cycle_key()
            otp_login(request, device)
            request.session[BACKUP_SESSION_KEY] = codes
            audit.record(request, "mfa.enrolled", object=f"user:{user.get_username()}")
            audit.record(request, "login", detail={"factor": "totp"})
            return redirect("backup-codes")
        form.add_error(
            "code",
            "That code does not match. Check the phone's clock, and type the code shown now.",
        )
    return render(
        request,
        "web/enrol.html",
        {
            "form": form,
            "qr": qr_svg(device),
            "secret": secret_base32(device),
        },
    )


@requires(Permission.READ)
def backup_codes_view(request: HttpRequest) -> HttpResponse:
    """The backup codes, shown once right after enrolment."""
    codes = request.session.pop(BACKUP_SESSION_KEY, None)
    if not codes:
        messages.info(
            request,
            "Backup codes are shown only once, right after enrolment. An "
            "administrator can reset your MFA to issue new ones.",
        )
        return redirect("dashboard")
    return render(request, "web/backup_codes.html", {"codes": codes, "count": BACKUP_CODES})


urlpatterns = [
    path("setup/<str:token>/", setup_view, name="setup"),
    path("invite/<str:token>/", invite_view, name="invite"),
    path("mfa/enrol/", enrol_view, name="mfa-enrol"),
    path("mfa/backup-codes/", backup_codes_view, name="backup-codes"),
]
