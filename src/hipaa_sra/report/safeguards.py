"""The report's sections on method and measures: methodology, controls, coverage, NPRM, OCR."""

from __future__ import annotations

from collections import Counter

from ..analysis.coverage import CoverageRow, CoverageStatus, coverage_rows, coverage_summary
from ..analysis.nprm import Readiness, nprm_readiness
from ..analysis.ocr import ElementStatus
from ..catalog import scale_descriptions
from ..model import Control, PolicyStatus, Profile, Safeguard
from .document import Cell, CellValue, Section, Table, Tone
from .inputs import MISSING, UNREADABLE, ReportInputs, day, ids, known, level_cell, plural, text
from .questionnaire import policies_table, training_table

_SCALE_KEYS = ("likelihood-adverse-impact", "impact")
"""The NIST scales a register row is rated on: overall likelihood (G-4 wording) and impact."""


def methodology_section(i: ReportInputs) -> Section:
    """Methodology: the scales, the matrix, the semi-quantitative score and the review policy."""
    manifest = i.ws.manifest
    method = manifest.methodology if manifest else None
    levels = len(i.scale)
    names = ", ".join(level.value for level in i.scale)
    scale_text = f"{levels} levels ({names})" if method is None or method.levels else UNREADABLE
    intervals = method.review_intervals if method else None
    profile = method.profile if method else Profile.CURRENT
    paragraphs = (
        "The analysis follows NIST SP 800-30 Rev. 1, as OCR's guidance and NIST SP 800-66 "
        "Rev. 2 describe for HIPAA: for every asset that creates, receives, maintains or "
        "transmits ePHI, the reasonably anticipated threats and the vulnerabilities they "
        "exploit are recorded with the controls in place, rated for likelihood and impact, "
        "and combined by the risk matrix into a level of risk before controls (inherent) "
        "and with them (residual). Every risk at or above the organization's threshold "
        "carries corrective actions with an owner and a due date.",
    )
    facts = [
        ("Scale", scale_text),
        ("Risk matrix", i.matrix.title if i.matrix else "none usable (see sra.yaml)"),
        (
            "Profile",
            "current law"
            if profile is Profile.CURRENT
            else UNREADABLE
            if profile is None
            else "2025 NPRM cadences (PROPOSED, not law)",
        ),
    ]
    if intervals is not None:
        facts += [
            (label, UNREADABLE if days is None else plural(days, "day"))
            for label, days in (
                ("Risk rows reviewed every", intervals.register_days),
                ("Inventory reviewed every", intervals.inventory_days),
                ("Evidence current for", intervals.evidence_days),
                ("Vendors verified every", intervals.vendor_days),
                ("Analysis reviewed and signed every", intervals.review_days),
            )
        ]
    tables = []
    if i.matrix is not None:
        matrix = i.matrix
        rows = (
            (
                Cell(lk.value, None, ("likelihood",)),
                *(level_cell(matrix.level(lk, im)) for im in matrix.scale),
            )
            for lk in reversed(matrix.scale)
        )
        columns = ("Likelihood \\ impact", *(im.value for im in matrix.scale))
        tables.append(Table("matrix", matrix.title, columns, tuple(rows), len(matrix.scale) + 1))
    on_scale = frozenset(i.scale)
    for scale in scale_descriptions():
        if scale.key not in _SCALE_KEYS:
            continue
        described = tuple(
            (level_cell(lv), text(desc)) for lv, desc in scale.descriptions if lv in on_scale
        )
        tables.append(
            Table(
                f"scale-{scale.key}",
                f"{scale.title} (NIST SP 800-30 Rev. 1 Table {scale.table})",
                ("Level", "Meaning"),
                described,
                len(described),
            )
        )
    notes = (
        "The semi-quantitative score used for ranking multiplies the NIST 0-10 values of "
        "likelihood and impact (0-100); it orders risks within a level and does not "
        "replace the matrix.",
    )
    return Section(
        "methodology", "Methodology", paragraphs, tuple(facts), tables=tuple(tables), notes=notes
    )


