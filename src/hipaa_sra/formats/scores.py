"""Scored risks as an aligned text table, a versioned JSON document, or RFC 4180 CSV."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from typing import Any

import click

from ..catalog import RISK_SCORE_NOTE, RiskMatrix
from ..interop.csv_cells import neutralise
from ..model import Level
from ..scoring import ScoredRisk

SCHEMA_VERSION = 1
"""Of the JSON document; bumped when a key is removed or changes meaning."""

FIELDS = (
    "rank",
    "id",
    "asset",
    "likelihood",
    "impact",
    "inherent_stated",
    "inherent_computed",
    "inherent_disagrees",
    "residual",
    "residual_source",
    "residual_stated",
    "score",
    "open_remediation",
    "file",
    "line",
    "column",
)
"""Keys of each JSON risk object, and the CSV header, in order."""

# Fixed width, not the terminal's: the output is pasted into tickets and compared in tests.
WIDTH = 100

_HEADERS = ("#", "id", "asset", "likelihood", "impact", "inherent", "residual", "score", "open")
_INHERENT, _RESIDUAL = _HEADERS.index("inherent"), _HEADERS.index("residual")
_RIGHT = frozenset({0, _HEADERS.index("score"), _HEADERS.index("open")})
_LEVEL_COLOURS = {
    Level.VERY_HIGH: "red",
    Level.HIGH: "red",
    Level.MODERATE: "yellow",
    Level.LOW: "green",
    Level.VERY_LOW: "green",
}


def risk_dict(rank: int, scored: ScoredRisk) -> dict[str, Any]:
    """The JSON object of one scored risk (keys as in `FIELDS`)."""
    return {
        "rank": rank,
        "id": scored.risk_id,
        "asset": scored.asset,
        "likelihood": _value(scored.likelihood),
        "impact": _value(scored.impact),
        "inherent_stated": _value(scored.inherent_stated),
        "inherent_computed": _value(scored.inherent_computed),
        "inherent_disagrees": scored.inherent_disagrees,
        "residual": _value(scored.residual),
        "residual_source": scored.residual_source,
        "residual_stated": _value(scored.residual_stated),
        "score": scored.score,
        "open_remediation": scored.open_remediation,
        "file": scored.location.file,
        "line": scored.location.line,
        "column": scored.location.column,
    }


def matrix_dict(matrix: RiskMatrix) -> dict[str, Any]:
    """The matrix a score used, with its cells, so a reader can check every computed level."""
    return {
        "name": matrix.name,
        "levels": matrix.levels,
        "title": matrix.title,
        "source": matrix.source,
        "rows": matrix.as_rows(),
    }


def scores_json(
    scored: Sequence[ScoredRisk], matrix: RiskMatrix, *, total: int | None = None
) -> str:
    """`{"schema_version": 1, "matrix": {...}, "score_definition", "total", "risks": [...]}`."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "matrix": matrix_dict(matrix),
        "score_definition": RISK_SCORE_NOTE,
        "total": len(scored) if total is None else total,
        "risks": [risk_dict(rank, item) for rank, item in enumerate(scored, 1)],
    }
    return json.dumps(document, indent=2)


def scores_csv(scored: Sequence[ScoredRisk]) -> str:
    """A header row and one row per risk, CRLF-terminated (RFC 4180); empty cells for none."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for rank, item in enumerate(scored, 1):
        writer.writerow(_csv_cell(value) for value in risk_dict(rank, item).values())
    return out.getvalue()


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(str(value))


def scores_text(
    scored: Sequence[ScoredRisk],
    matrix: RiskMatrix,
    *,
    colour: bool = False,
    total: int | None = None,
) -> str:
    """An aligned table, highest risk first, then a summary and a legend naming the matrix."""
    count = len(scored) if total is None else total
    lines: list[str] = []
    if scored:
        rows = [_HEADERS, *(_text_row(rank, item) for rank, item in enumerate(scored, 1))]
        widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADERS))]
        lines.append(_join(_HEADERS, widths, None, colour=False))
        lines.extend(
            _join(row, widths, item, colour=colour)
            for row, item in zip(rows[1:], scored, strict=True)
        )
        lines.append("")
    lines.extend(textwrap.wrap(_summary(scored, count), WIDTH, subsequent_indent="  "))
    lines.extend(_legend(matrix))
    return "\n".join(lines)


def _value(level: Level | None) -> str | None:
    return None if level is None else level.value


def _known(value: object) -> str:
    """A cell; `?` for a value the register holds but that could not be read."""
    return "?" if value is None else str(value)


def _inherent_cell(item: ScoredRisk) -> str:
    stated, computed = item.inherent_stated, item.inherent_computed
    if stated is None:
        return "?" if computed is None else f"({computed})"
    if computed is None:
        return f"{stated} ?"
    return f"{stated} != {computed}" if item.inherent_disagrees else str(stated)


def _residual_cell(item: ScoredRisk) -> str:
    if item.residual is None:
        return "?"
    return str(item.residual) if item.residual_source == "stated" else f"({item.residual})"


def _text_row(rank: int, item: ScoredRisk) -> tuple[str, ...]:
    return (
        str(rank),
        item.risk_id,
        _known(item.asset),
        _known(item.likelihood),
        _known(item.impact),
        _inherent_cell(item),
        _residual_cell(item),
        _known(item.score),
        str(item.open_remediation),
    )


def _join(
    row: Sequence[str], widths: Sequence[int], item: ScoredRisk | None, *, colour: bool
) -> str:
    cells = []
    for index, (text, width) in enumerate(zip(row, widths, strict=True)):
        cell = text.rjust(width) if index in _RIGHT else text.ljust(width)
        if colour and item is not None:
            cell = _style(index, cell, item)
        cells.append(cell)
    return "  ".join(cells).rstrip()


def _style(index: int, cell: str, item: ScoredRisk) -> str:
    # Colour only what a reader acts on: the level to fix first and a row that disagrees.
    if index == _INHERENT and item.inherent_disagrees:
        return click.style(cell, fg="yellow", bold=True)
    if index == _RESIDUAL and item.residual is not None:
        return click.style(cell, fg=_LEVEL_COLOURS[item.residual])
    return cell


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _summary(scored: Sequence[ScoredRisk], total: int) -> str:
    if not total:
        return "No risks in the register."
    shown = _plural(total, "risk")
    if len(scored) < total:
        shown = f"Top {len(scored)} of {shown}"
    disagree = sum(1 for item in scored if item.inherent_disagrees)
    unstated = sum(1 for item in scored if item.residual_source == "inherent")
    open_items = sum(1 for item in scored if item.open_remediation)
    return (
        f"{shown}: {disagree} stated inherent differing from the matrix, "
        f"{unstated} without stated residual, {open_items} with open remediation."
    )


def _legend(matrix: RiskMatrix) -> list[str]:
    notes = [
        f"Matrix: {matrix.title} ({matrix.name}, {matrix.levels} levels).",
        "inherent: `a != b` stated a, the matrix gives b; (b) not stated, from the matrix; "
        "? likelihood or impact not on the matrix's scale. residual: (x) not stated, "
        "ranked as the inherent level. open: remediation items not done or accepted.",
        f"score: {RISK_SCORE_NOTE}.",
    ]
    return [line for note in notes for line in textwrap.wrap(note, WIDTH, subsequent_indent="  ")]
