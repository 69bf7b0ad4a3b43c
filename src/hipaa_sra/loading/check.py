"""`sra validate`'s result: every file validated and cross-checked, or taken from the cache.

An unchanged workspace validated again from the same directory is answered from one entry
(its findings, or the text a format rendered of them); otherwise each unchanged file's
summary and positions are reused by the load (`load.check_files`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import Finding, Severity, finding_from_row, finding_row
from ..model import KINDS
from .cache import Cache, Key
from .discover import find_workspace
from .workspace_key import Snapshot, snapshot, snapshot_key


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


@dataclass(frozen=True)
class RenderedCheck:
    """`sra validate`'s output as rendered, and whether it reports an error (the exit code)."""

    text: str
    errors: bool


def check_workspace(root: Path | None = None, *, use_cache: bool = True) -> CheckResult:
    """Validate a workspace without building it: what `sra validate` reports, cache-accelerated.

    An unchanged workspace, validated again from the same directory, is answered from one
    entry; otherwise each unchanged file's summary and positions are reused.
    """
    root = find_workspace(root)
    cache = Cache(root, enabled=use_cache)
    read, key = _check_key(root, cache)
    return _check(root, cache, read, key)


def render_check_workspace(
    root: Path | None,
    render: Callable[[CheckResult], str],
    style: str,
    *,
    use_cache: bool = True,
    progress: Callable[[str], None] | None = None,
) -> RenderedCheck:
    """Validate and render with `render` (named `style` in the cache), reusing a cached text.

    Rendering 50,000 warnings costs more than reading them back, so an unchanged workspace
    is answered with the text of the previous run, byte for byte. `progress` is told each
    stage of a run that is not answered from the cache.
    """
    root = find_workspace(root)
    cache = Cache(root, enabled=use_cache)
    read, key = _check_key(root, cache)
    name = key.variant(style) if key is not None else None
    if name is not None:
        if read is not None:
            read.release_for(cache, name)
        stored = cache.get(name)
        if isinstance(stored, tuple) and len(stored) == 2:
            text, errors = stored
            if type(text) is str and type(errors) is bool:
                return RenderedCheck(text, errors)
    # Only the text is stored: the result entry serves `check_workspace` callers.
    result = _check(root, cache, read, key, store=False, progress=progress)
    if progress is not None:
        progress("writing the report")
    rendered = RenderedCheck(render(result), result.count(Severity.ERROR) > 0)
    if name is not None and read is not None and not read.released:
        cache.put(name, (rendered.text, rendered.errors))
    return rendered


def _check_key(root: Path, cache: Cache) -> tuple[Snapshot | None, Key | None]:
    """The workspace as read for the key, and the key of its validation (`None`: no caching)."""
    if not cache.enabled:
        return None, None
    read = snapshot(root)
    return read, snapshot_key(cache, read, "validate") if read is not None else None


def _check(
    root: Path,
    cache: Cache,
    read: Snapshot | None,
    key: Key | None,
    store: bool = True,
    progress: Callable[[str], None] | None = None,
) -> CheckResult:
    if key is not None:
        if read is not None:
            read.release_for(cache, key)
        stored = _restore_check(root, cache.get(key))
        if stored is not None:
            return stored
    from .load import check_files  # the loader and the models: not for a cached answer

    if progress is not None:
        progress("checking every file")
    counts, findings, files = check_files(root, cache.enabled, read)
    result = CheckResult(root, counts, findings, files)
    if store and key is not None and read is not None and not read.released:
        _store_check(cache, key, result)
    return result


def _store_check(cache: Cache, key: Key, result: CheckResult) -> None:
    rows = tuple(finding_row(f) for f in result.findings)
    cache.put(key, (tuple(result.counts.items()), result.files, rows))


def _restore_check(root: Path, stored: Any) -> CheckResult | None:
    """The result stored by `_store_check`, or `None` for a miss or an entry of another shape."""
    if stored is None:
        return None
    try:
        counts, files, rows = stored
        counts = dict(counts)
        findings = tuple(finding_from_row(row) for row in rows)
    except (TypeError, ValueError):
        return None
    if (
        counts.keys() != _KIND_NAMES
        or not all(type(n) is int for n in counts.values())
        or not all(type(file) is str for file in files)
        or not all(_well_formed(finding) for finding in findings)
    ):
        return None
    return CheckResult(root, counts, findings, tuple(files))


_KIND_NAMES = {kind.name for kind in KINDS}


def _well_formed(f: Finding) -> bool:
    """True when every field has its type (a stored result of another layout has not)."""
    where = f.location
    return (
        type(f.code) is str
        and type(f.name) is str
        and type(f.message) is str
        and type(where.file) is str
        and type(where.line) is int
        and type(where.column) is int
        and (f.object_id is None or type(f.object_id) is str)
    )
