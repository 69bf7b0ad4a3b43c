"""Checks of one record beyond its schema: answers against the questionnaire, training subjects.

They need the bundled question catalog (an answer's id must be a question, its answer must be
one the question takes), or look at two fields together, so the models cannot make them.
The loader and the editing path both report them, in the same words.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from ..catalog.questions import Implication, question_by_id
from ..model import Answer, AnswerDecision, Training
from .problems import INVALID_VALUE, MISSING_FIELD
from .schema_findings import Pending

Check = Callable[[Any, int, str, "str | None"], list[Pending]]


def _answer(record: Answer, index: int, where: str, oid: str | None) -> list[Pending]:
    out: list[Pending] = []
    if record.id is None:
        return out
    question = question_by_id().get(record.id)
    if question is None:
        close = difflib.get_close_matches(record.id, list(question_by_id()), n=1, cutoff=0.7)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        out.append(
            Pending(
                INVALID_VALUE.code,
                (index, "id"),
                f"{where}: `{record.id}` is not a question of the safeguards "
                f"questionnaire{hint}; see `sra assess --list`",
                oid,
            )
        )
        return out
    if record.answer is None:
        return out
    implication = question.implication(record.answer)
    if implication is None:
        allowed = ", ".join(question.answers)
        out.append(
            Pending(
                INVALID_VALUE.code,
                (index, "answer"),
                f"{where}: `answer: {record.answer}` is not an answer to this "
                f"question; expected one of: {allowed}",
                oid,
            )
        )
        return out
    if implication is not Implication.NOT_APPLICABLE:
        return out
    if not (record.rationale and record.rationale.strip()) and not record.is_unknown("rationale"):
        out.append(
            Pending(
                MISSING_FIELD.code,
                (index, "answer"),
                f"{where}: a not-applicable answer needs a `rationale` saying why "
                "the question does not apply",
                oid,
            )
        )
    if question.addressable and record.decision is None and not record.is_unknown("decision"):
        out.append(
            Pending(
                MISSING_FIELD.code,
                (index, "answer"),
                f"{where}: the question is about an addressable specification, so a "
                "not-applicable answer needs the 164.306(d)(3) `decision`: "
                "implemented, alternative or not-reasonable",
                oid,
            )
        )
    if record.decision is AnswerDecision.ALTERNATIVE and not record.alternative_measure:
        out.append(
            Pending(
                MISSING_FIELD.code,
                (index, "decision"),
                f"{where}: `decision: alternative` needs the `alternative_measure`",
                oid,
            )
        )
    return out


def _training(record: Training, index: int, where: str, oid: str | None) -> list[Pending]:
    if record.is_unknown("person", "group"):
        return []
    if record.person and record.group:
        return [
            Pending(
                INVALID_VALUE.code,
                (index, "group"),
                f"{where}: names both a `person` and a `group`; a record is about one "
                "person or one group",
                oid,
            )
        ]
    if not record.person and not record.group:
        return [
            Pending(
                MISSING_FIELD.code,
                (index,),
                f"{where}: says nobody completed it; add `person` (a person id) or "
                "`group` with its `headcount`",
                oid,
            )
        ]
    if record.group and record.headcount is None and not record.is_unknown("headcount"):
        return [
            Pending(
                MISSING_FIELD.code,
                (index, "group"),
                f"{where}: group `{record.group}` needs its `headcount`",
                oid,
            )
        ]
    return []


KIND_CHECKS: dict[str, Check] = {"answers": _answer, "training": _training}
"""Kind name -> the checks of one of its records (kept or partial)."""
