"""The SRA document as one self-contained HTML file: inline CSS and SVG, nothing fetched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files

from jinja2 import Environment, Template, select_autoescape

from .attachments import appendix_file_name
from .charts import LEVEL_COLOURS, LEVEL_TEXT_COLOURS
from .document import BannerKind, CellValue, Report, Table, Tone

_LEVEL_TONES = frozenset({Tone.VERY_LOW, Tone.LOW, Tone.MODERATE, Tone.HIGH, Tone.VERY_HIGH})


@dataclass(frozen=True, slots=True)
class _RenderedTable:
    body: str
    """The table as its section shows it (the first `shown` rows)."""
    full: str
    """Every row, for the appendix; empty when the section shows them all."""


def render_html(report: Report, *, attached: bool = False) -> str:
    """The report as an HTML document (print-ready: WeasyPrint renders the same string).

    `attached`: each appendix names its CSV file attached to the PDF instead of holding the
    rows (see `attachments`), so the pages carry no table longer than its section shows.
    """
    numbers = report.appendix_numbers
    files = (
        {table.key: appendix_file_name(numbers[table.key], table) for table in report.appendices}
        if attached
        else {}
    )
    tables = {
        table.key: _RenderedTable(
            _table(table, numbers.get(table.key), attached=files.get(table.key)),
            _table(table, None, full=True) if table.truncated and not attached else "",
        )
        for section in report.sections
        for table in section.tables
    }
    return _template().render(
        report=report, tables=tables, css=_css() + _header_css(report), inline=inline, files=files
    )


def _header_css(report: Report) -> str:
    # The running header repeats the sign-off verdict on every printed page; signed is calm.
    colour = "#2e7d32" if report.banner.kind is BannerKind.SIGNED else "#b71c1c"
    title = report.banner.title.replace("\\", "\\\\").replace('"', '\\"')
    return f'\n@page {{ @top-right {{ content: "{title}"; color: {colour}; }} }}\n'


@cache
def _css() -> str:
    base = files("hipaa_sra.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    levels = "".join(
        f"td.lv-{level.value} {{ background: {colour}; color: {LEVEL_TEXT_COLOURS[level]}; }}\n"
        for level, colour in LEVEL_COLOURS.items()
    )
    return base + levels


@cache
def _template() -> Template:
    env = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    source = files("hipaa_sra.report").joinpath("templates/report.html.j2")
    return env.from_string(source.read_text(encoding="utf-8"))


def _table(
    table: Table, appendix: int | None, *, full: bool = False, attached: str | None = None
) -> str:
    """A table as HTML; a truncated one shows its first rows and points at its appendix
    (and at the appendix's file, when `attached` names the CSV file the PDF carries)."""
    key = f"appendix-{table.key}" if full else table.key
    parts = [f'<div class="table-wrap" id="table-{escape(key)}">']
    if not full:
        parts.append(f'<p class="table-title">{escape(table.title)}</p>')
    if not table.rows:
        parts.append(f'<p class="empty">{escape(table.empty)}</p></div>')
        return "".join(parts)
    rows = table.rows if full else table.rows[: table.shown]
    if table.truncated and not full:
        order = f", {table.order}" if table.order else ""
        where = f", attached to this PDF as <code>{escape(attached)}</code>" if attached else ""
        parts.append(
            f'<p class="table-order">The first {len(rows):,} of {len(table.rows):,} '
            f"rows{escape(order)}; all of them are in "
            f'<a href="#appendix-{escape(table.key)}">Appendix {appendix}</a>'
            f"{where}.</p>"
        )
    head = "".join(f'<th scope="col">{escape(column)}</th>' for column in table.columns)
    parts.append(f'<table class="t-{escape(table.key)}"><thead><tr>{head}</tr></thead><tbody>')
    parts.extend(f"<tr>{''.join(_cell(c) for c in row)}</tr>" for row in rows)
    parts.append("</tbody></table></div>")
    return "".join(parts)


_CODE = re.compile(r"`([^`<>]+)`")
"""`field` in a message: shown as code, as the terminal formats show it between backticks."""


def inline(text: str) -> str:
    """Escaped text with `backticked` spans as <code>."""
    return _CODE.sub(r"<code>\1</code>", escape(text))


_WORD = 20
"""Single words up to this long (ids, dates, levels) are never broken across lines."""


def _unbroken(text: str) -> bool:
    return len(text) <= _WORD and " " not in text


def _cell(value: CellValue) -> str:
    if isinstance(value, str):
        return (
            f'<td class="nw">{inline(value)}</td>'
            if _unbroken(value)
            else f"<td>{inline(value)}</td>"
        )
    tone = value.tone
    classes = []
    if tone is not None:
        classes += ["level", f"lv-{tone.value}"] if tone in _LEVEL_TONES else [f"t-{tone}"]
    if _unbroken(value.text):
        classes.append("nw")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    subs = "".join(f'<span class="sub">{inline(line)}</span>' for line in value.lines)
    return f"<td{cls}>{inline(value.text)}{subs}</td>"
