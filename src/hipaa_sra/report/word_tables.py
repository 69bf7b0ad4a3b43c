"""DOCX tables written in bulk: rows as WordprocessingML text, parsed a few hundred at a time.

python-docx builds a table cell by cell (about 60 microseconds each, and more per row as a
table grows); an appendix of 100,000 flows would take minutes. The header row is made with
python-docx; the body rows are generated as XML and appended to the same table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from ..model import Level
from .charts import LEVEL_COLOURS, LEVEL_TEXT_COLOURS
from .document import CellValue, Tone

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument

CODE = re.compile(r"`([^`]+)`")
"""`field` spans in a message: set in a monospaced font."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_TONE_FILL = {Tone.BAD: "F6D5D1", Tone.WARN: "FBEFC9", Tone.GOOD: "DCEBDD", Tone.KEY: "DCE6F2"}
HEADER_FILL = "E8EDF3"
_BATCH = 500


def xml_text(text: str) -> str:
    """`text` that XML can hold: characters XML 1.0 forbids are shown as `\\xNN`."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def add_grid(
    document: DocxDocument, columns: Sequence[str], rows: Sequence[Sequence[CellValue]]
) -> None:
    """A table whose bold header row repeats on every page, then one row per record."""
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn

    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    header = grid.rows[0]
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    widths = []
    for cell, name in zip(header.cells, columns, strict=True):
        cell.paragraphs[0].add_run(xml_text(name)).bold = True
        shading = OxmlElement("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", HEADER_FILL)):
            shading.set(qn(key), value)
        cell._tc.get_or_add_tcPr().append(shading)
        widths.append(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w")))
    table = grid._tbl
    for start in range(0, len(rows), _BATCH):
        body = "".join(_row(row, widths) for row in rows[start : start + _BATCH])
        for tr in list(parse_xml(f"<w:tbl {nsdecls('w')}>{body}</w:tbl>")):
            table.append(tr)


def _row(values: Sequence[CellValue], widths: list[str]) -> str:
    return "<w:tr>" + "".join(_cell(v, w) for v, w in zip(values, widths, strict=True)) + "</w:tr>"


def _cell(value: CellValue, width: str) -> str:
    if isinstance(value, str) and "`" not in value:  # most cells: plain text
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:r>'
            f'<w:t xml:space="preserve">{escape(xml_text(value))}</w:t></w:r></w:p></w:tc>'
        )
    shade = ""
    colour = None
    bold = False
    lines: tuple[str, ...] = ()
    text = value
    if not isinstance(value, str):
        text, lines, tone = value.text, value.lines, value.tone
        level = _level(tone)
        if level is not None:
            shade = LEVEL_COLOURS[level].lstrip("#")
            colour = LEVEL_TEXT_COLOURS[level].lstrip("#")
        elif tone is not None and tone in _TONE_FILL:
            shade = _TONE_FILL[tone]
            bold = tone is Tone.BAD
    fill = f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>' if shade else ""
    paragraphs = _paragraph(str(text), bold=bold, colour=colour)
    paragraphs += "".join(_paragraph(line, small=True) for line in lines)
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{fill}</w:tcPr>{paragraphs}</w:tc>'


def _paragraph(
    text: str, *, bold: bool = False, colour: str | None = None, small: bool = False
) -> str:
    runs = []
    position = 0
    for match in CODE.finditer(text):
        if match.start() > position:
            runs.append(_run(text[position : match.start()], bold, colour, small, code=False))
        runs.append(_run(match.group(1), bold, colour, small, code=True))
        position = match.end()
    if position < len(text) or not runs:
        runs.append(_run(text[position:], bold, colour, small, code=False))
    return "<w:p>" + "".join(runs) + "</w:p>"


def _run(text: str, bold: bool, colour: str | None, small: bool, *, code: bool) -> str:
    props = (
        ('<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas"/>' if code else "")
        + ("<w:b/>" if bold else "")
        + (f'<w:color w:val="{colour}"/>' if colour else "")
        + ('<w:sz w:val="16"/>' if small else "")
    )
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(xml_text(text))}</w:t></w:r>'


def _level(tone: Tone | None) -> Level | None:
    if tone is None:
        return None
    try:
        return Level(tone.value)
    except ValueError:
        return None
