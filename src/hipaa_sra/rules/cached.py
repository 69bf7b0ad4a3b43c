"""Load and lint a workspace, reusing the previous result when nothing it depends on changed.

A lint result depends on the bytes of every workspace file, the date, the rule selection,
the working directory (findings show paths relative to it) and the code that produced it.
All of them go into the cache key, and the entry stores the digest of them it was made from
(checked on read), so an entry can never be stale; deleting `.sra_cache/` is always safe.
On a hit no YAML is parsed and no model is built. When the files that changed still hold
the records they held at the last lint, that lint's result is taken with their findings
placed again (`relocated`). Otherwise the per-record rules' findings of every file that did
not change are reused (`per_file`), and only the rules that look across files run on the
whole workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..findings import Location, Severity, finding_from_row, finding_row
from ..lifetime import keep
from ..loading.cache import Cache, Key
from ..loading.discover import find_workspace
from ..loading.workspace_key import Snapshot, WorkspaceKeys, workspace_keys
from .selection import Selection

if TYPE_CHECKING:
    from ..model import Workspace
    from .lint_report import LintReport, WaiverEntry

# The rules, the engine and what they read are imported where a run computes or restores a
# report: an answer from the cache (a warm lint, a warm calendar's key) needs none of them,
# and importing them is most of such a run.


@dataclass(frozen=True)
class RenderedLint:
    """A lint report as rendered for output, with what the exit code needs."""

    text: str
    counts: dict[str, int]
    """Findings per severity value."""

    def at_or_above(self, threshold: Severity) -> int:
        """Number of findings at least as severe as `threshold`."""
        return sum(n for value, n in self.counts.items() if Severity(value).rank >= threshold.rank)


def lint_workspace(
    root: Path | None,
    today: date,
    selection: Selection | None = None,
    *,
    use_cache: bool = True,
    discovered: tuple[Path, ...] = (),
) -> LintReport:
    """Lint the workspace at (or above) `root` as of `today`, from the cache when unchanged.

    The infrastructure inputs of `discovery:` in sra.yaml, and `discovered`, are read and
    reconciled with the inventory (see `sra discover`).
    """
    selection = _checked(selection)
    located = find_workspace(root)
    cache = Cache(located, enabled=use_cache)
    read, keys = _key(cache, located, today, selection, discovered)
    return _lint(located, cache, read, keys, today, selection, discovered=discovered)


def render_lint_workspace(
    root: Path | None,
    today: date,
    selection: Selection | None,
    render: Callable[[LintReport], str],
    style: str,
    *,
    use_cache: bool = True,
    discovered: tuple[Path, ...] = (),
    progress: Callable[[str], None] | None = None,
) -> RenderedLint:
    """Lint and render with `render` (named `style` in the cache), reusing a cached rendering.

    Rendering tens of thousands of findings costs as much as reading the cached findings, so
    an unchanged workspace is answered with the text of the previous run, byte for byte.
    `progress` is told each stage of a run that is not answered from the cache.
    """
    selection = _checked(selection)
    located = find_workspace(root)
    cache = Cache(located, enabled=use_cache)
    read, keys = _key(cache, located, today, selection, discovered)
    name = keys.result.variant(style) if keys is not None else None
    if name is not None:
        if read is not None:
            read.release_for(cache, name)  # the bytes and the text are not held at once
        stored = cache.get(name)
        if isinstance(stored, tuple) and len(stored) == 2:
            text, counts = stored
            return RenderedLint(text, dict(counts))
    earlier = None
    if keys is not None and read is not None and not read.released:
        earlier = _earlier(cache, read, keys)
        if earlier is not None and not earlier.moved:
            # The same findings in the same places: the earlier run's text, byte for byte.
            stored = cache.get(earlier.key.variant(style))
            if isinstance(stored, tuple) and len(stored) == 2:
                cache.put(keys.result.variant(style), stored)
                text, counts = stored
                return RenderedLint(text, dict(counts))
    # Only the rendering is stored: the findings entry serves `lint_workspace` callers.
    report = _lint(
        located, cache, read, keys, today, selection, False, discovered, (earlier,), progress
    )
    counts = {severity.value: report.count(severity) for severity in Severity}
    if progress is not None:
        progress("writing the report")
    rendered = RenderedLint(render(report), counts)
    if name is not None and read is not None and not read.released:
        cache.put(name, (rendered.text, tuple(counts.items())))
    return rendered


def _checked(selection: Selection | None) -> Selection:
    """The selection, its codes and names checked against the registry when it has any."""
    selection = selection or Selection()
    if selection.selectors:
        from .engine import check_selectors

        check_selectors(selection.selectors)
    return selection


def _lint(
    root: Path,
    cache: Cache,
    read: Snapshot | None,
    keys: WorkspaceKeys | None,
    today: date,
    selection: Selection,
    store: bool = True,
    discovered: tuple[Path, ...] = (),
    looked: tuple[_Earlier | None] | None = None,
    progress: Callable[[str], None] | None = None,
) -> LintReport:
    """`looked`: what `_earlier` found, when the caller asked it already."""
    if keys is not None:
        if read is not None:
            read.release_for(cache, keys.result)
        stored = cache.get(keys.result)
        if stored is not None:
            report = _restore(root, today, stored)
            if report is not None:
                return report
        if read is not None and not read.released:
            earlier = looked[0] if looked is not None else _earlier(cache, read, keys)
            report = _relocated(root, today, earlier) if earlier is not None else None
            if report is not None:
                if store:
                    cache.put(keys.result, _store(report))
                return report
    from ..analysis.facts import Facts
    from ..discover.workspace import workspace_discovery
    from ..loading.load import load_workspace, store_positions
    from .engine import active_rules, context, lint
    from .per_file import per_record_findings

    if progress is not None:
        progress("loading the workspace")
    # The bytes the key was computed from: what is stored under it was computed from them.
    workspace = load_workspace(
        root, use_cache=cache.enabled, read=read, keep_paths=keys is not None
    )
    if progress is not None:
        progress("checking the rules")
    discovery = workspace_discovery(workspace, discovered)
    facts = Facts(workspace)
    per_record = None
    if keys is not None and read is not None:  # the run is cacheable, so each file's part too
        ctx = context(workspace, today, facts, discovery)
        rules = active_rules(workspace.manifest, selection)
        digests = {f.source.rel: f.key.inputs for f in keys.files}
        per_record = per_record_findings(
            workspace, ctx, rules, cache, selection, read.listing.files, digests
        )
    report = lint(workspace, today, selection, facts, discovery, per_record)
    keep(workspace, facts, discovery, report)  # freed by the process's end, not one by one
    store_positions(workspace)  # every finding is placed: the next run need not parse to place
    if keys is not None and read is not None and not read.released:
        rows = _store(report)
        if store:
            cache.put(keys.result, rows)
        _store_latest(cache, keys, workspace, report, rows)
    return report


def _store_latest(
    cache: Cache,
    keys: WorkspaceKeys,
    workspace: Workspace,
    report: LintReport,
    rows: tuple[Any, ...],
) -> None:
    """Keep the result with the path of each location, for a run whose files only moved lines."""
    from ..loading.load import located_paths
    from .relocated import stored_paths, table

    paths = stored_paths(
        located_paths(workspace),
        (
            [f.location for f in report.findings],
            [w.location for w in report.waivers],
            [item.finding.location for item in report.waived_findings],
        ),
    )
    if paths is not None:  # a location placed from no path could not be placed again
        # The rows share their texts with the findings still held: see `Cache.put`.
        cache.put(keys.result.variant("placed"), (rows, paths), refs=False)
        cache.put(keys.latest, table(keys.files))


@dataclass(frozen=True)
class _Earlier:
    """The last result of these files and options, placed in the changed files' new bytes."""

    rows: tuple[Any, ...]
    """As `_store` makes them."""
    moved: bool
    """Whether a location moved (if not, the result is the earlier one, to the byte)."""
    key: Key
    """The key of the earlier result."""


