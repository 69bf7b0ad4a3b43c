"""The SRA document as one self-contained HTML file: inline CSS and SVG, nothing fetched."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files

from jinja2 import Environment, Template, select_autoescape

from .charts import LEVEL_COLOURS
from .document import BannerKind, CellValue, Report, Table, Tone

_LEVEL_TONES = frozenset({Tone.VERY_LOW, Tone.LOW, Tone.MODERATE, Tone.HIGH, Tone.VERY_HIGH})


@dataclass(frozen=True, slots=True)
class _RenderedTable:
    body: str
    """The table as its section shows it (the first `shown` rows)."""
    full: str
    """Every row, for the appendix; empty when the section shows them all."""


def render_html(report: Report) -> str:
    """The report as an HTML document (print-ready: WeasyPrint renders the same string)."""
    tables = {
        table.key: _RenderedTable(_table(table, appendix_number(report, table)),
                                  _table(table, None, full=True) if table.truncated else "")
        for section in report.sections
        for table in section.tables
    }  # fmt: skip
    return _template().render(report=report, tables=tables, css=_css() + _header_css(report),
                              inline=inline)


def appendix_number(report: Report, table: Table) -> int | None:
    """The appendix number of a truncated table (1-based), None when it is shown in full."""
    for number, candidate in enumerate(report.appendices, start=1):
        if candidate is table:
            return number
    return None


def _header_css(report: Report) -> str:
    # The running header repeats the sign-off verdict on every printed page; signed is calm.
    colour = "#2e7d32" if report.banner.kind is BannerKind.SIGNED else "#b71c1c"
    title = report.banner.title.replace("\\", "\\\\").replace('"', '\\"')
    return f'\n@page {{ @top-right {{ content: "{title}"; color: {colour}; }} }}\n'


@cache
def _css() -> str:
    base = files("hipaa_sra.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    levels = "".join(
        f"td.lv-{level.value} {{ background: {colour}; color: {_ink(colour)}; }}\n"
        for level, colour in LEVEL_COLOURS.items()
    )
    return base + levels


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on `colour` (WCAG relative luminance)."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#000000" if luminance > 0.179 else "#ffffff"


@cache
def _template() -> Template:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=True)
    source = files("hipaa_sra.report").joinpath("templates/report.html.j2")
    return env.from_string(source.read_text(encoding="utf-8"))


def _table(table: Table, appendix: int | None, *, full: bool = False) -> str:
    """A table as HTML; a truncated one shows its first rows and points at its appendix."""
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
        parts.append(f'<p class="table-order">The first {len(rows):,} of {len(table.rows):,} '
                     f'rows{escape(order)}; all of them are in '
                     f'<a href="#appendix-{escape(table.key)}">Appendix {appendix}</a>.</p>')
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
        return f'<td class="nw">{inline(value)}</td>' if _unbroken(value) else \
            f"<td>{inline(value)}</td>"  # fmt: skip
    tone = value.tone
    classes = []
    if tone is not None:
        classes += ["level", f"lv-{tone.value}"] if tone in _LEVEL_TONES else [f"t-{tone}"]
    if _unbroken(value.text):
        classes.append("nw")
    cls = f' class="{" ".join(classes)}"' if classes else ""
    subs = "".join(f'<span class="sub">{inline(line)}</span>' for line in value.lines)
    return f"<td{cls}>{inline(value.text)}{subs}</td>"
