"""The level a risk is judged at, and what counts as high and as an untreated high risk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..catalog import RiskMatrix
from ..model import Level, Risk
from .matrix import expected_level
from .remediation import is_treated, may_be_treated

HIGH_LEVELS = frozenset({Level.HIGH, Level.VERY_HIGH})
"""The levels that demand treatment (SRA102, OCR element 7, the report's headline)."""

LevelSource = Literal["residual_risk", "inherent_risk", "likelihood x impact"]


@dataclass(frozen=True, slots=True)
class EffectiveLevels:
    """A register row's levels as every consumer reads them."""

    computed: Level | None
    """The matrix's level for likelihood x impact; None without a matrix or off its scale."""
    inherent: Level | None
    """Stated `inherent_risk`, else `computed`; None when the stated one could not be read."""
    level: Level | None
    """The effective level: stated `residual_risk`, else `inherent`.

    Residual has no matrix: it is a judgement of what controls achieve. Without one the
    conservative reading is that controls have not lowered the risk. A stated level that
    could not be read stays unknown (None): a lower one must not stand in for it.
    """
    source: LevelSource
    """Which value `level` came from (or would have, when it is None)."""


def effective_levels(risk: Risk, matrix: RiskMatrix | None) -> EffectiveLevels:
    """The row's computed, inherent and effective levels."""
    computed = None if matrix is None else expected_level(risk, matrix)
    inherent_unknown = risk.is_unknown("inherent_risk")
    inherent = None if inherent_unknown else risk.inherent_risk or computed
    if risk.is_unknown("residual_risk"):
        return EffectiveLevels(computed, inherent, None, "residual_risk")
    if risk.residual_risk is not None:
        return EffectiveLevels(computed, inherent, risk.residual_risk, "residual_risk")
    source: LevelSource = (
        "inherent_risk" if inherent_unknown or risk.inherent_risk else "likelihood x impact"
    )
    return EffectiveLevels(computed, inherent, inherent, source)


def effective_level(risk: Risk, matrix: RiskMatrix | None) -> Level | None:
    """The level the risk is judged at: residual, else inherent, else the matrix's."""
    return effective_levels(risk, matrix).level


def is_high(level: Level | None) -> bool:
    """High or very high."""
    return level in HIGH_LEVELS


def is_untreated_high(
    risk: Risk, matrix: RiskMatrix | None, levels: EffectiveLevels | None = None
) -> bool:
    """High at its effective level, with no item planned, in progress or accepted.

    A risk whose level or remediation could not be read is not judged: the unread value
    might be a lower level, the plan or the acceptance. Pass `levels` when the risk's
    `effective_levels` under `matrix` are known already.
    """
    if is_treated(risk) or may_be_treated(risk):
        return False
    return is_high((levels or effective_levels(risk, matrix)).level)
