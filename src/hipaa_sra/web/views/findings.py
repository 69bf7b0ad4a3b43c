"""Findings: every lint finding by family and severity, and the exceptions an auditor asks for."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...findings import Severity
from ...report.document import Section
from ...report.exceptions import exceptions_section
from ...rules import Family
from .. import reading
from ..permissions import Permission, requires
from ..sections import shown_tables

WAIVED_CHOICES = (("", "Not waived"), ("yes", "Waived only"), ("all", "Waived or not"))


class FindingFilterForm(forms.Form):
    """The findings list's filters, as GET parameters."""

    family = forms.ChoiceField(
        label="Family", required=False, choices=[("", "Any"), *((f.value, f.value) for f in Family)]
    )
    severity = forms.ChoiceField(
        label="Severity",
        required=False,
        choices=[("", "Any"), *((s.value, s.value) for s in Severity)],
    )
    code = forms.CharField(label="Rule code", required=False, max_length=16, strip=True)
    waived = forms.ChoiceField(label="Waived", required=False, choices=WAIVED_CHOICES)


@requires(Permission.READ)
def findings_view(request: HttpRequest) -> HttpResponse:
    """Every finding matching the filters, 50 a page, with counts by family and severity."""
    index = reading.findings(request)
    form = FindingFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    waived = {"": False, "yes": True, "all": None}[data.get("waived") or ""]
    rows = index.select(
        family=Family(data["family"]) if data.get("family") else None,
        severity=Severity(data["severity"]) if data.get("severity") else None,
        code=(data.get("code") or "").upper() or None,
        waived=waived,
    )
    return render(
        request,
        "web/findings/list.html",
        {
            "form": form,
            "page": reading.paged(request, rows),
            "families": index.families,
            "severities": list(Severity),
        },
    )


def _exceptions(request: HttpRequest) -> Section:
    version, day = reading.version_and_day(request)
    inputs = reading.report_inputs(request)
    return version.derived(("exceptions", day), lambda ws: exceptions_section(inputs))


@requires(Permission.READ)
def exceptions_view(request: HttpRequest) -> HttpResponse:
    """Every waiver and accepted risk, with reason and approver: the report's own section."""
    section = _exceptions(request)
    return render(
        request,
        "web/findings/exceptions.html",
        {"section": section, "tables": shown_tables(section)},
    )


urlpatterns = [
    path("findings/", findings_view, name="findings"),
    path("findings/exceptions/", exceptions_view, name="findings-exceptions"),
]
