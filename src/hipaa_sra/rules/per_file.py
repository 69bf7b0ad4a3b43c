"""Per-file reuse of the per-record rules' findings, for a lint after a few files changed.

A rule that declares `record_inputs` finds on each record what that record, sra.yaml, the
date and the kinds it names say, nothing else. Its findings on a file's records are stored
under a key of the file's path and bytes and of everything else they may depend on:
sra.yaml, the files of the kinds any such rule names, the date, the selection, the working
directory and root (paths are shown relative to them) and the code; every file's are kept
in one pack (`loading.pack`), one entry to write. A later lint takes them
for every file whose key is unchanged and runs those rules only on the records of the files
that changed. Each finding is stored with the path it was placed from, so that a later run
may place it again in its file's new lines (`relocated`). Rules that look across files,
waivers and the loader's checks run on the whole workspace every time.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from ..findings import Finding, finding_from_row, finding_row
from ..loading.cache import Cache, Key
from ..loading.discover import SourceFile, display_path
from ..loading.load import located_paths
from ..loading.pack import Pack
from ..model import Workspace
from .base import Context, Rule
from .engine import record_findings
from .relocated import Placed
from .selection import Selection

_KINDS = (
    "assets",
    "flows",
    "vendors",
    "controls",
    "risks",
    "signoffs",
    "answers",
    "policies",
    "training",
)
"""The record tuples of a workspace, each split by file for the per-record rules."""


def per_record_findings(
    workspace: Workspace,
    ctx: Context,
    rules: Sequence[Rule],
    cache: Cache,
    selection: Selection,
    files: Sequence[SourceFile],
    digests: Mapping[str, bytes],
) -> list[Finding] | None:
    """The per-record rules' findings, reused per unchanged file; None when not possible.

    `files`: the workspace's files as loaded; `digests`: a digest of each one's bytes, by
    its path relative to the root.
    """
    chosen = [rule for rule in rules if rule.record_inputs is not None]
    # Each finding's path in its file is stored with it, so that a later run can place it
    # again in the file's new lines (`relocated`); kept by the load that placed it.
    paths = located_paths(workspace)
    shared = _shared(files, digests, ctx.today, selection, chosen, workspace.root)
    keys: dict[str, Key] = {}
    reused: dict[str, list[Finding]] = {}
    pack = Pack(cache, "lint-file")
    for source in files:
        if source.kind is None:
            continue
        shown = display_path(source.path)
        key = keys[shown] = cache.key_of(
            (shared, os.fsencode(source.rel), digests[source.rel]), "lint-file"
        )
        found = _restore(pack.get(key), paths)
        if found is not None:
            reused[shown] = found
    fresh = {shown for shown in keys if shown not in reused}
    # A cold run reuses nothing: its part is the whole workspace, with no record to sort.
    part = workspace if not reused else _part(workspace, fresh)
    by_file: dict[str, list[Finding]] = {shown: [] for shown in fresh}
    for finding in record_findings(workspace, part, ctx, chosen):
        if finding.location.file not in by_file:
            return None  # a declaration that does not hold: never store what it found
        by_file[finding.location.file].append(finding)
    for shown, found in by_file.items():
        rows = tuple(_row(f, paths) for f in found)
        if all(row[-1] is not None for row in rows):  # a finding placed without its path
            pack.put(keys[shown], rows)
    pack.store()
    # In file order and, within a file, in rule order: as a full run would list them.
    out: list[Finding] = []
    for shown in keys:
        stored = reused.get(shown)
        out.extend(stored if stored is not None else by_file[shown])
    return out


def _shared(
    files: Iterable[SourceFile],
    digests: Mapping[str, bytes],
    today: date,
    selection: Selection,
    rules: Sequence[Rule],
    root: Path,
) -> bytes:
    """Digest of what every file's per-record findings depend on besides the file itself."""
    inputs = frozenset(kind for rule in rules for kind in rule.record_inputs or ())
    digest = hashlib.blake2b(digest_size=32)
    for part in (
        os.fsencode(os.getcwd()),
        os.fsencode(root.absolute()),
        today.isoformat().encode(),
        "\0".join(selection.select).encode(),
        "\0".join(selection.ignore).encode(),
        " ".join(rule.code for rule in rules).encode(),
    ):
        digest.update(len(part).to_bytes(8, "little") + part)
    for source in files:
        if source.kind is None or source.kind.name in inputs:
            name = os.fsencode(source.rel)
            digest.update(len(name).to_bytes(8, "little") + name)
            digest.update(digests[source.rel])
    return digest.digest()


def _part(workspace: Workspace, files: set[str]) -> Workspace:
    """The workspace with only the records of `files` (its indexes and locator kept whole)."""
    changes: dict[str, Any] = {}
    for kind in _KINDS:
        records: tuple[Any, ...] = getattr(workspace, kind)
        changes[kind] = tuple(r for r in records if workspace.file_of(r) in files)
    return replace(workspace, **changes)


def _row(f: Finding, paths: Placed | None) -> tuple[Any, ...]:
    placed = paths.get(id(f.location)) if paths is not None else None
    return (*finding_row(f), placed[1] if placed is not None else None)


def _restore(rows: Any, paths: Placed | None) -> list[Finding] | None:
    if not isinstance(rows, tuple):
        return None
    found: list[Finding] = []
    try:
        for *fields, path in rows:
            if type(path) is not tuple:
                return None
            finding = finding_from_row(fields)
            if paths is not None:
                paths[id(finding.location)] = (finding.location, path)
            found.append(finding)
    except (TypeError, ValueError):
        return None  # an entry from another layout is a miss, never an error
    return found
