"""What an answer implies: evidence to ask for, a draft risk with remediation, or a decision.

- yes: evidence (a control id, or what, how verified, when and where, as in control evidence);
- partial or no: a draft risk (the section's threat, the question's vulnerability) on the
  organization as a whole, with the question's remediation as a planned item;
- not-applicable: a rationale; on an addressable specification, the documented decision of
  45 CFR 164.306(d)(3) (implemented, alternative measure, or not reasonable and appropriate);
  on a specification that binds only some entities, a `not-applicable` decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..catalog import CONDITIONAL_SPECS, hipaa_entry
from ..catalog.questions import Implication, Question, section_by_id
from ..model import Answer, Level
from ..model.assessment import ORGANIZATION_ASSET

RISK_PREFIX = "RA-"
"""Ids of draft risks: `RA-` and the question id without its `q.` (`RA-sanctions.1`)."""

_LEVELS = {
    Implication.PARTIAL: (Level.MODERATE, Level.MODERATE),
    Implication.NO: (Level.HIGH, Level.MODERATE),
}
"""Draft likelihood and impact: a first guess for a person to review, never a rating."""


def draft_risk_id(question: Question) -> str:
    """The id a draft risk from this question gets."""
    return RISK_PREFIX + question.id.removeprefix("q.")


def _sentence(text: str) -> str:
    """`text` with a capital first letter, unless its first word is cased on purpose (ePHI)."""
    first = text.split(" ", 1)[0]
    return text if first[1:] != first[1:].lower() else text[:1].upper() + text[1:]


def needs_evidence(answer: Answer, implication: Implication | None) -> bool:
    """A yes answer with no documented evidence (a control, or what/how/when/where)."""
    return implication is Implication.YES and not any(e.documented for e in answer.evidence)


def draft_risk(question: Question, answer: Answer, implication: Implication) -> dict[str, Any]:
    """The register row a partial or no answer proposes, as plain data."""
    likelihood, impact = _LEVELS[implication]
    section = section_by_id()[question.section]
    item: dict[str, Any] = {"control": question.remediation, "status": "planned"}
    if answer.answered_by:
        item["owner"] = answer.answered_by
    return {
        "id": draft_risk_id(question),
        "asset": ORGANIZATION_ASSET,
        "threat": section.threat,
        "vuln": _sentence(question.vulnerability),
        "likelihood": likelihood.value,
        "impact": impact.value,
        "hipaa": list(question.cites),
        "remediation": [item],
    }


@dataclass(frozen=True)
class DraftDecision:
    """A decision for sra.yaml `decisions` and the specification it is about."""

    spec: str
    record: dict[str, Any]


def draft_decisions(question: Question, answer: Answer) -> list[DraftDecision]:
    """The 164.306(d)(3) decisions a not-applicable answer documents, one per spec it covers."""
    out = []
    for citation in question.cites:
        entry = hipaa_entry(citation)
        if entry is None:
            continue
        if entry.designation == "addressable" and answer.decision is not None:
            kind = answer.decision.value
        elif citation in CONDITIONAL_SPECS:
            kind = "not-applicable"
        else:
            continue
        record: dict[str, Any] = {"spec": citation, "decision": kind}
        if answer.rationale:
            record["rationale"] = answer.rationale
        if answer.alternative_measure:
            record["alternative_measure"] = answer.alternative_measure
        if answer.answered_by:
            record["decided_by"] = answer.answered_by
        if answer.date is not None:
            record["date"] = answer.date
        out.append(DraftDecision(citation, record))
    return out
