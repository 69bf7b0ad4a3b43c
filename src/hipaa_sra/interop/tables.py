"""Records <-> spreadsheet rows: one column per field, dotted columns for nested fields.

The layout, per kind (see docs/spreadsheets.md):

- a scalar field is one column named by its YAML key (`id`, `likelihood`, `from`);
- a list of strings (`current_controls`, `hipaa`) is one cell, one item per line; an item
  that itself spans lines makes the cell a JSON array instead, so nothing is lost;
- a nested object (`attributes`, `baa`, `cadence`) is one column per sub-field
  (`attributes.mfa`, `baa.status`);
- a list of objects (`remediation`, `evidence`, `waivers`) is a numbered group of columns
  per item (`remediation.1.control`, `remediation.1.due`, `remediation.2.control`, ...);
- an object or list of objects one level further down (`quant.frequency`, `quant.planned`)
  is one cell holding JSON, so every shape a model has fits a sheet and nothing is lost.

One record is one row, so sorting and filtering in a spreadsheet never tears a record apart.
"""

from __future__ import annotations

import json
import re
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from ..model import KINDS, Kind
from ..model.base import Level
from .cells import status_word, us_date

SHEET_KINDS: tuple[Kind, ...] = tuple(kind for kind in KINDS if kind.has_ids)
"""Kinds a spreadsheet carries; sign-off records are signatures, not rows to edit."""
SHEET_KIND_BY_NAME = {kind.name: kind for kind in SHEET_KINDS}

# Lists of objects get one empty group even when no record has an item, so a spreadsheet
# user has somewhere to type the first remediation or evidence item; waivers stay opt-in.
_MIN_GROUPS = {"remediation": 1, "evidence": 1}
_TRUE = frozenset({"true", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "no", "n", "0"})


class CellError(ValueError):
    """A cell that cannot be read as its field's type."""


@dataclass(frozen=True, slots=True)
class Field:
    """A model field as a spreadsheet sees it: its key, shape, cell type and choices."""

    key: str
    """The YAML key (the alias where one is set, such as `from`)."""
    name: str
    """The attribute name on the model."""
    shape: str
    """scalar, strings (list of text), object (nested model) or objects (list of models)."""
    cell: str
    """For scalars: text, level, enum, bool, date, datetime or int."""
    choices: tuple[str, ...] = ()
    sub: tuple[Field, ...] = ()
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Column:
    """One spreadsheet column: its header and the field path it fills."""

    header: str
    field: Field
    """The top-level field."""
    leaf: Field
    """The scalar or strings field the cell holds (the same as `field` when not nested)."""
    index: int | None = None
    """Zero-based item number in a list of objects."""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside Optional/Annotated, and whether None is allowed."""
    optional = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [arg for arg in get_args(annotation) if arg is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            annotation = args[0]
        else:
            return annotation, optional


def _scalar(annotation: Any) -> tuple[str, tuple[str, ...]]:
    if annotation is Level:
        return "level", tuple(level.value for level in Level)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "enum", tuple(str(member.value) for member in annotation)
    if annotation is bool:
        return "bool", ("true", "false")
    if annotation is datetime:
        return "datetime", ()
    if annotation is date:
        return "date", ()
    if annotation is int:
        return "int", ()
    return "text", ()


def model_fields(model: type[BaseModel]) -> tuple[Field, ...]:
    """The fields of `model` in declaration order (which is also YAML key order)."""
    fields = []
    for name, info in model.model_fields.items():
        annotation, optional = _unwrap(info.annotation)
        key = info.alias or name
        if get_origin(annotation) is tuple:
            item, _ = _unwrap(get_args(annotation)[0])
            if isinstance(item, type) and issubclass(item, BaseModel):
                fields.append(Field(key, name, "objects", "", sub=model_fields(item)))
            else:
                fields.append(Field(key, name, "strings", "strings"))
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields.append(
                Field(key, name, "object", "", sub=model_fields(annotation), optional=optional)
            )
        else:
            cell, choices = _scalar(annotation)
            fields.append(Field(key, name, "scalar", cell, choices, optional=optional))
    return tuple(fields)


def columns(kind: Kind, records: Iterable[BaseModel] = ()) -> tuple[Column, ...]:
    """Columns of a kind's sheet, with enough numbered groups for every item of `records`."""
    fields = model_fields(kind.model)
    groups = {f.name: _MIN_GROUPS.get(f.key, 0) for f in fields if f.shape == "objects"}
    for record in records:
        for name, count in groups.items():
            groups[name] = max(count, len(getattr(record, name)))
    result: list[Column] = []
    for f in fields:
        if f.shape == "object":
            result.extend(Column(f"{f.key}.{s.key}", f, s) for s in f.sub)
        elif f.shape == "objects":
            for index in range(groups[f.name]):
                result.extend(Column(f"{f.key}.{index + 1}.{s.key}", f, s, index) for s in f.sub)
        else:
            result.append(Column(f.key, f, f))
    return tuple(result)


def _strings_cell(items: Sequence[str]) -> str | None:
    if not items:
        return None
    if any("\n" in item or item != item.strip() or not item for item in items) or (
        items[0].startswith("[")
    ):
        return json.dumps(list(items), ensure_ascii=False)
    return "\n".join(items)