def _earlier(cache: Cache, read: Snapshot, keys: WorkspaceKeys) -> _Earlier | None:
    """The last result of these files and options, if the changed files hold the same records."""
    from .relocated import changed_maps, relocate

    files = cache.get(keys.latest)
    if files is None:
        return None
    maps = changed_maps(cache, files, keys.files, read.contents)
    if maps is None:
        return None
    # Stored under the key of the result it was computed from: the files of `files`.
    key = keys.result_of(cache, files)
    found = relocate(cache.get(key.variant("placed")), maps)
    return _Earlier(found[0], found[1], key) if found is not None else None


def _relocated(root: Path, today: date, earlier: _Earlier) -> LintReport | None:
    """The report of an earlier result, its findings sorted again if a location moved."""
    from .lint_report import finding_order

    report = _restore(root, today, earlier.rows)
    if report is None or not earlier.moved:
        return report
    order = finding_order(report.files)
    return replace(
        report,
        findings=tuple(sorted(report.findings, key=order)),
        waived_findings=tuple(sorted(report.waived_findings, key=lambda w: order(w.finding))),
    )


def _key(
    cache: Cache, root: Path, today: date, selection: Selection, discovered: tuple[Path, ...] = ()
) -> tuple[Snapshot | None, WorkspaceKeys | None]:
    """The workspace as read and the keys of this lint run (`None`: no caching)."""
    if not cache.enabled:
        return None, None
    options = ["\0".join(selection.select).encode(), "\0".join(selection.ignore).encode()]
    return workspace_keys(cache, root, today, "lint", options, discovered)


