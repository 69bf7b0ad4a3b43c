"""Load a workspace: read, parse (or reuse the cache), validate, cross-check, locate findings."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import LoadError
from ..findings import Finding, Location
from ..model import KINDS, Kind, Manifest, Unusable, Workspace
from ..writing.journal import finish_interrupted
from .cache import Cache, Key
from .discover import SourceFile, display_path, find_workspace, scan_workspace
from .known_positions import KnownPositions
from .parse import parse_yaml
from .partial import Removed, source_path
from .positions import Path as FieldPath
from .positions import SourceMap
from .problems import PROBLEMS
from .read import read_file
from .records import (
    FileRecords,
    RefTuple,
    manifest_refs,
    record_key,
    valid_records,
    validate_manifest,
    validate_records,
)
from .references import FileFacts, cross_check
from .schema_findings import Pending
from .text import normalise_newlines
from .workspace_key import Snapshot

_PROBLEM_BY_CODE = {problem.code: problem for problem in PROBLEMS}


class _Sources:
    """Bytes and parsed values of the files read, and the source maps built from them."""

    def __init__(self, cache: Cache) -> None:
        self.data: dict[str, bytes] = {}
        self.known = KnownPositions(cache)
        """Positions located by earlier runs: a file is parsed again only for a new path."""
        self.values: dict[str, Any] = {}
        self.maps: dict[str, SourceMap] = {}
        self.origins: dict[int, tuple[str, FieldPath]] = {}
        self.removed: dict[int, Removed] = {}
        """List items left out of partial records, by `id()` of the record."""
        self._record_paths: dict[int, FieldPath] = {}
        self.paths: dict[int, tuple[Location, FieldPath]] | None = None
        """When kept (`keep_paths`): the path each location was placed from, by `id()` of the
        location, which is held so that no other location takes its id."""

    def parsed(self, file: str, value: Any) -> None:
        """Take a kind file's parsed data for positions, keeping only what locating needs.

        The models hold the values they use; the parsed tree beside them would double a
        workspace in memory, and only findings in shapes the key search cannot answer need
        it again (its map then parses the one record it reads).
        """
        source_map = self.maps[file] = SourceMap(self.data[file], value)
        source_map.release()

    def position(self, file: str, path: FieldPath) -> tuple[int, int]:
        """(line, column) of `path` in `file`, building its source map on first use."""
        known = self.known.of(file)
        where = known.get(path)
        if where is not None:
            return where
        source_map = self.maps.get(file)
        if source_map is None:
            if file not in self.data:
                return 1, 1
            value = self.values.get(file)
            if value is None:
                value = parse_yaml(self.data[file], file)
            source_map = self.maps[file] = SourceMap(self.data[file], value)
        where = known[path] = source_map.position(path)
        return where

    def locate(self, record: BaseModel, path: FieldPath = ()) -> Location:
        """Where `record` (or a field of it) was written."""
        file, prefix = self.origins.get(id(record), ("sra.yaml", ()))
        removed = self.removed.get(id(record))
        if removed:  # a partial record: its list items are counted as written in the file
            path = source_path(path, removed)
        return self.placed(file, (*prefix, *path))

    def placed(self, file: str, path: FieldPath) -> Location:
        """The location of `path` in `file`, its path noted when paths are kept."""
        line, column = self.position(file, path)
        location = Location(file, line, column)
        if self.paths is not None:
            self.paths[id(location)] = (location, path)
        return location

    def record_path(self, index: int) -> FieldPath:
        """The path `(index,)` of a record in its file, one tuple for every file's record there."""
        return self._record_paths.setdefault(index, (index,))

    def file_of(self, record: BaseModel) -> str | None:
        """The file `record` was loaded from (None for one that was not)."""
        origin = self.origins.get(id(record))
        return None if origin is None else origin[0]

    def place(self, record: BaseModel, file: str, prefix: FieldPath, removed: Removed) -> None:
        """Remember where a record was written (and which of its list items were left out)."""
        self.origins[id(record)] = (file, prefix)
        if removed:
            self.removed[id(record)] = removed


