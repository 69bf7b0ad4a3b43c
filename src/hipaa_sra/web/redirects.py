"""Where to go after a form: only to this app (no open redirects)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

NEXT = "next"


def safe_next(request: HttpRequest, default: str = "dashboard") -> str:
    """The `next` parameter when it points into this app, else the URL named `default`."""
    target = request.POST.get(NEXT) or request.GET.get(NEXT) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)
