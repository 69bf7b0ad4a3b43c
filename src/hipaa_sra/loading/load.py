"""Load a workspace: read, parse (or reuse the cache), validate, cross-check, locate findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import LoadError
from ..findings import Finding, Location, Severity
from ..model import KINDS, Manifest, Workspace
from .cache import Cache
from .diagnose import MAX_FILE_BYTES, too_big
from .discover import SourceFile, find_workspace, list_files
from .parse import parse_yaml
from .positions import Path as FieldPath
from .positions import SourceMap
from .problems import PROBLEMS
from .records import (
    FileRecords,
    Pending,
    RefTuple,
    manifest_refs,
    validate_manifest,
    validate_records,
)
from .references import FileFacts, cross_check

_PROBLEM_BY_CODE = {problem.code: problem for problem in PROBLEMS}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of `sra validate`: records per kind and every problem found."""

    root: Path
    counts: dict[str, int]
    findings: tuple[Finding, ...]
    files: tuple[str, ...]

    def count(self, severity: Severity) -> int:
        """Number of findings of exactly this severity."""
        return sum(1 for finding in self.findings if finding.severity is severity)


class _Sources:
    """Bytes and parsed values of the files read, and the source maps built from them."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.values: dict[str, Any] = {}
        self.maps: dict[str, SourceMap] = {}
        self.origins: dict[int, tuple[str, FieldPath]] = {}

    def position(self, file: str, path: FieldPath) -> tuple[int, int]:
        """(line, column) of `path` in `file`, building its source map on first use."""
        source_map = self.maps.get(file)
        if source_map is None:
            if file not in self.data:
                return 1, 1
            value = self.values.get(file)
            if value is None:
                value = parse_yaml(self.data[file], file)
            source_map = self.maps[file] = SourceMap(self.data[file], value)
        return source_map.position(path)

    def locate(self, record: BaseModel, path: FieldPath = ()) -> Location:
        """Where `record` (or a field of it) was written."""
        file, prefix = self.origins.get(id(record), ("sra.yaml", ()))
        line, column = self.position(file, (*prefix, *path))
        return Location(file, line, column)


@dataclass
class _Loaded:
    """Everything gathered from the files, before findings are placed."""

    manifest: Manifest | None = None
    records: dict[str, list[BaseModel]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    pending: dict[str, list[Pending]] = field(default_factory=dict)
    facts: list[FileFacts] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    manifest_refs: list[RefTuple] = field(default_factory=list)


def _display(path: Path) -> str:
    """The path as a user should see it: relative to the working directory when inside it."""
    absolute = path.absolute()
    cwd = Path.cwd()
    return str(absolute.relative_to(cwd)) if absolute.is_relative_to(cwd) else str(absolute)


def _read(source: SourceFile, shown: str) -> bytes:
    try:
        size = source.path.stat().st_size
        if size > MAX_FILE_BYTES:  # refuse before reading: memory stays bounded
            raise too_big(shown, size)
        return source.path.read_bytes()
    except IsADirectoryError:
        raise LoadError(shown, "is a directory; expected a YAML file") from None
    except OSError as exc:
        raise LoadError(shown, f"cannot read file: {exc.strerror or exc}") from None


def _summary(records: FileRecords) -> tuple[Any, ...]:
    """The cacheable part of a file's load result, as marshal-able tuples."""
    return (
        records.count,
        tuple((p.code, p.path, p.message, p.object_id) for p in records.pending),
        tuple(records.ids),
        tuple(records.refs),
        tuple(records.five_level),
    )


