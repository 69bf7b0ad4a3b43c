"""The SRA document as PDF: the HTML rendition laid out on A4 pages by WeasyPrint."""

from __future__ import annotations

import logging

from ..errors import SraError


class PdfUnavailable(SraError):
    """WeasyPrint or the Pango library it draws text with is not installed."""


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document that needs nothing from the network."""
    try:
        from weasyprint import HTML
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
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
