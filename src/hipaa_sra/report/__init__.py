"""The SRA document: built from a workspace, rendered as HTML, PDF or Markdown."""

from .attachments import Attachment, appendix_attachments, appendix_csv
from .build import HISTORY_LIMIT, HISTORY_MEASURE, SECTION_TITLES, build_report, review_history
from .document import Banner, BannerKind, Cell, Figure, Report, Section, Table, Tone
from .html import render_html
from .inputs import DETAIL_LIMIT, PDF_DETAIL_LIMIT
from .markdown import render_markdown
from .pdf import PdfUnavailable, html_to_pdf, render_pdf
from .word import DocxUnavailable, render_docx, svg_to_png

__all__ = [
    "DETAIL_LIMIT",
    "HISTORY_LIMIT",
    "HISTORY_MEASURE",
    "PDF_DETAIL_LIMIT",
    "SECTION_TITLES",
    "Attachment",
    "Banner",
    "BannerKind",
    "Cell",
    "DocxUnavailable",
    "Figure",
    "PdfUnavailable",
    "Report",
    "Section",
    "Table",
    "Tone",
    "appendix_attachments",
    "appendix_csv",
    "build_report",
    "html_to_pdf",
    "render_docx",
    "render_html",
    "render_markdown",
    "render_pdf",
    "review_history",
    "svg_to_png",
]
