"""Which risk matrix a workspace scores with, and the level of risk it gives a register row."""

from __future__ import annotations

from ..catalog import RiskMatrix
from ..catalog.methodology import MethodologyError, manifest_matrix, methodology_matrix
from ..model import Level, Methodology, Risk, Workspace

__all__ = [
    "MethodologyError",
    "expected_level",
    "methodology_matrix",
    "usable_matrix",
    "workspace_matrix",
    "workspace_methodology",
]


def workspace_methodology(workspace: Workspace) -> Methodology:
    """The workspace's methodology, or the defaults when `sra.yaml` did not load."""
    return workspace.manifest.methodology if workspace.manifest else Methodology()


def workspace_matrix(workspace: Workspace) -> RiskMatrix:
    """The matrix the workspace's methodology selects; `MethodologyError` if it is unusable.

    What `sra score` and `score_risks` use: both refuse rather than score with a matrix
    the workspace did not choose (see `manifest_matrix`).
    """
    return manifest_matrix(workspace.manifest)


def usable_matrix(workspace: Workspace) -> RiskMatrix | None:
    """The workspace's matrix, or None when `workspace_matrix` would refuse.

    For analyses that carry on without one (lint, report, history, export, the web app):
    stated levels still count, and the loader reports the methodology on sra.yaml.
    """
    try:
        return workspace_matrix(workspace)
    except MethodologyError:
        return None


def expected_level(risk: Risk, matrix: RiskMatrix) -> Level | None:
    """The matrix's level of risk for the row, or None if a level is off the matrix's scale."""
    # Off-scale levels (very-high in 3-level mode) are the loader's finding to report, not
    # ours; so are levels that could not be read (None).
    likelihood, impact = risk.likelihood, risk.impact
    if likelihood is None or impact is None:
        return None
    return matrix.cell(likelihood, impact)
