"""The SRA document: read it in the browser, download it as HTML, PDF or DOCX.

Built by `hipaa_sra.report` exactly as `sra report` builds it, once per content version and
date. The HTML document carries its own inline stylesheet, which the app's
Content-Security-Policy refuses; it is served under a policy of its own that allows that
stylesheet and nothing else: no script at all, no fetch, no form, in a sandbox (an opaque
origin, so even a crafted record could not reach the app's cookies or pages).
"""

from __future__ import annotations

import threading

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...errors import SraError
from ...report import (
    DETAIL_LIMIT,
    PDF_DETAIL_LIMIT,
    Report,
    build_report,
    render_docx,
    render_html,
    render_pdf,
    review_history,
)
from .. import audit, reading
from ..permissions import Permission, requires

DOCUMENT_POLICY = "; ".join(
    (
        "sandbox",
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
"""The report's own CSP: its inline styles and data: images, nothing that runs or loads."""

_RENDERING = threading.RLock()
"""One rendering at a time: a PDF of a large register takes half a minute and hundreds of
megabytes, and a second request for it waits for the first and then reads the cached result."""

FORMATS = {
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def _report(request: HttpRequest, *, limit: int = DETAIL_LIMIT) -> Report:
    """The document as of the request's day; `limit` rows per section (the PDF shows fewer)."""
    version, day = reading.version_and_day(request)
    lint = version.lint(day)

    def build(ws: object) -> Report:
        past, problem = review_history(version.root)
        return build_report(
            version.workspace,
            day,
            lint_report=lint,
            history=past,
            history_problem=problem,
            detail_limit=limit,
        )

    with _RENDERING:
        return version.derived(("report", day, limit), build)


def _rendered(request: HttpRequest, fmt: str) -> bytes:
    version, day = reading.version_and_day(request)
    with _RENDERING:
        if fmt == "pdf":  # as `sra report --format pdf` makes it: 50-row sections
            paged = _report(request, limit=PDF_DETAIL_LIMIT)
            return version.derived(("report-pdf", day), lambda ws: render_pdf(paged))
        document = _report(request)

        def html(_: object) -> bytes:
            return render_html(document).encode("utf-8")

        if fmt == "html":
            return version.derived(("report-html", day), html)
        return version.derived(("report-docx", day), lambda ws: render_docx(document))


@requires(Permission.READ)
def report_view(request: HttpRequest) -> HttpResponse:
    """What the report says on its cover, and links to read or download it."""
    document = _report(request)
    return render(request, "web/report/index.html", {"report": document})


@requires(Permission.READ)
def report_document_view(request: HttpRequest) -> HttpResponse:
    """The HTML report itself, under a sandboxing policy of its own."""
    response = HttpResponse(_rendered(request, "html"), content_type=FORMATS["html"][0])
    response["Content-Security-Policy"] = DOCUMENT_POLICY
    audit.record(request, "report.viewed", object="report")
    return response


@requires(Permission.READ)
def report_download_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report as an attachment: html, pdf or docx."""
    if fmt not in FORMATS:
        raise Http404(f"no report format {fmt}")
    day = reading.today(request)
    try:
        data = _rendered(request, fmt)
    except SraError as exc:  # WeasyPrint, Pango or Cairo missing on this machine
        return render(request, "web/report/unavailable.html", {"problem": str(exc)}, status=503)
    content_type, suffix = FORMATS[fmt]
    response = HttpResponse(data, content_type=content_type)
    name = f"sra-report-{day.isoformat()}.{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Security-Policy"] = DOCUMENT_POLICY
    audit.record(request, "report.downloaded", object="report", detail={"format": fmt})
    return response


urlpatterns = [
    path("report/", report_view, name="report"),
    path("report/document", report_document_view, name="report-document"),
    path("report/download/<str:fmt>", report_download_view, name="report-download"),
]
