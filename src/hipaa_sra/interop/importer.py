"""Import sheets: map headers, validate every cell, plan the changes by id, report them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..editing import Add, Change, Commit, Digests, Ref, Replace, Result, apply_changes
from ..editing import snapshot as snapshot
from ..model import Kind, Workspace
from .cells import reading_note
from .sheet import Formula
from .spreadsheet import Sheet, column_letter
from .tables import (
    CellError,
    Column,
    cell_text,
    columns,
    dump,
    from_cell,
    overlay,
    resolve,
    row,
)


@dataclass(frozen=True)
class Problem:
    """A bad cell (or header), where it is and what is wrong."""

    source: str
    sheet: str
    row: int
    column: str
    message: str

    def render(self) -> str:
        """`FILE:SHEET:ROW:COLUMN: message`."""
        return f"{self.source}:{self.sheet}:{self.row}:{self.column}: {self.message}"


@dataclass(frozen=True)
class Update:
    """A record the sheet changes: the model before and after, and the cells that differ."""

    kind: Kind
    old: BaseModel
    new: BaseModel
    diffs: tuple[tuple[str, Any, Any], ...]


@dataclass
class Plan:
    """What an import would do; nothing is written until `apply_plan`."""

    updates: list[Update] = field(default_factory=list)
    additions: list[tuple[Kind, BaseModel]] = field(default_factory=list)
    absent: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    unmapped: list[tuple[str, list[str]]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    """What a user should know but need not fix: formula cells read as their saved values."""


def existing(workspace: Workspace, kind: Kind) -> dict[str, Any]:
    """The records of a kind by id, first occurrence winning (as the workspace indexes them)."""
    by_id: dict[str, Any] = {}
    for record in getattr(workspace, kind.name):
        by_id.setdefault(record.id, record)
    return by_id


def _map_header(sheet: Sheet, kind: Kind, plan: Plan) -> dict[int, Column]:
    mapped: dict[int, Column] = {}
    seen: dict[str, int] = {}
    unmapped = []
    for index, header in enumerate(sheet.header):
        col = resolve(kind, header) if header.strip() else None
        if col is None:
            if header.strip():
                unmapped.append(header)
            continue
        if col.header in seen:
            first = sheet.header[seen[col.header]]
            plan.problems.append(
                Problem(
                    sheet.source,
                    sheet.name,
                    1,
                    column_letter(index),
                    f"{header!r} means {col.header}, as {first!r} does;"
                    " keep one of the two columns",
                )
            )
            continue
        seen[col.header] = index
        mapped[index] = col
    if unmapped:
        plan.unmapped.append((sheet.name, unmapped))
    if "id" not in seen:
        plan.problems.append(
            Problem(
                sheet.source,
                sheet.name,
                1,
                "A",
                "no id column (or Risk ID, Asset ID, ...); rows are matched to records by id",
            )
        )
    return mapped


def _locate(loc: tuple[Any, ...], mapped: dict[int, Column]) -> tuple[str, str]:
    """Column letter and name of a pydantic error location."""
    key = loc[0] if loc else ""
    index = loc[1] if len(loc) > 2 and isinstance(loc[1], int) else None
    sub = loc[-1] if len(loc) > 1 and not isinstance(loc[-1], int) else None
    for position, col in mapped.items():
        if col.field.key != key:
            continue
        if col.field is col.leaf or (col.index == index and col.leaf.key == sub):
            return column_letter(position), col.header
        if col.field.shape == "object" and col.leaf.key == sub:
            return column_letter(position), col.header
    dotted = ".".join(str(p + 1 if isinstance(p, int) else p) for p in loc)
    return "-", dotted


def _validate(
    kind: Kind,
    data: dict[str, Any],
    mapped: dict[int, Column],
    sheet: Sheet,
    number: int,
    plan: Plan,
) -> BaseModel | None:
    try:
        return kind.model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            letter, name = _locate(tuple(error["loc"]), mapped)
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "missing":
                message = "required, and empty" if letter != "-" else "required; add this column"
            elif (
                isinstance(error.get("input"), str | int | float)
                and not isinstance(error["input"], bool)
                and str(error["input"]) not in message
            ):
                message = f"{error['input']!r}: {message}"  # the cell as typed, to find it
            plan.problems.append(
                Problem(sheet.source, sheet.name, number, letter, f"{name}: {message}")
            )
        return None


def _diffs(kind: Kind, old: BaseModel, new: BaseModel) -> tuple[tuple[str, Any, Any], ...]:
    cols = columns(kind, (old, new))
    return tuple(
        (col.header, a, b)
        for col, a, b in zip(cols, row(old, cols), row(new, cols), strict=True)
        if a != b
    )


def _formula_problem(formula: Formula) -> str | None:
    """Why a formula or error cell cannot be imported, or None when its saved value can."""
    if formula.error:
        shown = f"formula {_short(formula.text)} gives" if formula.text else "holds"
        return f"{shown} the error {formula.error}; correct it or type the value"
    if not formula.computed:
        return (
            f"formula {_short(formula.text)} has no saved value (the program that wrote "
            "the file does not calculate); open and save it in Excel or LibreOffice, or "
            "type the value"
        )
    return None


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _formulas(sheet: Sheet, mapped: dict[int, Column], plan: Plan) -> dict[int, list[Problem]]:
    """Note the formula columns read as saved values; the problems of the rest, by row."""
    problems: dict[int, list[Problem]] = {}
    noted: dict[int, list[tuple[int, Formula]]] = {}
    for (number, index), formula in sorted(sheet.formulas.items()):
        col = mapped.get(index)
        if col is None:
            continue
        problem = _formula_problem(formula)
        if problem is None:
            noted.setdefault(index, []).append((number, formula))
        else:
            problems.setdefault(number, []).append(
                Problem(
                    sheet.source,
                    sheet.name,
                    number,
                    column_letter(index),
                    f"{col.header}: {problem}",
                )
            )
    for index, cells in sorted(noted.items()):
        number, formula = cells[0]
        value = formula.value
        shown = repr(value) if isinstance(value, str) or value is None else cell_text(value)
        more = f" (and {len(cells) - 1:,} more in this column)" if len(cells) > 1 else ""
        plan.notes.append(
            Problem(
                sheet.source,
                sheet.name,
                number,
                column_letter(index),
                f"{mapped[index].header}: formula {_short(formula.text)} read "
                f"as its saved value {shown}{more}",
            )
        )
    return problems


def plan_sheet(workspace: Workspace, sheet: Sheet, plan: Plan) -> None:
    """Add one sheet's updates, additions and problems to `plan`."""
    kind = sheet.kind
    if kind is None:
        plan.ignored.append(sheet.name)
        return
    mapped = _map_header(sheet, kind, plan)
    id_index = next((i for i, col in mapped.items() if col.header == "id"), None)
    if id_index is None:
        return
    records = existing(workspace, kind)
    id_letter = column_letter(id_index)
    unreadable = _formulas(sheet, mapped, plan)
    seen: dict[str, int] = {}
    for number, values in sheet.rows:
        cells = []
        plan.problems.extend(unreadable.get(number, ()))
        bad = number in unreadable
        for index, col in mapped.items():
            try:
                value = from_cell(col.leaf, values[index])
            except CellError as exc:
                bad = True
                plan.problems.append(
                    Problem(
                        sheet.source,
                        sheet.name,
                        number,
                        column_letter(index),
                        f"{col.header}: {exc}",
                    )
                )
                continue
            cells.append((col, value))
            note = reading_note(values[index], value)
            if note is not None:
                plan.notes.append(
                    Problem(
                        sheet.source,
                        sheet.name,
                        number,
                        column_letter(index),
                        f"{col.header}: {note}",
                    )
                )
        record_id = values[id_index]
        record_id = None if record_id is None else str(record_id).strip()
        if not record_id:
            formula = sheet.formulas.get((number, id_index))
            if formula is None or _formula_problem(formula) is None:  # else reported above
                plan.problems.append(
                    Problem(
                        sheet.source,
                        sheet.name,
                        number,
                        id_letter,
                        "id: empty; every row needs one",
                    )
                )
            continue
        if record_id in seen:
            plan.problems.append(
                Problem(
                    sheet.source,
                    sheet.name,
                    number,
                    id_letter,
                    f"id: {record_id} is also on row {seen[record_id]}",
                )
            )
            continue
        seen[record_id] = number
        if bad:
            continue
        old = records.get(record_id)
        new = _validate(kind, overlay(dump(old) if old else {}, cells), mapped, sheet, number, plan)
        if new is None:
            continue
        if old is None:
            plan.additions.append((kind, new))
        elif new == old:
            plan.unchanged += 1
        else:
            plan.updates.append(Update(kind, old, new, _diffs(kind, old, new)))
    missing = [record_id for record_id in records if record_id not in seen]
    if missing:
        plan.absent.setdefault(kind.name, []).extend(missing)


