"""Scoring: the methodology's risk matrix, matrix levels and semi-quantitative scores, ranking.

`methodology_matrix` picks the likelihood x impact table `sra.yaml` selects (built in or
custom) and says precisely what is wrong when it cannot; `score_risks` scores every register
row against it and ranks them for remediation planning. Pure functions over loaded models.
"""

from __future__ import annotations

from .matrix import (
    MethodologyError,
    expected_level,
    methodology_matrix,
    workspace_matrix,
    workspace_methodology,
)
from .rank import (
    ACTIVE_STATUSES,
    OPEN_STATUSES,
    ResidualSource,
    ScoredRisk,
    is_overdue,
    rank_scored,
    score_risk,
    score_risks,
)

__all__ = [
    "ACTIVE_STATUSES",
    "OPEN_STATUSES",
    "MethodologyError",
    "ResidualSource",
    "ScoredRisk",
    "expected_level",
    "is_overdue",
    "methodology_matrix",
    "rank_scored",
    "score_risk",
    "score_risks",
    "workspace_matrix",
    "workspace_methodology",
]
