"""Refusals rendered as pages: 403, 404, CSRF failure."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, permission: str) -> HttpResponse:
    """403 saying which permission (a `Permission` value) the page needs and how one gets it."""
    return render(request, "web/403.html", {"permission": str(permission)}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form posted without a valid CSRF token (often: an expired page)."""
    return render(request, "web/csrf.html", {}, status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """404 in the app's layout."""
    return render(request, "web/404.html", {}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in the app's layout, without details."""
    return render(request, "web/500.html", {}, status=500)


def forbidden_default(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """403 raised by Django itself (PermissionDenied)."""
    return render(request, "web/403.html", {}, status=403)
