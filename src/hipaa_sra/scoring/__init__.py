"""Scoring: the methodology's risk matrix, matrix levels and semi-quantitative scores, ranking.

`methodology_matrix` picks the likelihood x impact table `sra.yaml` selects (built in or
custom) and says precisely what is wrong when it cannot; `score_risks` scores every register
row against it and ranks them for remediation planning. Pure functions over loaded models.
"""

from __future__ import annotations

from .levels import (
    HIGH_LEVELS,
    EffectiveLevels,
    LevelSource,
    effective_level,
    effective_levels,
    is_high,
    is_untreated_high,
)
from .matrix import (
    MethodologyError,
    expected_level,
    methodology_matrix,
    usable_matrix,
    workspace_matrix,
    workspace_methodology,
)
from .rank import ResidualSource, ScoredRisk, rank_scored, score_risk, score_risks
from .remediation import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    TREATING_STATUSES,
    is_overdue,
    is_treated,
    may_be_treated,
)

__all__ = [
    "ACTIVE_STATUSES",
    "HIGH_LEVELS",
    "OPEN_STATUSES",
    "TREATING_STATUSES",
    "EffectiveLevels",
    "LevelSource",
    "MethodologyError",
    "ResidualSource",
    "ScoredRisk",
    "effective_level",
    "effective_levels",
    "expected_level",
    "is_high",
    "is_overdue",
    "is_treated",
    "is_untreated_high",
    "may_be_treated",
    "methodology_matrix",
    "rank_scored",
    "score_risk",
    "score_risks",
    "usable_matrix",
    "workspace_matrix",
    "workspace_methodology",
]
