"""Per-commit metrics of a workspace: risks by residual level, remediation, lint findings.

Each commit is measured as of its own (committer) date: an item counts as overdue if it was
overdue on the day the commit landed, and lint runs with `today` set to that day. Measured
against the real today, every old commit would look overdue and say nothing about how the
register was kept at the time; measured on its own day, the timeline shows whether the team
was keeping up. So the output never depends on the clock.

Lint runs every rule the commit's own `sra.yaml` selects: each rule reads only the workspace
and the date, so each is as meaningful on an old commit as on HEAD. The rules are those of
this version of sra, which gives every commit the same yardstick.

Results are cached in the checkout's `.sra_cache/` under the workspace's tree id, the commit
date and the code that computed them: content-addressed, so never stale, and a second run
over a long history reads git's commit list and the cache only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import LoadError, SraError
from ..findings import Severity
from ..loading import load_workspace
from ..loading.cache import Cache
from ..model import Level, Workspace
from ..rules import lint
from ..scoring import OPEN_STATUSES, effective_level, is_overdue, usable_matrix
from .git import Commit, Repository, materialize, workspace_commits

UNSCORED = "unscored"
"""Residual key of risks whose level cannot be told (a level off the methodology's scale)."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The workspace as one commit left it, in numbers."""

    risks: int
    residual: dict[str, int]
    """Risks per residual level (`low`, ..., and `unscored`); levels with none are left out."""
    open_remediation: int
    """Items planned, in progress or deferred (as `sra score` counts them)."""
    overdue_remediation: int
    """Items planned or in progress whose due date had passed on the commit's date."""
    findings: dict[str, int]
    """Lint findings per severity (`error`, `warning`, `info`) as of the commit's date."""


@dataclass(frozen=True, slots=True)
class CommitMetrics:
    """One commit and its snapshot, or why there is none."""

    commit: Commit
    snapshot: Snapshot | None
    problem: str | None = None
    """Why the workspace could not be measured at this commit (absent, or does not load)."""


@dataclass(frozen=True)
class History:
    """Metrics of every commit that touched the workspace, oldest first."""

    repository: Repository
    commits: tuple[CommitMetrics, ...]

    def levels(self) -> tuple[str, ...]:
        """Residual keys to show: low, moderate, high, plus any other level that occurs."""
        seen = {key for item in self.commits if item.snapshot for key in item.snapshot.residual}
        core = {Level.LOW.value, Level.MODERATE.value, Level.HIGH.value}
        keys = [level.value for level in Level if level.value in core or level.value in seen]
        return (*keys, UNSCORED) if UNSCORED in seen else tuple(keys)


def snapshot(ws: Workspace, day: date) -> Snapshot:
    """The workspace's numbers as of `day`."""
    items = [item for risk in ws.risks for item in risk.remediation]
    overdue = [item for item in items if is_overdue(item, day)]
    report = lint(ws, day)
    severities = (Severity.ERROR, Severity.WARNING, Severity.INFO)
    return Snapshot(
        risks=len(ws.risks),
        residual=residual_counts(ws),
        open_remediation=sum(1 for item in items if item.status in OPEN_STATUSES),
        overdue_remediation=len(overdue),
        findings={severity.value: report.count(severity) for severity in severities},
    )


def load_tree(repo: Repository, tree: str, ref: str | None = None) -> Workspace:
    """Load the workspace tree `tree` from git, through a temporary copy.

    A file that does not load raises `LoadError` with its path as it is in the repository
    and, when given, the ref it was read at.
    """
    with tempfile.TemporaryDirectory(prefix="sra-history-") as tmp:
        root = Path(tmp)
        materialize(repo, tree, root)
        try:
            # The loader keeps every file's bytes in memory, so the copy may go afterwards.
            return load_workspace(root, use_cache=False)
        except LoadError as exc:
            message = f"at {ref}: {exc.message}" if ref else exc.message
            raise LoadError(
                _repo_path(repo, root, exc.path), message, exc.line, exc.column, exc.hint
            ) from None


def _repo_path(repo: Repository, root: Path, shown: str) -> str:
    """A loader path inside the temporary copy, as the path in the repository."""
    path = Path(shown)
    absolute = path if path.is_absolute() else Path(os.getcwd()) / path
    try:
        rel = absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return shown
    return rel if repo.workspace == "." else f"{repo.workspace}/{rel}"


def _measure(repo: Repository, commit: Commit) -> tuple[Any, ...]:
    """The cacheable result for one commit: `("ok", numbers)` or `("error", message)`."""
    if commit.tree is None:
        return ("error", f"{repo.label} does not exist here")
    try:
        ws = load_tree(repo, commit.tree)
        snap = snapshot(ws, commit.date)
    except LoadError as exc:
        return ("error", f"does not load: {exc.render()}")
    except SraError as exc:
        return ("error", f"cannot be measured: {exc}")
    return (
        "ok",
        (
            snap.risks,
            tuple(snap.residual.items()),
            snap.open_remediation,
            snap.overdue_remediation,
            tuple(snap.findings.items()),
        ),
    )


def _restore(commit: Commit, stored: Any) -> CommitMetrics | None:
    try:
        status, value = stored
        if status == "error":
            return CommitMetrics(commit, None, str(value))
        risks, residual, open_items, overdue, findings = value
        return CommitMetrics(
            commit, Snapshot(risks, dict(residual), open_items, overdue, dict(findings))
        )
    except (TypeError, ValueError):
        return None  # an entry of another layout is a miss


NOT_MEASURED = "not measured"
"""The problem of a commit left unmeasured because `measure` stopped short of it."""


def history(
    workspace: Path,
    repo: Repository,
    *,
    limit: int | None = None,
    measure: int | None = None,
    use_cache: bool = True,
    progress: Callable[[Commit], None] | None = None,
) -> History:
    """Metrics of the commits that touched `workspace` (the `limit` newest), oldest first.

    With `measure`, only the `measure` newest commits are measured when the cache has no
    result for them; older ones are still listed, with their cached numbers or none. Each
    measurement loads and lints a whole workspace, so a long history of a large one would
    otherwise make a fresh CI checkout take minutes per commit.
    """
    cache = Cache(workspace, enabled=use_cache)
    measured: list[CommitMetrics] = []
    commits = workspace_commits(repo, limit=limit)
    recent = frozenset(c.sha for c in commits[:measure]) if measure is not None else None
    for commit in reversed(commits):
        if commit.tree is None:
            measured.append(CommitMetrics(commit, None, f"{repo.label} does not exist here"))
            continue
        key = cache.key_of(
            (commit.tree.encode(), commit.date.isoformat().encode(), os.fsencode(repo.workspace)),
            "history",
        )
        restored = _restore(commit, cache.get(key))
        if restored is None and recent is not None and commit.sha not in recent:
            measured.append(CommitMetrics(commit, None, NOT_MEASURED))
            continue
        if restored is None:
            if progress is not None:
                progress(commit)
            stored = _measure(repo, commit)
            cache.put(key, stored)
            restored = _restore(commit, stored)
        measured.append(restored or CommitMetrics(commit, None, "could not be measured"))
    return History(repo, tuple(measured))


def residual_counts(ws: Workspace) -> dict[str, int]:
    """Risks per residual level (as `snapshot` counts them) without running lint."""
    matrix = usable_matrix(ws)
    counts: dict[str, int] = {}
    for risk in ws.risks:
        level = effective_level(risk, matrix)
        key = level.value if level is not None else UNSCORED
        counts[key] = counts.get(key, 0) + 1
    return counts