def controls_section(i: ReportInputs) -> Section:
    """Current controls: every safeguard with its citations and the state of its evidence."""
    controls = i.ws.controls
    by_safeguard = Counter(control.safeguard for control in controls)
    statuses = [i.facts.control_status(control) for control in controls]
    complete = sum(1 for s in statuses if s.complete)
    stale = sum(1 for s in statuses if s.due is not None and s.due < i.today)
    facts = [("Controls", f"{len(controls):,}")]
    facts += [
        (f"{s.value.capitalize()} safeguards", f"{by_safeguard[s]:,}")
        for s in Safeguard
        if by_safeguard[s]
    ]
    facts += [
        ("With evidence of how, when and where verified", f"{complete:,}"),
        ("Evidence past its refresh date", f"{stale:,}"),
    ]
    order: dict[Safeguard | None, int] = {s: n for n, s in enumerate(Safeguard)}
    ordered = sorted(controls, key=lambda c: (order.get(c.safeguard, len(order)), c.label))
    rows = (_control_row(c, i) for c in ordered)
    table = i.table(
        "controls",
        "Current controls",
        (
            "Control",
            "Safeguard",
            "HIPAA",
            "Protects",
            "Owner",
            "Evidence",
            "Verified",
            "Review cadence",
        ),
        rows,
        empty="No controls are recorded (controls/).",
    )
    free_text = sum(
        1
        for risk in i.ws.risks
        for entry in risk.current_controls
        if entry not in i.ws.control_by_id
    )
    notes: tuple[str, ...] = ()
    if free_text:
        notes = (
            f"Risks also name {plural(free_text, 'current control')} in free text, not as "
            "control records; the Findings section lists those that do not say how, "
            "when and where they were verified.",
        )
    active = sum(policy.status is PolicyStatus.ACTIVE for policy in i.ws.policies)
    facts += [("Active policies", f"{active:,}"), ("Training records", f"{len(i.ws.training):,}")]
    return Section(
        "current-controls",
        "Current controls",
        facts=tuple(facts),
        tables=(table, policies_table(i), training_table(i)),
        notes=notes,
    )


def _control_row(control: Control, i: ReportInputs) -> tuple[CellValue, ...]:
    status = i.facts.control_status(control)
    if status.complete is None:
        evidence: CellValue = Cell(UNREADABLE, Tone.WARN, ("an entry could not be read",))
    elif not control.evidence:
        evidence = Cell("none", Tone.BAD)
    elif status.complete:
        evidence = Cell(plural(len(control.evidence), "entry", "entries"), Tone.GOOD)
    else:
        evidence = Cell("incomplete", Tone.WARN, tuple(f"no {part}" for part in status.missing))
    verified: CellValue = day(status.latest)
    if status.due is not None and status.due < i.today:
        verified = Cell(day(status.latest), Tone.WARN, (f"refresh was due {status.due}",))
    cadence = control.cadence
    review = MISSING
    if cadence is not None and cadence.every:
        review = cadence.every + (f" by {cadence.reviewer}" if cadence.reviewer else "")
    assets = plural(len(control.assets), "asset") if control.assets else MISSING
    return (
        Cell(known(control.name), None, (control.label,)),
        known(control.safeguard),
        ", ".join(control.hipaa) or MISSING,
        assets,
        text(control.owner),
        evidence,
        verified,
        review,
    )


_COVERAGE_TONE = {
    CoverageStatus.COVERED: Tone.GOOD,
    CoverageStatus.DECIDED: Tone.GOOD,
    CoverageStatus.NOT_APPLICABLE: Tone.GOOD,
    CoverageStatus.UNKNOWN: Tone.WARN,
    CoverageStatus.UNCOVERED: Tone.BAD,
}


def coverage_section(i: ReportInputs) -> Section:
    """HIPAA safeguard coverage: all 22 standards and 46 specifications, and what meets each."""
    rows = coverage_rows(i.facts)
    summary = coverage_summary(rows)
    facts = (
        ("Standards", f"{sum(1 for row in rows if row.entry.is_standard):,}"),
        ("Implementation specifications", f"{sum(1 for r in rows if not r.entry.is_standard):,}"),
        ("Met by a mapped control", f"{summary.covered:,}"),
        ("Met by a documented decision", f"{summary.decided:,}"),
        *(
            (("Not applicable to the organization's entity type", f"{summary.not_applicable:,}"),)
            if summary.not_applicable
            else ()
        ),
        *(
            (("Unknown: a control citation or decision could not be read", f"{summary.unknown:,}"),)
            if summary.unknown
            else ()
        ),
        ("Not met", f"{summary.uncovered:,}"),
        ("…of which required", f"{summary.required_uncovered:,}"),
    )
    body = tuple(_coverage_row(row) for row in rows)
    table = Table(
        "coverage",
        "HIPAA Security Rule coverage",
        ("Citation", "Standard or specification", "Designation", "Status", "Controls", "Decision"),
        body,
        len(body),
    )
    notes = (
        "Required specifications (and standards without specifications) must be implemented. "
        "An addressable specification is met by a control or by a documented decision "
        "(164.306(d)(3)): implemented, an equivalent alternative, or not reasonable and "
        "appropriate, with the rationale.",
    )
    return Section(
        "hipaa-safeguard-coverage",
        "HIPAA safeguard coverage",
        facts=facts,
        tables=(table,),
        notes=notes,
    )


