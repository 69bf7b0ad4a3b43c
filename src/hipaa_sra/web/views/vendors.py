"""Vendors: every third party with its BAA dates and where the BAA stands; one vendor."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...analysis.finding_index import in_workspace
from ...analysis.standing import EXPIRY_WINDOW_DAYS, baa_state
from .. import reading
from ..permissions import Permission, requires


@requires(Permission.READ)
def vendors_view(request: HttpRequest) -> HttpResponse:
    """Every vendor, 50 a page, with its BAA's state as of today."""
    ws, today = reading.current_workspace(request).workspace, reading.today(request)
    page = reading.paged(request, ws.vendors)
    rows = [(vendor, baa_state(vendor, today)) for vendor in page]
    return render(
        request,
        "web/vendors/list.html",
        {"page": page, "rows": rows, "window": EXPIRY_WINDOW_DAYS, "today": today},
    )


@requires(Permission.READ)
def vendor_view(request: HttpRequest, vendor_id: str) -> HttpResponse:
    """One vendor: services, exposure, BAA and its state, flows to and from it, findings."""
    ws, today = reading.current_workspace(request).workspace, reading.today(request)
    vendor = ws.vendor_by_id.get(vendor_id)
    if vendor is None:
        raise Http404(f"no vendor {vendor_id}")
    return render(
        request,
        "web/vendors/vendor.html",
        {
            "vendor": vendor,
            "state": baa_state(vendor, today),
            "location": in_workspace(ws.locate(vendor), ws.root),
            "flows": reading.facts(request).flows_by_node.get(vendor_id, ()),
            "findings": reading.findings(request).about(vendor_id),
            "window": EXPIRY_WINDOW_DAYS,
        },
    )


urlpatterns = [
    path("vendors/", vendors_view, name="vendors"),
    path("vendors/vendor/<path:vendor_id>", vendor_view, name="vendors-vendor"),
]
