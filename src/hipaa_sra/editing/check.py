"""Refuse, before writing, any new file text the loader would refuse or read differently.

Each new text goes through the loader's own parser (`parse_yaml`, with its size limit and
every other rule), must read back as exactly the data the change meant (so a value the
writer quoted wrongly, or a splice that disturbed a neighbour, can never reach the disk),
and must not bring a schema problem that the records it touches did not have before: a
change may leave an old problem where it was, never add one. Problems are reported in the
loader's words, at the line and column they will have in the new file.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import LoadError
from ..loading import parse_yaml
from ..loading.kind_checks import KIND_CHECKS
from ..loading.positions import SourceMap
from ..loading.schema_findings import Pending, schema_findings
from ..model import Kind, Manifest
from .files import Files, Source
from .plan import FilePlan, Unit
from .render import loader_form


def same(a: Any, b: Any) -> bool:
    """Equality of parsed data, where NaN equals NaN (a written `.nan` reads back as NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _schema(
    model: type[BaseModel], raw: Any, where: str, oid: str | None, prefix: tuple[Any, ...]
) -> list[Pending]:
    if not isinstance(raw, dict):
        return [Pending("SRA001", prefix, f"{where} is not a mapping of fields", oid)]
    try:
        model.model_validate(raw)
    except ValidationError as error:
        return schema_findings(model, error, where, oid, prefix)
    return []


def _record_problems(kind: Kind, raw: Any, index: int) -> list[Pending]:
    singular = kind.noun
    oid = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    where = f"{singular} `{oid}`" if oid else f"{singular} #{index + 1}"
    problems = _schema(kind.model, raw, where, oid, (index,))
    extra = KIND_CHECKS.get(kind.name)
    if extra is not None and not problems:
        problems = extra(kind.model.model_validate(raw), index, where, oid)
    return problems


def record_problems(kind: Kind, raw: Any, index: int) -> list[Pending]:
    """The loader's schema problems of `raw` as record number `index` of a `kind` file."""
    return _record_problems(kind, raw, index)


def _key(item: Pending, drop: int) -> tuple[str, tuple[Any, ...], str]:
    return item.code, item.path[drop:], item.message


def check_file(plan: FilePlan, data: bytes) -> list[str]:
    """Every reason not to write `data` (the file's new bytes) for `plan`; empty if none."""
    source = plan.source
    shown = source.shown
    normalised = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        value = parse_yaml(normalised, shown)
    except LoadError as exc:
        return [error.render() for error in exc.errors]
    expected = plan.final(loader_form)
    read = value if value is not None else ([] if source.kind is not None else {})
    if expected != read and not same(expected, read):  # `same` only where NaN may differ
        return [
            f"{shown}: the edited file would not read back as the change meant; nothing "
            "was written (this is a bug in sra: please report it)"
        ]
    found: list[Pending] = []
    if source.kind is None:
        before = {_key(p, 0) for p in _schema(Manifest, source.data or {}, shown, None, ())}
        found = [p for p in _schema(Manifest, read, shown, None, ()) if _key(p, 0) not in before]
    else:
        positions = _new_positions(plan)
        for unit in plan.units.values():
            if unit.removed:
                continue
            old = {
                _key(p, 1)
                for p in _record_problems(source.kind, source.data[unit.key], int(unit.key))
            }
            index = positions[unit.key]
            found.extend(
                p
                for p in _record_problems(source.kind, read[index], index)
                if _key(p, 1) not in old
            )
        for index in range(len(read) - len(plan.added), len(read)):
            found.extend(_record_problems(source.kind, read[index], index))
    if not found:
        return []
    where = SourceMap(normalised, value)
    lines = []
    for item in found:
        line, col = where.position(item.path)
        lines.append(f"{shown}:{line}:{col}: {item.message}")
    return lines


def _new_positions(plan: FilePlan) -> dict[int | str, int]:
    """Where each kept record of the file will be once removed ones are gone."""
    data = plan.source.data if isinstance(plan.source.data, list) else []
    positions: dict[int | str, int] = {}
    shift = 0
    for index in range(len(data)):
        unit = plan.units.get(index)
        if unit is not None and unit.removed:
            shift += 1
        else:
            positions[index] = index - shift
    return positions


def duplicate_ids(
    files: Files,
    new_ids: list[tuple[str, Source, Unit | None]],
    removed: set[tuple[str, int | str]],
) -> list[str]:
    """Ids a change gives records that another record of the workspace already has."""
    if not new_ids:
        return []
    known = files.ids()
    problems = []
    seen: set[str] = set()
    for record_id, source, unit in new_ids:
        where = f"{source.shown}: id `{record_id}`"
        if record_id in seen:
            problems.append(
                f"{where}: the change gives two records this id; ids must be unique "
                "across the workspace"
            )
        seen.add(record_id)
        holder = known.get(record_id)
        if holder is None:
            continue
        kind, other, index = holder
        itself = unit is not None and other.path == source.path and index == unit.key
        if itself or (str(other.path), index) in removed:
            continue
        problems.append(
            f"{where} is taken: {kind.noun} `{record_id}` is defined in "
            f"{other.shown} (record {index + 1}); ids must be unique across the "
            "workspace"
        )
    return problems