def _coverage_row(row: CoverageRow) -> tuple[CellValue, ...]:
    entry = row.entry
    # Standards head their specifications, as in the regulation's own layout.
    name = Cell(f"{entry.name} (standard)", Tone.KEY) if entry.is_standard else entry.name
    designation: str = "required" if entry.self_specifying else entry.designation
    if row.condition:
        designation += f" (only if it {row.condition})"
    status = Cell(row.status.value, _COVERAGE_TONE[row.status])
    decision: CellValue = MISSING
    if row.decision is not None:
        said = (row.decision.rationale, row.decision.alternative_measure)
        lines = tuple(text(words) for words in said if words and words.strip())
        if row.decision_gaps:
            lines = (*lines, "incomplete: no " + ", ".join(row.decision_gaps))
        decision = Cell(known(row.decision.decision), None, lines)
    controls: CellValue = (
        ids(row.controls)
        if row.controls
        else (f"standard only: {ids(row.standard_controls)}" if row.standard_controls else MISSING)
    )
    also = tuple(
        f"{label}: {ids(found)}"
        for label, found in (("questionnaire", row.answers), ("policies", row.policies))
        if found
    )
    if also:
        controls = (
            Cell(ids(row.controls), None, also) if row.controls else Cell(also[0], None, also[1:])
        )
    return (entry.citation, name, designation, status, controls, decision)


_READINESS_TONE = {
    Readiness.READY: Tone.GOOD,
    Readiness.GAP: Tone.BAD,
    Readiness.NOT_ASSESSED: Tone.WARN,
}


def nprm_section(i: ReportInputs) -> Section:
    """NPRM readiness: the 2025 proposed rule's requirements against the workspace, item by item."""
    readiness = nprm_readiness(i.ws, i.today, i.facts)
    facts = tuple(
        (status.value.replace("-", " ").capitalize(), f"{readiness.count(status):,}")
        for status in Readiness
    )
    rows = tuple(
        (
            item.group.capitalize(),
            Cell(item.requirement, None, (item.citation,)),
            Cell(item.status.value, _READINESS_TONE[item.status]),
            Cell(item.reasons[0], None, item.reasons[1:])
            if item.reasons
            else Cell(item.evidence[0] if item.evidence else MISSING, None, item.evidence[1:]),
            item.confidence,
        )
        for item in readiness.items
    )
    table = Table(
        "nprm",
        "2025 NPRM readiness",
        ("Area", "Proposed requirement", "Status", "What the workspace shows", "Confidence"),
        rows,
        len(rows),
    )
    paragraphs = (
        readiness.label + ". HHS proposed these changes to the Security Rule; none binds "
        "anyone until a final rule is published. They show how far the current program is "
        "from what the proposal would demand.",
    )
    notes = (
        "Confidence says how well each proposed number is backed: verified against the "
        "proposal or HHS fact sheet, secondary (several summaries agree), or unverified.",
    )
    return Section(
        "nprm-readiness", "NPRM readiness", paragraphs, facts, tables=(table,), notes=notes
    )


_ELEMENT_TONE = {
    ElementStatus.MET: Tone.GOOD,
    ElementStatus.PARTIAL: Tone.WARN,
    ElementStatus.MISSING: Tone.BAD,
}


def checklist_section(i: ReportInputs) -> Section:
    """Risk analysis checklist: OCR's nine elements, each met, partial or missing, and why."""
    elements = i.elements
    counts = Counter(element.status for element in elements)
    facts = tuple((status.value.capitalize(), f"{counts[status]}") for status in ElementStatus)
    rows = tuple(
        (
            str(e.number),
            Cell(e.name, None, (e.meaning,)),
            Cell(e.status.value, _ELEMENT_TONE[e.status]),
            Cell(e.reasons[0], None, e.reasons[1:]) if e.reasons else "Documented.",
        )
        for e in elements
    )
    table = Table(
        "checklist",
        "OCR risk analysis elements",
        ("#", "Element", "Status", "Why"),
        rows,
        len(rows),
    )
    paragraphs = (
        "OCR's Guidance on Risk Analysis Requirements under the HIPAA Security Rule "
        "(July 2010) lists nine elements every risk analysis should include. Each is "
        "judged here from the workspace itself.",
    )
    return Section(
        "risk-analysis-checklist", "Risk analysis checklist", paragraphs, facts, tables=(table,)
    )
