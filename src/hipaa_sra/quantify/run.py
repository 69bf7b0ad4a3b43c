"""`quantify`: the register's annual loss in USD, from the workspace to the simulated results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Workspace
from ..scoring import usable_matrix
from .calibration import ResolvedCalibration, resolve_calibration
from .inputs import RiskInput, risk_input

if TYPE_CHECKING:
    from .simulate import Portfolio, RiskResult

DEFAULT_YEARS = 100_000
"""Simulated years by default: P99 then rests on 1,000 years beyond it."""
DEFAULT_SEED = 2026
"""The default seed, so that two runs on the same workspace print the same numbers."""
MAX_YEARS = 10_000_000
SHARED_YEARS = 20_000
"""Years simulated where the numbers are part of another output (the report, OSCAL)."""
SHARED_CELLS = 20_000_000
"""Risk-years simulated there at most: a larger register gets fewer years, never below 1,000."""


def shared_years(risks: int) -> int:
    """Years the report and the OSCAL export simulate for a register of `risks` risks."""
    return max(1_000, min(SHARED_YEARS, SHARED_CELLS // max(1, risks)))


@dataclass(frozen=True)
class Quantification:
    """Every quantified risk, the register as a whole, and what could not be quantified."""

    years: int
    seed: int
    risks: tuple[RiskResult, ...]
    portfolio: Portfolio
    calibration: ResolvedCalibration
    skipped: tuple[tuple[str, str], ...]
    """Risks with no number: (risk id, why)."""
    open_items: int = 0
    """Open (planned or in progress) remediation items in the register, estimated or not."""

    @property
    def unestimated(self) -> int:
        """Open remediation items without an estimated effect (`quant.planned`)."""
        return self.open_items - sum(len(r.reductions) for r in self.risks)

    @property
    def top(self) -> tuple[RiskResult, ...]:
        """Risks by mean residual annual loss, largest first (ties by id)."""
        return tuple(sorted(self.risks, key=lambda r: (-r.residual.mean, r.input.risk_id)))

    def share(self, result: RiskResult) -> float:
        """The risk's share of the register's mean residual annual loss (0 to 1)."""
        total = self.portfolio.residual.mean
        return result.residual.mean / total if total > 0 else 0.0


def risk_inputs(
    ws: Workspace,
) -> tuple[list[RiskInput], list[tuple[str, str]], ResolvedCalibration]:
    """What would be simulated for each risk, the risks that cannot be, and the calibration."""
    manifest = ws.manifest
    methodology = manifest.methodology if manifest is not None else None
    calibration = resolve_calibration(methodology)
    matrix = usable_matrix(ws)  # None: the loader reports it; residuals follow stated levels
    inputs: list[RiskInput] = []
    skipped: list[tuple[str, str]] = []
    for order, risk in enumerate(ws.risks):
        found, why = risk_input(risk, order, calibration, matrix)
        if found is None:
            skipped.append((risk.label, why or "no usable estimate"))
        else:
            inputs.append(found)
    return inputs, skipped, calibration


def quantify(
    ws: Workspace,
    *,
    years: int = DEFAULT_YEARS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int, int], None] | None = None,
) -> Quantification:
    """Simulate `years` years of the workspace's register; the same seed gives the same result.

    `progress(done, total)` hears of the risks simulated so far, now and then.
    """
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"years must be from 1 to {MAX_YEARS:,}")
    from .simulate import simulate  # numpy: imported only when simulating

    inputs, skipped, calibration = risk_inputs(ws)
    results, portfolio = simulate(inputs, years, seed, progress=progress)
    from .inputs import OPEN

    open_items = sum(1 for risk in ws.risks for item in risk.remediation if item.status in OPEN)
    return Quantification(years, seed, results, portfolio, calibration, tuple(skipped), open_items)