def _gather(root: Path, use_cache: bool, want_models: bool) -> tuple[_Loaded, _Sources]:
    cache = Cache(root, enabled=use_cache)
    sources = _Sources()
    loaded = _Loaded(counts={kind.name: 0 for kind in KINDS})
    for source in list_files(root):
        shown = _display(source.path)
        data = _read(source, shown)
        sources.data[shown] = data
        loaded.files.append(shown)
        if source.kind is None:
            value = parse_yaml(data, shown)
            sources.values[shown] = value
            loaded.manifest, pending = validate_manifest(value, shown)
            loaded.pending.setdefault(shown, []).extend(pending)
            if loaded.manifest is not None:
                loaded.manifest_refs = manifest_refs(loaded.manifest)
                sources.origins[id(loaded.manifest)] = (shown, ())
                for person_index, person in enumerate(loaded.manifest.people):
                    sources.origins[id(person)] = (shown, ("people", person_index))
            continue
        kind = source.kind
        summary_key = cache.key(data, source.rel, "summary")
        summary = None if want_models else cache.get(summary_key)
        if summary is None:
            data_key = cache.key(data, source.rel, "data")
            value = cache.get(data_key)
            if value is None:
                value = parse_yaml(data, shown)
                cache.put(data_key, value)
            sources.values[shown] = value
            records = validate_records(kind, value, shown)
            summary = _summary(records)
            cache.put(summary_key, summary)
            for model, index in zip(records.models, records.indexes, strict=True):
                sources.origins[id(model)] = (shown, (index,))
            loaded.records.setdefault(kind.name, []).extend(records.models)
        count, pending, ids, refs, five_level = summary
        loaded.counts[kind.name] += count
        # marshal keeps tuples as tuples, so cached facts need no conversion.
        loaded.pending.setdefault(shown, []).extend(Pending(*item) for item in pending)
        loaded.facts.append(FileFacts(shown, kind.name, ids, refs, five_level))
    return loaded, sources


def _place(loaded: _Loaded, sources: _Sources) -> tuple[Finding, ...]:
    """Turn pending findings (paths) into findings (lines), adding the cross-file ones."""
    manifest_file = loaded.files[0] if loaded.files else "sra.yaml"
    cross = cross_check(loaded.facts, loaded.manifest, loaded.manifest_refs, sources.position)
    cross[manifest_file] = cross.pop("sra.yaml", []) + cross.get(manifest_file, [])
    findings: list[Finding] = []
    for file in loaded.files:
        for item in (*loaded.pending.get(file, ()), *cross.get(file, ())):
            problem = _PROBLEM_BY_CODE[item.code]
            line, column = sources.position(file, item.path)
            findings.append(
                Finding(
                    problem.code,
                    problem.name,
                    problem.severity,
                    item.message,
                    Location(file, line, column),
                    item.object_id,
                )
            )
    order = {file: index for index, file in enumerate(loaded.files)}
    findings.sort(key=lambda f: (order.get(f.location.file, 0), f.location.line,
                                 f.location.column, f.code))
    return tuple(findings)


def check_workspace(root: Path | None = None, *, use_cache: bool = True) -> CheckResult:
    """Validate a workspace without building it: what `sra validate` reports, cache-accelerated."""
    root = find_workspace(root)
    loaded, sources = _gather(root, use_cache, want_models=False)
    return CheckResult(root, loaded.counts, _place(loaded, sources), tuple(loaded.files))


def load_workspace(root: Path | None = None, *, use_cache: bool = True) -> Workspace:
    """Load, validate and index a workspace; schema problems become findings on it."""
    root = find_workspace(root)
    loaded, sources = _gather(root, use_cache, want_models=True)
    findings = _place(loaded, sources)
    records = loaded.records

    def kind(name: str) -> tuple[Any, ...]:
        return tuple(records.get(name, ()))

    def index(items: Iterable[Any]) -> dict[str, Any]:
        by_id: dict[str, Any] = {}
        for item in items:
            by_id.setdefault(item.id, item)
        return by_id

    assets, flows, vendors = kind("assets"), kind("flows"), kind("vendors")
    controls, risks = kind("controls"), kind("risks")
    return Workspace(
        root=root,
        manifest=loaded.manifest,
        assets=assets,
        flows=flows,
        vendors=vendors,
        controls=controls,
        risks=risks,
        signoffs=kind("signoffs"),
        findings=findings,
        files=tuple(loaded.files),
        locator=sources,
        asset_by_id=index(assets),
        flow_by_id=index(flows),
        vendor_by_id=index(vendors),
        control_by_id=index(controls),
        risk_by_id=index(risks),
    )
