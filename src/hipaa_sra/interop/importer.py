"""Import sheets: map headers, validate every cell, plan the changes by id, report them."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import WriteConflict
from ..model import Kind, Workspace
from ..writing import file_digest, replace_file
from .spreadsheet import Sheet, column_letter
from .tables import (
    CellError,
    Column,
    columns,
    dump,
    from_cell,
    model_fields,
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
            plan.problems.append(Problem(sheet.source, sheet.name, 1, column_letter(index),
                                         f"{header!r} means {col.header}, as {first!r} does;"
                                         " keep one of the two columns"))  # fmt: skip
            continue
        seen[col.header] = index
        mapped[index] = col
    if unmapped:
        plan.unmapped.append((sheet.name, unmapped))
    if "id" not in seen:
        plan.problems.append(Problem(sheet.source, sheet.name, 1, "A",
                                     "no id column (or Risk ID, Asset ID, ...); rows are matched"
                                     " to records by id"))  # fmt: skip
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


def _validate(kind: Kind, data: dict[str, Any], mapped: dict[int, Column], sheet: Sheet,
              number: int, plan: Plan) -> BaseModel | None:  # fmt: skip
    try:
        return kind.model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            letter, name = _locate(tuple(error["loc"]), mapped)
            message = error["msg"].removeprefix("Value error, ")
            if error["type"] == "missing":
                message = "required, and empty" if letter != "-" else "required; add this column"
            plan.problems.append(Problem(sheet.source, sheet.name, number, letter,
                                         f"{name}: {message}"))  # fmt: skip
        return None


def _diffs(kind: Kind, old: BaseModel, new: BaseModel) -> tuple[tuple[str, Any, Any], ...]:
    cols = columns(kind, (old, new))
    return tuple((col.header, a, b) for col, a, b in zip(cols, row(old, cols), row(new, cols),
                                                          strict=True) if a != b)  # fmt: skip


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
    seen: dict[str, int] = {}
    for number, values in sheet.rows:
        cells = []
        bad = False
        for index, col in mapped.items():
            try:
                cells.append((col, from_cell(col.leaf, values[index])))
            except CellError as exc:
                bad = True
                plan.problems.append(Problem(sheet.source, sheet.name, number,
                                             column_letter(index), f"{col.header}: {exc}"))
        record_id = values[id_index]
        record_id = None if record_id is None else str(record_id).strip()
        if not record_id:
            plan.problems.append(Problem(sheet.source, sheet.name, number, id_letter,
                                         "id: empty; every row needs one"))
            continue
        if record_id in seen:
            plan.problems.append(Problem(sheet.source, sheet.name, number, id_letter,
                                         f"id: {record_id} is also on row {seen[record_id]}"))
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


# Applying: each changed record is re-emitted alone and spliced over its own lines, so every
# other byte of the file (comments, blank lines, quoting, flow lists) stays as it was.
_INDENT = {"mapping": 2, "sequence": 4, "offset": 2}


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long value the user wrote on one line
    yaml.indent(**_INDENT)
    return yaml


def _plain(value: Any) -> Any:
    """A model value as ruamel.yaml should write it."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    if isinstance(value, BaseModel):
        mapping = CommentedMap()
        for key, item in dump(value).items():
            mapping[key] = _plain(item)
        return mapping
    if isinstance(value, dict):
        return CommentedMap((key, _plain(item)) for key, item in value.items())
    if isinstance(value, tuple | list):
        return CommentedSeq(_plain(item) for item in value)
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum member
        return value.value
    if isinstance(value, str) and "\n" in value and all(
        line == line.rstrip() for line in value.split("\n")
    ) and not value[:1].isspace():
        return LiteralScalarString(value)
    return value


def _set(mapping: Any, key: str, value: Any, order: list[str]) -> None:
    """Set `key`, placing a new key where the model's field order puts it."""
    if key in mapping:
        mapping[key] = value
        return
    rank = order.index(key) if key in order else len(order)
    position = 0
    for index, existing_key in enumerate(mapping):
        if (order.index(existing_key) if existing_key in order else len(order)) < rank:
            position = index + 1
    mapping.insert(position, key, value)


