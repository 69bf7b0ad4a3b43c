"""Which risk matrix a workspace scores with, and the level of risk it gives a register row."""

from __future__ import annotations

from ..catalog import RiskMatrix
from ..catalog.methodology import MethodologyError, methodology_matrix
from ..model import Level, Methodology, Risk, Workspace

__all__ = [
    "MethodologyError",
    "expected_level",
    "methodology_matrix",
    "workspace_matrix",
    "workspace_methodology",
]


def workspace_methodology(workspace: Workspace) -> Methodology:
    """The workspace's methodology, or the defaults when `sra.yaml` did not load."""
    return workspace.manifest.methodology if workspace.manifest else Methodology()


def workspace_matrix(workspace: Workspace) -> RiskMatrix:
    """The matrix the workspace's methodology selects; `MethodologyError` if it is unusable."""
    return methodology_matrix(workspace_methodology(workspace))


def expected_level(risk: Risk, matrix: RiskMatrix) -> Level | None:
    """The matrix's level of risk for the row, or None if a level is off the matrix's scale."""
    # Off-scale levels (very-high in 3-level mode) are the loader's finding to report, not
    # ours; so are levels that could not be read (None).
    likelihood, impact = risk.likelihood, risk.impact
    if likelihood is None or impact is None:
        return None
    if likelihood not in matrix.scale or impact not in matrix.scale:
        return None
    return matrix.level(likelihood, impact)
