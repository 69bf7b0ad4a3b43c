"""The report's sections on the register: threats and vulnerabilities, risk levels, remediation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ..catalog import RiskMatrix
from ..model import Level, Remediation, RemediationStatus, Risk, ThreatSource
from ..scoring.rank import ScoredRisk
from ..scoring.remediation import ACTIVE_STATUSES, OPEN_STATUSES, is_overdue
from .charts import CategoryRisks, MonthStatus, category_svg, heat_map_svg, remediation_plan_svg
from .document import Cell, CellValue, Figure, Section, Table, Tone
from .inputs import MISSING, UNREADABLE, ReportInputs, day, known, level_cell, plural, text

CATEGORY_ROWS = 24
"""Categories the risks-by-category chart draws before folding the rest into one bar."""


def _ranked_risks(i: ReportInputs) -> list[Risk]:
    """Risks highest first when they can be scored, else in register order."""
    if not i.ranked:
        return list(i.ws.risks)
    return [i.ws.risks[scored.order] for scored in i.ranked]


def threats_section(i: ReportInputs) -> Section:
    """Threats and vulnerabilities: each register row's threat event and what it exploits."""
    risks = i.ws.risks
    sources = Counter(risk.threat_source for risk in risks)
    facts = [("Threat and vulnerability pairs", f"{len(risks):,}")]
    facts += [
        (f"Threat source: {source.value}", f"{sources[source]:,}")
        for source in ThreatSource
        if sources[source]
    ]
    if sources[None]:
        facts.append(("Threat source not recorded", f"{sources[None]:,}"))
    rows = (
        (
            risk.label,
            _asset(risk.asset, i.ws.asset_by_id),
            risk.threat_source.value if risk.threat_source else MISSING,
            known(risk.threat),
            known(risk.vuln),
        )
        for risk in _ranked_risks(i)
    )
    table = i.table(
        "threats",
        "Threats and vulnerabilities",
        ("Risk", "Asset", "Threat source", "Threat", "Vulnerability"),
        rows,
        empty="The register (register/) has no risks.",
        order="highest residual risk first",
    )
    paragraphs = (
        "Each row of the risk register pairs a reasonably anticipated threat with the "
        "vulnerability or predisposing condition it would exploit, on one asset "
        "(NIST SP 800-30 Rev. 1, tasks 2-1 and 2-2).",
    )
    return Section(
        "threats-and-vulnerabilities",
        "Threats and vulnerabilities",
        paragraphs,
        tuple(facts),
        tables=(table,),
    )


def _asset(asset_id: str | None, ids: Mapping[str, object]) -> CellValue:
    if asset_id is None:
        return UNREADABLE
    if asset_id not in ids:
        return Cell(asset_id, Tone.WARN, ("not in the inventory",))
    return asset_id


def determination_section(i: ReportInputs) -> Section:
    """Risk determination: heat maps, risks by category, and every risk's levels."""
    ranked = i.ranked
    residual = Counter(scored.residual for scored in ranked)
    facts = [(f"Residual {level.value}", f"{residual[level]:,}") for level in reversed(i.scale)]
    if residual[None]:
        facts.append(("Residual level unknown", f"{residual[None]:,}"))
    disagree = sum(1 for scored in ranked if scored.inherent_disagrees)
    facts.append(("Inherent level the matrix does not give", f"{disagree:,}"))
    figures: list[Figure] = []
    paragraphs: list[str] = []
    if i.matrix is None:
        paragraphs.append(
            "The methodology in sra.yaml names no usable risk matrix, so risks "
            "cannot be placed on a heat map or ranked."
        )
    else:
        figures.append(_heat_map(i, i.matrix, ranked))
    figures.append(_by_category(i, ranked))
    rows = (
        (
            str(rank),
            scored.risk_id,
            known(scored.asset),
            known(scored.likelihood),
            known(scored.impact),
            _inherent(scored),
            _residual(scored),
            known(scored.score),
            str(scored.open_remediation),
            day(i.ws.risks[scored.order].last_reviewed),
        )
        for rank, scored in enumerate(ranked, start=1)
    )
    table = i.table(
        "risk-levels",
        "Risk levels",
        (
            "Rank",
            "Risk",
            "Asset",
            "Likelihood",
            "Impact",
            "Inherent",
            "Residual",
            "Score",
            "Open actions",
            "Last reviewed",
        ),
        rows,
        empty="No risk can be scored.",
        order="highest residual risk first",
    )
    notes = (
        "Ranked by residual level (stated, else the inherent level), then inherent level "
        "(stated, else the matrix's), then the semi-quantitative score: the product of the "
        "NIST SP 800-30 0-10 values of likelihood and impact, 0-100.",
        "The residual heat map places each risk in its impact column at the likelihood "
        "whose matrix level equals its residual level: controls are read as lowering "
        "likelihood, not impact.",
    )
    return Section(
        "risk-determination",
        "Risk determination",
        tuple(paragraphs),
        tuple(facts),
        tuple(figures),
        (table,),
        notes,
    )


