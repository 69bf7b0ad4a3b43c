"""Saving from a form: one record's fields to and from a form, the save, its audit entry.

Every edit view builds `hipaa_sra.editing` changes and calls `save`; nothing here decides
what a valid record is: problems come from the loader's own checks (`field_problems`) and
from `apply_changes`, in their words. A form carries the digest of the record it shows
(`record_state`); a save refused because the record changed since (`RecordChanged`)
comes back as a `Conflict` holding their version, and the view shows it beside what the
user typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.http import HttpRequest

from ..editing import (
    Change,
    Commit,
    EditError,
    LockTimeout,
    RecordChanged,
    Ref,
    Result,
    apply_changes,
    field_problems,
    record_state,
)
from ..errors import WriteConflict, WriteError
from ..model import Person
from . import audit
from .app import current_config
from .permissions import linked_person_id, person_of
from .workspace import current_workspace


@dataclass(frozen=True)
class FieldSpec:
    """One form field and the key path it edits in the record."""

    name: str
    path: tuple[str, ...]
    label: str
    shape: str = "text"
    """text, long (several lines), lines (one list item a line), date, yesno, or choice."""
    choices: tuple[str, ...] = ()
    help: str = ""


def workspace_root() -> Path:
    """The workspace directory the app edits."""
    return current_config().workspace


def signed_in_person(request: HttpRequest) -> Person | None:
    """The person in sra.yaml `people` the signed-in user is linked to."""
    return person_of(current_workspace(request).manifest, linked_person_id(request.user))


def author(request: HttpRequest) -> Commit:
    """The commit author: the signed-in person's name and email from sra.yaml `people`."""
    person = signed_in_person(request)
    if person is not None and person.email:
        return Commit(person.name or person.id or "", person.email)
    return Commit()


