"""Turn one file's parsed data into validated records, schema findings, ids and references."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ..errors import LoadError
from ..model import LEVEL_FIELDS, Asset, Control, Flow, Kind, Manifest, Risk, Vendor, parse_level
from .positions import Path
from .problems import (
    INVALID_VALUE,
    LEVEL_SYNONYM,
    MISSING_FIELD,
    UNKNOWN_FIELD,
    Problem,
)


@dataclass(frozen=True, slots=True)
class Pending:
    """A finding whose position is still a path inside its file."""

    code: str
    path: Path
    message: str
    object_id: str | None


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference from a record to another record or a person."""

    target: str
    """`asset`, `node` (asset or vendor), `control` or `person`."""
    value: str
    path: Path
    object_id: str | None
    label: str
    """How the message names the field, e.g. `asset` or `remediation owner`."""


@dataclass
class FileRecords:
    """What one file holds once validated: records, and the facts the cross-file checks need."""

    models: list[BaseModel] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    ids: list[tuple[str, int]] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    five_level: list[tuple[Path, str, str | None]] = field(default_factory=list)
    """Uses of very-low/very-high: (path, value, object id), checked against the methodology."""
    count: int = 0


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The nested model that the field path `loc` points into, for did-you-mean lists."""
    current: type[BaseModel] | None = model
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        found = None
        for name, info in current.model_fields.items():
            if part in (name, info.alias):
                found = _inner_model(info.annotation)
                break
        current = found
    return current


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, tuple, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if inner is not None:
                return inner
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _field(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_findings(
    model: type[BaseModel], error: ValidationError, where: str, object_id: str | None,
    prefix: Path,
) -> list[Pending]:
    """One finding per pydantic error, with what was expected and a suggestion when obvious."""
    pending: list[Pending] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        name = _field(loc)
        problem: Problem
        if kind == "extra_forbidden":
            problem = UNKNOWN_FIELD
            parent = _model_at(model, loc[:-1])
            keys = _keys_of(parent) if parent else []
            key = str(loc[-1])
            message = (
                f"{where}: unknown field `{name}`{_did_you_mean(key, keys)}; "
                f"expected one of {', '.join(keys)}"
            )
        elif kind == "missing":
            problem = MISSING_FIELD
            message = f"{where}: missing required field `{name}`"
        else:
            problem = INVALID_VALUE
            message = f"{where}: `{name}` is {_describe(item.get('input'))}; {_expected(item)}"
        pending.append(Pending(problem.code, prefix + loc, message, object_id))
    return pending


def _expected(item: Any) -> str:
    ctx = item.get("ctx") or {}
    expected = ctx.get("expected")
    if item["type"] in ("enum", "literal_error") and expected:
        choices = [part.strip(" '") for part in str(expected).replace(" or ", ",").split(",")]
        choices = [c for c in choices if c]
        hint = _did_you_mean(str(item.get("input")), choices)
        return f"expected one of {', '.join(choices)}{hint}"
    message = str(item["msg"])
    message = message.removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else "invalid value"


def _refs_of(record: BaseModel, index: int) -> list[Ref]:
    """The references a record makes, for the cross-file check."""
    refs: list[Ref] = []
    oid = getattr(record, "id", None)

    def add(target: str, value: str | None, path: Path, label: str) -> None:
        if value:
            refs.append(Ref(target, value, (index, *path), oid, label))

    if isinstance(record, Risk):
        add("asset", record.asset, ("asset",), "asset")
        for i, item in enumerate(record.remediation):
            add("person", item.owner, ("remediation", i, "owner"), "remediation owner")
            add("person", item.approved_by, ("remediation", i, "approved_by"), "approver")
    elif isinstance(record, Asset):
        add("person", record.owner, ("owner",), "owner")
        add("control", record.scoped_out_by, ("scoped_out_by",), "scoped_out_by control")
    elif isinstance(record, Flow):
        add("node", record.from_, ("from",), "from")
        add("node", record.to, ("to",), "to")
    elif isinstance(record, Vendor):
        add("person", record.owner, ("owner",), "owner")
    elif isinstance(record, Control):
        add("person", record.owner, ("owner",), "owner")
        for i, asset in enumerate(record.assets):
            add("asset", asset, ("assets", i), "asset")
        if record.cadence is not None:
            add("person", record.cadence.reviewer, ("cadence", "reviewer"), "reviewer")
    for i, waiver in enumerate(getattr(record, "waivers", ())):
        add("person", waiver.approved_by, ("waivers", i, "approved_by"), "waiver approver")
    return refs


def validate_records(kind: Kind, data: Any, label: str) -> FileRecords:
    """Validate a kind file (a YAML list of records); bad records become findings, not errors."""
    out = FileRecords()
    if data is None:
        return out
    if not isinstance(data, list):
        raise LoadError(
            label,
            f"file holds {_describe(data)}; expected a list of {kind.name}",
            hint="start each record with `- `",
        )
    model = kind.model
    singular = kind.name[:-1]
    for index, raw in enumerate(data):
        if not isinstance(raw, dict):
            message = f"{singular} #{index + 1} is {_describe(raw)}; expected a mapping of fields"
            out.pending.append(Pending(INVALID_VALUE.code, (index,), message, None))
            continue
        out.count += 1
        raw_id = raw.get("id") if kind.has_ids else None
        oid = raw_id if isinstance(raw_id, str) else None
        if oid is not None:
            out.ids.append((oid, index))
        where = f"{singular} `{oid}`" if oid else f"{singular} #{index + 1}"
        try:
            record = model.model_validate(raw)
        except ValidationError as error:
            out.pending.extend(schema_findings(model, error, where, oid, (index,)))
            continue
        out.models.append(record)
        out.indexes.append(index)
        out.refs.extend(_refs_of(record, index))
        if isinstance(record, Risk):
            _level_notes(raw, index, where, oid, out)
    return out


def _level_notes(raw: dict[str, Any], index: int, where: str, oid: str | None,
                 out: FileRecords) -> None:
    for name in LEVEL_FIELDS:
        value = raw.get(name)
        level, synonym = parse_level(value)
        if level is None:
            continue
        if synonym:
            message = f"{where}: `{name}: {value}` is read as `{level.value}`"
            out.pending.append(Pending(LEVEL_SYNONYM.code, (index, name), message, oid))
        if level.rank in (0, 4):
            out.five_level.append(((index, name), level.value, oid))


def validate_manifest(data: Any, label: str) -> tuple[Manifest | None, list[Pending]]:
    """Validate `sra.yaml`; a manifest with errors is reported and treated as absent."""
    if not isinstance(data, dict):
        raise LoadError(
            label,
            f"file holds {_describe(data)}; expected a mapping with organization, scope, ...",
            hint="sra.yaml describes the workspace; records go in the kind folders",
        )
    try:
        manifest = Manifest.model_validate(data)
    except ValidationError as error:
        return None, schema_findings(Manifest, error, label, None, ())
    return manifest, []


def manifest_refs(manifest: Manifest) -> list[Ref]:
    """References made by `sra.yaml` (decisions to controls and people)."""
    refs: list[Ref] = []
    for i, decision in enumerate(manifest.decisions):
        for j, control in enumerate(decision.controls):
            refs.append(Ref("control", control, ("decisions", i, "controls", j), None, "control"))
        if decision.decided_by:
            path = ("decisions", i, "decided_by")
            refs.append(Ref("person", decision.decided_by, path, None, "decided_by"))
    return refs
