"""What the read pages compute from a workspace version, each once per version and date.

Thin wrappers over the library that memoise on the request's `WorkspaceVersion`, so a page
at 50,000 risks costs a lookup once the first request of a version has paid for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from ..analysis.facts import Facts
from ..analysis.finding_index import FindingIndex, index_findings
from ..model import Workspace
from ..report.inputs import ReportInputs
from ..scoring import usable_matrix
from ..scoring.table import RegisterTable, register_table
from ..signoff import Verification, verify_workspace
from .workspace import WorkspaceVersion
from .workspace import current_workspace as current_workspace  # views read through here
from .workspace import today as today

T = TypeVar("T")

PER_PAGE = 50
"""Rows on a page of a list."""


def version_and_day(request: HttpRequest) -> tuple[WorkspaceVersion, date]:
    """The request's workspace version and the date its checks measure against."""
    return current_workspace(request), today(request)


def register(request: HttpRequest) -> RegisterTable:
    """The register table of the current version as of today."""
    version, day = version_and_day(request)
    return version.derived(("register-table", day), lambda ws: register_table(ws, day))


def findings(request: HttpRequest) -> FindingIndex:
    """Every lint finding of the current version as of today, indexed for the pages."""
    version, day = version_and_day(request)
    report = version.lint(day)
    return version.derived(("finding-index", day), lambda ws: index_findings(report))


def facts(request: HttpRequest) -> Facts:
    """The shared indexes of the current version (risks by asset, controls' evidence, ...)."""
    return current_workspace(request).facts


def paged(request: HttpRequest, items: Sequence[T], per_page: int = PER_PAGE) -> Page[T]:
    """The page of `items` the request's `page` parameter asks for (the last one past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def verification(request: HttpRequest) -> Verification:
    """Every required role's sign-off against the current content (`sra verify`)."""
    return current_workspace(request).derived("verification", verify_workspace)


def report_inputs(request: HttpRequest) -> ReportInputs:
    """What the report's sections are built from, for pages that show one of them."""
    version, day = version_and_day(request)
    report, checked, shared = version.lint(day), verification(request), facts(request)

    def build(ws: Workspace) -> ReportInputs:
        matrix = usable_matrix(ws)  # None: the loader reports it; the sections say so
        return ReportInputs(
            ws=ws,
            today=day,
            facts=shared,
            matrix=matrix,
            lint=report,
            verification=checked,
            history=None,
        )

    return version.derived(("report-inputs", day), build)
