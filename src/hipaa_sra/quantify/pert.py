"""The standard PERT's quantile function, tabulated at the middle of 4,096 strata.

The standard PERT with its mode at position p in [0, 1] is Beta(1 + 4p, 5 - 4p). Its
quantile function has no closed form: for each of 257 positions (p = k / 256) it is read
off the CDF integrated on a grid of 4,097 points, and a mode in between gets the linear
blend of its two neighbours' quantiles. Integrating is most of the cost; with a register
of many distinct estimates it is done 257 times at most rather than once per estimate.

Accuracy, against scipy's Beta CDF over every stratum and mode position: every tabulated
quantile is within 0.09 strata (1/45,000) of its probability, far finer than the Monte
Carlo error of 100,000 years (about 1/3,000 at P99). The cells at the two ends of the grid
are integrated as powers of x (and of 1 - x), which the density is there: with the
trapezoid rule alone, a mode within 1% of an end put its extreme quantiles off by up to
2.5 strata.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

TABLE_BITS = 12
TABLE_SIZE = 1 << TABLE_BITS
"""Strata of the tabulated quantile function (4,096)."""
POSITIONS = 256
"""Intervals between the tabulated mode positions (257 positions)."""
_GRID = 4097
"""Points of the grid the CDF is integrated on."""


class PertQuantiles:
    """Quantile tables of the standard PERT by mode position, computed as they are needed."""

    def __init__(self) -> None:
        self._rows: dict[int, Floats] = {}
        self._found: dict[float, Floats] = {}
        self._grid = np.linspace(0.0, 1.0, _GRID)
        self._step = 1.0 / (_GRID - 1)
        self._probs = (np.arange(TABLE_SIZE) + 0.5) / TABLE_SIZE
        # Every position's log-density is a weighted sum of these two.
        self._log_x = np.log(self._grid[1:-1])
        self._log_1mx = np.log1p(-self._grid[1:-1])

    def at(self, position: float) -> Floats:
        """Quantiles at the middle of each stratum for the mode at `position` (0 to 1)."""
        key = round(min(1.0, max(0.0, position)), 12)
        found = self._found.get(key)
        if found is None:
            scaled = key * POSITIONS
            k = int(scaled)
            share = scaled - k
            low = self._row(k)
            if share == 0.0:
                found = low
            else:
                found = self._row(k + 1) - low
                found *= share
                found += low
            self._found[key] = found
        return found

    def _row(self, k: int) -> Floats:
        row = self._rows.get(k)
        if row is None:
            row = self._rows[k] = self._integrate(4.0 * k / POSITIONS)
        return row

    def _integrate(self, c: float) -> Floats:
        """Quantiles of Beta(1 + c, 5 - c): density x ** c * (1 - x) ** (4 - c), unscaled."""
        d = 4.0 - c
        h = self._step
        pdf = np.exp(c * self._log_x + d * self._log_1mx)
        # Per cell, the mean density: the trapezoid rule inside, and at each end the exact
        # mean of the power the density behaves as there (steep when the mode is near it).
        mean = np.empty(_GRID - 1)
        np.add(pdf[1:], pdf[:-1], out=mean[1:-1])
        mean[1:-1] *= 0.5
        mean[0] = h**c / (c + 1.0) * (1.0 - h / 2.0) ** d
        mean[-1] = h**d / (d + 1.0) * (1.0 - h / 2.0) ** c
        cdf = np.empty(_GRID)
        cdf[0] = 0.0
        np.cumsum(mean, out=cdf[1:])
        cdf /= cdf[-1]
        quantiles: Floats = np.interp(self._probs, cdf, self._grid)
        return quantiles
