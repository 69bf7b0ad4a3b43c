"""Sign in (password, then TOTP or a backup code), sign out, re-authenticate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib import auth, messages
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from .. import audit
from ..forms import CodeForm, ReauthForm
from ..mfa import has_confirmed_totp, verify_code
from ..models import Account
from ..permissions import Permission, before_mfa, is_verified, public, requires
from ..redirects import NEXT, safe_next

REAUTH_MINUTES = 5


@public
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one: user name and password."""
    if request.user.is_authenticated and is_verified(request.user):
        return HttpResponseRedirect(safe_next(request))
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth.login(request, form.get_user())
        target = reverse("mfa-verify" if has_confirmed_totp(form.get_user()) else "mfa-enrol")
        following = safe_next(request)
        return HttpResponseRedirect(f"{target}?{urlencode({NEXT: following})}")
    return render(request, "web/login.html", {"form": form, "next": safe_next(request)})


@before_mfa
def verify_view(request: HttpRequest) -> HttpResponse:
    """Step two: the authenticator code, or a one-time backup code."""
    user = request.user
    if is_verified(user):
        return HttpResponseRedirect(safe_next(request))
    if not has_confirmed_totp(user):
        return redirect("mfa-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = verify_code(user, form.cleaned_data["code"])  # type: ignore[arg-type]
        if device is not None:
            request.session.cycle_key()
            otp_login(request, device)
            backup = isinstance(device, StaticDevice)
            audit.record(request, "login", detail={"factor": "backup-code" if backup else "totp"})
            if backup:
                left = device.token_set.count()
                messages.warning(
                    request, f"You signed in with a backup code; {left} left. Each works once."
                )
            return HttpResponseRedirect(safe_next(request))
        audit.record(request, "login.failed", detail={"step": "second-factor"})
        form.add_error(
            "code",
            "That code is not valid. Codes change every 30 seconds; a backup code works once.",
        )
    return render(request, "web/verify.html", {"form": form, "next": safe_next(request)})


@public
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, with CSRF, so a link on another site cannot sign anyone out)."""
    auth.logout(request)
    messages.info(request, "You are signed out.")
    return redirect("login")


def reauthenticated_within(request: HttpRequest, minutes: int = REAUTH_MINUTES) -> bool:
    """Whether the user re-entered password and code within the last `minutes`."""
    account = Account.objects.filter(user_id=request.user.pk).first()
    if account is None or account.reauthenticated_at is None:
        return False
    return bool(datetime.now(UTC) - account.reauthenticated_at <= timedelta(minutes=minutes))


@requires(Permission.READ)
def reauth_view(request: HttpRequest) -> HttpResponse:
    """Prove again who is at the keyboard (password and code), then go on to `next`."""
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        # Through authenticate, so django-axes counts a wrong password here like at login.
        checked = auth.authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        password_ok = checked is not None and checked.pk == user.pk
        device = verify_code(user, form.cleaned_data["code"]) if password_ok else None  # type: ignore[arg-type]
        if device is not None:
            Account.objects.update_or_create(
                user=user, defaults={"reauthenticated_at": datetime.now(UTC)}
            )
            audit.record(request, "reauthenticated")
            return HttpResponseRedirect(safe_next(request))
        audit.record(request, "reauthentication.failed")
        form.add_error(None, "The password or the code is not right.")
    return render(request, "web/reauth.html", {"form": form, "next": safe_next(request)})


urlpatterns = [
    path("login/", login_view, name="login"),
    path("login/code/", verify_view, name="mfa-verify"),
    path("logout/", logout_view, name="logout"),
    path("reauthenticate/", reauth_view, name="reauth"),
]
