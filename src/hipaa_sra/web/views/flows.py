"""Data flows: the ePHI surface map as a list, and one flow with its findings."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...analysis.finding_index import in_workspace
from .. import reading
from ..permissions import Permission, requires


@requires(Permission.READ)
def flows_view(request: HttpRequest) -> HttpResponse:
    """Every data flow, in the order written, 50 a page."""
    ws = reading.current_workspace(request).workspace
    page = reading.paged(request, ws.flows)
    return render(
        request,
        "web/flows/list.html",
        {"page": page, "assets": ws.asset_by_id, "vendors": ws.vendor_by_id},
    )


@requires(Permission.READ)
def flow_view(request: HttpRequest, flow_id: str) -> HttpResponse:
    """One flow: its ends, protocol, encryption and authentication, and its findings."""
    ws = reading.current_workspace(request).workspace
    flow = ws.flow_by_id.get(flow_id)
    if flow is None:
        raise Http404(f"no flow {flow_id}")
    return render(
        request,
        "web/flows/flow.html",
        {
            "flow": flow,
            "location": in_workspace(ws.locate(flow), ws.root),
            "assets": ws.asset_by_id,
            "vendors": ws.vendor_by_id,
            "findings": reading.findings(request).about(flow_id),
        },
    )


urlpatterns = [
    path("flows/", flows_view, name="flows"),
    path("flows/flow/<path:flow_id>", flow_view, name="flows-flow"),
]
