"""What changed in the register between two commits: risks added, removed and re-scored,
and remediation items added, closed and removed — the year-over-year question auditors ask.

Risks are matched by id. Levels are compared as `sra score` ranks them (stated, else the
matrix's), each side under its own methodology, so a re-scoring by a new matrix shows up
too. Remediation items have no id; within a risk they are matched by their `control` text
(case and spacing ignored), the words that say what the item is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..catalog import RiskMatrix
from ..git import GitError
from ..model import Level, Remediation, RemediationStatus, Risk, Workspace
from ..scoring import OPEN_STATUSES, effective_levels, usable_matrix
from .git import Commit, Repository, describe
from .timeline import load_tree, residual_counts

_CLOSED = frozenset({RemediationStatus.DONE, RemediationStatus.ACCEPTED})
RESCORED_FIELDS = ("likelihood", "impact", "inherent", "residual")
"""The levels compared, in the order they are reported."""


@dataclass(frozen=True, slots=True)
class RiskSummary:
    """A risk as one side of the diff scores it (None: written but unreadable on that side)."""

    id: str
    asset: str | None
    threat: str | None
    likelihood: Level | None
    impact: Level | None
    inherent: Level | None
    residual: Level | None


@dataclass(frozen=True, slots=True)
class LevelChange:
    """One level of a risk that differs between the two sides."""

    field: str
    old: Level | None
    new: Level | None


@dataclass(frozen=True, slots=True)
class Rescored:
    """A risk on both sides whose levels differ."""

    old: RiskSummary
    new: RiskSummary
    changes: tuple[LevelChange, ...]


@dataclass(frozen=True, slots=True)
class ItemChange:
    """A remediation item that appeared, was closed, or disappeared."""

    risk_id: str
    control: str
    old_status: RemediationStatus | None
    new_status: RemediationStatus | None
    owner: str | None
    due: str | None


@dataclass(frozen=True)
class Side:
    """One end of the diff: the ref as given, its commit, and the register's totals."""

    ref: str
    commit: Commit
    risks: int
    residual: dict[str, int]


@dataclass(frozen=True)
class RiskDiff:
    """Everything that changed in the register from `old` to `new`."""

    repository: Repository
    old: Side
    new: Side
    added: tuple[RiskSummary, ...]
    removed: tuple[RiskSummary, ...]
    rescored: tuple[Rescored, ...]
    items_added: tuple[ItemChange, ...]
    items_closed: tuple[ItemChange, ...]
    items_removed: tuple[ItemChange, ...]

    @property
    def unchanged(self) -> bool:
        """Nothing in the register changed."""
        return not (
            self.added
            or self.removed
            or self.rescored
            or self.items_added
            or self.items_closed
            or self.items_removed
        )


def _summary(risk: Risk, matrix: RiskMatrix | None) -> RiskSummary:
    levels = effective_levels(risk, matrix)
    return RiskSummary(
        risk.label,
        risk.asset,
        risk.threat,
        risk.likelihood,
        risk.impact,
        levels.inherent,
        levels.level,
    )


def _risks(ws: Workspace) -> dict[str, RiskSummary]:
    matrix = usable_matrix(ws)
    out: dict[str, RiskSummary] = {}
    for risk in ws.risks:
        # A duplicate id is a loader error; a risk without a valid id cannot be matched
        # across commits, so the diff leaves it out.
        if risk.id is not None:
            out.setdefault(risk.id, _summary(risk, matrix))
    return out


def _items(ws: Workspace) -> dict[tuple[str, str], Remediation]:
    out: dict[tuple[str, str], Remediation] = {}
    for risk in ws.risks:
        if risk.id is None:
            continue
        seen: dict[str, int] = {}
        for item in risk.remediation:
            if item.control is None:
                continue  # its text is its identity: an unreadable one cannot be matched
            key = " ".join(item.control.split()).casefold()
            seen[key] = seen.get(key, 0) + 1
            out.setdefault((risk.id, key if seen[key] == 1 else f"{key}#{seen[key]}"), item)
    return out


def _change(risk_id: str, old: Remediation | None, new: Remediation | None) -> ItemChange:
    item = new or old
    assert item is not None  # one side always has the item
    return ItemChange(
        risk_id,
        " ".join((item.control or "").split()),
        old.status if old else None,
        new.status if new else None,
        item.owner,
        item.due.isoformat() if item.due else None,
    )


def _rescored(old: RiskSummary, new: RiskSummary) -> Rescored | None:
    changes = tuple(
        LevelChange(name, getattr(old, name), getattr(new, name))
        for name in RESCORED_FIELDS
        if getattr(old, name) != getattr(new, name)
    )
    return Rescored(old, new, changes) if changes else None


def _item_changes(before: Workspace, after: Workspace) -> Iterator[tuple[str, ItemChange]]:
    old, new = _items(before), _items(after)
    for key, item in new.items():
        previous = old.get(key)
        if previous is None:
            yield "added", _change(key[0], None, item)
        elif previous.status in OPEN_STATUSES and item.status in _CLOSED:
            yield "closed", _change(key[0], previous, item)
    for key, item in old.items():
        if key not in new:
            yield "removed", _change(key[0], item, None)


def _side(repo: Repository, ref: str) -> tuple[Side, Workspace]:
    commit = describe(repo, ref)
    if commit.tree is None:
        raise GitError(f"{ref}: the workspace {repo.label} does not exist in commit {commit.short}")
    ws = load_tree(repo, commit.tree, ref)
    return Side(ref, commit, len(ws.risks), residual_counts(ws)), ws


def diff_refs(repo: Repository, old_ref: str, new_ref: str) -> RiskDiff:
    """The register changes from `old_ref` to `new_ref` (any commit-ish git understands)."""
    old_side, before = _side(repo, old_ref)
    new_side, after = _side(repo, new_ref)
    old, new = _risks(before), _risks(after)
    rescored = [
        change
        for key in sorted(old.keys() & new.keys())
        if (change := _rescored(old[key], new[key])) is not None
    ]
    items: dict[str, list[ItemChange]] = {"added": [], "closed": [], "removed": []}
    for kind, item in _item_changes(before, after):
        items[kind].append(item)
    return RiskDiff(
        repository=repo,
        old=old_side,
        new=new_side,
        added=tuple(new[key] for key in sorted(new.keys() - old.keys())),
        removed=tuple(old[key] for key in sorted(old.keys() - new.keys())),
        rescored=tuple(rescored),
        items_added=tuple(sorted(items["added"], key=_order)),
        items_closed=tuple(sorted(items["closed"], key=_order)),
        items_removed=tuple(sorted(items["removed"], key=_order)),
    )


def _order(change: ItemChange) -> tuple[str, str]:
    return change.risk_id, change.control.casefold()