def plan_import(workspace: Workspace, sheets: list[Sheet]) -> Plan:
    """The changes `sheets` make to `workspace`, with every bad cell; reads nothing more."""
    plan = Plan()
    for sheet in sheets:
        plan_sheet(workspace, sheet, plan)
    return plan


def target_file(workspace: Workspace, kind: Kind) -> Path:
    """Where new rows of a kind go: `<folder>/imported.yaml`, beside the hand-kept files."""
    return workspace.root / kind.folder / "imported.yaml"


_IMPORTED_NOTE = "Records added by `sra import`; move them to other files as you like."


def plan_changes(workspace: Workspace, plan: Plan) -> list[Change]:
    """The plan as changes for the editing path: updates in place, additions to imported.yaml."""
    changes: list[Change] = []
    for update in plan.updates:
        record: Any = update.new
        changes.append(Replace(Ref(update.kind.name, update.old.id), record))  # type: ignore[attr-defined]
    for kind, added in plan.additions:
        rel = target_file(workspace, kind).relative_to(workspace.root).as_posix()
        changes.append(Add(kind.name, added, rel, comment=_IMPORTED_NOTE))
    return changes


def apply_plan(
    workspace: Workspace, plan: Plan, digests: Digests, commit: Commit | None = None
) -> Result:
    """Write the plan through the editing path; refuse any file changed since `digests`.

    Updated records are edited where they live, keeping every other byte of their files;
    new ones are appended to `<folder>/imported.yaml`. All files are written, or none.
    """
    return apply_changes(
        workspace.root, plan_changes(workspace, plan), expected=digests, commit=commit
    )
