"""The questionnaire, policies and training in the SRA document.

"Safeguards questionnaire" shows the answers by standard and the proposals not yet applied;
the policy and training tables stand in "Current controls", beside the controls, since they
are the administrative safeguards no code shows.
"""

from __future__ import annotations

from collections import Counter

from ..analysis.questionnaire import implication, progress, questionnaire
from ..analysis.recurring import policy_review_due, training_due
from ..assessment.proposals import proposals
from ..catalog.questions import Implication
from ..model import Policy, Training
from .document import Cell, CellValue, Section, Table, Tone
from .inputs import MISSING, ReportInputs, day, known, plural, text

_TONE = {
    Implication.YES: Tone.GOOD,
    Implication.PARTIAL: Tone.WARN,
    Implication.NO: Tone.BAD,
    Implication.NOT_APPLICABLE: None,
}


def questionnaire_section(i: ReportInputs) -> Section:
    """Safeguards questionnaire: answers by standard, and the proposals still to apply."""
    views = questionnaire(i.ws)
    done = progress(i.ws, views)
    counts = Counter(implication(answer) for view in views for answer in view.answers.values())
    facts = (
        ("Applicable questions", f"{done.applicable:,}"),
        ("Answered", f"{done.answered:,}"),
        *(
            (label, f"{counts[meaning]:,}")
            for label, meaning in (
                ("Yes", Implication.YES),
                ("Partial", Implication.PARTIAL),
                ("No", Implication.NO),
                ("Not applicable", Implication.NOT_APPLICABLE),
            )
        ),
        ("Skipped for this organization (entity type, profile)", f"{done.skipped:,}"),
    )
    if not i.ws.answers:
        return Section(
            "safeguards-questionnaire",
            "Safeguards questionnaire",
            ("The safeguards questionnaire has not been started: answer it with `sra assess`.",),
            facts,
        )
    rows = []
    for view in views:
        given = Counter(implication(answer) for answer in view.answers.values())
        rows.append(
            (
                Cell(view.section.title, None, (", ".join(view.section.cites),)),
                f"{len(view.questions)}",
                f"{view.answered}",
                *(_count(given[meaning], meaning) for meaning in Implication),
            )
        )
    by_standard = i.table(
        "questionnaire",
        "Answers by standard",
        ("Standard", "Applicable", "Answered", "Yes", "Partial", "No", "Not applicable"),
        rows,
        whole=True,
    )
    pending = proposals(i.ws)
    open_table = i.table(
        "questionnaire-proposals",
        "Open proposals",
        ("Proposal", "From answer", "What"),
        (
            (
                p.kind,
                p.question,
                p.record["vuln"] if p.kind == "risk" else f"{p.key}: {p.record['decision']}",
            )
            for p in pending
        ),
        empty="None: every proposal of the answers is in the register or sra.yaml.",
    )
    notes = (
        "A partial or no answer proposes a draft risk, and a not-applicable answer on an "
        "addressable specification the decision of 164.306(d)(3); `sra assess "
        "--apply-proposals` writes those not yet recorded.",
    )
    return Section(
        "safeguards-questionnaire",
        "Safeguards questionnaire",
        facts=facts,
        tables=(by_standard, open_table),
        notes=notes,
    )


def _count(count: int, meaning: Implication) -> CellValue:
    return Cell(f"{count:,}", _TONE[meaning]) if count else "0"


def _policy_due(policy: Policy, i: ReportInputs) -> CellValue:
    due = policy_review_due(policy, i.ws)
    if due is None:
        return MISSING
    return Cell(due.isoformat(), Tone.BAD) if due < i.today else due.isoformat()


def policies_table(i: ReportInputs) -> Table:
    """Written policies: what each addresses, its approval and when its review falls due."""
    rows = (
        (
            Cell(known(p.title), None, (p.label,)),
            known(p.status),
            ", ".join(p.hipaa) or MISSING,
            text(p.owner),
            text(p.version),
            day(p.approved),
            text(p.approved_by),
            _policy_due(p, i),
        )
        for p in i.ws.policies
    )
    return i.table(
        "policies",
        "Policies and procedures",
        ("Policy", "Status", "HIPAA", "Owner", "Version", "Approved", "By", "Review due"),
        rows,
        empty="No policies are recorded (policies/).",
    )


def _training_due(record: Training, i: ReportInputs) -> CellValue:
    due = training_due(record, i.ws)
    if due is None:
        return MISSING
    return Cell(due.isoformat(), Tone.BAD) if due < i.today else due.isoformat()


def training_table(i: ReportInputs) -> Table:
    """Security training completions: who, which course, when, and when it is due again."""
    rows = (
        (
            text(r.person)
            if r.person
            else Cell(
                text(r.group),
                None,
                (
                    f"group of {plural(r.headcount, 'person', 'people')}"
                    if r.headcount
                    else "group",
                ),
            ),
            known(r.course),
            day(r.completed),
            _training_due(r, i),
            text(r.evidence),
        )
        for r in i.ws.training
    )
    return i.table(
        "training",
        "Security awareness and training",
        ("Who", "Course", "Completed", "Due again", "Evidence"),
        rows,
        empty="No training is recorded (training/).",
    )