def _inherent(scored: ScoredRisk) -> CellValue:
    if scored.inherent_disagrees and scored.inherent_computed is not None:
        return level_cell(
            scored.inherent_stated, note=f"matrix gives {scored.inherent_computed.value}"
        )
    return level_cell(scored.inherent)


def _residual(scored: ScoredRisk) -> CellValue:
    note = "not stated: inherent" if scored.residual_source == "inherent" else None
    return level_cell(scored.residual, note=note)


def _heat_map(i: ReportInputs, matrix: RiskMatrix, ranked: list[ScoredRisk]) -> Figure:
    scale = matrix.scale
    on_scale = frozenset(scale)
    cell_level = {(lk, im): matrix.level(lk, im) for lk in scale for im in scale}
    inherent: Counter[tuple[Level, Level]] = Counter()
    residual: Counter[tuple[Level, Level]] = Counter()
    by_column = _likelihoods_by_level(matrix)
    unplaced = 0
    for scored in ranked:
        likelihood, impact = scored.likelihood, scored.impact
        if likelihood not in on_scale or impact not in on_scale or not (likelihood and impact):
            unplaced += 1
            continue
        inherent[likelihood, impact] += 1
        place = _residual_place(scored, by_column)
        if place is None:
            unplaced += 1
        else:
            residual[place, impact] += 1
    svg = heat_map_svg(scale, cell_level, inherent, residual, residual_unplaced=unplaced)
    caption = (
        f"Risks by likelihood and impact under {matrix.title}: before current controls "
        "(inherent) and with them (residual)."
    )
    rows: tuple[tuple[CellValue, ...], ...] = tuple(
        (
            f"likelihood {lk.value}",
            *(
                Cell(f"{inherent[lk, im]} / {residual[lk, im]}", Tone(cell_level[lk, im].value))
                for im in scale
            ),
        )
        for lk in reversed(scale)
    )
    alt = Table(
        "heat-map",
        "Risks per cell: inherent / residual",
        ("", *(f"impact {im.value}" for im in scale)),
        rows,
        len(rows),
    )
    note = (
        (
            f"{plural(unplaced, 'risk')} off the residual map: no cell of the impact column "
            "has that residual level."
        )
        if unplaced
        else None
    )
    return Figure("heat-map", caption, svg, note=note, alt=alt)


def _likelihoods_by_level(matrix: RiskMatrix) -> dict[tuple[Level, Level], list[Level]]:
    """(impact, risk level) -> the likelihoods giving that level in that column."""
    out: dict[tuple[Level, Level], list[Level]] = {}
    for likelihood in matrix.scale:
        for impact in matrix.scale:
            out.setdefault((impact, matrix.level(likelihood, impact)), []).append(likelihood)
    return out


def _residual_place(
    scored: ScoredRisk, by_column: dict[tuple[Level, Level], list[Level]]
) -> Level | None:
    stated = scored.likelihood
    if scored.residual is None or stated is None or scored.impact is None:
        return None
    candidates = by_column.get((scored.impact, scored.residual))
    if not candidates:
        return None
    # The likelihood nearest the stated one: the smallest change that explains the residual.
    return min(candidates, key=lambda lk: (abs(lk.rank - stated.rank), lk.rank))


def _by_category(i: ReportInputs, ranked: list[ScoredRisk]) -> Figure:
    category: dict[str | None, str] = {
        asset.id: known(asset.category) for asset in i.ws.assets if asset.id
    }
    counts: dict[str, Counter[Level | None]] = {}
    if ranked:
        pairs = ((category.get(s.asset, "unknown asset"), s.residual) for s in ranked)
    else:
        pairs = ((category.get(r.asset, "unknown asset"), r.residual_risk) for r in i.ws.risks)
    for label, level in pairs:
        counts.setdefault(label, Counter())[level] += 1
    ordered = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    if len(ordered) > CATEGORY_ROWS:
        rest: Counter[Level | None] = Counter()
        for _, counter in ordered[CATEGORY_ROWS - 1 :]:
            rest.update(counter)
        ordered = [*ordered[: CATEGORY_ROWS - 1], ("other categories", rest)]
    rows = [
        CategoryRisks(label, {lv: n for lv, n in c.items() if lv is not None}, c[None])
        for label, c in ordered
    ]
    caption = "Risks per asset category, by residual level."
    levels = tuple(reversed(i.scale))
    alt_rows = tuple(
        (row.label, *(f"{row.counts.get(lv, 0):,}" for lv in levels), f"{row.unscored:,}")
        for row in rows
    )
    alt = Table(
        "risks-by-category",
        caption,
        ("Category", *(lv.value for lv in levels), "unscored"),
        alt_rows,
        len(alt_rows),
    )
    return Figure("risks-by-category", caption, category_svg(rows, i.scale), alt=alt)


