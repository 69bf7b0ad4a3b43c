"""The SRA document as GitHub/GitLab-flavoured Markdown: tables, and Mermaid for the diagram."""

from __future__ import annotations

import re

from .document import BannerKind, CellValue, Figure, Report, Section, Table, Tone

_SPECIAL = re.compile(r"([\\*_\[\]<>|#`])")
"""Characters Markdown (or the HTML GitHub allows in it) would read as markup."""
_CODE = re.compile(r"`([^`\n]+)`")
"""`field` spans in messages: kept as code, where backslash escapes do not apply."""


def render_markdown(report: Report) -> str:
    """The report as one Markdown document."""
    appendices = report.appendix_numbers
    out = [f"# {_text(report.title)}: {_text(report.organization)}", ""]
    out += [
        f"{_text(report.subtitle)}",
        "",
        f"As of **{report.today.isoformat()}** · content digest `{report.digest}`",
        "",
    ]
    marker = "✅" if report.banner.kind is BannerKind.SIGNED else "⛔"
    out.append(f"> {marker} **{report.banner.title}**")
    out += [f"> - {_text(line)}" for line in report.banner.lines]
    out += ["", "| Key figure | Value |", "|---|---|"]
    out += [f"| {_text(label)} | {_tone(value, tone)} |" for label, value, tone in report.headline]
    out += ["", "## Contents", ""]
    out += [
        f"{n}. [{_text(s.title)}](#{_anchor(s.title)})"
        for n, s in enumerate(report.sections, start=1)
    ]
    for number, table in enumerate(report.appendices, start=1):
        title = f"Appendix {number}: {table.title}"
        out.append(f"- [{_text(title)}](#{_anchor(title)})")
    out.append("")
    for section in report.sections:
        out += _section(section, report, appendices)
    for number, table in enumerate(report.appendices, start=1):
        out += [f"## Appendix {number}: {_text(table.title)}", ""]
        order = f", {table.order}" if table.order else ""
        out += [f"All {len(table.rows):,} rows{_text(order)}.", ""]
        out += _table(table, table.rows)
    out += [
        "---",
        "",
        f"Written by {_text(report.generator)} from the workspace; content "
        f"digest `{report.digest}`.",
        "",
    ]
    return "\n".join(out)


def _section(section: Section, report: Report, appendices: dict[str, int]) -> list[str]:
    out = [f"## {_text(section.title)}", ""]
    for paragraph in section.paragraphs:
        out += [_text(paragraph), ""]
    if section.slug == "sign-off":
        out += [f"**{report.banner.title}**", ""]
        out += [f"- {_text(line)}" for line in report.banner.lines]
        out.append("")
    if section.facts:
        out += [f"- {_text(label)}: **{_text(value)}**" for label, value in section.facts]
        out.append("")
    for figure in section.figures:
        out += _figure(figure)
    for table in section.tables:
        out += [f"### {_text(table.title)}", ""]
        if not table.rows:
            out += [f"_{_text(table.empty)}_", ""]
            continue
        if table.truncated:
            order = f", {table.order}" if table.order else ""
            title = f"Appendix {appendices[table.key]}: {table.title}"
            out += [
                f"The first {table.shown:,} of {len(table.rows):,} rows{_text(order)}; all "
                f"of them are in [{_text(title)}](#{_anchor(title)}).",
                "",
            ]
        out += _table(table, table.rows[: table.shown])
    for note in section.notes:
        out += [f"_{_text(note)}_", ""]
    return out


def _figure(figure: Figure) -> list[str]:
    if figure.mermaid is not None:
        out = ["```mermaid", figure.mermaid.rstrip("\n"), "```", ""]
    elif figure.alt is not None:
        out = [f"**{_text(figure.alt.title)}**", "", *_table(figure.alt, figure.alt.rows)]
    else:
        return []  # a chart with no text form; its numbers are in the section's tables
    caption = figure.caption + (f" {figure.note}" if figure.note else "")
    return [*out, f"_{_text(caption)}_", ""]


def _table(table: Table, rows: tuple[tuple[CellValue, ...], ...]) -> list[str]:
    out = [
        "| " + " | ".join(_text(c) or " " for c in table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    out += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    out.append("")
    return out


def _cell(value: CellValue) -> str:
    if isinstance(value, str):
        return _text(value) or " "
    return _tone(value.text, value.tone, value.lines)


def _tone(text: str, tone: Tone | None, lines: tuple[str, ...] = ()) -> str:
    shown = _text(text)
    # Markdown has no colour; what must stand out is bold, and levels are words already.
    if tone is Tone.BAD and shown:
        shown = f"**{shown}**"
    extra = "".join(f"<br>{_text(line)}" for line in lines if line)
    return shown + extra


def _text(value: str) -> str:
    """Free text made inert: one line, markup escaped, `code` spans kept as code."""
    line = " ".join(value.split())
    out = []
    start = 0
    for match in _CODE.finditer(line):
        out.append(_SPECIAL.sub(r"\\\1", line[start : match.start()]))
        # Inside code only a table's `|` needs its backslash (GFM splits cells first).
        out.append("`" + match.group(1).replace("|", "\\|") + "`")
        start = match.end()
    out.append(_SPECIAL.sub(r"\\\1", line[start:]))
    return "".join(out)


def _anchor(title: str) -> str:
    """The id GitHub and GitLab give a heading: lower case, no punctuation, dashes for spaces."""
    slug = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return slug.replace(" ", "-")
