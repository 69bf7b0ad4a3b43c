"""An earlier lint result taken again when changed files still hold the same records.

A file whose bytes changed while its parsed data did not (a comment added or removed, a
line re-wrapped, a blank line, another quoting style that reads the same) gives every rule,
waiver and loader check the same records, so the run finds what the earlier run found; only
where that file's findings and waivers are placed may differ. So each lint stores its result
with the path each location was placed from (under the key of the result), and the key of
each file's bytes under a key of everything the result depends on but those bytes (the
working directory, the root, the files' paths and kinds, the date, the selection, the
allowed signers and the infrastructure inputs). A later run whose changed files all parse
to what the earlier run parsed, key for key and in the same order, takes that result and
places the changed files' locations again in their new bytes; nothing else is loaded,
checked or located. A change of values costs one small entry and the changed files' parse,
which the load then reuses.

What it refuses (and so runs the rules): a changed sra.yaml; a file added, removed or
renamed; an earlier parse no longer in the cache; a message that quotes a place in a
changed file (a duplicate id names where the other record is); and two findings that move
to one place from two, whose order a full run gives by the order of the rules, which is
not stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import SraError
from ..findings import Location
from ..loading import parse_yaml
from ..loading.cache import Cache, Key
from ..loading.discover import display_path
from ..loading.positions import Path as FieldPath
from ..loading.positions import SourceMap
from ..loading.text import normalise_newlines
from ..loading.workspace_key import FileKey

Placed = dict[int, tuple[Location, FieldPath]]
"""The path each location was placed from, by `id()` of the location (`located_paths`)."""

# Where the fields of a stored finding row (`findings.finding_row`) and waiver row
# (`cached._store`) are.
_FINDING_FILE, _FINDING_MESSAGE = 4, 3
_WAIVER_FILE = 6


def stored_paths(
    paths: Placed | None, locations: Sequence[Sequence[Location]]
) -> tuple[tuple[FieldPath, ...], ...] | None:
    """The path of each location, list by list; None if one was not placed from a path."""
    if paths is None:
        return None
    out: list[tuple[FieldPath, ...]] = []
    for group in locations:
        found: list[FieldPath] = []
        for location in group:
            placed = paths.get(id(location))
            if placed is None or placed[0] is not location:
                return None
            found.append(placed[1])
        out.append(tuple(found))
    return tuple(out)


def table(files: Sequence[FileKey]) -> tuple[tuple[str, str, bytes], ...]:
    """Each file's path and the key of its bytes, as stored beside a result."""
    return tuple((f.source.rel, f.key.name, f.key.inputs) for f in files)


def changed_maps(
    cache: Cache, earlier: Any, files: Sequence[FileKey], contents: Mapping[Path, bytes]
) -> dict[str, SourceMap] | None:
    """Source maps of the files changed since `earlier` (a `table`), by the path shown.

    None when a file was added, removed or renamed, or a changed one does not parse to
    what it parsed then (see the module's notes).
    """
    if not isinstance(earlier, tuple) or len(earlier) != len(files):
        return None
    maps: dict[str, SourceMap] = {}
    try:
        for now, (rel, name, inputs) in zip(files, earlier, strict=True):
            if rel != now.source.rel or type(name) is not str or type(inputs) is not bytes:
                return None
            if inputs == now.key.inputs:
                continue
            source_map = _same_records(cache, now, Key(name, inputs), contents)
            if source_map is None:
                return None
            maps[display_path(now.source.path)] = source_map
    except (TypeError, ValueError):
        return None  # an entry from another layout is a miss, never an error
    return maps


