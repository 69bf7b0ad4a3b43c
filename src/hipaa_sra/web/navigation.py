"""The pages in the navigation, in order, and the template context that lists them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from ..errors import WorkspaceError
from .permissions import Permission, user_permissions

PAGES: tuple[tuple[str, str, Permission], ...] = (
    ("Dashboard", "dashboard", Permission.READ),
    ("Register", "register", Permission.READ),
    ("Inventory", "inventory", Permission.READ),
    ("Flows", "flows", Permission.READ),
    ("Vendors", "vendors", Permission.READ),
    ("Controls", "controls", Permission.READ),
    ("Questionnaire", "assess", Permission.READ),
    ("Findings", "findings", Permission.READ),
    ("Report", "report", Permission.READ),
    ("History", "history", Permission.READ),
    ("Sign-off", "signoff", Permission.READ),
    ("Audit", "audit", Permission.ADMIN),
    ("Users", "users", Permission.ADMIN),
)
"""(label, URL name, permission to see it): a page shows once its URL name exists."""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`nav`: the pages this user may open, each with its URL and whether it is current."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"nav": []}
    try:
        granted = user_permissions(request)
    except WorkspaceError:
        return {"nav": []}  # the page explaining why the workspace does not load
    current = request.resolver_match.url_name if request.resolver_match else None
    nav = []
    for label, name, permission in PAGES:
        if permission not in granted:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        nav.append(
            {
                "label": label,
                "url": url,
                "current": current == name or (current or "").startswith(name + "-"),
            }
        )
    return {"nav": nav, "permissions": {p.value for p in granted}}