def _store(report: LintReport) -> tuple[Any, ...]:
    index = {entry: n for n, entry in enumerate(report.waivers)}
    # Hashing a finding hashes all its fields: only a report with a refused waiver needs it.
    position = {finding: n for n, finding in enumerate(report.findings)} if report.refused else {}
    waivers = tuple(
        (
            w.rule,
            w.code,
            w.object_id,
            w.reason,
            w.approved_by,
            w.until.isoformat() if w.until else None,
            w.location.file,
            w.location.line,
            w.location.column,
            w.status.value,
            w.silenced,
            w.refused,
        )
        for w in report.waivers
    )
    waived = tuple(
        (finding_row(item.finding), index[item.waiver]) for item in report.waived_findings
    )
    refused = tuple((position[item.finding], index[item.waiver]) for item in report.refused)
    rules = tuple(rule.code for rule in report.rules)
    findings = tuple(finding_row(f) for f in report.findings)
    return (findings, rules, tuple(report.counts.items()), report.files, waivers, waived, refused)


def _waiver(row: Any) -> WaiverEntry:
    from .lint_report import WaiverEntry, WaiverStatus

    rule, code, oid, reason, approver, until, file, line, column, status, silenced, refused = row
    return WaiverEntry(
        rule,
        code,
        oid,
        reason,
        approver,
        date.fromisoformat(until) if until else None,
        Location(file, line, column),
        WaiverStatus(status),
        silenced,
        refused,
    )


def _restore(root: Path, today: date, stored: Any) -> LintReport | None:
    from .lint_report import LintReport, WaivedFinding
    from .registry import find_rule

    try:
        rows, codes, counts, files, waiver_rows, waived, refused = stored
        rules = tuple(find_rule(code) for code in codes)
        if any(rule is None for rule in rules):
            return None
        findings = tuple(finding_from_row(row) for row in rows)
        waivers = tuple(_waiver(row) for row in waiver_rows)
        return LintReport(
            root=root,
            today=today,
            findings=findings,
            rules=tuple(rule for rule in rules if rule is not None),
            counts=dict(counts),
            files=tuple(files),
            waived_findings=tuple(
                WaivedFinding(finding_from_row(row), waivers[n]) for row, n in waived
            ),
            refused=tuple(WaivedFinding(findings[f], waivers[n]) for f, n in refused),
            waivers=waivers,
        )
    except (TypeError, ValueError, IndexError):
        return None  # an entry from another layout is a miss, never an error
