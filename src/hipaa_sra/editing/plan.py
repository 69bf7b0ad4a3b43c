"""From changes to plans: per file, which records and sra.yaml keys change, and how.

A change is checked against the files as they are (the record exists, the path does, the
list is a list) and applied to the plain data of its unit (a record, or a top-level key of
sra.yaml), so each file's plan knows what the file must hold afterwards; `rewrite` then
makes the text that holds it.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..loading.schema_findings import schema_findings
from ..model import Manifest
from .changes import (
    Add,
    Append,
    Change,
    EditError,
    FieldPath,
    Ref,
    Remove,
    Replace,
    Set,
    describe,
    dotted,
)
from .diff import record_edits
from .fields import annotation_at, dated, unwrap
from .files import Files, Source, kind_named
from .render import plain
from .splice import (
    DELETE,
    get_in,
    with_value,
)


@dataclass
class Unit:
    """A record in its file, or a top-level key of sra.yaml, and what the changes do to it."""

    key: int | str
    value: Any
    """The value it will have (plain data)."""
    edits: list[tuple[FieldPath, Any]] = field(default_factory=list)
    removed: bool = False
    new: bool = False
    """A key sra.yaml does not have yet."""


@dataclass
class FilePlan:
    """The changes to one file."""

    source: Source
    units: dict[int | str, Unit] = field(default_factory=dict)
    added: list[Any] = field(default_factory=list)
    comment: str | None = None
    """For a file to be created: a comment under its schema line."""
    incoming: int = 0
    """Characters of text the changes bring, to refuse an oversized file before rendering it."""

    def final(self, form: Callable[[Any], Any] = lambda value: value) -> Any:
        """What the file should hold once written; `form` applies to what the changes bring."""
        data = self.source.data
        if self.source.kind is None:
            result = dict(data) if isinstance(data, dict) else {}
            for key, unit in self.units.items():
                if unit.removed:
                    result.pop(str(key), None)
                else:
                    result[str(key)] = form(unit.value)
            return result
        items = list(data) if isinstance(data, list) else []
        kept = [
            form(self.units[i].value) if i in self.units else item
            for i, item in enumerate(items)
            if not (i in self.units and self.units[i].removed)
        ]
        return kept + [form(value) for value in self.added]


def _unwrap_first(args: tuple[Any, ...]) -> Any:
    """The item type of a list type's arguments, if there is one."""
    return unwrap(args[0]) if args else None


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(str(key)) + _size(item) for key, item in value.items())
    if isinstance(value, list):
        return sum(_size(item) for item in value)
    return 0


def _model_of(record: BaseModel | Any, model: type[BaseModel], where: str) -> BaseModel:
    """`record` as a model of `model`; `EditError` in the loader's words if it is not one."""
    if isinstance(record, model):
        return record
    try:
        return model.model_validate(record)
    except ValidationError as error:
        pending = schema_findings(model, error, where, None, ())
        raise EditError(
            f"{where}: not a valid record; nothing written", tuple(item.message for item in pending)
        ) from None