def _json_cell(leaf: Field, value: Any) -> str | None:
    if leaf.shape == "objects":
        if not value:
            return None
        return json.dumps(
            [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in value],
            ensure_ascii=False,
        )
    return json.dumps(
        value.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False
    )


def to_cell(leaf: Field, value: Any) -> Any:
    """A field value as a cell: text, a date, an int, JSON for a nested object, or None."""
    if value is None:
        return None
    if leaf.shape in ("object", "objects"):
        return _json_cell(leaf, value)
    if leaf.cell == "strings":
        return _strings_cell(value)
    if leaf.cell == "bool":
        return "true" if value else "false"
    if isinstance(value, Enum):
        return value.value
    if leaf.cell == "datetime":
        return value.isoformat()
    return value


def row(record: BaseModel, cols: Sequence[Column]) -> list[Any]:
    """The cells of one record under `cols`."""
    cells: list[Any] = []
    for col in cols:
        value = getattr(record, col.field.name)
        if col.field.shape == "object":
            value = None if value is None else getattr(value, col.leaf.name)
        elif col.index is not None:
            value = getattr(value[col.index], col.leaf.name) if col.index < len(value) else None
        cells.append(to_cell(col.leaf, value))
    return cells


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def cell_text(raw: Any) -> str:
    """A cell's value as text: whole numbers without `.0`, dates as `YYYY-MM-DD`."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == datetime.min.time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def from_cell(leaf: Field, raw: Any) -> Any:
    """A cell as the value pydantic validates; raises `CellError` for unreadable cells."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return () if leaf.cell == "strings" else None
    cell = leaf.cell
    if leaf.shape in ("object", "objects"):
        return _from_json(leaf, cell_text(raw))
    if cell == "text":
        return cell_text(raw)
    if cell == "strings":
        text = cell_text(raw)
        if text.startswith("["):
            try:
                items = json.loads(text)
            except ValueError:
                items = None
            if isinstance(items, list) and all(isinstance(item, str) for item in items):
                return tuple(items)
        return tuple(line.strip() for line in text.splitlines() if line.strip())
    if cell == "bool":
        if isinstance(raw, bool):
            return raw
        word = cell_text(raw).strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise CellError(f"{raw!r} is not a yes/no value; expected true or false")
    if cell == "date":
        if isinstance(raw, datetime):
            return raw.date()
        text = cell_text(raw).strip()
        try:
            return us_date(text) or text
        except ValueError as exc:
            raise CellError(str(exc)) from None
    if cell == "int":
        text = cell_text(raw).strip()
        if not re.fullmatch(r"-?\d+", text):
            raise CellError(f"{raw!r} is not a whole number")
        return int(text)
    if cell == "enum":
        # Templates write "In Progress" or "Not Required"; match ignoring case and separators.
        wanted = _norm(cell_text(raw))
        for choice in leaf.choices:
            if _norm(choice) == wanted:
                return choice
        meant = status_word(cell_text(raw), leaf.choices)
        if meant is not None:
            return meant
        raise CellError(f"{raw!r} is not one of: {', '.join(leaf.choices)}")
    return cell_text(raw).strip() if cell == "level" else raw


def _from_json(leaf: Field, text: str) -> Any:
    """A JSON cell as the data the model validates: an object, or a list of objects."""
    wanted = "a JSON list of objects" if leaf.shape == "objects" else "a JSON object"
    example = '[{"key": "value"}]' if leaf.shape == "objects" else '{"key": "value"}'
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CellError(f"not {wanted} ({exc.msg}); expected e.g. {example}") from None
    if leaf.shape == "objects":
        if isinstance(data, list) and all(isinstance(item, dict) for item in data):
            return tuple(data)
    elif isinstance(data, dict):
        return data
    raise CellError(f"not {wanted}; expected e.g. {example}")


def overlay(record: dict[str, Any], cells: Sequence[tuple[Column, Any]]) -> dict[str, Any]:
    """`record` (a by-alias dump, or {} for a new row) with the sheet's cells laid over it."""
    data = dict(record)
    objects: dict[str, dict[int, dict[str, Any]]] = {}
    nested: dict[str, dict[str, Any]] = {}
    for col, value in cells:
        f = col.field
        if f.shape == "object":
            nested.setdefault(f.key, {})[col.leaf.key] = value
        elif col.index is not None:
            objects.setdefault(f.key, {}).setdefault(col.index, {})[col.leaf.key] = value
        elif value is None or (f.shape == "strings" and value == ()):
            data.pop(f.key, None)
        else:
            data[f.key] = value
    for key, values in nested.items():
        merged = _apply(dict(data.get(key) or {}), values)
        # An object whose cells are all empty is absent (no BAA recorded), not `{}`.
        if merged:
            data[key] = merged
        else:
            data.pop(key, None)
    for key, groups in objects.items():
        items = [dict(item) for item in data.get(key, ())]
        keep: list[dict[str, Any]] = []
        for index in range(max(len(items), max(groups) + 1)):
            item = items[index] if index < len(items) else {}
            if index in groups:
                item = _apply(item, groups[index])
            if item:
                keep.append(item)
        data[key] = keep
    return data


