"""Partial records: keep a record whose fields are partly invalid, with those fields unknown.

The loader validates each record as written. When that fails it reports every error (see
`records.schema_findings`) and then builds the record again from what is usable:

- an invalid value (wrong type, bad enum, bad date) makes its field unknown: `None` for a
  scalar or an optional part (`baa`, `cadence`), and for a section that always exists
  (`attributes`, `methodology`) an instance whose every field is unknown;
- a bad item of a list or entry of a mapping is left out, and the list or mapping is marked
  unknown (incomplete); later items keep their source positions for findings;
- a missing required field is unknown;
- an unknown key is left out; when it is a near miss of a field that was not written
  (`last_reviwed`), that field is unknown too, since the person did write a value for it.

Unknown fields are named on the model that holds them (`SraModel.unknown`), so checks can
tell "not written" from "written but unusable". Whatever the models could not take is
returned raw, with its path in the record, for `Workspace.unusable`. Defaults never stand in
for an unusable value: a rule would read them as what the person wrote.
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ..model.base import SraModel, mark_unknown, partial_validator
from .positions import Path

Removed = Mapping[Path, tuple[int, ...]]
"""Per list (its path in the record, as written): source indexes of the items left out."""


@dataclass
class Partial:
    """A record rebuilt from the usable part of what was written."""

    record: BaseModel | None
    """The partial record; None only if even the usable part did not validate."""
    parts: list[tuple[Path, Any]] = field(default_factory=list)
    """What the model could not take: (path in the record, value as parsed)."""
    removed: dict[Path, tuple[int, ...]] = field(default_factory=dict)


@cache
def _fields(model: type[BaseModel]) -> dict[str, tuple[str, FieldInfo]]:
    """Field by YAML key (alias, or name) -> (Python name, field info)."""
    return {info.alias or name: (name, info) for name, info in model.model_fields.items()}


def _strip(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `Annotated` and `Optional`, and whether None was allowed."""
    nullable = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            nullable = nullable or len(args) < len(typing.get_args(annotation))
            if len(args) != 1:
                return annotation, nullable
            annotation = args[0]
        else:
            return annotation, nullable


def shape(annotation: Any) -> tuple[str, Any]:
    """`("model", cls)`, `("seq", item)`, `("map", value)` or `("scalar", None)`."""
    bare, _ = _strip(annotation)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return "model", bare
    origin = typing.get_origin(bare)
    args = typing.get_args(bare)
    if origin in (tuple, list):
        return "seq", args[0] if args else Any
    if origin is dict:
        return "map", args[1] if len(args) == 2 else Any
    return "scalar", None


def nullable(info: FieldInfo) -> bool:
    """True if the field can hold None (optional, or `Unknowable`)."""
    return _strip(info.annotation)[1]


def _unknown_value(info: FieldInfo, path: Path, marks: dict[Path, set[str]]) -> Any:
    """What an unusable field becomes: None, an empty list or mapping, or an unknown section."""
    if nullable(info):
        return None
    kind, inner = shape(info.annotation)
    if kind == "seq":
        return []
    if kind == "map":
        return {}
    if kind == "model":
        return _all_unknown(inner, path, marks)
    # Every scalar field is nullable (`Unknowable`); tests/test_partial_records.py checks it.
    raise _CannotBeUnknown(str(info.annotation))


def _all_unknown(model: type[BaseModel], path: Path, marks: dict[Path, set[str]]) -> Any:
    """A section with every field unknown (no default stands in for what was written)."""
    marks.setdefault(path, set()).update(model.model_fields)
    return {
        key: _unknown_value(info, (*path, key), marks) for key, (_, info) in _fields(model).items()
    }


class _CannotBeUnknown(Exception):
    """A field with no way to say "unknown" (a model defect, not bad input)."""


Owner = tuple[Path, Any, str, FieldInfo]
"""The field an error is in: path of the model holding it, its YAML key, name, info."""


def walk(model: type[BaseModel], raw: Any, loc: tuple[Any, ...]) -> tuple[Path, Owner | None]:
    """How far `loc` reaches into the data, and the deepest field it passes."""
    kind, inner = "model", model
    node: Any = raw
    path: Path = ()
    owner: Owner | None = None
    for part in loc:
        if kind in ("model", "map"):
            if not isinstance(node, dict) or part not in node:
                break
            if kind == "model":
                found = _fields(inner).get(part)
                if found is None:
                    break
                owner = (path, part, *found)
                kind, inner = shape(found[1].annotation)
            else:
                kind, inner = shape(inner)
        elif kind == "seq":
            if not isinstance(node, list) or not isinstance(part, int) or part >= len(node):
                break
            kind, inner = shape(inner)
        else:
            break
        node, path = node[part], (*path, part)
    return path, owner


