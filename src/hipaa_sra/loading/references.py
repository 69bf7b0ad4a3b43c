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
    suggest = _Suggestions(ids_by_kind)
    for fact in facts:
        pending = out.setdefault(fact.rel, [])
        for ref in fact.refs:
            target_ids = known[ref[0]]
            if ref[1] in target_ids or (ref[0] == "person" and not people):
                continue
            # A record whose id could not be read is named by its place in the file.
            noun = KIND_BY_NAME[fact.kind].noun
            owner = f"`{ref[3]}`" if ref[3] else f"{noun} #{int(ref[2][0]) + 1}"
            dangling = _dangling(ref, ids_by_kind, people, owner, suggest)
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
        dangling = _dangling(ref, ids_by_kind, people, "sra.yaml", suggest)
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


class _Suggestions:
    """The did-you-mean of each dangling value, worked out once per (target, value).

    A register written before its inventory names the same few hundred systems tens of
    thousands of times; difflib's setup alone, per reference, was a fifth of `sra validate`.
    """

    def __init__(self, ids_by_kind: dict[str, set[str]]) -> None:
        self._ids_by_kind = ids_by_kind
        self._candidates: dict[str, list[str]] = {}
        self._close: dict[tuple[str, str], str | None] = {}

    def close(self, target: str, value: str) -> str | None:
        """The one known id of `target`'s kinds close enough to `value` to be its typo."""
        key = (target, value)
        if key in self._close:
            return self._close[key]
        candidates = self._candidates.get(target)
        if candidates is None:
            candidates = self._candidates[target] = [
                oid for kind in _TARGET_KINDS[target] for oid in self._ids_by_kind.get(kind, ())
            ]
        close = None
        # A typo is the usual cause; difflib is linear in the candidates, so skip huge estates.
        if 0 < len(candidates) <= _SUGGEST_LIMIT:
            matches = difflib.get_close_matches(value, candidates, n=1, cutoff=0.75)
            close = matches[0] if matches else None
        self._close[key] = close
        return close


def _dangling(
    ref: RefTuple,
    ids_by_kind: dict[str, set[str]],
    people: set[str],
    owner: str,
    suggest: _Suggestions,
) -> str | None:
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
    close = suggest.close(target, value)
    if close is not None:
        message += f" (did you mean `{close}`?)"
    return message
