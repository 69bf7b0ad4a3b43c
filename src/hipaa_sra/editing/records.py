"""One record as a form sees it: its written data, its digest, and its problems field by field.

A form shows a record and later asks to change it. `record_state` gives what the form
carries (the record's data as written and a digest of it); `apply_changes(...,
expected_records={ref: digest})` then refuses the change when that record was changed in
between (`RecordChanged`), while edits to other records of the same file go through.
`field_problems` checks a record the form built, in the loader's own words, with the
field path each problem is about, so a form can show it beside the field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import WriteConflict
from .changes import FieldPath, Ref
from .check import record_problems
from .files import Files, kind_named

RecordDigests = Mapping[Ref, str | None]
"""Record -> its digest when the form was filled (`RecordState.digest`); None: did not exist."""


class RecordChanged(WriteConflict):
    """A record was changed (or removed) since the form that edits it was filled in."""

    def __init__(self, ref: Ref, message: str) -> None:
        self.ref = ref
        super().__init__(message)


@dataclass(frozen=True)
class RecordState:
    """A record as written now: its file, its data and a digest of that data."""

    ref: Ref
    file: str
    """Workspace-relative path of the file holding it."""
    data: Any
    """What the loader reads for it (a mapping for a well-formed record)."""
    digest: str


@dataclass(frozen=True)
class FieldProblem:
    """A schema problem of a record, in the loader's words, at a path inside the record."""

    path: FieldPath
    message: str

    @property
    def field(self) -> str:
        """The top-level key the problem is about (`` for the record as a whole)."""
        return str(self.path[0]) if self.path else ""


def parsed_digest(data: Any) -> str:
    """The digest of a record's parsed data: equal data, equal digest, whatever the layout."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, allow_nan=True)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(files: Files, ref: Ref) -> tuple[str, Any] | None:
    if ref.is_manifest:
        source = files.manifest()
        return source.rel, source.data
    from .changes import EditError

    try:
        source, index = files.find(kind_named(ref.kind), ref.id)
    except EditError:
        return None
    return source.rel, source.data[index]


def record_state(root: Path, ref: Ref) -> RecordState | None:
    """The record `ref` names as written now (sra.yaml for `MANIFEST`); None if there is none."""
    found = _read(Files(Path(root).absolute()), ref)
    if found is None:
        return None
    rel, data = found
    return RecordState(ref, rel, data, parsed_digest(data))


def check_records(files: Files, expected: RecordDigests) -> None:
    """Raise `RecordChanged` for the first record whose digest is not the expected one."""
    for ref, digest in expected.items():
        found = _read(files, ref)
        now = parsed_digest(found[1]) if found is not None else None
        if now == digest:
            continue
        what = (
            "was removed"
            if found is None
            else ("was added by someone else" if digest is None else "was changed by someone else")
        )
        raise RecordChanged(
            ref, f"{ref.label()} {what} since it was read; not writing (compare, then save again)"
        )


def field_problems(
    kind: str, record: Mapping[str, Any], index: int = 0
) -> tuple[FieldProblem, ...]:
    """The schema problems the loader would report for `record` as a record of `kind`."""
    found = record_problems(kind_named(kind), dict(record), index)
    return tuple(FieldProblem(tuple(item.path[1:]), item.message) for item in found)
