"""The safeguards questionnaire over a workspace: what applies, what answers imply, saving them.

    from hipaa_sra.assessment import questionnaire, progress, answer_record, save_answer

    for view in questionnaire(ws):            # sections that apply, with their questions
        for question in view.unanswered():
            record = answer_record(question, "yes", "alice", today, evidence=[{"control": "c"}])
            save_answer(ws, question, record)  # one editing change, written now
            ws = load_workspace(ws.root)       # the next change sees this one

    for proposal in proposals(ws):            # draft risks and 164.306(d)(3) decisions
        print(proposal.describe())

The questions themselves are bundled data (`catalog.questions`). The terminal (`sra assess`)
and the web questionnaire are thin shells over these functions.
"""

from ..analysis.questionnaire import (
    Progress,
    SectionView,
    entity_type,
    implication,
    progress,
    question_applies,
    questionnaire,
    usable_answers,
)
from .answers import answer_change, answer_file, answer_record, save_answer
from .implications import draft_decisions, draft_risk, draft_risk_id, needs_evidence
from .proposals import PROPOSALS_FILE, Proposal, proposal_changes, proposals

__all__ = [
    "PROPOSALS_FILE",
    "Progress",
    "Proposal",
    "SectionView",
    "answer_change",
    "answer_file",
    "answer_record",
    "draft_decisions",
    "draft_risk",
    "draft_risk_id",
    "entity_type",
    "implication",
    "needs_evidence",
    "progress",
    "proposal_changes",
    "proposals",
    "question_applies",
    "questionnaire",
    "save_answer",
    "usable_answers",
]
