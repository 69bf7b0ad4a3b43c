"""Logins, failed logins, logouts and lockouts recorded in the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from . import audit
from .middleware.session import LOGIN_AT, now


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None:
        request.session[LOGIN_AT] = now().timestamp()
        request.user = user
    audit.record(request if request is not None else user, "login.password")


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and request is not None:
        audit.record(request, "logout", actor=user.get_username())


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit.record(
        request,
        "login.failed",
        actor=str(credentials.get("username", ""))[:150],
        detail={"step": "password"},
    )


def _locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    audit.record(request, "login.locked-out", actor=str(username or "")[:150])


def connect() -> None:
    """Connect the receivers (from the app's `ready`)."""
    from axes.signals import user_locked_out

    user_logged_in.connect(_logged_in, dispatch_uid="sra_web.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="sra_web.logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="sra_web.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="sra_web.locked_out")
