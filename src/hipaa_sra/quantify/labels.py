"""How quantified figures read in every output: dollars, return periods, estimate sources."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .simulate import RiskResult


def usd(value: float) -> str:
    """Whole dollars with thousands separators: `1,234,567`."""
    return f"{value:,.0f}"


def short_usd(value: float) -> str:
    """Compact dollars for charts and headlines: `$1.2M`, `$850k`, `$900`."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"${value / limit:.3g}{suffix}"
    return f"${value:.0f}"


def one_in(probability: float) -> str:
    """`1 in 20 years` for 0.05."""
    return f"1 in {round(1 / probability):,} years"


def source(result: RiskResult) -> str:
    """`quant` when the risk's own block gave an estimate, else `calibration`."""
    return "quant" if result.input.own else "calibration"
