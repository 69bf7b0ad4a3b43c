"""The SRA document as Word (DOCX): the HTML's sections and headings, for annotating.

Headings use Word's built-in Heading styles (the navigation pane and the table of contents
follow them); tables repeat their header row on every page; charts and the data-flow
diagram are PNG images rasterised from the report's own SVG by cairosvg (libcairo, no
browser). Word refreshes the contents field when the document is opened.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from ..errors import SraError
from .document import Banner, BannerKind, CellValue, Figure, Report, Section, Table
from .word_tables import CODE, add_grid, xml_text

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

IMAGE_WIDTH_INCHES = 6.5
"""Charts fill the text width of a Letter or A4 page with 1 inch margins, about."""
_DPI = 200
_BANNER_COLOURS = {
    BannerKind.SIGNED: "2E7D32",
    BannerKind.NOT_SIGNED: "B71C1C",
    BannerKind.CHANGED: "B71C1C",
}


class DocxUnavailable(SraError):
    """python-docx, or the Cairo library that rasterises the charts, is not installed."""


def svg_to_png(svg: str, width_inches: float = IMAGE_WIDTH_INCHES) -> bytes:
    """A PNG of an SVG drawing at print resolution, drawn by Cairo (no browser)."""
    try:
        import cairosvg
    except (ImportError, OSError) as exc:  # OSError: libcairo missing, found at import time
        raise DocxUnavailable(
            f"DOCX output draws its charts with cairosvg and the Cairo library ({exc}); "
            "install Cairo (Debian/Ubuntu: apt-get install libcairo2, macOS: brew install "
            "cairo) or use --format html or pdf"
        ) from None
    png = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=round(width_inches * _DPI))
    assert isinstance(png, bytes)
    return png


def render_docx(report: Report) -> bytes:
    """The report as DOCX bytes: cover, contents, every section, appendices, colophon."""
    try:
        import docx
    except ImportError as exc:
        raise DocxUnavailable(f"DOCX output needs python-docx ({exc})") from None
    document = docx.Document()
    _properties(document, report)
    _cover(document, report)
    _contents(document)
    numbers = report.appendix_numbers
    for section in report.sections:
        _section(document, report, section, numbers)
    for number, table in enumerate(report.appendices, start=1):
        document.add_heading(xml_text(f"Appendix {number}: {table.title}"), level=1)
        order = f", {table.order}" if table.order else ""
        document.add_paragraph(f"All {len(table.rows):,} rows{order}.")
        _table(document, table, table.rows)
    _rich(
        document.add_paragraph(style="Caption"),
        f"{report.title} of {report.organization}, as of {report.today.isoformat()}. "
        f"Content digest `{report.digest}`. Written by {report.generator}.",
    )
    buffer = io.BytesIO()
    document.save(buffer)
    return _dated(buffer.getvalue(), report.today)


def _dated(archive: bytes, day: date) -> bytes:
    """The ZIP `archive` with every entry dated `day` at midnight, not when it was written.

    python-docx stamps each part with the clock (zipfile's `writestr`), so the same report
    written twice differed in those bytes alone. Only the DOS date and time fields of the
    local and central headers change. An archive laid out otherwise than zipfile writes
    it (ZIP64, a comment) is returned as it is: still the same document.
    """
    day = min(max(day, _ZIP_FIRST), _ZIP_LAST)
    stamp = struct.pack("<HH", 0, (day.year - 1980) << 9 | day.month << 5 | day.day)
    out = bytearray(archive)
    end = len(out) - 22  # the end record, when the archive has no comment
    if end < 0 or out[end : end + 4] != b"PK\x05\x06":
        return archive
    count, _, at = struct.unpack_from("<HII", out, end + 10)
    for _ in range(count):
        if out[at : at + 4] != b"PK\x01\x02":
            return archive
        (local,) = struct.unpack_from("<I", out, at + 42)
        if out[local : local + 4] != b"PK\x03\x04":
            return archive
        out[at + 12 : at + 16] = stamp
        out[local + 10 : local + 14] = stamp
        at += 46 + sum(struct.unpack_from("<HHH", out, at + 28))  # name, extra, comment
    return bytes(out)


_ZIP_FIRST = date(1980, 1, 1)
_ZIP_LAST = date(2107, 12, 31)
"""The dates a ZIP header can hold (seven bits of years from 1980)."""


def _properties(document: DocxDocument, report: Report) -> None:
    props = document.core_properties
    organization = xml_text(report.organization)  # the one workspace value used here as is
    props.title = f"{report.title}: {organization} ({report.today.isoformat()})"
    props.author = organization
    props.subject = report.subtitle
    props.comments = f"Content digest {report.digest}; written by {report.generator}"
    # The report's date, not the clock: the same workspace gives the same properties.
    stamp = datetime.combine(report.today, time(), tzinfo=UTC)
    props.created = props.modified = stamp
    props.last_modified_by = report.generator
    props.revision = 1
    header = document.sections[0].header.paragraphs[0]
    header.text = f"{organization} · {report.title} · {report.banner.title}"


def _cover(document: DocxDocument, report: Report) -> None:
    document.add_paragraph(xml_text(report.organization), style="Subtitle")
    document.add_heading(report.title, level=0)
    if report.subtitle:
        document.add_paragraph(report.subtitle, style="Subtitle")
    _rich(
        document.add_paragraph(),
        f"As of {report.today.isoformat()} · content digest `{report.digest}`",
    )
    _banner(document, report.banner)
    if report.headline:
        rows = [(label, value) for label, value, _ in report.headline]
        add_grid(document, ("Key figure", "Value"), rows)
    document.add_paragraph(
        f"Written by {report.generator} from the workspace: rerun `sra report` after any change.",
        style="Caption",
    )


def _banner(document: DocxDocument, banner: Banner) -> None:
    from docx.shared import RGBColor

    title = document.add_paragraph()
    run = title.add_run(xml_text(banner.title))
    run.bold = True
    run.font.color.rgb = RGBColor.from_string(_BANNER_COLOURS[banner.kind])
    for line in banner.lines:
        _rich(document.add_paragraph(style="List Bullet"), line)


def _contents(document: DocxDocument) -> None:
    """A contents field over Heading 1-2; Word and LibreOffice fill it in on update."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document.add_heading("Contents", level=1)
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")  # ask Word to refresh the field on open
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "Update this field (F9 in Word) to list the sections with page numbers."
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, placeholder, end):
        run._r.append(element)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _section(
    document: DocxDocument, report: Report, section: Section, numbers: dict[str, int]
) -> None:
    document.add_heading(section.title, level=1)
    for paragraph in section.paragraphs:
        _rich(document.add_paragraph(), paragraph)
    if section.slug == "sign-off":
        _banner(document, report.banner)
    for label, value in section.facts:
        item = document.add_paragraph(style="List Bullet")
        item.add_run(xml_text(f"{label}: "))
        item.add_run(xml_text(value)).bold = True
    for figure in section.figures:
        _figure(document, figure)
    for table in section.tables:
        _titled_table(document, table, numbers.get(table.key))
    for note in section.notes:
        _rich(document.add_paragraph(style="Caption"), note)