class Planner:
    """Collects changes into per-file plans; renders each file's new text."""

    def __init__(self, files: Files) -> None:
        self.files = files
        self.plans: dict[Path, FilePlan] = {}
        self.lines: list[str] = []
        """One description per change, in order."""
        self.new_ids: list[tuple[str, Source, Unit | None]] = []
        """Ids that records get or change to, for the uniqueness check."""

    def _plan(self, source: Source) -> FilePlan:
        return self.plans.setdefault(source.path, FilePlan(source))

    def _unit(self, target: Ref, path: FieldPath) -> tuple[FilePlan, Unit, FieldPath]:
        """The unit a path of `target` falls in, and the path inside that unit."""
        if target.is_manifest:
            source = self.files.manifest()
            if not path or not isinstance(path[0], str):
                raise EditError("sra.yaml: a change needs the key it is about, e.g. ('waivers',)")
            plan = self._plan(source)
            key, rest = path[0], path[1:]
            if key not in plan.units:
                data = source.data if isinstance(source.data, dict) else {}
                plan.units[key] = Unit(key, copy.deepcopy(data.get(key)), new=key not in data)
            return plan, plan.units[key], rest
        source, index = self.files.find(kind_named(target.kind), target.id)
        plan = self._plan(source)
        if index not in plan.units:
            plan.units[index] = Unit(index, copy.deepcopy(source.data[index]))
        return plan, plan.units[index], path

    def _edit(self, target: Ref, unit: Unit, rest: FieldPath, value: Any) -> None:
        if unit.removed:
            raise EditError(f"{target.label()}: removed earlier in the same change")
        if not rest:
            if value is DELETE:
                unit.removed = True
            else:
                unit.value = value
                unit.edits.append((rest, value))
            return
        try:
            unit.value = with_value(unit.value, rest, value)
        except EditError as exc:
            raise EditError(f"{target.label()} `{dotted(rest)}`: {exc.summary}") from None
        if value is DELETE:
            # A list or mapping emptied by the removal goes too, as the text edit does it.
            for depth in range(len(rest) - 1, -1, -1):
                if get_in(unit.value, rest[:depth]) not in ([], {}):
                    break
                if depth == 0:
                    if target.is_manifest:
                        unit.removed = True
                        return
                    raise EditError(
                        f"{target.label()}: removing `{dotted(rest)}` would leave the "
                        "record empty; remove the record instead"
                    )
                unit.value = with_value(unit.value, rest[:depth], DELETE)
        unit.edits.append((rest, value))

    def add(self, change: Change) -> None:
        """Plan one change; `EditError` if it cannot be made."""
        fields: tuple[str, ...] = ()
        if isinstance(change, Add):
            kind = kind_named(change.kind)
            source = self.files.target(kind, change.file)
            value = dated(kind.model, plain(change.record))
            plan = self._plan(source)
            plan.added.append(value)
            plan.incoming += _size(value)
            if change.comment and plan.comment is None:
                plan.comment = change.comment
            if isinstance(value, dict) and "id" in value:
                self.new_ids.append((str(value["id"]), source, None))
            change = Add(kind.name, change.record, source.rel)
        elif isinstance(change, Replace):
            fields = self._replace(change)
        elif isinstance(change, Set | Append):
            plan, unit, rest = self._unit(change.target, change.path)
            model = Manifest if change.target.is_manifest else kind_named(change.target.kind).model
            annotation = annotation_at(model, change.path)
            if isinstance(change, Append):
                inner = typing.get_args(annotation)
                annotation = _unwrap_first(inner)
            value = dated(annotation, plain(change.value))
            if isinstance(change, Append):
                try:
                    current = get_in(unit.value, rest)
                except KeyError:
                    current = None
                if current is None:
                    value = [value]
                elif isinstance(current, list):
                    rest = (*rest, len(current))
                else:
                    raise EditError(
                        f"{change.target.label()} `{dotted(change.path)}` is not a list"
                    )
            self._edit(change.target, unit, rest, value)
            plan.incoming += _size(value)
            if rest[:1] == ("id",) and not change.target.is_manifest:
                self.new_ids.append((str(value), plan.source, unit))
        elif isinstance(change, Remove):
            if not change.path and change.target.is_manifest:
                raise EditError("sra.yaml cannot be removed; name the key to remove")
            _, unit, rest = self._unit(change.target, change.path)
            self._edit(change.target, unit, rest, DELETE)
        self.lines.append(describe(change, fields))

    def _replace(self, change: Replace) -> tuple[str, ...]:
        target = change.target
        if target.is_manifest:
            new = _model_of(change.record, Manifest, "sra.yaml")
            source = self.files.manifest()
            edits = record_edits(source.data, new)
            for path, value in edits:
                _, unit, rest = self._unit(target, path)
                self._edit(target, unit, rest, value)
            return tuple(dict.fromkeys(str(path[0]) for path, _ in edits))
        kind = kind_named(target.kind)
        new = _model_of(change.record, kind.model, target.label())
        plan, unit, _ = self._unit(target, ())
        edits = record_edits(unit.value, new)
        for path, value in edits:
            self._edit(target, unit, path, value)
        new_id = getattr(new, "id", target.id)
        if new_id != target.id:
            self.new_ids.append((str(new_id), plan.source, unit))
        return tuple(dict.fromkeys(str(path[0]) if path else "id" for path, _ in edits))
