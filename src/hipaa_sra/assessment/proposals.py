"""Proposals from answers: draft risks for the register and decisions for sra.yaml.

`sra assess --apply-proposals` (and the web questionnaire) write them through the editing
module; a proposal whose record already exists (a risk with its id, a decision on its
specification) is never proposed again, so applying twice writes nothing the second time,
and nothing a person wrote is overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..analysis.questionnaire import implication, usable_answers
from ..catalog import hipaa_entry
from ..catalog.questions import Implication, question_by_id
from ..editing import MANIFEST, Add, Append, Change
from ..model import Workspace
from .implications import draft_decisions, draft_risk, draft_risk_id

PROPOSALS_FILE = "register/assessment.yaml"
"""Where draft risks go."""
_HEADER = (
    "Draft risks proposed by `sra assess --apply-proposals` from partial and no answers "
    "of the safeguards questionnaire: review likelihood and impact, name the assets, "
    "set owners and due dates."
)


@dataclass(frozen=True)
class Proposal:
    """A record an answer proposes: a draft risk or a 164.306(d)(3) decision."""

    kind: Literal["risk", "decision"]
    key: str
    """The risk id, or the decision's specification."""
    question: str
    record: dict[str, Any]

    def describe(self) -> str:
        """One line for the terminal: what would be (or was) written, and why."""
        if self.kind == "risk":
            return (
                f"risk {self.key} in {PROPOSALS_FILE} (answer to {self.question}: "
                f"{self.record['vuln']})"
            )
        entry = hipaa_entry(self.key)
        name = f" {entry.name}" if entry is not None else ""
        return (
            f"decision {self.key}{name}: {self.record['decision']} in sra.yaml (answer to "
            f"{self.question})"
        )


def _decided(ws: Workspace) -> set[str]:
    manifest = ws.manifest
    if manifest is None:
        return set()
    specs = set()
    for decision in manifest.decisions:
        if decision.spec is not None:
            entry = hipaa_entry(decision.spec)
            specs.add(entry.citation if entry is not None else decision.spec)
    return specs


def proposals(ws: Workspace) -> list[Proposal]:
    """What the answers propose that the workspace does not hold yet, in questionnaire order."""
    questions = question_by_id()
    decided = _decided(ws)
    out: list[Proposal] = []
    for question_id, answer in usable_answers(ws).items():
        question = questions[question_id]
        meaning = implication(answer)
        if meaning in (Implication.PARTIAL, Implication.NO):
            risk_id = draft_risk_id(question)
            if risk_id not in ws.risk_by_id:
                out.append(
                    Proposal("risk", risk_id, question.id, draft_risk(question, answer, meaning))
                )
        elif meaning is Implication.NOT_APPLICABLE and answer.rationale:
            for draft in draft_decisions(question, answer):
                if draft.spec not in decided:
                    decided.add(draft.spec)
                    out.append(Proposal("decision", draft.spec, question.id, draft.record))
    order = {question.id: index for index, question in enumerate(questions.values())}
    return sorted(out, key=lambda proposal: order[proposal.question])


def proposal_changes(ws: Workspace, chosen: Sequence[Proposal]) -> list[Change]:
    """The editing changes that write `chosen` into the workspace."""
    changes: list[Change] = []
    new_file = not (ws.root / PROPOSALS_FILE).exists()
    for proposal in chosen:
        if proposal.kind == "risk":
            comment = _HEADER if new_file else None
            changes.append(Add("risks", proposal.record, PROPOSALS_FILE, comment=comment))
            new_file = False
        else:
            changes.append(Append(MANIFEST, ("decisions",), proposal.record))
    return changes
