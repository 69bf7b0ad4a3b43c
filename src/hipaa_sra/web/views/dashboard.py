"""The dashboard: the workspace at a glance, every figure from the library, once per version."""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...analysis.ocr import ocr_elements
from ...analysis.standing import (
    EXPIRY_WINDOW_DAYS,
    expiring_baas,
    overdue_remediation,
    upcoming_events,
)
from ...findings import Severity
from ...git import GitError
from ...history import open_repository
from .. import reading
from ..permissions import Permission, requires

TOP_RISKS = 10
"""Highest residual risks the dashboard lists."""
LISTED = 10
"""Overdue items, expiring BAAs and upcoming events listed (with the total)."""


def _in_git(root: Path) -> bool:
    try:
        open_repository(root)
    except GitError:
        return False
    return True


@requires(Permission.READ)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Lint by family, OCR elements, sign-off, top risks, overdue work, BAAs, next events."""
    version, day = reading.version_and_day(request)
    report = version.lint(day)
    summary = version.derived(("lint-summary", day), lambda ws: report.summary())
    verification = reading.verification(request)
    facts = reading.facts(request)
    elements = version.derived(
        ("ocr", day), lambda ws: ocr_elements(ws, day, facts, verification.digest)
    )
    overdue = version.derived(("overdue", day), lambda ws: overdue_remediation(ws, day))
    expiring = version.derived(("expiring-baas", day), lambda ws: expiring_baas(ws, day))
    events = version.derived(("upcoming", day), lambda ws: upcoming_events(ws, day, LISTED, facts))
    in_git = version.derived("in-git", lambda ws: _in_git(ws.root))
    return render(
        request,
        "web/dashboard.html",
        {
            "title": version.title,
            "today": day,
            "in_git": in_git,
            "counts": [(severity.value, summary[severity.value]) for severity in Severity],
            "waived": summary["waived"],
            "total": len(report.findings),
            "families": reading.findings(request).families,
            "severities": list(Severity),
            "elements": elements,
            "verification": verification,
            "top": reading.register(request).rows[:TOP_RISKS],
            "overdue": overdue[:LISTED],
            "overdue_total": len(overdue),
            "expiring": expiring[:LISTED],
            "expiring_total": len(expiring),
            "window": EXPIRY_WINDOW_DAYS,
            "events": events,
        },
    )


urlpatterns = [
    path("", dashboard_view, name="dashboard"),
]
