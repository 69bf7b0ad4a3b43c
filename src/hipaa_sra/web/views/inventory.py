"""The technology asset inventory: every asset, and one asset with its risks, controls and flows."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...analysis.finding_index import in_workspace
from .. import reading
from ..permissions import Permission, requires


@requires(Permission.READ)
def inventory_view(request: HttpRequest) -> HttpResponse:
    """Every asset, in the order written, 50 a page, with how many risks each has."""
    version = reading.current_workspace(request)
    page = reading.paged(request, version.workspace.assets)
    by_asset = reading.facts(request).risks_by_asset
    rows = [(asset, len(by_asset.get(asset.id or "", ()))) for asset in page]
    return render(request, "web/inventory/list.html", {"page": page, "rows": rows})


@requires(Permission.READ)
def asset_view(request: HttpRequest, asset_id: str) -> HttpResponse:
    """One asset: its fields and attributes, the risks about it, its controls and flows."""
    version = reading.current_workspace(request)
    ws = version.workspace
    asset = ws.asset_by_id.get(asset_id)
    if asset is None:
        raise Http404(f"no asset {asset_id}")
    facts = reading.facts(request)
    return render(
        request,
        "web/inventory/asset.html",
        {
            "asset": asset,
            "location": in_workspace(ws.locate(asset), ws.root),
            "risks": facts.risks_by_asset.get(asset_id, ()),
            "controls": facts.controls_by_asset.get(asset_id, ()),
            "flows": facts.flows_by_node.get(asset_id, ()),
            "findings": reading.findings(request).about(asset_id),
        },
    )


urlpatterns = [
    path("inventory/", inventory_view, name="inventory"),
    path("inventory/asset/<path:asset_id>", asset_view, name="inventory-asset"),
]
