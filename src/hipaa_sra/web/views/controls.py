"""Controls: every safeguard with the state and freshness of its evidence; one control."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...analysis.finding_index import in_workspace
from ...analysis.standing import evidence_freshness
from .. import reading
from ..permissions import Permission, requires


@requires(Permission.READ)
def controls_view(request: HttpRequest) -> HttpResponse:
    """Every control, 50 a page, with its latest verification and whether it is current."""
    ws, today = reading.current_workspace(request).workspace, reading.today(request)
    facts = reading.facts(request)
    page = reading.paged(request, ws.controls)
    rows = []
    for control in page:
        status = facts.control_status(control)
        rows.append((control, status, evidence_freshness(status, today)))
    return render(request, "web/controls/list.html", {"page": page, "rows": rows})


@requires(Permission.READ)
def control_view(request: HttpRequest, control_id: str) -> HttpResponse:
    """One control: citations, assets, cadence, every evidence entry, freshness, findings."""
    ws, today = reading.current_workspace(request).workspace, reading.today(request)
    control = ws.control_by_id.get(control_id)
    if control is None:
        raise Http404(f"no control {control_id}")
    status = reading.facts(request).control_status(control)
    return render(
        request,
        "web/controls/control.html",
        {
            "control": control,
            "status": status,
            "freshness": evidence_freshness(status, today),
            "location": in_workspace(ws.locate(control), ws.root),
            "assets": ws.asset_by_id,
            "findings": reading.findings(request).about(control_id),
        },
    )


urlpatterns = [
    path("controls/", controls_view, name="controls"),
    path("controls/control/<path:control_id>", control_view, name="controls-control"),
]
