"""What a caller asks `apply_changes` to do: the change types, the commit request, the result.

Paths inside a record or `sra.yaml` are tuples of YAML keys (`"from"`, not `from_`) and
list positions counted from 0: `("remediation", 0, "status")`, `("people", 2)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import WriteError

PathKey = str | int
FieldPath = tuple[PathKey, ...]


class EditError(WriteError):
    """A change that cannot be made as asked; nothing was written.

    `problems` holds one line per problem, `path:line:col: message` where a position is
    known, in the loader's own wording.
    """

    def __init__(self, summary: str, problems: tuple[str, ...] = ()) -> None:
        self.summary = summary
        self.problems = problems
        super().__init__("\n".join((summary, *problems)))


@dataclass(frozen=True, slots=True)
class Ref:
    """A record by kind (`risks`, `assets`, ...) and id; `MANIFEST` stands for sra.yaml."""

    kind: str
    id: str

    @property
    def is_manifest(self) -> bool:
        """True for `MANIFEST`."""
        return self.kind == MANIFEST_KIND

    def label(self) -> str:
        """How messages and commit messages name it: `risks RR-1`, or `sra.yaml`."""
        return "sra.yaml" if self.is_manifest else f"{self.kind} {self.id}"


MANIFEST_KIND = "manifest"
MANIFEST = Ref(MANIFEST_KIND, "sra.yaml")
"""The target of changes to sra.yaml (a waiver, a decision, a person, a setting)."""

Value = Any
"""Plain YAML data (text, numbers, booleans, dates, lists, mappings), enum members or models."""


@dataclass(frozen=True, slots=True)
class Add:
    """A new record of `kind`, appended to `file` (workspace-relative; created if needed).

    Without `file`, the record goes to `<folder>/<folder>.yaml` (`register/register.yaml`).
    A file created for it starts with the schema line editors use, then `comment`, if any.
    """

    kind: str
    record: BaseModel | Mapping[str, Any]
    file: str | None = None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Replace:
    """Make the record (or sra.yaml) equal `record`, rewriting only the keys that differ."""

    target: Ref
    record: BaseModel | Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Set:
    """Set the value at `path` inside the target, creating missing mappings on the way.

    A list position equal to the list's length appends.
    """

    target: Ref
    path: FieldPath
    value: Value


@dataclass(frozen=True, slots=True)
class Append:
    """Add `value` at the end of the list at `path` (created when absent)."""

    target: Ref
    path: FieldPath
    value: Value


@dataclass(frozen=True, slots=True)
class Remove:
    """Remove the key or list item at `path`; with no path, remove the whole record."""

    target: Ref
    path: FieldPath = ()


Change = Add | Replace | Set | Append | Remove


@dataclass(frozen=True, slots=True)
class Commit:
    """Ask for a git commit of the changed files once they are written.

    Without a name and email, git's configured identity is the author. Without a message,
    one is made naming each record and the fields changed.
    """

    name: str | None = None
    email: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Result:
    """What `apply_changes` did."""

    files: tuple[Path, ...]
    """Files written (absolute), in path order; empty when the change was already in place."""
    changes: tuple[str, ...]
    """One line per change, e.g. `update risks RR-1: likelihood, remediation`."""
    commit: str | None = None
    """Id of the commit made, or None."""
    note: str = ""
    """What happened about git when a commit was asked for (why none was made, if none was)."""
    recovered: str | None = None
    """What was done about an edit a killed writer had left, if anything."""


def dotted(path: FieldPath) -> str:
    """A field path as people read it: `remediation[0].status`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def describe(change: Change, fields: tuple[str, ...] = ()) -> str:
    """One line naming what `change` does, for messages and commit messages."""
    if isinstance(change, Add):
        parts = ["add", change.kind, _id_of(change.record)]
        if change.file:
            parts += ["to", change.file]
        return " ".join(part for part in parts if part)
    target = change.target.label()
    if isinstance(change, Replace):
        changed = ", ".join(fields) if fields else "no field changed"
        return f"update {target}: {changed}"
    if isinstance(change, Set):
        return f"set {target} {dotted(change.path)}"
    if isinstance(change, Append):
        return f"add to {target} {dotted(change.path)}"
    return f"remove {target} {dotted(change.path)}".rstrip()


def _id_of(record: BaseModel | Mapping[str, Any]) -> str:
    value = record.get("id") if isinstance(record, Mapping) else getattr(record, "id", None)
    return str(value) if value is not None else ""
