"""The risk register: filter, sort and page 50,000 rows; a risk's page with its findings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...analysis.finding_index import in_workspace
from ...model import RemediationStatus
from ...scoring.table import (
    NO_REMEDIATION,
    UNSCORED,
    RegisterQuery,
    RegisterTable,
    SortKey,
    remediation_due,
)
from .. import audit, reading
from ..permissions import Permission, requires
from ..workspace import current_workspace

PER_PAGE = 50

SORTS = (
    (SortKey.RANK, "Rank (highest residual first)"),
    (SortKey.ID, "Id"),
    (SortKey.ASSET, "Asset"),
    (SortKey.RESIDUAL, "Residual level"),
    (SortKey.INHERENT, "Inherent level"),
    (SortKey.SCORE, "Score"),
    (SortKey.DUE, "Next due date"),
    (SortKey.REVIEWED, "Last reviewed"),
)
"""The orders offered, as the sort menu labels them."""


class RegisterFilterForm(forms.Form):
    """The register's filters, as GET parameters (the page works without JavaScript)."""

    level = forms.ChoiceField(label="Residual level", required=False)
    status = forms.ChoiceField(label="Remediation status", required=False)
    owner = forms.ChoiceField(label="Remediation owner", required=False)
    asset = forms.CharField(label="Asset id", required=False, max_length=200, strip=True)
    overdue = forms.BooleanField(label="Overdue remediation only", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any, table: RegisterTable) -> None:
        super().__init__(data)
        fields = self.fields
        any_ = [("", "Any")]
        levels = [(lv.value, lv.value) for lv in reversed(table.scale)]
        fields["level"].choices = [*any_, *levels, (UNSCORED, UNSCORED)]  # type: ignore[attr-defined]
        statuses = [(s.value, s.value.replace("_", " ")) for s in RemediationStatus]
        statuses.append((NO_REMEDIATION, "no remediation"))
        fields["status"].choices = [*any_, *statuses]  # type: ignore[attr-defined]
        fields["owner"].choices = [*any_, *((o, o) for o in table.owners)]  # type: ignore[attr-defined]
        sorts = [(key.value, label) for key, label in SORTS]
        sorts += [(f"-{key.value}", f"{label}, reversed") for key, label in SORTS]
        fields["sort"].choices = sorts  # type: ignore[attr-defined]
        self.table = table

    def clean_asset(self) -> str:
        """An asset some risk is about, or nothing."""
        asset: str = self.cleaned_data.get("asset") or ""
        if asset and not self.table.has_asset(asset):
            raise forms.ValidationError(f"No risk in the register is about an asset `{asset}`.")
        return asset

    def query(self) -> RegisterQuery:
        """The filters that are valid (an invalid one is dropped and shown as an error)."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                name: value
                for name, value in getattr(self, "cleaned_data", {}).items()
                if name not in self.errors
            }
        )
        return RegisterQuery(
            level=data.get("level") or None,
            status=data.get("status") or None,
            owner=data.get("owner") or None,
            asset=data.get("asset") or None,
            overdue=bool(data.get("overdue")),
            sort=data.get("sort") or SortKey.RANK.value,
            page=data.get("page") or 1,
            per_page=PER_PAGE,
        )


@requires(Permission.READ)
def register_view(request: HttpRequest) -> HttpResponse:
    """The register, filtered, sorted and paged; only the table when htmx asks for it."""
    table = reading.register(request)
    form = RegisterFilterForm(request.GET, table)
    query = form.query()
    page = table.page(query)
    audit.record(
        request,
        "register.viewed",
        object="register",
        detail={k: v for k, v in request.GET.items() if v},
    )
    context = {
        "form": form,
        "page": page,
        "query": query,
        "sorts": SORTS,
        "title": current_workspace(request).title,
        "table": table,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/register/_table.html", context)
    return render(request, "web/register/list.html", context)


@requires(Permission.READ)
def risk_view(request: HttpRequest, risk_id: str) -> HttpResponse:
    """One risk: its fields, levels, remediation and the findings about it."""
    version, today = reading.version_and_day(request)
    risk = version.workspace.risk_by_id.get(risk_id)
    if risk is None:
        raise Http404(f"no risk {risk_id}")
    ws = version.workspace
    audit.record(request, "risk.viewed", object=f"risk:{risk_id}")
    controls = [(entry, entry in ws.control_by_id) for entry in risk.current_controls]
    return render(
        request,
        "web/register/risk.html",
        {
            "risk": risk,
            "row": reading.register(request).row_for(risk_id),
            "remediation": remediation_due(risk, today),
            "controls": controls,
            "asset_known": risk.asset in ws.asset_by_id if risk.asset else False,
            "findings": reading.findings(request).about(risk_id),
            "location": in_workspace(ws.locate(risk), ws.root),
            "today": today,
        },
    )


urlpatterns = [
    path("register/", register_view, name="register"),
    path("register/risk/<path:risk_id>", risk_view, name="register-risk"),
]
