"""The dashboard: the workspace at a glance."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...findings import Severity
from ..permissions import Permission, requires
from ..workspace import current_workspace, today


@requires(Permission.READ)
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Title, date and the lint summary of the current workspace."""
    version = current_workspace(request)
    as_of = today(request)
    report = version.lint(as_of)
    summary = report.summary()
    counts = [(severity.value, summary[severity.value]) for severity in Severity]
    return render(request, "web/dashboard.html", {
        "title": version.title, "today": as_of, "counts": counts,
        "waived": summary["waived"], "total": len(report.findings),
    })  # fmt: skip


urlpatterns = [
    path("", dashboard_view, name="dashboard"),
]
