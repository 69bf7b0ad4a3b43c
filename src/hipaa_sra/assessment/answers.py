"""Saving answers: each one an editing change, written as soon as it is given.

An answer lives in `assessment/<section>.yaml` (one file per questionnaire section). A new
answer is added there; an answer to a question already answered replaces the fields that
differ, wherever the record is. The terminal (`sra assess`) and the web questionnaire both
save through `save_answer`, so an interrupted session loses nothing already answered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..catalog.questions import Question
from ..editing import Add, Change, Commit, Digests, Ref, Replace, Result, apply_changes
from ..model import Workspace


def answer_record(
    question: Question,
    answer: str,
    person: str | None,
    today: date,
    *,
    notes: str | None = None,
    evidence: Sequence[dict[str, Any]] = (),
    rationale: str | None = None,
    decision: str | None = None,
    alternative_measure: str | None = None,
) -> dict[str, Any]:
    """The answer as a record (plain data), without the keys left empty."""
    record: dict[str, Any] = {"id": question.id, "answer": answer}
    optional = {
        "notes": notes,
        "rationale": rationale,
        "decision": decision,
        "alternative_measure": alternative_measure,
    }
    record.update({key: value for key, value in optional.items() if value})
    kept = [{key: value for key, value in item.items() if value} for item in evidence]
    kept = [item for item in kept if item]
    if kept:
        record["evidence"] = kept
    if person:
        record["answered_by"] = person
    record["date"] = today
    return record


def answer_file(question: Question) -> str:
    """Workspace-relative file a new answer to `question` goes to."""
    return f"assessment/{question.section}.yaml"


def answer_change(
    ws: Workspace, question: Question, record: dict[str, Any], *, exists: bool | None = None
) -> Change:
    """Add the answer, or replace the answer already recorded for the question.

    `exists` says whether the workspace holds an answer to it now, when the caller knows
    better than `ws` (answers it saved since loading it); by default `ws` decides.
    """
    if exists if exists is not None else question.id in ws.answer_by_id:
        return Replace(Ref("answers", question.id), record)
    comment = f"Answers to the safeguards questionnaire: {question.section} (`sra assess`)."
    return Add("answers", record, answer_file(question), comment=comment)


def save_answer(
    ws: Workspace,
    question: Question,
    record: dict[str, Any],
    *,
    exists: bool | None = None,
    expected: Digests | None = None,
    commit: Commit | None = None,
) -> Result:
    """Write one answer now (validated, atomic, under the workspace lock, optionally committed)."""
    change = answer_change(ws, question, record, exists=exists)
    return apply_changes(Path(ws.root), [change], expected=expected, commit=commit)
