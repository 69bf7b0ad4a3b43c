"""Register rules (SRA1xx): the risk rows themselves, their scoring, remediation and evidence."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.intervals import Interval
from ..findings import Severity, shorten
from ..model import Remediation, RemediationStatus, Workspace
from ..scoring import ACTIVE_STATUSES, is_overdue
from .base import Context, Family, Hit, Rule

REGISTER_INTERVAL = Interval("register_days")
"""SRA101: `register_days`."""


def _stale_review(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    days = REGISTER_INTERVAL.days(ctx.manifest)
    if days is None:  # the interval in sra.yaml could not be read: nothing to measure against
        return
    for risk in ws.risks:
        if risk.last_reviewed is None:
            if risk.is_unknown("last_reviewed"):
                continue
            yield Hit(
                f"risk `{risk.label}` has no `last_reviewed` date; record when the row was "
                f"last reviewed (the policy is every {days} days)",
                risk,
            )
        elif ctx.age(risk.last_reviewed) > days:
            yield Hit(
                f"risk `{risk.label}` was last reviewed {risk.last_reviewed} "
                f"({ctx.age(risk.last_reviewed)} days ago); the review interval is {days} days",
                risk,
                ("last_reviewed",),
            )


def _high_without_remediation(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    facts = ctx.facts
    for risk in ws.risks:
        if not facts.untreated_high(risk):
            continue
        levels = facts.levels(risk)
        source = levels.source
        path = (source,) if source != "likelihood x impact" else ("likelihood",)
        yield Hit(
            f"risk `{risk.label}` is {levels.level} ({source}) but has no open remediation "
            "(planned or in_progress) and no accepted decision",
            risk,
            path,
        )


def _remediation_overdue(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for risk in ws.risks:
        for index, item in enumerate(risk.remediation):
            if is_overdue(item, ctx.today) and item.due is not None:
                yield Hit(
                    f"risk `{risk.label}`: {_item(item, index)} was due {item.due} "
                    f"({ctx.age(item.due)} days ago) and is still {item.status}",
                    risk,
                    ("remediation", index, "due"),
                )


def _remediation_without_owner(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for risk in ws.risks:
        for index, item in enumerate(risk.remediation):
            if item.status in ACTIVE_STATUSES and not item.owner and not item.is_unknown("owner"):
                yield Hit(
                    f"risk `{risk.label}`: {_item(item, index)} has no owner",
                    risk,
                    ("remediation", index),
                )


def _remediation_without_due(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for risk in ws.risks:
        for index, item in enumerate(risk.remediation):
            if item.status in ACTIVE_STATUSES and item.due is None and not item.is_unknown("due"):
                yield Hit(
                    f"risk `{risk.label}`: {_item(item, index)} has no due date",
                    risk,
                    ("remediation", index),
                )


def _inherent_mismatch(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    matrix = ctx.facts.matrix
    for risk in ws.risks:
        if risk.inherent_risk is None:
            continue
        expected = ctx.facts.expected_inherent(risk)
        if expected is not None and expected is not risk.inherent_risk and matrix is not None:
            yield Hit(
                f"risk `{risk.label}`: inherent_risk is {risk.inherent_risk}, but {matrix.title} "
                f"gives {expected} for {risk.likelihood} likelihood and {risk.impact} impact",
                risk,
                ("inherent_risk",),
            )


def _residual_exceeds_inherent(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for risk in ws.risks:
        if risk.residual_risk is None or risk.is_unknown("inherent_risk"):
            continue
        inherent = ctx.facts.levels(risk).inherent
        if inherent is not None and risk.residual_risk.rank > inherent.rank:
            yield Hit(
                f"risk `{risk.label}`: residual_risk {risk.residual_risk} is above inherent risk "
                f"{inherent}; controls cannot raise a risk",
                risk,
                ("residual_risk",),
            )


def _accepted_without_rationale(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for risk in ws.risks:
        for index, item in enumerate(risk.remediation):
            if item.status is not RemediationStatus.ACCEPTED:
                continue
            missing = [
                name
                for name in ("rationale", "approved_by")
                if not getattr(item, name) and not item.is_unknown(name)
            ]
            if missing:
                yield Hit(
                    f"risk `{risk.label}`: {_item(item, index)} is accepted "
                    f"without {' and '.join(f'`{name}`' for name in missing)}",
                    risk,
                    ("remediation", index, "status"),
                )


def _item(item: Remediation, index: int) -> str:
    """`remediation "Rotate keys"`, or by position when its text could not be read."""
    if item.control is None:
        return f"remediation #{index + 1}"
    return f'remediation "{shorten(item.control)}"'


_CITE_RM = "45 CFR 164.308(a)(1)(ii)(B) (risk management)"
_CITE_RA = "45 CFR 164.308(a)(1)(ii)(A) (risk analysis); OCR risk analysis guidance (2010)"

REGISTER_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA101",
        record_inputs=frozenset(),
        name="stale-review",
        severity=Severity.WARNING,
        family=Family.REGISTER,
        summary="A risk row was not reviewed within the register review interval.",
        citation=_CITE_RA + ", element 9: periodic review and updates",
        rationale=(
            "OCR expects the risk analysis to be ongoing. A row nobody has looked at for over a "
            "year is evidence that the analysis is not current, which is the most common finding "
            "in OCR enforcement."
        ),
        fix=(
            "Review the row, update its scoring and controls if needed, and set `last_reviewed` "
            "to the review date. The interval is `methodology.review_intervals.register_days` "
            "(default 365)."
        ),
        example="- id: RR-1\n  asset: pg-primary\n  last_reviewed: 2026-06-05",
        check=_stale_review,
        interval=REGISTER_INTERVAL,
    ),
    Rule(
        code="SRA102",
        record_inputs=frozenset(),
        name="high-risk-without-remediation",
        severity=Severity.ERROR,
        family=Family.REGISTER,
        summary="A high or very-high risk has no open remediation and no accepted decision.",
        citation=_CITE_RM,
        rationale=(
            "164.308(a)(1)(ii)(B) requires measures that reduce risks to a reasonable and "
            "appropriate level. A high risk with neither a plan nor a documented acceptance "
            "shows risks were identified but not managed. The level that counts is the stated "
            "residual risk (what remains after current controls), else the inherent risk. "
            "Only an item `planned`, `in_progress` or `accepted` treats the risk: work marked "
            "`done` that left the risk high did not bring it down, and a `deferred` item is "
            "not under way. OCR element 7 in `sra report` counts untreated high risks the same "
            "way."
        ),
        fix=(
            "Add a remediation item with owner, due date and status `planned` or `in_progress`, "
            "or record an `accepted` decision with rationale and approver."
        ),
        example=(
            "  residual_risk: high\n"
            "  remediation:\n"
            "    - control: Enforce MFA on the replica role\n"
            "      owner: alice\n"
            "      due: 2027-01-31\n"
            "      status: planned"
        ),
        check=_high_without_remediation,
    ),
    Rule(
        code="SRA103",
        record_inputs=frozenset(),
        name="remediation-overdue",
        severity=Severity.WARNING,
        family=Family.REGISTER,
        summary="An open remediation item is past its due date.",
        citation=_CITE_RM,
        rationale=(
            "A remediation plan whose dates pass silently is the plan an auditor reads as not "
            "being executed. Either the work is done, or the plan needs a new date and reason."
        ),
        fix="Finish the work and set `status: done`, or move `due` to a realistic date.",
        example=(
            "  remediation:\n    - control: Rotate replica credentials\n      owner: alice\n"
            "      due: 2027-03-31\n      status: in_progress"
        ),
        check=_remediation_overdue,
    ),
    Rule(
        code="SRA104",
        record_inputs=frozenset(),
        name="remediation-without-owner",
        severity=Severity.WARNING,
        family=Family.REGISTER,
        summary="An open remediation item names no owner.",
        citation=_CITE_RM + "; 164.308(a)(2) (assigned security responsibility)",
        rationale=(
            "Work without an owner does not get done, and an auditor asks who is accountable "
            "for each corrective action."
        ),
        fix="Set `owner:` to the person id accountable for the item.",
        example="      owner: security-eng-lead",
        check=_remediation_without_owner,
    ),
    Rule(
        code="SRA105",
        record_inputs=frozenset(),
        name="remediation-without-due-date",
        severity=Severity.WARNING,
        family=Family.REGISTER,
        summary="An open remediation item has no due date.",
        citation=_CITE_RM,
        rationale=(
            "Without a date a remediation item cannot be overdue, so it can wait forever. The "
            "plan needs dates to be a plan."
        ),
        fix="Set `due: YYYY-MM-DD`.",
        example="      due: 2027-01-31",
        check=_remediation_without_due,
    ),
    Rule(
        code="SRA106",
        record_inputs=frozenset(),
        name="inherent-risk-mismatch",
        severity=Severity.WARNING,
        family=Family.REGISTER,
        summary=(
            "The stated inherent risk differs from the methodology's matrix for its likelihood "
            "and impact."
        ),
        citation=(
            "NIST SP 800-30 Rev. 1 Table I-2; " + _CITE_RA + ", element 7: determine the level "
            "of risk"
        ),
        rationale=(
            "The methodology in sra.yaml says how likelihood and impact combine. A level that "
            "disagrees with it means the analysis does not follow its own method, and rankings "
            "built on it mislead. NIST's Table I-2 is a lookup table, not a product: moderate "
            "likelihood and high impact give moderate, not high."
        ),
        fix=(
            "Set `inherent_risk` to the matrix's level (see `sra score` and `sra catalog nist`), "
            "or revise likelihood or impact if they were misjudged."
        ),
        example="  likelihood: moderate\n  impact: high\n  inherent_risk: moderate",
        check=_inherent_mismatch,
    ),
    Rule(
        code="SRA107",
        record_inputs=frozenset(),
        name="residual-exceeds-inherent",
        severity=Severity.ERROR,
        family=Family.REGISTER,
        summary="The residual risk is higher than the inherent risk.",
        citation="NIST SP 800-30 Rev. 1 section 3.2 (risk determination)",
        rationale=(
            "Residual risk is what remains after current controls; controls can only lower it. "
            "A residual above inherent is a data-entry error that corrupts rankings."
        ),
        fix="Lower `residual_risk` to at most the inherent level, or correct the inherent level.",
        example="  inherent_risk: high\n  residual_risk: moderate",
        check=_residual_exceeds_inherent,
    ),
    Rule(
        code="SRA108",
        record_inputs=frozenset(),
        name="accepted-risk-without-rationale",
        severity=Severity.ERROR,
        family=Family.REGISTER,
        summary="A remediation item is `accepted` without a rationale and an approver.",
        citation=_CITE_RM + "; 164.316(b)(1) (documentation)",
        rationale=(
            "Accepting a risk is a decision management owns. Without the reason and the name of "
            "who approved it, an acceptance is indistinguishable from neglect."
        ),
        fix=(
            "Add `rationale:` (why the risk is reasonable to carry) and `approved_by:` (person id)."
        ),
        example=(
            "    - control: Keep 90-day SIEM retention\n      status: accepted\n"
            "      rationale: Cost exceeds benefit; compensating weekly export\n"
            "      approved_by: alice"
        ),
        check=_accepted_without_rationale,
    ),
)
"""Register rules SRA101-SRA108; evidence rules SRA109-SRA110 live in `rules.evidence`."""