def _container(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def _did_you_mean(key: Any, model: type[BaseModel], written: Mapping[Any, Any]) -> str | None:
    """The field an unknown key was probably meant as, if that field was not written."""
    if not isinstance(key, str):
        return None
    keys = list(_fields(model))
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
    return close[0] if close and close[0] not in written else None


def _model_at(model: type[BaseModel], raw: Any, path: Path) -> type[BaseModel] | None:
    """The model class of the mapping at `path` (a record or a nested section)."""
    if not path:
        return model
    _, owner = walk(model, raw, path)
    if owner is None:
        return None
    kind, inner = shape(owner[3].annotation)
    if kind == "model" and (*owner[0], owner[1]) == path:
        return typing.cast("type[BaseModel]", inner)
    if kind in ("seq", "map"):  # an item of a list, or a value of a mapping, is a model
        item_kind, item = shape(inner)
        if item_kind == "model" and len(path) == len(owner[0]) + 2:
            return typing.cast("type[BaseModel]", item)
    return None


def build_partial(model: type[BaseModel], raw: dict[str, Any], error: ValidationError) -> Partial:
    """Rebuild `raw` (which failed validation with `error`) from its usable part."""
    try:
        return _build(model, raw, error)
    except _CannotBeUnknown:
        return _unusable(raw)


def _build(model: type[BaseModel], raw: dict[str, Any], error: ValidationError) -> Partial:
    data = copy.deepcopy(raw)
    out = Partial(None)
    marks: dict[Path, set[str]] = {}
    removals: dict[Path, set[int]] = {}
    done: set[Path] = set()
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        path, owner = walk(model, raw, loc)
        if item["type"] in ("missing", "extra_forbidden"):
            parent = _model_at(model, raw, path)
            if parent is None or loc[:-1] != path:
                return _unusable(raw)
            key: Any = loc[-1]
            target = _container(data, path)
            if item["type"] == "extra_forbidden":
                out.parts.append(((*path, key), target.pop(key, None)))
                key = _did_you_mean(key, parent, _container(raw, path))
                if key is None:
                    continue
            name, info = _fields(parent)[key]
            marks.setdefault(path, set()).add(name)
            target[key] = _unknown_value(info, (*path, key), marks)
            continue
        if owner is None:
            return _unusable(raw)
        if path in done:
            continue
        done.add(path)
        model_path, key, name, info = owner
        marks.setdefault(model_path, set()).add(name)
        out.parts.append((path, _container(raw, path)))
        field_path = (*model_path, key)
        if path == field_path:
            _container(data, model_path)[key] = _unknown_value(info, field_path, marks)
        else:
            holder = _container(data, path[:-1])
            if isinstance(holder, list):
                removals.setdefault(path[:-1], set()).add(typing.cast(int, path[-1]))
            else:
                holder.pop(path[-1], None)
    for list_path, indexes in removals.items():
        holder = _container(data, list_path)
        for index in sorted(indexes, reverse=True):
            del holder[index]
        out.removed[list_path] = tuple(sorted(indexes))
    try:
        record = partial_validator(model).validate_python(data)
    except ValidationError:
        return _unusable(raw)
    for model_path, names in marks.items():
        target = navigate(record, model_path, out.removed)
        if isinstance(target, SraModel):
            mark_unknown(target, names)
    out.record = record
    return out


def _unusable(raw: Any) -> Partial:
    """Give up on the record: the whole of it goes to the unusable parts."""
    return Partial(None, [((), raw)], {})


def model_index(index: int, gone: Iterable[int]) -> int | None:
    """Position in the model's tuple of the item written at `index` (None if left out)."""
    shift = 0
    for removed in gone:
        if removed == index:
            return None
        if removed < index:
            shift += 1
    return index - shift


def source_index(index: int, gone: Iterable[int]) -> int:
    """Position in the file of the model's item `index`, given the items left out (sorted)."""
    for removed in gone:
        if removed <= index:
            index += 1
        else:
            break
    return index


def source_path(path: Path, removed: Removed) -> Path:
    """A path into a partial record, as positions in the file (items left out skipped)."""
    if not removed:
        return path
    out: list[str | int] = []
    for part in path:
        if isinstance(part, int):
            part = source_index(part, removed.get(tuple(out), ()))
        out.append(part)
    return tuple(out)


def navigate(record: BaseModel, path: Path, removed: Removed) -> Any:
    """The value at `path` (YAML keys, file positions) inside a partial record, or None."""
    node: Any = record
    walked: Path = ()
    for part in path:
        if isinstance(part, int):
            index = model_index(part, removed.get(walked, ()))
            if index is None or not isinstance(node, tuple) or index >= len(node):
                return None
            node = node[index]
        elif isinstance(node, BaseModel):
            found = _fields(type(node)).get(part)
            if found is None:
                return None
            node = getattr(node, found[0])
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
        walked = (*walked, part)
        if node is None:
            return None
    return node
