"""Score every register row against the matrix and rank them, highest risk first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..catalog import RiskMatrix, risk_score
from ..findings import Location
from ..model import Level, Risk, Workspace
from .levels import effective_levels
from .matrix import workspace_matrix
from .remediation import OPEN_STATUSES

ResidualSource = Literal["stated", "inherent"]

RankKey = tuple[int, int, int, str, int]


@dataclass(frozen=True, slots=True)
class ScoredRisk:
    """One register row with its levels as stated, as the matrix computes them, and its score."""

    risk_id: str
    """The risk's id (`(no valid id)` when it could not be read)."""
    asset: str | None
    """None, like the levels and the score below, when the register row's value was unreadable."""
    likelihood: Level | None
    impact: Level | None
    inherent_stated: Level | None
    """`inherent_risk` as written in the register."""
    inherent_computed: Level | None
    """The matrix's level for likelihood x impact; None if either is off the matrix's scale."""
    residual_stated: Level | None
    """`residual_risk` as written in the register."""
    residual: Level | None
    """The residual level ranked on: stated, else the inherent level (see `residual_source`)."""
    residual_source: ResidualSource
    score: int | None
    """Semi-quantitative, tool-defined 0-100 (product of the NIST 0-10 values); not Table I-2."""
    inherent_disagrees: bool
    """The stated inherent level differs from the matrix's."""
    open_remediation: int
    """Remediation items planned, in progress or deferred."""
    location: Location
    order: int
    """Index of the row in the workspace's register (files by path, rows as written)."""

    @property
    def inherent(self) -> Level | None:
        """The inherent level ranked on: stated, else computed."""
        return self.inherent_stated or self.inherent_computed

    def rank_key(self) -> RankKey:
        """Ascending sort key that puts the highest risk first; total, so ties cannot reorder."""
        return _key(self.residual, self.inherent, self.score, self.risk_id, self.order)


def _key(
    residual: Level | None, inherent: Level | None, score: int | None, risk_id: str, order: int
) -> RankKey:
    # Duplicate ids still load (the loader reports them); `order` keeps their ranking fixed.
    return (-_rank(residual), -_rank(inherent), 1 if score is None else -score, risk_id, order)


def _score(risk: Risk) -> int | None:
    if risk.likelihood is None or risk.impact is None:
        return None
    return risk_score(risk.likelihood, risk.impact)


def _rank(level: Level | None) -> int:
    return -1 if level is None else level.rank


def _levels(risk: Risk, matrix: RiskMatrix) -> tuple[Level | None, Level | None, Level | None]:
    """(computed inherent, inherent ranked on, residual ranked on) of one row."""
    levels = effective_levels(risk, matrix)
    return levels.computed, levels.inherent, levels.level


def score_risk(risk: Risk, matrix: RiskMatrix, location: Location, order: int = 0) -> ScoredRisk:
    """Score one register row against `matrix`."""
    computed, _, residual = _levels(risk, matrix)
    stated = risk.inherent_risk
    return ScoredRisk(
        risk_id=risk.label,
        asset=risk.asset,
        likelihood=risk.likelihood,
        impact=risk.impact,
        inherent_stated=stated,
        inherent_computed=computed,
        residual_stated=risk.residual_risk,
        residual=residual,
        residual_source=(
            "stated" if risk.residual_risk or risk.is_unknown("residual_risk") else "inherent"
        ),
        score=_score(risk),
        inherent_disagrees=stated is not None and computed is not None and stated is not computed,
        open_remediation=sum(1 for item in risk.remediation if item.status in OPEN_STATUSES),
        location=location,
        order=order,
    )


def rank_scored(scored: Iterable[ScoredRisk]) -> list[ScoredRisk]:
    """`scored` in rank order: residual, then inherent, then score, highest first; then id."""
    return sorted(scored, key=ScoredRisk.rank_key)


def score_risks(
    workspace: Workspace, matrix: RiskMatrix | None = None, *, limit: int | None = None
) -> list[ScoredRisk]:
    """The register scored and ranked, highest first (the top `limit` only, if given)."""
    chosen = workspace_matrix(workspace) if matrix is None else matrix
    risks = workspace.risks

    def key(index: int) -> RankKey:
        risk = risks[index]
        _, inherent, residual = _levels(risk, chosen)
        return _key(residual, inherent, _score(risk), risk.label, index)

    # Rank first and score in full only the rows returned: locating a row builds its
    # file's source map, the one costly step on a large register.
    ranked = sorted(range(len(risks)), key=key)[:limit]
    return [score_risk(risks[i], chosen, workspace.locate(risks[i]), i) for i in ranked]