def _get(data: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def display(value: Any, shape: str) -> str:
    """A written value as its form field shows it."""
    if value is None:
        return ""
    if shape == "lines" and isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if shape == "yesno" and isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def initial(specs: Sequence[FieldSpec], data: Any) -> dict[str, str]:
    """The form's initial values from the record as written."""
    return {spec.name: display(_get(data, spec.path), spec.shape) for spec in specs}


def _parsed(text: str, shape: str) -> Any:
    text = text.strip()
    if shape == "lines":
        items = [line.strip() for line in text.splitlines() if line.strip()]
        return items or None
    if shape == "yesno":
        return {"yes": True, "no": False}.get(text.lower(), text or None)
    return text or None


def merged(specs: Sequence[FieldSpec], data: Any, values: Mapping[str, str]) -> dict[str, Any]:
    """The record as written with the form's values laid over it; an emptied field goes."""
    record: dict[str, Any] = dict(data) if isinstance(data, Mapping) else {}
    for spec in specs:
        typed = values.get(spec.name, "").replace("\r\n", "\n")
        if typed.strip() == display(_get(data, spec.path), spec.shape).strip():
            continue  # left as shown: the value stays exactly as written
        value = _parsed(typed, spec.shape)
        parent = record
        for key in spec.path[:-1]:
            inner = parent.get(key)
            parent[key] = dict(inner) if isinstance(inner, Mapping) else {}
            parent = parent[key]
        if value is None:
            parent.pop(spec.path[-1], None)
        else:
            parent[spec.path[-1]] = value
    for spec in specs:  # a mapping emptied by the form goes with its last key
        if len(spec.path) > 1 and record.get(spec.path[0]) == {}:
            record.pop(spec.path[0])
    return record


def make_form(
    specs: Sequence[FieldSpec],
    data: Mapping[str, Any] | None = None,
    initial_values: Mapping[str, str] | None = None,
) -> forms.Form:
    """A form of text fields (the model checks the values, in the loader's words)."""
    form = forms.Form(data=data, initial=dict(initial_values) if initial_values else None)
    form.fields["digest"] = forms.CharField(widget=forms.HiddenInput, required=False)
    for spec in specs:
        attrs = {"aria-describedby": f"id_{spec.name}-help"} if spec.help else {}
        widget: forms.Widget
        if spec.shape in ("long", "lines"):
            widget = forms.Textarea(attrs={"rows": 3, **attrs})
        elif spec.shape == "date":
            widget = forms.DateInput(attrs={"type": "date", **attrs})
        elif spec.shape in ("choice", "yesno"):
            options = ("yes", "no") if spec.shape == "yesno" else spec.choices
            current = (initial_values or {}).get(spec.name) or (data or {}).get(spec.name)
            if current and current not in options:  # a value written otherwise stays offered
                options = (str(current), *options)
            widget = forms.Select(choices=[("", "—"), *((c, c) for c in options)], attrs=attrs)
        else:
            widget = forms.TextInput(attrs=attrs)
        form.fields[spec.name] = forms.CharField(
            label=spec.label, required=False, strip=False, widget=widget, help_text=spec.help
        )
    return form


def show_problems(
    form: forms.Form, specs: Sequence[FieldSpec], kind: str, record: Mapping[str, Any]
) -> bool:
    """Put the loader's problems with `record` beside their fields; True if there were any."""
    by_path: dict[tuple[str | int, ...], str] = {spec.path: spec.name for spec in specs}
    problems = field_problems(kind, record)
    for problem in problems:
        name = next(
            (
                by_path[problem.path[:n]]
                for n in range(len(problem.path), 0, -1)
                if problem.path[:n] in by_path
            ),
            None,
        )
        form.add_error(name, problem.message)
    return bool(problems)


@dataclass
class Conflict:
    """A save refused because the record changed: their version, field by field."""

    message: str
    rows: list[dict[str, str]] = field(default_factory=list)
    digest: str | None = None
    """The record's digest now: the form carries it, so saving again is a decision."""


def conflict_of(
    error: RecordChanged, specs: Sequence[FieldSpec], typed: Mapping[str, str]
) -> Conflict:
    """Their version beside what was typed, for each field of the form."""
    state = record_state(workspace_root(), error.ref)
    data = state.data if state is not None else None
    rows = [
        {
            "label": spec.label,
            "theirs": display(_get(data, spec.path), spec.shape),
            "yours": typed.get(spec.name, "").replace("\r\n", "\n"),
        }
        for spec in specs
    ]
    for row in rows:
        # Compared as the record would hold them: a browser's line breaks and edge spaces
        # are not a difference.
        same = row["theirs"].split() == row["yours"].split()
        row["differs"] = "" if same else "yes"
    return Conflict(str(error), rows, state.digest if state is not None else None)


@dataclass
class Saved:
    """What a save did: the result, or why nothing was written."""

    result: Result | None = None
    problems: tuple[str, ...] = ()
    conflict: RecordChanged | None = None


def save(
    request: HttpRequest,
    changes: Sequence[Change],
    *,
    action: str,
    object: str,
    expected: Mapping[Ref, str | None] | None = None,
    new_files: Mapping[str, bytes] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> Saved:
    """Write `changes` through the editing path as the signed-in person; audit what happened."""
    try:
        result = apply_changes(
            workspace_root(),
            changes,
            expected_records=expected,
            new_files=new_files,
            commit=author(request),
        )
    except RecordChanged as exc:
        audit.record(request, f"{action}.conflict", object=object, detail={"problem": str(exc)})
        return Saved(conflict=exc)
    except EditError as exc:
        return Saved(problems=(exc.summary, *exc.problems))
    except (LockTimeout, WriteConflict, WriteError) as exc:
        return Saved(problems=(str(exc),))
    audit.record(
        request,
        action,
        object=object,
        detail={
            **(detail or {}),
            "changes": list(result.changes),
            "commit": result.commit,
            "files": [
                path.relative_to(workspace_root().absolute()).as_posix() for path in result.files
            ],
        },
    )
    return Saved(result=result)


def saved_message(result: Result) -> str:
    """What the page says after a save: what changed and the commit (or why none)."""
    what = "; ".join(result.changes) or "nothing changed"
    note = result.note
    return f"Saved: {what}." + (f" {note[:1].upper()}{note[1:]}." if note else "")
