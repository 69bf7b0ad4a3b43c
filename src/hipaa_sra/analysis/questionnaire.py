"""The questionnaire as a workspace sees it: the sections and questions that apply, and progress.

A question applies unless the organization's `entity_type` is one it does not bind
(clearinghouse isolation, government arrangements, group health plans), or it is one of the
2025 NPRM's proposed items and the workspace has not chosen `profile: nprm-2025`. An
unreadable or unset entity type binds every question: nothing is skipped on a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..catalog.questions import Implication, Question, Section, question_by_id, question_catalog
from ..model import Answer, Profile, Workspace


def entity_type(ws: Workspace) -> str | None:
    """The organization's entity type as written, or None when unset or unreadable."""
    organization = ws.manifest.organization if ws.manifest is not None else None
    kind = organization.entity_type if organization is not None else None
    return kind.value if kind is not None else None


def _profile(ws: Workspace) -> Profile:
    manifest = ws.manifest
    return (manifest.methodology.profile if manifest else None) or Profile.CURRENT


def section_applies(section: Section, ws: Workspace) -> bool:
    """False for the NPRM section unless the workspace opted into its profile."""
    return section.profile is None or section.profile == _profile(ws).value


def question_applies(question: Question, ws: Workspace) -> bool:
    """True if the question binds this organization (entity type and profile)."""
    return question.applies(entity_type(ws))


@dataclass(frozen=True)
class SectionView:
    """One section with its applicable questions and the answers already given."""

    section: Section
    questions: tuple[Question, ...]
    answers: Mapping[str, Answer]
    """Usable answers (an answer the question takes) by question id."""

    @property
    def answered(self) -> int:
        """How many of the applicable questions have a usable answer."""
        return sum(question.id in self.answers for question in self.questions)

    def unanswered(self) -> tuple[Question, ...]:
        """Applicable questions with no usable answer, in order."""
        return tuple(question for question in self.questions if question.id not in self.answers)


@dataclass(frozen=True)
class Progress:
    """Answered of applicable, over the whole questionnaire."""

    answered: int
    applicable: int
    skipped: int
    """Questions that do not bind this organization (entity type or profile)."""

    def __str__(self) -> str:
        """E.g. `12 of 113 applicable questions answered (18 not applicable to this workspace)`."""
        return (
            f"{self.answered} of {self.applicable} applicable questions answered"
            f" ({self.skipped} skipped for this organization)"
        )


def usable_answers(ws: Workspace) -> dict[str, Answer]:
    """Answers whose question exists and takes the answer given, by question id (first wins)."""
    questions = question_by_id()
    out: dict[str, Answer] = {}
    for answer in ws.answers:
        question = questions.get(answer.id or "")
        if question is None or answer.answer is None:
            continue
        if question.implication(answer.answer) is not None:
            out.setdefault(question.id, answer)
    return out


def implication(answer: Answer) -> Implication | None:
    """What a recorded answer counts as; None when its question or answer is unknown."""
    question = question_by_id().get(answer.id or "")
    if question is None or answer.answer is None:
        return None
    return question.implication(answer.answer)


def questionnaire(ws: Workspace) -> tuple[SectionView, ...]:
    """Every section that applies, with its applicable questions, in the order they are asked."""
    answers = usable_answers(ws)
    views = []
    for section in question_catalog().sections:
        if not section_applies(section, ws):
            continue
        questions = tuple(q for q in section.questions if question_applies(q, ws))
        if questions:
            mine = {q.id: answers[q.id] for q in questions if q.id in answers}
            views.append(SectionView(section, questions, mine))
    return tuple(views)


def progress(ws: Workspace, views: tuple[SectionView, ...] | None = None) -> Progress:
    """Answered of applicable questions, and how many were skipped for this organization."""
    views = questionnaire(ws) if views is None else views
    applicable = sum(len(view.questions) for view in views)
    total = len(question_catalog().questions())
    return Progress(sum(view.answered for view in views), applicable, total - applicable)
