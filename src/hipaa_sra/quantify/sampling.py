"""Turn random 32-bit integers into draws of a distribution, vectorised (inverse CDF).

PERT is a Beta(a, b) on [min, max] with a = 1 + 4 (mode - min) / (max - min) and
b = 1 + 4 (max - mode) / (max - min). Its quantile function is tabulated at the middle of
4,096 equal strata of probability (`pert.PertQuantiles`), and 12 bits of the integer pick
the stratum: two operations per draw; one 32-bit integer per year holds the frequency's
stratum (bits 20-31) and the magnitude's (bits 8-19). Lognormal draws use their own
uniform numbers through the inverse normal CDF (Acklam's approximation, relative error
below 1.2e-9). The same numbers feed every state of a risk (common random numbers), so
differences between the states are not noise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .estimates import Dist, Shape
from .pert import TABLE_BITS, TABLE_SIZE, PertQuantiles

Floats = npt.NDArray[np.float64]
Draws = npt.NDArray[np.uint32]
Indices = npt.NDArray[np.integer[Any]]

INDEX_MASK = TABLE_SIZE - 1
_INDEX_SHIFT = 32 - TABLE_BITS


class Sampler:
    """Draws from distributions; quantile tables are kept per PERT shape and per estimate."""

    def __init__(self) -> None:
        self._standard = PertQuantiles()
        self._tables: dict[Dist, Floats] = {}

    def draw(self, dist: Dist, bits: Draws) -> Floats:
        """Values of `dist` at the uniform draws encoded by `bits` (one per element)."""
        if dist.shape is Shape.LOGNORMAL:
            return self.from_uniform(dist, (bits.astype(np.float64) + 0.5) / 4294967296.0)
        return self.from_index(dist, bits >> _INDEX_SHIFT)

    def from_index(self, dist: Dist, index: Indices, out: Floats | None = None) -> Floats:
        """A PERT estimate's values at strata `index` (0 to 4,095), into `out` if given."""
        table = self._tables.get(dist)
        if table is None:
            table = self._tables[dist] = self.quantiles(dist)
        # mode="clip": every index is in range anyway, and the default ("raise") with `out`
        # would write into a temporary copy first.
        drawn: Floats = np.take(table, index, out=out, mode="clip")
        return drawn

    def from_uniform(self, dist: Dist, u: Floats, out: Floats | None = None) -> Floats:
        """A lognormal estimate's values at probabilities `u` in (0, 1), into `out` if given."""
        mu, sigma = dist.log_params
        values: Floats = np.multiply(inverse_normal(u), sigma, out=out)
        values += mu
        np.exp(values, out=values)
        if dist.scale != 1.0:
            values *= dist.scale
        return values

    def quantiles(self, dist: Dist) -> Floats:
        """A PERT estimate's quantiles at the middle of each of the table's 4,096 strata."""
        width = dist.high - dist.low
        if width <= 0:
            return np.full(TABLE_SIZE, dist.low * dist.scale)
        table = self._standard.at((dist.mode - dist.low) / width) * width
        table += dist.low
        if dist.scale != 1.0:
            table *= dist.scale
        return table


# Acklam's rational approximation of the inverse standard normal CDF.
_A = (
    -3.969683028665376e01,
    2.209460984245205e02,
    -2.759285104469687e02,
    1.383577518672690e02,
    -3.066479806614716e01,
    2.506628277459239e00,
)
_B = (
    -5.447609879822406e01,
    1.615858368580409e02,
    -1.556989798598866e02,
    6.680131188771972e01,
    -1.328068155288572e01,
)
_C = (
    -7.784894002430293e-03,
    -3.223964580411365e-01,
    -2.400758277161838e00,
    -2.549732539343734e00,
    4.374664141464968e00,
    2.938163982698783e00,
)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_LOW = 0.02425


def _poly(coefs: tuple[float, ...], x: Floats) -> Floats:
    out = np.full_like(x, coefs[0])
    for c in coefs[1:]:
        out = out * x + c
    return out


def inverse_normal(u: Floats) -> Floats:
    """The standard normal quantile of each `u` in (0, 1), to 1.2e-9 relative error."""
    z = np.empty_like(u)
    low = u < _LOW
    high = u > 1 - _LOW
    mid = ~(low | high)
    q = u[mid] - 0.5
    r = q * q
    z[mid] = _poly(_A, r) * q / (_poly(_B, r) * r + 1.0)
    for mask, sign, tail in ((low, 1.0, u[low]), (high, -1.0, 1.0 - u[high])):
        t = np.sqrt(-2.0 * np.log(tail))
        z[mask] = sign * _poly(_C, t) / (_poly(_D, t) * t + 1.0)
    return z
