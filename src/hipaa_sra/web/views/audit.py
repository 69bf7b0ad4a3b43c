"""The audit trail page: entries with paging, chain status, CSV export (administrators)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path

from .. import audit
from ..models import AuditEntry
from ..permissions import Permission, requires
from ..workspace import today

PAGE_SIZE = 50


@requires(Permission.ADMIN)
def audit_view(request: HttpRequest) -> HttpResponse:
    """The newest entries first, 50 a page, with whether the chain holds."""
    entries = AuditEntry.objects.order_by("-seq")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    status = audit.verify_chain()
    return render(request, "web/audit.html", {"page": page, "status": status})


@requires(Permission.ADMIN)
def audit_csv_view(request: HttpRequest) -> StreamingHttpResponse:
    """The whole trail as CSV, in chain order, as a download."""
    audit.record(request, "audit.exported")
    response = StreamingHttpResponse(audit.export_csv(), content_type="text/csv; charset=utf-8")
    name = f"sra-audit-{today(request).isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("audit/", audit_view, name="audit"),
    path("audit/export.csv", audit_csv_view, name="audit-csv"),
]