@dataclass(frozen=True, slots=True)
class _Item:
    risk: Risk
    item: Remediation
    overdue: bool


def remediation_items(i: ReportInputs) -> list[_Item]:
    """Every remediation item with whether it is overdue as of the report's date."""
    today = i.today
    return [
        _Item(risk, item, is_overdue(item, today))
        for risk in i.ws.risks
        for item in risk.remediation
    ]


def remediation_section(i: ReportInputs) -> Section:
    """Remediation plan: every corrective action by due date, overdue ones marked."""
    items = remediation_items(i)
    status = Counter(entry.item.status for entry in items)
    overdue = sum(1 for entry in items if entry.overdue)
    undated = sum(
        1 for entry in items if entry.item.due is None and entry.item.status in ACTIVE_STATUSES
    )
    facts = (
        ("Corrective actions", f"{len(items):,}"),
        ("Open (planned, in progress, deferred)", f"{sum(status[s] for s in OPEN_STATUSES):,}"),
        ("Overdue", f"{overdue:,}"),
        ("Open with no due date", f"{undated:,}"),
        ("Done", f"{status[RemediationStatus.DONE]:,}"),
        ("Risk accepted", f"{status[RemediationStatus.ACCEPTED]:,}"),
    )
    figure = Figure(
        "remediation-plan",
        f"Corrective actions by due month and status, as of {i.today.isoformat()}.",
        remediation_plan_svg(_months(items), i.today),
    )
    residual = {id(i.ws.risks[s.order]): s.residual for s in i.ranked}

    def order(entry: _Item) -> tuple[int, date, str]:
        closed = entry.item.status not in OPEN_STATUSES
        return (int(closed), entry.item.due or date.max, entry.risk.label)

    rows = (
        _item_row(entry, residual.get(id(entry.risk), entry.risk.residual_risk))
        for entry in sorted(items, key=order)
    )
    table = i.table(
        "remediation",
        "Remediation plan",
        ("Due", "Risk", "Corrective action", "Owner", "Status", "Residual"),
        rows,
        empty="The register plans no corrective actions.",
        order="open actions by due date (overdue first), then closed ones",
    )
    paragraphs = (
        ()
        if overdue == 0
        else (
            f"{plural(overdue, 'corrective action is', 'corrective actions are')} past due "
            "and still planned or in progress; they are marked OVERDUE below.",
        )
    )
    return Section("remediation-plan", "Remediation plan", paragraphs, facts, (figure,), (table,))


def _item_row(entry: _Item, residual: Level | None) -> tuple[CellValue, ...]:
    item = entry.item
    due: CellValue = day(item.due)
    if entry.overdue:
        due = Cell(day(item.due), Tone.BAD, ("OVERDUE",))
    elif item.due is None and item.status in ACTIVE_STATUSES and not item.is_unknown("due"):
        due = Cell("no due date", Tone.WARN)
    status_lines: tuple[str, ...] = ()
    if item.status in (RemediationStatus.ACCEPTED, RemediationStatus.DEFERRED):
        # Why a risk was accepted or put off, and who approved it, is what an auditor asks.
        said = (
            text(item.rationale) if item.rationale else "",
            f"approved by {item.approved_by}" if item.approved_by else "",
        )
        status_lines = tuple(line for line in said if line)
    tone = {RemediationStatus.DONE: Tone.GOOD, RemediationStatus.ACCEPTED: Tone.MUTED}
    written = item.status.value.replace("_", " ") if item.status else UNREADABLE
    status = Cell(written, tone.get(item.status) if item.status else Tone.WARN, status_lines)
    owner: CellValue = (
        text(item.owner) if item.owner or item.is_unknown("owner") else Cell("no owner", Tone.WARN)
    )
    return (due, entry.risk.label, known(item.control), owner, status, level_cell(residual))


def _months(items: list[_Item]) -> list[MonthStatus]:
    counts: dict[date, Counter[str]] = {}
    for entry in items:
        due = entry.item.due
        if due is None:
            continue
        status = entry.item.status
        if status is None:
            continue  # a status that could not be read has no column in the chart
        key = "overdue" if entry.overdue else status.value
        counts.setdefault(due.replace(day=1), Counter())[key] += 1
    return [
        MonthStatus(
            month,
            done=n["done"],
            accepted=n["accepted"],
            deferred=n["deferred"],
            in_progress=n["in_progress"],
            planned=n["planned"],
            overdue=n["overdue"],
        )
        for month, n in sorted(counts.items())
    ]
