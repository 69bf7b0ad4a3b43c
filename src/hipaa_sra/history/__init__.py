"""The workspace through git: commits that touched it, per-commit metrics, and register diffs."""

from ..git import GitError
from .diff import ItemChange, LevelChange, Rescored, RiskDiff, RiskSummary, Side, diff_refs
from .git import Commit, Repository, describe, open_repository, resolve
from .timeline import (
    NOT_MEASURED,
    CommitMetrics,
    History,
    Snapshot,
    history,
    load_tree,
    snapshot,
)

__all__ = [
    "NOT_MEASURED",
    "Commit",
    "CommitMetrics",
    "GitError",
    "History",
    "ItemChange",
    "LevelChange",
    "Repository",
    "Rescored",
    "RiskDiff",
    "RiskSummary",
    "Side",
    "Snapshot",
    "describe",
    "diff_refs",
    "history",
    "load_tree",
    "open_repository",
    "resolve",
    "snapshot",
]
