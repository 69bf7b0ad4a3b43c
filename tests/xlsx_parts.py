"""Build XLSX files part by part with zipfile, for cells and sizes openpyxl would not write."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def text(ref: str, value: str) -> str:
    """An inline-string cell."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def row(number: int, *cells: str) -> str:
    """A <row> element holding `cells`."""
    return f'<row r="{number}">{"".join(cells)}</row>'


def shared_table(strings: Iterable[str], declared: int | None = None) -> bytes:
    """A sharedStrings.xml part; `declared` sets count and uniqueCount (default: the truth)."""
    items = [f"<si><t>{escape(s)}</t></si>" for s in strings]
    count = len(items) if declared is None else declared
    return (
        f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">{"".join(items)}</sst>'
    ).encode()


def build(
    path: Path,
    sheets: dict[str, str | Iterable[bytes]],
    shared: bytes | Iterable[bytes] | None = None,
    dimension: str = "",
) -> Path:
    """A workbook of `sheets` (name -> <sheetData> content, as text or a stream of chunks,
    so a part can be far larger unpacked than the file on disk); `dimension` is the range
    each sheet declares it uses (`A1:C20`), as Excel writes it."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    types = [
        f'<Types xmlns="{_PKG}/content-types">',
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>',
    ]
    book = [f'<workbook xmlns="{MAIN}" xmlns:r="{_REL}"><sheets>']
    rels = [f'<Relationships xmlns="{_PKG}/relationships">']
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for number, (name, data) in enumerate(sheets.items(), start=1):
            part = f"xl/worksheets/sheet{number}.xml"
            types.append(f'<Override PartName="/{part}" ContentType="{_TYPE}.worksheet+xml"/>')
            book.append(f'<sheet name="{name}" sheetId="{number}" r:id="rId{number}"/>')
            rels.append(
                f'<Relationship Id="rId{number}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{number}.xml"/>'
            )
            chunks = [data.encode()] if isinstance(data, str) else data
            start = f'<worksheet xmlns="{MAIN}">{declared}<sheetData>'
            _stream(archive, part, [start.encode(), *chunks, b"</sheetData></worksheet>"])
        if shared is not None:
            types.append(
                f'<Override PartName="/xl/sharedStrings.xml" '
                f'ContentType="{_TYPE}.sharedStrings+xml"/>'
            )
            rels.append(
                f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            )
            _stream(
                archive, "xl/sharedStrings.xml", [shared] if isinstance(shared, bytes) else shared
            )
        archive.writestr("[Content_Types].xml", "".join([*types, "</Types>"]))
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr("xl/workbook.xml", "".join([*book, "</sheets></workbook>"]))
        archive.writestr("xl/_rels/workbook.xml.rels", "".join([*rels, "</Relationships>"]))
    return path


def _stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[bytes]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        for chunk in chunks:
            part.write(chunk)
