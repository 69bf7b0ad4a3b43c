"""Turn one file's parsed data into validated records, schema findings, ids and references."""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ..catalog import CONDITIONAL_SPECS, hipaa_entry, suggest_citation
from ..catalog.methodology import MethodologyError, methodology_matrix
from ..errors import LoadError
from ..model import LEVEL_FIELDS, Kind, Manifest, Risk, parse_level
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


@dataclass
class FileRecords:
    """What one file holds once validated: records, and the facts the cross-file checks need."""

    models: list[BaseModel] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    ids: list[tuple[str, int]] = field(default_factory=list)
    refs: list[RefTuple] = field(default_factory=list)
    five_level: list[tuple[Path, str, str | None]] = field(default_factory=list)
    """Uses of very-low/very-high: (path, value, object id), checked against the methodology."""
    count: int = 0


_THREE_LEVELS = frozenset({"low", "moderate", "high", None})


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


RefTuple = tuple[str, str, Path, "str | None", str]
"""A reference as stored in the cache: (target, value, path, object id, label)."""


def _person_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    if record.owner:
        out.append(("person", record.owner, (index, "owner"), oid, "owner"))


def _waiver_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    for i, waiver in enumerate(record.waivers):
        if waiver.approved_by:
            path = (index, "waivers", i, "approved_by")
            out.append(("person", waiver.approved_by, path, oid, "waiver approver"))


def _risk_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    out.append(("asset", record.asset, (index, "asset"), oid, "asset"))
    for i, item in enumerate(record.remediation):
        if item.owner:
            path = (index, "remediation", i, "owner")
            out.append(("person", item.owner, path, oid, "remediation owner"))
        if item.approved_by:
            path = (index, "remediation", i, "approved_by")
            out.append(("person", item.approved_by, path, oid, "approver"))


def _asset_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    _person_refs(record, index, oid, out)
    if record.scoped_out_by:
        path = (index, "scoped_out_by")
        out.append(("control", record.scoped_out_by, path, oid, "scoped_out_by control"))


def _flow_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    out.append(("node", record.from_, (index, "from"), oid, "from"))
    out.append(("node", record.to, (index, "to"), oid, "to"))


def _control_refs(record: Any, index: int, oid: str | None, out: list[RefTuple]) -> None:
    _person_refs(record, index, oid, out)
    for i, asset in enumerate(record.assets):
        out.append(("asset", asset, (index, "assets", i), oid, "asset"))
    if record.cadence is not None and record.cadence.reviewer:
        path = (index, "cadence", "reviewer")
        out.append(("person", record.cadence.reviewer, path, oid, "reviewer"))


_REF_EXTRACTORS = {
    "risks": (_risk_refs, _waiver_refs),
    "assets": (_asset_refs, _waiver_refs),
    "flows": (_flow_refs, _waiver_refs),
    "vendors": (_person_refs, _waiver_refs),
    "controls": (_control_refs, _waiver_refs),
    "signoffs": (),
}


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
    extractors = _REF_EXTRACTORS[kind.name]
    is_risk = kind.model is Risk
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
        for extract in extractors:
            extract(record, index, oid, out.refs)
        for i, citation in enumerate(getattr(record, "hipaa", ())):
            problem = citation_problem(citation)
            if problem:
                message = f"{where}: `hipaa[{i}]` {problem}"
                out.pending.append(Pending(INVALID_VALUE.code, (index, "hipaa", i), message, oid))
        if is_risk:
            _level_notes(raw, index, where, oid, out)
    return out


def _level_notes(raw: dict[str, Any], index: int, where: str, oid: str | None,
                 out: FileRecords) -> None:
    for name in LEVEL_FIELDS:
        value = raw.get(name)
        if value in _THREE_LEVELS:
            continue
        level, synonym = parse_level(value)
        if level is None:
            continue
        if synonym:
            message = f"{where}: `{name}: {value}` is read as `{level.value}`"
            out.pending.append(Pending(LEVEL_SYNONYM.code, (index, name), message, oid))
        if level.rank in (0, 4):
            out.five_level.append(((index, name), level.value, oid))


def citation_problem(citation: str, *, addressable: bool = False) -> str | None:
    """Why `citation` is not usable (unknown, or not addressable when it must be), or `None`."""
    entry = hipaa_entry(citation)
    if entry is None:
        suggestion = suggest_citation(citation)
        hint = f" (did you mean `{suggestion}`?)" if suggestion else ""
        renumbered = " (164.308(b) was renumbered in 2013)" if "164.308(b)(4)" in citation else ""
        return (
            f"`{citation}` is not a HIPAA Security Rule citation{hint}{renumbered}; "
            "see `sra catalog hipaa`"
        )
    if addressable and entry.designation != "addressable" and (
        entry.citation not in CONDITIONAL_SPECS
    ):
        return (
            f"`{citation}` ({entry.name}) is {entry.designation}, not addressable; decisions "
            "record why an addressable specification is met another way or not at all, or "
            "why a specification that binds only some entities does not apply"
        )
    return None


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
    pending = []
    try:
        methodology_matrix(manifest.methodology)
    except MethodologyError as exc:
        message = f"{label}: {exc.message}; {exc.hint}"
        pending.append(Pending(INVALID_VALUE.code, ("methodology", exc.field), message, None))
    for i, decision in enumerate(manifest.decisions):
        problem = citation_problem(decision.spec, addressable=True)
        if problem:
            message = f"{label}: `decisions[{i}].spec` {problem}"
            pending.append(Pending(INVALID_VALUE.code, ("decisions", i, "spec"), message, None))
    return manifest, pending


def manifest_refs(manifest: Manifest) -> list[RefTuple]:
    """References made by `sra.yaml` (decisions to controls and people, waiver approvers)."""
    refs: list[RefTuple] = []
    for i, decision in enumerate(manifest.decisions):
        for j, control in enumerate(decision.controls):
            refs.append(("control", control, ("decisions", i, "controls", j), None, "control"))
        if decision.decided_by:
            path = ("decisions", i, "decided_by")
            refs.append(("person", decision.decided_by, path, None, "decided_by"))
    for i, waiver in enumerate(manifest.waivers):
        if waiver.approved_by:
            path = ("waivers", i, "approved_by")
            refs.append(("person", waiver.approved_by, path, None, "waiver approver"))
    return refs
