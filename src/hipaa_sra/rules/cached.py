"""Load and lint a workspace, reusing the previous result when nothing it depends on changed.

A lint result depends on the bytes of every workspace file, the date, the rule selection,
the working directory (findings show paths relative to it) and the code that produced it.
All of them go into the cache key, so an entry can never be stale; deleting `.sra_cache/`
is always safe. On a hit no YAML is parsed and no model is built.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from ..findings import Finding, Location, Severity
from ..loading import MAX_FILE_BYTES, find_workspace, list_files, load_workspace
from ..loading.cache import Cache, code_fingerprint
from .engine import Selection, check_selectors, lint
from .registry import find_rule
from .report import LintReport

_SOURCES = (
    "model/*.py", "loading/*.py", "catalog/*.py", "catalog/data/*.yaml", "rules/*.py",
    "analysis/*.py", "findings.py",
)  # fmt: skip


def lint_workspace(root: Path | None, today: date, selection: Selection | None = None, *,
                   use_cache: bool = True) -> LintReport:  # fmt: skip
    """Lint the workspace at (or above) `root` as of `today`, from the cache when unchanged."""
    selection = selection or Selection()
    check_selectors((*selection.select, *selection.ignore))
    root = find_workspace(root)
    cache = Cache(root, enabled=use_cache)
    key = _key(cache, root, today, selection) if use_cache else None
    if key is not None:
        stored = cache.get(key)
        if stored is not None:
            report = _restore(root, today, stored)
            if report is not None:
                return report
    report = lint(load_workspace(root, use_cache=use_cache), today, selection)
    if key is not None:
        cache.put(key, _store(report))
    return report


def _key(cache: Cache, root: Path, today: date, selection: Selection) -> str | None:
    parts = [
        os.getcwd().encode(),
        str(root.absolute()).encode(),
        today.isoformat().encode(),
        "\0".join(selection.select).encode(),
        "\0".join(selection.ignore).encode(),
    ]
    try:
        for source in list_files(root):
            if source.path.stat().st_size > MAX_FILE_BYTES:
                return None  # the loader reports it; never read a huge file just to hash it
            parts += (source.rel.encode(), source.path.read_bytes())
    except OSError:
        return None  # the loader reports unreadable files with their path
    return cache.key_of(parts, "lint", code_fingerprint(_SOURCES))


def _store(report: LintReport) -> tuple[Any, ...]:
    findings = tuple(
        (f.code, f.name, f.severity.value, f.message, f.location.file, f.location.line,
         f.location.column, f.object_id)
        for f in report.findings
    )
    rules = tuple(rule.code for rule in report.rules)
    return (findings, rules, tuple(report.counts.items()), report.files, report.waived)


def _restore(root: Path, today: date, stored: Any) -> LintReport | None:
    try:
        findings, codes, counts, files, waived = stored
        rules = tuple(find_rule(code) for code in codes)
        if any(rule is None for rule in rules):
            return None
        return LintReport(
            root=root,
            today=today,
            findings=tuple(
                Finding(code, name, Severity(severity), message, Location(file, line, column),
                        oid)
                for code, name, severity, message, file, line, column, oid in findings
            ),
            rules=tuple(rule for rule in rules if rule is not None),
            counts=dict(counts),
            files=tuple(files),
            waived=waived,
        )
    except (TypeError, ValueError):
        return None  # an entry from another layout is a miss, never an error
