"""The signed-in user's own account: change the password, replace the backup codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from .. import audit
from ..forms import CodeForm
from ..mfa import issue_backup_codes, verify_totp
from ..permissions import Permission, requires
from .setup import BACKUP_SESSION_KEY


@requires(Permission.READ)
def account_view(request: HttpRequest) -> HttpResponse:
    """The password form and the backup-codes form."""
    form = PasswordChangeForm(request.user, request.POST or None)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay signed in here; other sessions end
        audit.record(request, "user.password-changed", object=f"user:{user.get_username()}")
        messages.success(request, "Your password was changed.")
        return redirect("account")
    return render(request, "web/account.html", {"form": form, "codes_form": CodeForm()})


@requires(Permission.READ)
@require_POST
def new_backup_codes_view(request: HttpRequest) -> HttpResponse:
    """Replace the backup codes, after a current code from the authenticator app."""
    form = CodeForm(request.POST)
    user = request.user
    device = verify_totp(user, form.cleaned_data["code"]) if form.is_valid() else None  # type: ignore[arg-type]
    if device is None:
        audit.record(request, "mfa.backup-codes-refused")
        messages.error(
            request,
            "Enter the current code from your authenticator app (not a "
            "backup code) to replace your backup codes.",
        )
        return redirect("account")
    request.session[BACKUP_SESSION_KEY] = issue_backup_codes(request.user)  # type: ignore[arg-type]
    audit.record(request, "mfa.backup-codes-replaced", object=f"user:{request.user.get_username()}")
    return redirect("backup-codes")


urlpatterns = [
    path("account/", account_view, name="account"),
    path("account/backup-codes/", new_backup_codes_view, name="account-backup-codes"),
]
