"""Questionnaire rules (SRA402-SRA404, coverage family): incomplete, stale and contradicted answers.

They judge the answers of the safeguards questionnaire (`assessment/`) once a workspace keeps
any: a workspace that documents its safeguards with controls alone is not asked to answer it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.coverage import coverage_rows
from ..analysis.questionnaire import implication, questionnaire, usable_answers
from ..catalog.questions import Implication, question_by_id
from ..findings import Severity
from ..model import Workspace
from .base import Context, Family, Hit, Rule

_NAMED = 5


def _incomplete(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    if not ws.answers:
        return
    open_sections = [
        (view, len(view.unanswered())) for view in questionnaire(ws) if view.unanswered()
    ]
    if not open_sections:
        return
    left = sum(count for _, count in open_sections)
    named = ", ".join(f"{view.section.id} ({count})" for view, count in open_sections[:_NAMED])
    more = f" and {len(open_sections) - _NAMED} more" if len(open_sections) > _NAMED else ""
    first = open_sections[0][0].section.id
    yield Hit(
        f"the safeguards questionnaire has {left} applicable questions unanswered in "
        f"{len(open_sections)} sections: {named}{more}; go on with `sra assess` (or "
        f"`sra assess --section {first}`)",
        ws.answers[0],
        (),
        "questionnaire",
    )


def _stale(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    days = ctx.intervals.answer_days
    if days is None:
        return
    for answer in usable_answers(ws).values():
        if answer.date is None or ctx.age(answer.date) <= days:
            continue
        yield Hit(
            f"answer `{answer.label}` was given on {answer.date} ({ctx.age(answer.date):,} days "
            f"ago); answers are reviewed every {days} days: answer it again "
            f"(`sra assess --section {question_by_id()[answer.label].section}`)",
            answer,
            ("date",),
        )


def _contradiction(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    rows = {row.citation: row for row in coverage_rows(ctx.facts)}
    unread = not ctx.facts.known_everywhere("controls", "hipaa")
    for question_id, answer in usable_answers(ws).items():
        question = question_by_id()[question_id]
        meaning = implication(answer)
        claimed = [c for cite in question.cites for c in rows[cite].controls]
        if meaning is Implication.YES:
            documented = any(item.documented for item in answer.evidence)
            if documented or claimed or unread or answer.is_unknown("evidence"):
                continue
            yield Hit(
                f"answer `{question_id}` says yes, but no control cites "
                f"{' or '.join(question.cites)} and the answer names no evidence; add the "
                "control to `evidence` (`- control: <id>`), or say what shows it, how it was "
                "verified, when and where it is kept",
                answer,
                ("answer",),
            )
        elif meaning is Implication.NO and claimed:
            controls = ", ".join(f"`{c}`" for c in dict.fromkeys(claimed))
            yield Hit(
                f"answer `{question_id}` says no, but {controls} cite "
                f"{' or '.join(question.cites)}; correct the answer, or the control's `hipaa` "
                "list if it does not implement it",
                answer,
                ("answer",),
            )
        elif meaning is Implication.NOT_APPLICABLE and claimed and not question.applies_to:
            controls = ", ".join(f"`{c}`" for c in dict.fromkeys(claimed))
            yield Hit(
                f"answer `{question_id}` says it does not apply, but {controls} "
                f"implement {' or '.join(question.cites)}; correct the answer or the controls",
                answer,
                ("answer",),
            )


ASSESSMENT_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA402",
        name="assessment-incomplete",
        severity=Severity.WARNING,
        family=Family.COVERAGE,
        summary=(
            "The safeguards questionnaire has been started, but a section has applicable questions "
            "with no answer."
        ),
        citation="45 CFR 164.308(a)(1)(ii)(A) (an accurate and thorough assessment); 164.306(d)(3)",
        rationale=(
            "A questionnaire answered halfway reads, to an auditor, as an assessment that skipped "
            "the safeguards it did not reach: the sanction policy, workforce clearance, facility "
            "access. One finding names the sections with open questions and how many each has. "
            "Questions that do not bind the organization's entity type, and the NPRM's proposed "
            "items outside the nprm-2025 profile, are not counted. A workspace with no answers "
            "at all is not asked: controls and decisions may document every safeguard instead."
        ),
        fix="Answer the open questions: `sra assess --section <id>` (or `--answers FILE`).",
        example=(
            "# assessment/evaluation.yaml\n- id: q.evaluation.1\n  answer: yes\n  evidence:\n"
            "    - control: ctl-annual-evaluation\n  answered_by: alice\n  date: 2026-10-01\n"
            "- id: q.evaluation.2\n  answer: partial\n  answered_by: alice\n  date: 2026-10-01"
        ),
        check=_incomplete,
    ),
    Rule(
        code="SRA403",
        name="assessment-answer-stale",
        severity=Severity.WARNING,
        family=Family.COVERAGE,
        summary=(
            "A questionnaire answer is older than the review interval (answer_days, default 365)."
        ),
        citation=(
            "45 CFR 164.308(a)(1)(ii)(A); 164.316(b)(2)(iii) (review documentation periodically)"
        ),
        rationale=(
            "Safeguards change: people leave, vendors change, a contingency plan goes untested. "
            "An answer given years ago says what was true then. Answers are dated so that each "
            "one is asked again when its interval (methodology.review_intervals.answer_days) runs "
            "out, like register rows and evidence."
        ),
        fix="Answer the question again (`sra assess --section <id>`), which records today's date.",
        example=(
            "- id: q.sanctions.1\n  answer: yes\n  evidence:\n    - control: ctl-sanctions\n"
            "  answered_by: alice\n  date: 2026-10-01"
        ),
        check=_stale,
    ),
    Rule(
        code="SRA404",
        name="assessment-contradiction",
        severity=Severity.WARNING,
        family=Family.COVERAGE,
        summary=(
            "A questionnaire answer disagrees with the controls: yes with no control or evidence "
            "for that specification, or no (or not applicable) while a control claims it."
        ),
        citation="45 CFR 164.316(b)(1) (documentation of actions and assessments)",
        rationale=(
            "A yes is a claim an auditor will ask to see proven; with no control citing the "
            "specification and no evidence named in the answer, nothing backs it. A no (or a not "
            "applicable) while a control says it implements the specification means one of the "
            "two records is wrong, and the SRA contradicts itself."
        ),
        fix=(
            "Add the evidence to the answer (a control id, or what, how verified, when and where), "
            "or correct whichever record is wrong."
        ),
        example=(
            "- id: q.unique-ids.1\n  answer: yes\n  evidence:\n    - control: ctl-sso\n"
            "  answered_by: alice\n  date: 2026-10-01"
        ),
        check=_contradiction,
    ),
)
"""Questionnaire rules SRA402-SRA404."""
