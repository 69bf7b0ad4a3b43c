"""Answers given in a file (`sra assess --answers FILE`): read, checked, placed by line.

The file is YAML (JSON is YAML too): a list of answers written as they are in `assessment/`
(`id`, `answer`, and optionally `notes`, `evidence`, `rationale`, `decision`,
`alternative_measure`, `answered_by`, `date`), or a mapping of question id to answer for the
plain ones. `answered_by` defaults to `--person` and `date` to `--today`. Every problem in
the file is reported at once, `path:line:col: message`, and nothing is written then.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..catalog.questions import Question, question_by_id
from ..errors import LoadError
from ..loading import parse_yaml
from ..loading.kind_checks import KIND_CHECKS
from ..loading.positions import SourceMap
from ..loading.read import read_file
from ..loading.schema_findings import schema_findings
from ..model import Answer


@dataclass(frozen=True)
class GivenAnswer:
    """One answer read from the file, as the record to save."""

    question: Question
    record: dict[str, Any]


def read_answer_file(
    path: Path,
    person: str | None,
    today: date,
    *,
    controls: Collection[str] = (),
    people: Collection[str] = (),
) -> list[GivenAnswer]:
    """The answers in `path`; `LoadError` naming every problem (with its position) otherwise.

    With `controls` (or `people`), an evidence control (or `answered_by`) must be one of them.
    """
    shown = str(path)
    data = read_file(path, shown)
    value = parse_yaml(data, shown)
    if isinstance(value, dict):
        items: list[Any] = [{"id": key, "answer": answer} for key, answer in value.items()]
        paths: list[tuple[str | int, ...]] = [(key,) for key in value]
    elif isinstance(value, list):
        items, paths = value, [(index,) for index in range(len(value))]
    else:
        raise LoadError(
            shown,
            "expected a list of answers (id, answer, ...) or a mapping of question id to answer",
        )
    source = SourceMap(data, value)
    errors: list[LoadError] = []
    out: list[GivenAnswer] = []
    for index, (raw, where) in enumerate(zip(items, paths, strict=True)):
        found = _problems(raw, index, person, today)
        problems = _references(found, controls, people) if isinstance(found, GivenAnswer) else found
        if isinstance(found, GivenAnswer) and not problems:
            out.append(found)
            continue
        for field, message in problems:
            line, column = source.position((*where, *field))
            errors.append(LoadError(shown, message, line, column))
    if errors:
        raise LoadError.combine(errors)
    return out


def _references(
    given: GivenAnswer, controls: Collection[str], people: Collection[str]
) -> list[tuple[tuple[str | int, ...], str]]:
    """What the answer names that the workspace does not define."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    where = f"answer `{given.question.id}`"
    for index, item in enumerate(given.record.get("evidence") or ()):
        control = item.get("control") if isinstance(item, dict) else None
        if controls and isinstance(control, str) and control not in controls:
            close = difflib.get_close_matches(control, list(controls), n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            out.append(
                (("evidence", index, "control"), f"{where}: `{control}` is not a control id{hint}")
            )
    who = given.record.get("answered_by")
    if people and isinstance(who, str) and who not in people:
        out.append((("answered_by",), f"{where}: `{who}` is not a person in sra.yaml `people`"))
    return out


def _problems(
    raw: Any, index: int, person: str | None, today: date
) -> GivenAnswer | list[tuple[tuple[str | int, ...], str]]:
    """The answer, or what is wrong with it (field path inside the item, message)."""
    if not isinstance(raw, dict):
        return [((), f"answer #{index + 1} is not a mapping; expected id, answer, ...")]
    record = {key if isinstance(key, str) else str(key): item for key, item in raw.items()}
    if person and "answered_by" not in record:
        record["answered_by"] = person
    record.setdefault("date", today)
    answer = record.get("answer")
    if isinstance(answer, bool):  # YAML 1.1 reads a bare yes/no as true/false
        record["answer"] = "yes" if answer else "no"
    oid = record.get("id") if isinstance(record.get("id"), str) else None
    where = f"answer `{oid}`" if oid else f"answer #{index + 1}"
    try:
        model = Answer.model_validate(record)
    except ValidationError as error:
        found = schema_findings(Answer, error, where, oid, ())
        return [(pending.path, pending.message) for pending in found]
    checks = KIND_CHECKS["answers"](model, 0, where, oid)
    if checks:
        return [(pending.path[1:], pending.message) for pending in checks]
    if "answered_by" not in record:
        return [((), f"{where}: who answered? add `answered_by` or pass --person")]
    question = question_by_id()[model.id or ""]
    return GivenAnswer(question, record)