@dataclass
class _Loaded:
    """Everything gathered from the files, before findings are placed."""

    manifest: Manifest | None = None
    records: dict[str, list[BaseModel]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    pending: dict[str, list[Pending]] = field(default_factory=dict)
    facts: list[FileFacts] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    strays: list[str] = field(default_factory=list)
    """Paths the walk reported but did not load (their findings are in `pending`)."""
    manifest_refs: list[RefTuple] = field(default_factory=list)
    unusable: list[Unusable] = field(default_factory=list)
    unnamed: dict[int, str] = field(default_factory=dict)
    """Keys (`<kind>/<file>#<n>`) of records without a valid id, by `id()` of the record."""


def _read(source: SourceFile, shown: str, read: Snapshot | None) -> bytes:
    """The file's bytes with line breaks as YAML reads them (CRLF and CR become LF)."""
    data = read.contents.get(source.path) if read is not None else None
    return normalise_newlines(data if data is not None else read_file(source.path, shown))


def _summary_key(cache: Cache, data: bytes, source: SourceFile, read: Snapshot | None) -> Key:
    """The key of the file's summary: the snapshot's, for the bytes it holds, else hashed."""
    key = read.summary_keys.get(source.path) if read is not None else None
    return key if key is not None else cache.key(data, source.rel, "summary")


def _not_data(value: Any, source: SourceFile, shown: str) -> LoadError | None:
    """The error for a file that parsed to a single scalar: plain text, not YAML records.

    The value is not quoted back: a file that is not YAML may be anything (a key, a
    password file behind a link), and an error message is no place to print it.
    """
    if value is None or isinstance(value, dict | list):
        return None
    what = (
        "true/false"
        if isinstance(value, bool)
        else "number"
        if isinstance(value, int | float)
        else "text"
    )
    expected = (
        f"a list of {source.kind.name}"
        if source.kind is not None
        else "a mapping with organization, scope, ..."
    )
    return LoadError(
        shown,
        f"file holds a single {what} value, not YAML records; expected {expected}",
        hint="is this the file meant to be here?",
    )


def _summary(records: FileRecords) -> tuple[Any, ...]:
    """The cacheable part of a file's load result, as marshal-able tuples."""
    return (
        records.count,
        tuple((p.code, p.path, p.message, p.object_id) for p in records.pending),
        tuple(records.ids),
        tuple(records.refs),
        tuple(records.five_level),
    )


def _gather(
    root: Path,
    use_cache: bool,
    want_models: bool,
    read: Snapshot | None = None,
    only: frozenset[str] | None = None,
    waivers: bool = False,
) -> tuple[_Loaded, _Sources]:
    """Load every file (from `read`, the workspace as read already, when given).

    `only`: load the models of these kinds and nothing else (`_take_only`), and with
    `waivers` those of any other file whose records hold a waiver.
    """
    finish_interrupted(root)  # a killed edit is completed or undone before anything is read
    cache = Cache(root, enabled=use_cache)
    sources = _Sources(cache)
    loaded = _Loaded(counts={kind.name: 0 for kind in KINDS})
    listing = read.listing if read is not None else scan_workspace(root)
    errors = list(listing.errors)
    for source in listing.files:
        shown = display_path(source.path)
        try:
            if only is None or source.kind is None:
                _take(source, shown, cache, sources, loaded, want_models, read)
            else:
                data = _read(source, shown, read)
                _take_only(
                    source.kind, source, shown, data, cache, sources, loaded, only, waivers, read
                )
        except LoadError as error:
            errors.append(error)  # every file that cannot be loaded is reported, in one run
    if errors:
        raise LoadError.combine(errors)
    for stray in listing.strays:
        loaded.pending.setdefault(stray.shown, []).append(
            Pending(stray.code, (), stray.message, None)
        )
        loaded.strays.append(stray.shown)
    return loaded, sources


def _take(
    source: SourceFile,
    shown: str,
    cache: Cache,
    sources: _Sources,
    loaded: _Loaded,
    want_models: bool,
    read: Snapshot | None,
) -> None:
    """Read, parse and validate one file into `loaded`; `LoadError` if it cannot be loaded."""
    data = _read(source, shown, read)
    sources.data[shown] = data
    loaded.files.append(shown)
    if source.kind is None:
        value = parse_yaml(data, shown)
        if (error := _not_data(value, source, shown)) is not None:
            raise error
        sources.values[shown] = value
        sources.known.track(shown, cache.key(data, source.rel, "positions"))
        result = validate_manifest(value, shown)
        manifest = loaded.manifest = result.manifest
        loaded.pending.setdefault(shown, []).extend(result.pending)
        loaded.unusable.extend(result.unusable)
        loaded.manifest_refs = manifest_refs(manifest, result.removed)
        sources.place(manifest, shown, (), result.removed)
        for person_index, person in enumerate(manifest.people):
            where = source_path(("people", person_index), result.removed)
            sources.place(person, shown, where, {})
        return
    kind = source.kind
    summary_key = _summary_key(cache, data, source, read)
    sources.known.track(shown, summary_key.variant("positions"))
    summary: Any = cache.get(summary_key)
    if summary is None or want_models:
        value = _parsed(data, source, shown, cache, summary_key)
        # With the file's facts cached, only its models are built: the references, ids and
        # findings of 50,000 records took as long again as validating them.
        records = valid_records(kind, value) if summary is not None else None
        if records is None:
            records = validate_records(kind, value, shown, source.rel)
            fresh = _summary(records)
            if summary is None:
                cache.put(summary_key, fresh)
            summary = fresh
        sources.parsed(shown, value)
        del value
        if want_models:  # `sra validate` needs only the findings: its records go here
            _keep(kind.name, source.rel, shown, records, sources, loaded)
    count, pending, ids, refs, five_level = summary
    loaded.counts[kind.name] += count
    # marshal keeps tuples as tuples, so cached facts need no conversion.
    loaded.pending.setdefault(shown, []).extend(Pending(*item) for item in pending)
    loaded.facts.append(FileFacts(shown, kind.name, ids, refs, five_level))


def _parsed(data: bytes, source: SourceFile, shown: str, cache: Cache, summary_key: Key) -> Any:
    """The file's parsed data, from the cache or parsed (and cached); `LoadError` if not data."""
    data_key = summary_key.variant("data")  # one hash of the bytes for every entry
    value = cache.get(data_key)
    if value is None:
        value = parse_yaml(data, shown)
        cache.put(data_key, value)
    if (error := _not_data(value, source, shown)) is not None:
        raise error
    return value


def _take_only(
    kind: Kind,
    source: SourceFile,
    shown: str,
    data: bytes,
    cache: Cache,
    sources: _Sources,
    loaded: _Loaded,
    only: frozenset[str],
    waivers: bool,
    read: Snapshot | None,
) -> None:
    """`_take` for a load of the models of `only`: `LoadError` where `_take` would refuse.

    A file of those kinds gives its models, and so does one where a record holds a waiver,
    with `waivers`; any other gives nothing. None gets the summary of its findings, which such
    a load does not report. A file not kept with a summary stored under its bytes loaded
    before; any other is parsed (the parse is cached as `_take` caches it) and must hold a
    list of records, or nothing.
    """
    loaded.files.append(shown)
    keep = kind.name in only
    summary_key = _summary_key(cache, data, source, read)
    # Only a file with the word, or with an escape that could spell it in a quoted key, may
    # hold a waiver: any other is not parsed to tell.
    maybe = waivers and not keep and (b"waivers" in data or b"\\" in data)
    if not keep and not maybe and cache.holds(summary_key):
        return
    value = _parsed(data, source, shown, cache, summary_key)
    if maybe and isinstance(value, list):
        keep = any(isinstance(record, dict) and "waivers" in record for record in value)
    if not keep:
        if not isinstance(value, list):
            validate_records(kind, value, shown, source.rel)  # refuses a mapping in its words
        return
    # Only the models, unless a record is invalid: its file is then read as `_take` reads
    # it, for the partial records.
    records = valid_records(kind, value)
    if records is None:
        records = validate_records(kind, value, shown, source.rel)
    sources.data[shown] = data
    sources.known.track(shown, summary_key.variant("positions"))
    sources.parsed(shown, value)
    _keep(kind.name, source.rel, shown, records, sources, loaded)


def _keep(
    kind: str, rel: str, shown: str, records: FileRecords, sources: _Sources, loaded: _Loaded
) -> None:
    """Add a file's records to the workspace being loaded, each placed in its file."""
    for model, index, removed in zip(records.models, records.indexes, records.removed, strict=True):
        sources.place(model, shown, sources.record_path(index), removed)
        if getattr(model, "id", "") is None:
            loaded.unnamed[id(model)] = record_key(kind, None, rel, index)
    loaded.records.setdefault(kind, []).extend(records.models)
    loaded.unusable.extend(records.unusable)


def _place(loaded: _Loaded, sources: _Sources) -> tuple[Finding, ...]:
    """Turn pending findings (paths) into findings (lines), adding the cross-file ones."""
    manifest_file = loaded.files[0] if loaded.files else "sra.yaml"
    cross = cross_check(loaded.facts, loaded.manifest, loaded.manifest_refs, sources.position)
    cross[manifest_file] = cross.pop("sra.yaml", []) + cross.get(manifest_file, [])
    findings: list[Finding] = []
    files = [*loaded.files, *loaded.strays]
    for file in files:
        for item in (*loaded.pending.get(file, ()), *cross.get(file, ())):
            problem = _PROBLEM_BY_CODE[item.code]
            findings.append(
                Finding(
                    problem.code,
                    problem.name,
                    problem.severity,
                    item.message,
                    sources.placed(file, item.path),
                    item.object_id,
                )
            )
    order = {file: index for index, file in enumerate(files)}
    findings.sort(
        key=lambda f: (order.get(f.location.file, 0), f.location.line, f.location.column, f.code)
    )
    return tuple(findings)


def check_files(
    root: Path, use_cache: bool, read: Snapshot | None = None
) -> tuple[dict[str, int], tuple[Finding, ...], tuple[str, ...]]:
    """Validate every file without keeping its models: records per kind, findings, files.

    What `sra validate` reports (`check.check_workspace`); the located paths are stored.
    """
    loaded, sources = _gather(root, use_cache, want_models=False, read=read)
    findings = _place(loaded, sources)
    sources.known.store()
    return loaded.counts, findings, tuple(loaded.files)


def located_paths(workspace: Workspace) -> dict[int, tuple[Location, FieldPath]] | None:
    """The paths locations were placed from, by `id()` of the location (`keep_paths`).

    A caller that places a location from elsewhere (a cached row) adds it here.
    """
    return workspace.locator.paths if isinstance(workspace.locator, _Sources) else None


def store_positions(workspace: Workspace) -> None:
    """Keep the positions located in `workspace` so far in the cache, for later runs to reuse.

    A caller that locates findings after the load (lint) calls it once they are all placed.
    """
    if isinstance(workspace.locator, _Sources):
        workspace.locator.known.store()


def load_workspace(
    root: Path | None = None,
    *,
    use_cache: bool = True,
    read: Snapshot | None = None,
    keep_paths: bool = False,
) -> Workspace:
    """Load, validate and index a workspace; schema problems become findings on it.

    `read`: the workspace as read already (for a cache key): its bytes are loaded, not the
    files again. Positions it locates are kept for later runs only when the caller asks
    (`store_positions`), after placing its own findings too. `keep_paths`: note the path
    of every location placed (`located_paths`).
    """
    root = find_workspace(root)
    loaded, sources = _gather(root, use_cache, want_models=True, read=read)
    if keep_paths:
        sources.paths = {}
    return _workspace(root, loaded, sources, _place(loaded, sources))


def load_records(
    root: Path | None, kinds: Collection[str], *, waivers: bool = False, use_cache: bool = True
) -> Workspace:
    """The workspace's records of `kinds` (and sra.yaml) alone, without findings.

    For a reader of those kinds only (`sra calendar`): every other file is read and parsed
    and refused as `load_workspace` refuses it, so a broken file of any kind stops the load
    alike, but its records are neither validated nor kept, and nothing is checked across
    files. The workspace holds no findings, and `unusable` only of the kinds loaded.
    `waivers`: keep every record of a file of another kind where one holds a waiver too,
    so that every waiver of the workspace is loaded.
    """
    root = find_workspace(root)
    loaded, sources = _gather(
        root, use_cache, want_models=True, only=frozenset(kinds), waivers=waivers
    )
    return _workspace(root, loaded, sources, ())


def _workspace(
    root: Path, loaded: _Loaded, sources: _Sources, findings: tuple[Finding, ...]
) -> Workspace:
    """The `Workspace` of the records gathered, with their indexes by id."""
    records = loaded.records

    def kind(name: str) -> tuple[Any, ...]:
        return tuple(records.get(name, ()))

    def index(items: Iterable[Any]) -> dict[str, Any]:
        by_id: dict[str, Any] = {}
        for item in items:
            if item.id is not None:  # a record without a valid id cannot be referred to
                by_id.setdefault(item.id, item)
        return by_id

    assets, flows, vendors = kind("assets"), kind("flows"), kind("vendors")
    controls, risks = kind("controls"), kind("risks")
    answers, policies = kind("answers"), kind("policies")
    return Workspace(
        root=root,
        manifest=loaded.manifest,
        assets=assets,
        flows=flows,
        vendors=vendors,
        controls=controls,
        risks=risks,
        signoffs=kind("signoffs"),
        answers=answers,
        policies=policies,
        training=kind("training"),
        findings=findings,
        files=tuple(loaded.files),
        unusable=tuple(loaded.unusable),
        unnamed=loaded.unnamed,
        locator=sources,
        asset_by_id=index(assets),
        flow_by_id=index(flows),
        vendor_by_id=index(vendors),
        control_by_id=index(controls),
        risk_by_id=index(risks),
        answer_by_id=index(answers),
        policy_by_id=index(policies),
    )
