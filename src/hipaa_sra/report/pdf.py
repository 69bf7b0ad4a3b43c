"""The SRA document as PDF: the HTML rendition laid out on A4 pages by WeasyPrint.

The pages carry what a person reads; each appendix (a table longer than its section shows)
travels as a CSV file attached to the PDF, because laying out every row of a large register
took minutes and gigabytes.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

from ..errors import SraError
from .attachments import Attachment, appendix_attachments
from .document import Report
from .html import render_html


class PdfUnavailable(SraError):
    """WeasyPrint or the Pango library it draws text with is not installed."""


def render_pdf(report: Report, *, laying_out: Callable[[str], None] | None = None) -> bytes:
    """The report as PDF: bounded pages, every appendix attached as a CSV file.

    `laying_out` hears what is about to be laid out, before the part that takes the time.
    """
    html = render_html(report, attached=True)
    files = appendix_attachments(report)
    if laying_out is not None:
        laying_out(f"{len(html) / 1048576:.1f} MB of HTML, {len(files)} appendices attached")
    return html_to_pdf(html, files, day=report.today)


def html_to_pdf(
    html: str, attachments: Sequence[Attachment] = (), *, day: date | None = None
) -> bytes:
    """PDF bytes of an HTML document that needs nothing from the network, carrying files.

    With `day`, the embedded fonts are dated by it rather than by the clock, so the same
    document gives the same bytes on every run.
    """
    try:
        from weasyprint import HTML
        from weasyprint import Attachment as PdfFile
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: Pango missing, found at import time
        raise PdfUnavailable(
            f"PDF output needs WeasyPrint and the Pango library ({exc}); install Pango "
            "(Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0, macOS: brew "
            "install pango) or use --format html and print that to PDF from a browser"
        ) from None
    # WeasyPrint logs every CSS property it ignores; the stylesheet is ours, and a user
    # should see problems with their workspace, not with our print rules.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    # The document is self-contained; a reference out of it, to the network or to a local
    # file, would be a leak of which report is being read, so no protocol is allowed.
    no_fetch = URLFetcher(allowed_protocols=frozenset())
    document = HTML(string=html, base_url=None, url_fetcher=no_fetch)
    files = []
    for item in attachments:
        # WeasyPrint dates a file by the clock unless told; the report's date keeps the
        # PDF's bytes the same from one run to the next.
        stamp = datetime.combine(item.day, time(), tzinfo=UTC)
        files.append(
            PdfFile(
                string=item.data,
                url_fetcher=no_fetch,
                name=item.name,
                description=item.description,
                created=stamp,
                modified=stamp,
                relationship="Supplement",
            )
        )
    with _fonts_dated(day):
        pdf = document.write_pdf(attachments=files)
    assert isinstance(pdf, bytes)
    return pdf


_DATING = threading.Lock()
"""One PDF at a time while the environment carries its date: a caller may render in threads
(the web app already renders one report at a time; `html_to_pdf` is public)."""


@contextmanager
def _fonts_dated(day: date | None) -> Iterator[None]:
    # fontTools stamps each font subset it writes with the clock unless SOURCE_DATE_EPOCH
    # (the reproducible-builds convention) says otherwise; a value the user set is kept.
    # The variable is the process's: a second render meanwhile would take the first one's
    # date for one set by the user, and lose it when the first ended.
    with _DATING:
        if day is None or "SOURCE_DATE_EPOCH" in os.environ:
            yield
            return
        stamp = str(int(datetime.combine(day, time(), UTC).timestamp()))
        os.environ["SOURCE_DATE_EPOCH"] = stamp
        try:
            yield
        finally:
            del os.environ["SOURCE_DATE_EPOCH"]
