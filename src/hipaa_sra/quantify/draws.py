"""One risk's simulated years: its random draws, shared by all its states, in reused arrays.

A year's frequency and magnitude come from one 32-bit integer (PERT strata in its bits
20-31 and 8-19) or, for a lognormal estimate, from uniform numbers of the same stream.
Every state of the risk (inherent, residual, after the plan, each remediation) reads the
same draws: common random numbers, so the differences between states are not noise.

Arrays as long as the simulated years are taken from a pool and handed back when the risk
is done: allocating a fresh 800 KB array per state and per risk costs more (page faults
and cold caches) than the arithmetic done in it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .estimates import Dist, Shape
from .inputs import Scenario
from .pert import TABLE_BITS
from .sampling import INDEX_MASK, Draws, Floats, Indices, Sampler

_SHIFTS = (20, 8)
"""Where each quantity's stratum sits in a year's 32-bit integer."""


class ArrayPool:
    """Arrays of `size` elements, reused: `take` one, `give_back` every taken one at once."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free: dict[np.dtype[Any], list[Any]] = {}
        self._taken: list[Any] = []

    def take(self, dtype: type[Any]) -> Any:
        """An uninitialised array of `dtype`."""
        free = self._free.setdefault(np.dtype(dtype), [])
        array = free.pop() if free else np.empty(self.size, dtype=dtype)
        self._taken.append(array)
        return array

    def give_back(self) -> None:
        """Every array taken since the last call is free again."""
        for array in self._taken:
            self._free[array.dtype].append(array)
        self._taken.clear()


class RiskDraws:
    """The draws of one risk and its losses per state; arrays come from `pool`."""

    def __init__(self, sampler: Sampler, bits: np.random.PCG64, pool: ArrayPool) -> None:
        self.sampler = sampler
        self.bits = bits
        self.pool = pool
        years = pool.size
        # The integers Generator.integers(0, 2**32, dtype=uint32) gives (the low half of each
        # 64-bit output, then the high half), at a third of its cost.
        self.word: Draws = bits.random_raw((years + 1) // 2).view(np.uint32)[:years]
        self.index: list[Indices | None] = [None, None]
        self.uniform: tuple[Floats, Floats] | None = None
        self.cache: dict[tuple[int, Dist], Floats] = {}

    def values(self, which: int, dist: Dist) -> Floats:
        """Frequency (`which` 0) or magnitude (1) draws of `dist`."""
        key = (which, dist)
        found = self.cache.get(key)
        if found is None:
            found = self.pool.take(np.float64)
            if dist.shape is Shape.LOGNORMAL:
                self.sampler.from_uniform(dist, self._uniform(which), out=found)
            else:
                self.sampler.from_index(dist, self._strata(which), out=found)
            self.cache[key] = found
        return found

    def loss(self, scenario: Scenario) -> Floats:
        """Annual loss in each year: frequency times magnitude."""
        out: Floats = self.pool.take(np.float64)
        np.multiply(self.values(0, scenario.frequency), self.values(1, scenario.magnitude), out=out)
        return out

    def _strata(self, which: int) -> Indices:
        index = self.index[which]
        if index is None:
            index = self.index[which] = self.pool.take(np.intp)
            shift = _SHIFTS[which]
            # Platform-sized indices: a lookup with uint32 ones converts them first, slowly.
            if shift + TABLE_BITS < 32:
                np.bitwise_and(self.word >> shift, INDEX_MASK, out=index, casting="unsafe")
            else:
                np.right_shift(self.word, shift, out=index, casting="unsafe")
        return index

    def _uniform(self, which: int) -> Floats:
        if self.uniform is None:  # both at once: the order of states cannot matter
            rng = np.random.Generator(self.bits)
            pair = self.pool.take(np.float64), self.pool.take(np.float64)
            for u in pair:
                rng.random(out=u)
                # random() can return 0; the inverse CDF needs (0, 1).
                np.maximum(u, 2.0**-60, out=u)
            self.uniform = pair
        return self.uniform[which]