def relocate(stored: Any, maps: Mapping[str, SourceMap]) -> tuple[tuple[Any, ...], bool] | None:
    """The stored result with the locations in the files of `maps` placed in their new bytes.

    `stored`: `(rows, paths)` as a run stored them (`cached._store`'s rows, and the path of
    each finding, waiver and waived finding). Returns the rows and whether any location
    moved, or None when the result cannot be taken (see the module's notes).
    """
    try:
        rows, paths = stored
        findings, rules, counts, shown, waivers, waived, refused = rows
        finding_paths, waiver_paths, waived_paths = paths
        if not (
            len(finding_paths) == len(findings)
            and len(waiver_paths) == len(waivers)
            and len(waived_paths) == len(waived)
        ):
            return None
        if not maps:
            return rows, False
        quoted = tuple(f"{name}:" for name in maps)
        if any(q in row[_FINDING_MESSAGE] for row in findings for q in quoted) or any(
            q in row[_FINDING_MESSAGE] for row, _ in waived for q in quoted
        ):
            return None  # the message names a line that may have moved
        new_findings, moved = _placed(findings, finding_paths, maps, _FINDING_FILE)
        new_waivers, waivers_moved = _placed(waivers, waiver_paths, maps, _WAIVER_FILE)
        waived_rows, waived_moved = _placed(
            tuple(row for row, _ in waived), waived_paths, maps, _FINDING_FILE
        )
        if moved and not _order_kept(findings, new_findings, maps):
            return None
        if waived_moved and not _order_kept(tuple(r for r, _ in waived), waived_rows, maps):
            return None
        new_waived = tuple(
            (row, index) for row, (_, index) in zip(waived_rows, waived, strict=True)
        )
        new = (new_findings, rules, counts, shown, new_waivers, new_waived, refused)
        return new, moved or waivers_moved or waived_moved
    except (TypeError, ValueError, IndexError, KeyError):
        return None  # an entry from another layout is a miss, never an error


def _same_records(
    cache: Cache, now: FileKey, earlier: Key, contents: Mapping[Path, bytes]
) -> SourceMap | None:
    """The source map of a changed file whose parsed data is what it was; None otherwise."""
    if now.source.kind is None:
        return None  # sra.yaml's parse is not cached; it also names the signers and inputs
    before = cache.get(earlier.variant("data"))
    if before is None:
        return None
    data = normalise_newlines(contents[now.source.path])
    data_key = now.key.variant("data")
    after = cache.get(data_key)
    if after is None:
        try:
            after = parse_yaml(data, display_path(now.source.path))
        except SraError:
            return None  # the load reports it
        cache.put(data_key, after)  # as the load would: a later run need not parse it
    if not _same(before, after):
        return None
    return SourceMap(data, after)


def _same(a: Any, b: Any) -> bool:
    """Equal parsed data, with the same types and every mapping's keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return len(a) == len(b) and all(
            ka == kb and type(ka) is type(kb) and _same(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _placed(
    rows: tuple[Any, ...],
    paths: tuple[FieldPath, ...],
    maps: Mapping[str, SourceMap],
    at: int,
) -> tuple[tuple[Any, ...], bool]:
    """`rows` with the line and column (after the file at `at`) of those in `maps` placed again."""
    out: list[Any] = []
    moved = False
    for row, path in zip(rows, paths, strict=True):
        source_map = maps.get(row[at])
        if source_map is not None:
            line, column = source_map.position(path)
            if (line, column) != (row[at + 1], row[at + 2]):
                row = (*row[: at + 1], line, column, *row[at + 3 :])
                moved = True
        out.append(row)
    return tuple(out), moved


def _order_kept(
    before: tuple[Any, ...], after: tuple[Any, ...], maps: Mapping[str, SourceMap]
) -> bool:
    """True unless two findings of a changed file now share a place they did not share.

    Findings are sorted by place, code and record; a full run orders those that tie in
    the order its rules ran, which the stored order keeps only where they tied before too.
    """
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for old, new in zip(before, after, strict=True):
        if new[_FINDING_FILE] not in maps:
            continue
        key = (new[_FINDING_FILE], new[5], new[6], new[0], new[7])
        place = (old[5], old[6])
        if seen.setdefault(key, place) != place:
            return False
    return True
