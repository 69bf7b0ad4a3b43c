"""Automatic logoff (164.312(a)(2)(iii)) and the second factor required before anything else.

A session ends after `idle_timeout` without a request (15 minutes) and `absolute_timeout`
after login (12 hours), however active. A user signed in by password who has no confirmed
TOTP device is sent to enrol one; one who has a device, to enter its code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve, reverse

from ..permissions import Access, access_of, is_verified, to_login

LOGIN_AT = "sra_login_at"
LAST_SEEN = "sra_last_seen"

RECORD_EVERY_SECONDS = 15.0
"""Activity is written to the session at most this often (sooner for short idle limits)."""


def now() -> datetime:
    """The time the timeouts measure against (one place, so tests can pin it)."""
    return datetime.now(UTC)


class SessionTimeoutMiddleware:
    """Ends idle and over-long sessions, and records why in the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        """Log out an expired session before the view runs; note this request's time."""
        from ..app import current_config

        if request.user.is_authenticated:
            config = current_config()
            moment = now().timestamp()
            session = request.session
            login_at = float(session.get(LOGIN_AT, moment))
            last_seen = float(session.get(LAST_SEEN, moment))
            reason = None
            if moment - login_at > config.absolute_timeout.total_seconds():
                reason = "absolute"
            elif moment - last_seen > config.idle_timeout.total_seconds():
                reason = "idle"
            if reason is not None:
                from .. import audit

                audit.record(request, "session.expired", detail={"reason": reason})
                auth.logout(request)
                messages.info(
                    request,
                    f"Your session ended after {_duration(config.idle_timeout)} without activity."
                    if reason == "idle"
                    else "Your session ended "
                    f"{_duration(config.absolute_timeout)} after you signed in.",
                )
                return to_login(request)
            session.setdefault(LOGIN_AT, moment)
            # Saving the session on every request would make each page a database write;
            # recording activity every few seconds at most can end a session that much early,
            # never late.
            step = min(RECORD_EVERY_SECONDS, config.idle_timeout.total_seconds() / 20)
            if LAST_SEEN not in session or moment - last_seen >= step:
                session[LAST_SEEN] = moment
        return self.get_response(request)


def _duration(span: timedelta) -> str:
    """`15 minutes`, `12 hours`, `5 seconds`: a timeout as messages name it."""
    seconds = int(span.total_seconds())
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


class MfaEnrolmentMiddleware:
    """Sends a password-only session to enrol TOTP or enter its code before any other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Redirect to the second-factor page unless the view is open before MFA."""
        user = request.user
        if user.is_authenticated and not is_verified(user):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            if access_of(match.func) not in (Access.PUBLIC, Access.BEFORE_MFA):
                from ..mfa import has_confirmed_totp

                target = "mfa-verify" if has_confirmed_totp(user) else "mfa-enrol"
                return HttpResponseRedirect(reverse(target))
        return self.get_response(request)