def _apply(item: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Set the filled cells, and drop the keys whose cells were emptied."""
    for key, value in values.items():
        if value is None or value == ():
            item.pop(key, None)
        else:
            item[key] = value
    return item


def dump(record: BaseModel) -> dict[str, Any]:
    """A record as the dict `overlay` starts from (YAML keys, nested models as dicts)."""
    return record.model_dump(by_alias=True, exclude_none=True)


# Headers that common SRA templates (the HHS SRA Tool export, consultancy registers) use,
# normalised (lower case, letters and digits only) -> our column.
_COMMON = {
    "lastreviewed": "last_reviewed",
    "lastreview": "last_reviewed",
    "lastreviewdate": "last_reviewed",
    "reviewdate": "last_reviewed",
    "reviewed": "last_reviewed",
    "notes": "description",
    "comments": "description",
}
SYNONYMS: dict[str, dict[str, str]] = {
    "risks": {
        "riskid": "id",
        "riskno": "id",
        "risknumber": "id",
        "ref": "id",
        "assetid": "asset",
        "system": "asset",
        "ephi": "ephi_present",
        "containsephi": "ephi_present",
        "ephipresent": "ephi_present",
        "threatevent": "threat",
        "vulnerability": "vuln",
        "weakness": "vuln",
        "likelihoodlevel": "likelihood",
        "impactlevel": "impact",
        "severity": "impact",
        "risklevel": "inherent_risk",
        "inherentrisk": "inherent_risk",
        "inherentrisklevel": "inherent_risk",
        "riskrating": "inherent_risk",
        "residualrisklevel": "residual_risk",
        "residualrisk": "residual_risk",
        "residualriskrating": "residual_risk",
        "controls": "current_controls",
        "existingcontrols": "current_controls",
        "currentcontrols": "current_controls",
        "remediation": "remediation.1.control",
        "remediationplan": "remediation.1.control",
        "mitigation": "remediation.1.control",
        "plannedcontrol": "remediation.1.control",
        "owner": "remediation.1.owner",
        "riskowner": "remediation.1.owner",
        "duedate": "remediation.1.due",
        "due": "remediation.1.due",
        "targetdate": "remediation.1.due",
        "status": "remediation.1.status",
        "remediationstatus": "remediation.1.status",
        "rationale": "remediation.1.rationale",
        "approvedby": "remediation.1.approved_by",
        "hipaacitation": "hipaa",
        "hipaacitations": "hipaa",
        "citation": "hipaa",
    },
    "assets": {
        "assetid": "id",
        "asset": "name",
        "assetname": "name",
        "type": "category",
        "assettype": "category",
        "ephi": "ephi",
        "containsephi": "ephi",
        "env": "environment",
        "systemowner": "owner",
        "mfa": "attributes.mfa",
        "encrypted": "attributes.encryption_at_rest",
    },
    "vendors": {
        "vendorid": "id",
        "vendor": "name",
        "vendorname": "name",
        "baa": "baa.status",
        "baaexecuted": "baa.executed",
        "baaexpires": "baa.expires",
        "exposure": "ephi_exposure",
    },
    "controls": {
        "controlid": "id",
        "control": "name",
        "controlname": "name",
        "evidence": "evidence.1.what",
        "type": "safeguard",
        "citation": "hipaa",
        "hipaacitation": "hipaa",
    },
    "answers": {
        # `notes` is the answer's own field (the common synonym maps it to `description`).
        "notes": "notes",
        "question": "id",
        "questionid": "id",
        "response": "answer",
        "answeredby": "answered_by",
    },
    "policies": {
        "policyid": "id",
        "policy": "title",
        "citation": "hipaa",
        "approvedby": "approved_by",
        "approvaldate": "approved",
    },
    "training": {"employee": "person", "completeddate": "completed", "completiondate": "completed"},
    "flows": {
        "flowid": "id",
        "source": "from",
        "destination": "to",
        "target": "to",
        "containsephi": "ephi",
        "encrypted": "encrypted_in_transit",
    },
}


def resolve(kind: Kind, header: str) -> Column | None:
    """The column a header means, by name, synonym or `group N field`; None if unknown."""
    wanted = _norm(header)
    wanted = _norm(SYNONYMS.get(kind.name, {}).get(wanted) or _COMMON.get(wanted) or wanted)
    for f in model_fields(kind.model):
        key = _norm(f.key)
        if f.shape in ("scalar", "strings") and wanted in (key, _norm(f.name)):
            return Column(f.key, f, f)
        for sub in f.sub:
            if f.shape == "object" and wanted == key + _norm(sub.key):
                return Column(f"{f.key}.{sub.key}", f, sub)
            match = re.fullmatch(rf"{key}(\d*){_norm(sub.key)}", wanted)
            if f.shape == "objects" and match and match.group(1) != "0":
                index = int(match.group(1) or 1) - 1
                return Column(f"{f.key}.{index + 1}.{sub.key}", f, sub, index)
    return None
