"""Checks across files: unique ids, references that resolve, levels the methodology allows."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import KIND_BY_NAME, Manifest
from .positions import Path
from .problems import DUPLICATE_ID, INVALID_VALUE, UNKNOWN_REFERENCE
from .records import RefTuple
from .schema_findings import Pending

Position = Callable[[str, Path], tuple[int, int]]
"""Looks up (line, column) of a path in a workspace file."""


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the cross-file checks need from one validated file."""

    rel: str
    kind: str
    ids: tuple[tuple[str, int], ...]
    refs: tuple[RefTuple, ...]
    five_level: tuple[tuple[Path, str, str | None], ...]


_TARGET_KINDS = {
    "asset": ("assets",),
    "node": ("assets", "vendors"),
    "control": ("controls",),
}
_SUGGEST_LIMIT = 5000
_TARGET_WORDS = {"asset": "asset", "node": "asset or vendor", "control": "control"}


def cross_check(
    facts: Iterable[FileFacts],
    manifest: Manifest | None,
    manifest_refs: Iterable[RefTuple],
    position: Position,
) -> dict[str, list[Pending]]:
    """Findings per file for duplicate ids, dangling references and out-of-scale levels."""
    facts = list(facts)
    out: dict[str, list[Pending]] = {}
    first: dict[str, tuple[str, str, int]] = {}
    ids_by_kind: dict[str, set[str]] = {}
    for fact in facts:
        kind_ids = ids_by_kind.setdefault(fact.kind, set())
        for oid, index in fact.ids:
            if oid in first:
                other_rel, other_kind, other_index = first[oid]
                line, col = position(other_rel, (other_index,))
                message = (
                    f"duplicate id `{oid}`: {KIND_BY_NAME[other_kind].noun} `{oid}` is already "
                    "defined at "
                    f"{other_rel}:{line}:{col}; ids must be unique across the workspace"
                )
                out.setdefault(fact.rel, []).append(
                    Pending(DUPLICATE_ID.code, (index, "id"), message, oid)
                )
            else:
                first[oid] = (fact.rel, fact.kind, index)
            kind_ids.add(oid)
    people = _people(manifest)
    # An unreadable `levels` (None) says nothing about which levels are out of scale.
    levels = manifest.methodology.levels if manifest else 3
    empty: set[str] = set()
    known: dict[str, set[str]] = {
        target: empty.union(*(ids_by_kind.get(kind, empty) for kind in kinds))
        for target, kinds in _TARGET_KINDS.items()
    }
    # With no people listed, owner names are free text and nothing is checked.
    known["person"] = people
    for fact in facts:
        pending = out.setdefault(fact.rel, [])
        for ref in fact.refs:
            target_ids = known[ref[0]]
            if ref[1] in target_ids or (ref[0] == "person" and not people):
                continue
            # A record whose id could not be read is named by its place in the file.
            noun = KIND_BY_NAME[fact.kind].noun
            owner = f"`{ref[3]}`" if ref[3] else f"{noun} #{int(ref[2][0]) + 1}"
            dangling = _dangling(ref, ids_by_kind, people, owner)
            if dangling:
                pending.append(Pending(UNKNOWN_REFERENCE.code, ref[2], dangling, ref[3]))
        if levels == 3:
            for path, value, level_oid in fact.five_level:
                who = f"risk `{level_oid}`" if level_oid else "risk"
                scale = (
                    f"{who}: `{path[-1]}: {value}` is a 5-level value but methodology.levels "
                    "is 3; use low, moderate or high, or set methodology.levels: 5"
                )
                pending.append(Pending(INVALID_VALUE.code, path, scale, level_oid))
    manifest_pending = out.setdefault("sra.yaml", [])
    for ref in manifest_refs:
        dangling = _dangling(ref, ids_by_kind, people, "sra.yaml")
        if dangling:
            manifest_pending.append(Pending(UNKNOWN_REFERENCE.code, ref[2], dangling, None))
    return out


def _people(manifest: Manifest | None) -> set[str]:
    """Ids of the people of sra.yaml; empty (names unchecked) unless every one could be read."""
    # A person whose entry could not be read may be the one a reference names.
    if manifest is None or manifest.is_unknown("people"):
        return set()
    if any(person.id is None for person in manifest.people):
        return set()
    return {person.id for person in manifest.people if person.id is not None}


def _dangling(ref: RefTuple, ids_by_kind: dict[str, set[str]], people: set[str],
              owner: str) -> str | None:  # fmt: skip
    target, value, _, _, label = ref
    if target == "person":
        if not people or value in people:
            return None
        return (
            f"{owner}: {label} `{value}` is not a person in sra.yaml `people` "
            f"(known: {', '.join(sorted(people)[:8])}{', ...' if len(people) > 8 else ''})"
        )
    kinds = _TARGET_KINDS[target]
    if any(value in ids_by_kind.get(kind, ()) for kind in kinds):
        return None
    message = f"{owner}: {label} `{value}` is not a known {_TARGET_WORDS[target]} id"
    candidates = [oid for kind in kinds for oid in ids_by_kind.get(kind, ())]
    # A typo is the usual cause; difflib is linear in the candidates, so skip huge estates.
    if len(candidates) <= _SUGGEST_LIMIT:
        close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.75)
        if close:
            message += f" (did you mean `{close[0]}`?)"
    return message
