"""What every section of the report is built from, computed once, and the cells they share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ..analysis.facts import Facts
from ..analysis.ocr import OcrElement, ocr_elements
from ..catalog import RiskMatrix, scale_levels
from ..discover import Reconciliation
from ..findings import Location
from ..history import History
from ..model import Level, Workspace
from ..rules import LintReport
from ..scoring.rank import ScoredRisk, rank_scored, score_risk
from ..signoff import Verification
from .document import Cell, CellValue, Table, Tone

DETAIL_LIMIT = 200
"""Rows a section shows before the rest of its table moves to an appendix."""
PDF_DETAIL_LIMIT = 50
"""Rows a section of the PDF shows: its appendices are attached files, every row laid out
on a page costs layout time, and a reader of pages reads the first rows."""

MISSING = "—"
"""What an empty cell shows: a value nobody recorded."""
UNREADABLE = "(unreadable)"
"""What a cell shows for a required value that was written but could not be read; the
Findings section says what is wrong with it."""


@dataclass
class ReportInputs:
    """The workspace and everything computed from it that more than one section needs."""

    ws: Workspace
    today: date
    facts: Facts
    matrix: RiskMatrix | None
    lint: LintReport
    verification: Verification
    history: History | None
    history_problem: str | None = None
    """Why there is no review history (not a git repository, git missing)."""
    detail_limit: int = DETAIL_LIMIT
    discovery: Reconciliation | None = None
    """Infrastructure code reconciled with the inventory, when sra.yaml lists inputs."""

    @cached_property
    def ranked(self) -> list[ScoredRisk]:
        """Every risk scored and ranked, highest residual first (empty without a matrix)."""
        if self.matrix is None:
            return []
        risks = self.ws.risks
        # Locations are not shown in the report, and locating 50,000 rows costs seconds.
        scored = (
            score_risk(risk, self.matrix, _NOWHERE, index) for index, risk in enumerate(risks)
        )
        return rank_scored(scored)

    @cached_property
    def elements(self) -> tuple[OcrElement, ...]:
        """OCR's nine elements, judged once (the cover and the checklist both show them)."""
        return ocr_elements(self.ws, self.today, self.facts, self.verification.digest)

    @cached_property
    def scale(self) -> tuple[Level, ...]:
        """The methodology's levels, lowest first."""
        if self.matrix is not None:
            return self.matrix.scale
        levels = self.ws.manifest.methodology.levels if self.ws.manifest else 3
        # An unreadable `levels`: every level, so nothing written falls off a chart's axis.
        return scale_levels(levels) if levels is not None else tuple(Level)

    def table(
        self,
        key: str,
        title: str,
        columns: Sequence[str],
        rows: Iterable[tuple[CellValue, ...]],
        *,
        empty: str = "None.",
        order: str = "",
        whole: bool = False,
    ) -> Table:
        """A table that shows at most `detail_limit` rows in its section (all when `whole`)."""
        body = tuple(rows)
        shown = len(body) if whole else self.detail_limit
        return Table(key, title, tuple(columns), body, shown, empty, order)


_NOWHERE = Location("")


def day(value: date | None) -> str:
    """A date as `YYYY-MM-DD`, or the missing mark."""
    return value.isoformat() if value is not None else MISSING


def yes_no(value: bool | None, *, good: bool = True) -> CellValue:
    """`yes`/`no` toned by whether `True` is the safe answer; unrecorded values say so."""
    if value is None:
        return Cell("not recorded", Tone.WARN)
    safe = value is good
    return Cell("yes" if value else "no", Tone.GOOD if safe else Tone.BAD)


def level_cell(level: Level | None, *, note: str | None = None) -> CellValue:
    """A level, coloured by itself."""
    if level is None:
        return Cell("unscored", Tone.MUTED)
    lines = (note,) if note else ()
    return Cell(level.value, Tone(level.value), lines)


def text(value: str | None) -> str:
    """Free text with its whitespace folded, or the missing mark."""
    return " ".join(value.split()) if value and value.strip() else MISSING


def known(value: object) -> str:
    """A value of a partial record as text: the unreadable mark when it could not be read."""
    if value is None:
        return UNREADABLE
    return str(getattr(value, "value", value))


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 risk`, `2 risks`, with thousands separators."""
    word = one if count == 1 else (many or one + "s")
    return f"{count:,} {word}"


def ids(values: Iterable[str], limit: int = 6) -> str:
    """Ids joined with commas, at most `limit` of them and a count of the rest."""
    shown = list(values)
    head = ", ".join(shown[:limit])
    return head + (f" (+{len(shown) - limit:,} more)" if len(shown) > limit else "") or MISSING