def edit(mapping: Any, old: BaseModel | None, new: BaseModel) -> None:
    """Change the keys of `mapping` (a YAML object) whose values differ from `old` to `new`."""
    fields = model_fields(type(new))
    order = [f.key for f in fields]
    for f in fields:
        before = None if old is None else getattr(old, f.name)
        after = getattr(new, f.name)
        if before == after and f.key in mapping:
            continue
        if after is None or after == () or (before == after and f.key not in mapping):
            mapping.pop(f.key, None)
        elif f.shape == "object" and isinstance(mapping.get(f.key), dict):
            edit(mapping[f.key], before, after)
            if not mapping[f.key]:
                mapping.pop(f.key)
        elif f.shape == "objects" and isinstance(mapping.get(f.key), list):
            items, earlier = mapping[f.key], before or ()
            for index, item in enumerate(after):
                if index < len(items) and isinstance(items[index], dict):
                    edit(items[index], earlier[index] if index < len(earlier) else None, item)
                else:
                    items.append(_plain(item))
            del items[len(after):]
        else:
            value = _plain(after)
            previous = mapping.get(f.key)
            if f.shape == "strings" and hasattr(previous, "fa") and previous.fa.flow_style():
                value.fa.set_flow_style()
            _set(mapping, f.key, value, order)


def render_items(items: list[Any], column: int = 0) -> str:
    """YAML text of list items, their dashes at `column`."""
    from ruamel.yaml.comments import CommentedSeq

    buffer = io.StringIO()
    _yaml().dump(CommentedSeq(items), buffer)
    shift = column - _INDENT["offset"]
    out = []
    for line in buffer.getvalue().splitlines(keepends=True):
        if shift < 0 and line.startswith(" " * -shift):
            line = line[-shift:]
        elif shift > 0 and line.strip():
            line = " " * shift + line
        out.append(line)
    return "".join(out)


def edit_text(text: str, changes: dict[str, tuple[BaseModel, BaseModel]]) -> str:
    """`text` (a YAML list of records) with the records named in `changes` edited in place."""
    seq = _yaml().load(text)
    lines = text.splitlines(keepends=True)
    starts = [seq.lc.item(index) for index in range(len(seq))]
    done: set[str] = set()
    for index in reversed(range(len(seq))):
        item = seq[index]
        record_id = item.get("id") if isinstance(item, dict) else None
        if record_id not in changes or record_id in done:
            continue
        # The workspace indexes the first record with an id; walking backwards, skip later ones.
        if any(isinstance(other, dict) and other.get("id") == record_id for other in seq[:index]):
            continue
        done.add(record_id)
        old, new = changes[record_id]
        edit(item, old, new)
        line = starts[index][0]
        while line > 0 and lines[line].strip() != "" and not lines[line].lstrip().startswith("-"):
            line -= 1
        end = starts[index + 1][0] if index + 1 < len(seq) else len(lines)
        while end > line + 1 and index + 1 < len(seq) and lines[end - 1].strip() == "-":
            end -= 1
        dash = len(lines[line]) - len(lines[line].lstrip())
        lines[line:end] = [render_items([item], dash)]
    return "".join(lines)


def target_file(workspace: Workspace, kind: Kind) -> Path:
    """Where new rows of a kind go: `<folder>/imported.yaml`, beside the hand-kept files."""
    return workspace.root / kind.folder / "imported.yaml"


def apply_plan(workspace: Workspace, plan: Plan, digests: dict[Path, str | None]) -> list[Path]:
    """Write the plan: edit updated records where they live, append new ones; all or nothing
    on conflicts detected up front (`digests`: files as they were when the workspace loaded)."""
    edits: dict[Path, dict[str, tuple[BaseModel, BaseModel]]] = {}
    for update in plan.updates:
        path = Path(workspace.locate(update.old).file).resolve()
        edits.setdefault(path, {})[update.old.id] = (update.old, update.new)  # type: ignore[attr-defined]
    added: dict[Path, list[BaseModel]] = {}
    for kind, record in plan.additions:
        added.setdefault(target_file(workspace, kind).resolve(), []).append(record)
    paths = sorted({*edits, *added})
    for path in paths:
        if file_digest(path) != digests.get(path):
            raise WriteConflict(f"{path}: changed on disk since it was read; not importing "
                                "(re-run to pick it up)")  # fmt: skip
    for path in paths:
        expected = digests.get(path)
        text = path.read_text(encoding="utf-8") if expected is not None else ""
        if path in edits:
            text = edit_text(text, edits[path])
        if path in added:
            if not text:
                text = "# Records added by `sra import`; move them to other files as you like.\n"
            elif not text.endswith("\n"):
                text += "\n"
            text += render_items([_plain(record) for record in added[path]])
        replace_file(path, text.encode("utf-8"), expected)
    return paths


def snapshot(workspace_root: Path) -> dict[Path, str | None]:
    """Digests of every workspace file now, taken before loading for the changed-since check."""
    from ..loading.discover import list_files

    files = list_files(workspace_root)
    return {source.path.resolve(): file_digest(source.path) for source in files}
