"""The app's URLs: each area's module under `web/views/` contributes its `urlpatterns`.

To add a page, write `web/views/<area>.py` with `urlpatterns` and add `<area>` to `AREAS`
(docs/web.md, "Developing").
"""

from __future__ import annotations

from importlib import import_module

from django.urls import URLPattern, URLResolver, include, path

AREAS: tuple[str, ...] = (
    "auth",
    "setup",
    "dashboard",
    "register",
    "inventory",
    "flows",
    "vendors",
    "controls",
    "assess",
    "findings",
    "report",
    "history",
    "edit_risk",
    "evidence",
    "waive",
    "signoff",
    "account",
    "users",
    "audit",
)
"""The modules of `hipaa_sra.web.views` whose `urlpatterns` are served, in order."""

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(import_module(f"hipaa_sra.web.views.{area}").urlpatterns)) for area in AREAS
]

handler403 = "hipaa_sra.web.views.errors.forbidden_default"
handler404 = "hipaa_sra.web.views.errors.not_found"
handler500 = "hipaa_sra.web.views.errors.server_error"