def _figure(document: DocxDocument, figure: Figure) -> None:
    from docx.shared import Inches

    document.add_picture(io.BytesIO(svg_to_png(figure.svg)), width=Inches(IMAGE_WIDTH_INCHES))
    caption = figure.caption + (f" {figure.note}" if figure.note else "")
    _rich(document.add_paragraph(style="Caption"), caption)


def _titled_table(document: DocxDocument, table: Table, appendix: int | None) -> None:
    title = document.add_paragraph()
    title.add_run(xml_text(table.title)).bold = True
    if not table.rows:
        _rich(document.add_paragraph(), table.empty)
        return
    rows = table.rows[: table.shown]
    if table.truncated:
        order = f", {table.order}" if table.order else ""
        document.add_paragraph(
            f"The first {len(rows):,} of {len(table.rows):,} rows{order}; "
            f"all of them are in Appendix {appendix}."
        )
    _table(document, table, rows)


def _table(document: DocxDocument, table: Table, rows: Iterable[tuple[CellValue, ...]]) -> None:
    add_grid(document, table.columns, list(rows))


def _rich(paragraph: Paragraph, text: str) -> Paragraph:
    """Add `text` to a paragraph, `backticked` spans in a monospaced font."""
    text = xml_text(text)
    position = 0
    for match in CODE.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()])
        paragraph.add_run(match.group(1)).font.name = "Consolas"
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])
    return paragraph
