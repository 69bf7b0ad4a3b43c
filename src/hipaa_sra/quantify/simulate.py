"""The Monte Carlo: simulated years of annual loss per risk, and for the whole register.

Each simulated year draws a loss event frequency and a loss magnitude per risk and takes
their product, FAIR's annualised loss (as pyfair computes it). Risks are independent of
each other; a risk's draws depend only on the seed and its id, so adding a risk never
changes another's numbers.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .estimates import Dist, Shape
from .inputs import PlannedInput, RiskInput, Scenario
from .sampling import INDEX_MASK, Floats, Indices, Sampler

EXCEEDANCE = (0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001)
"""Probabilities of exceeding a loss in a year that the tables list (a 1-in-N year)."""

CURVE_POINTS = 60
"""Points of the loss exceedance curve as charted."""


@dataclass(frozen=True, slots=True)
class Stats:
    """Annual loss in USD: mean and percentiles over the simulated years."""

    mean: float
    p50: float
    p90: float
    p99: float


@dataclass(frozen=True)
class Reduction:
    """What one open remediation item is expected to take off the annual loss."""

    item: PlannedInput
    mean_reduction: float


@dataclass(frozen=True)
class RiskResult:
    """One risk's simulated annual loss, inherent against residual."""

    input: RiskInput
    inherent: Stats
    residual: Stats
    after_plan: Stats
    reductions: tuple[Reduction, ...]


@dataclass(frozen=True)
class CurvePoint:
    """The annual loss exceeded with this probability, for each state of the register."""

    probability: float
    inherent: float
    residual: float
    after_plan: float


@dataclass(frozen=True)
class Portfolio:
    """The register as a whole: every risk's loss added up year by year."""

    inherent: Stats
    residual: Stats
    after_plan: Stats
    table: tuple[CurvePoint, ...]
    """At the probabilities of `EXCEEDANCE` that the number of years can resolve."""
    curve: tuple[CurvePoint, ...]
    """Dense, for the chart: from a 1-in-2 year down to a 1-in-`years` year."""


def percentiles(values: Floats) -> Stats:
    """Mean, P50, P90 and P99 (the smallest value with at least that share at or below it)."""
    n = values.size
    ranks = [max(0, int(np.ceil(q * n)) - 1) for q in (0.5, 0.9, 0.99)]
    # Successive single selections on the upper part: a third of one 3-way partition's time.
    part = np.partition(values, ranks[0])
    p50 = part[ranks[0]]
    upper = np.partition(part[ranks[0]:], ranks[1] - ranks[0])
    p90 = upper[ranks[1] - ranks[0]]
    top = np.partition(upper[ranks[1] - ranks[0]:], ranks[2] - ranks[1])
    p99 = top[ranks[2] - ranks[1]]
    return Stats(float(values.mean()), float(p50), float(p90), float(p99))


class _Risk:
    """The draws of one risk, shared by its states (common random numbers)."""

    def __init__(self, sampler: Sampler, rng: np.random.Generator, years: int) -> None:
        self.sampler = sampler
        self.rng = rng
        self.word = rng.integers(0, 1 << 32, size=years, dtype=np.uint32)
        self.index: list[Indices | None] = [None, None]
        self.uniform: tuple[Floats, Floats] | None = None
        self.cache: dict[tuple[int, Dist], Floats] = {}

    def values(self, which: int, dist: Dist) -> Floats:
        """Frequency (`which` 0) or magnitude (1) draws of `dist`."""
        key = (which, dist)
        found = self.cache.get(key)
        if found is None:
            if dist.shape is Shape.LOGNORMAL:
                if self.uniform is None:  # both at once: the order of states cannot matter
                    self.uniform = (self.rng.random(self.word.size),
                                    self.rng.random(self.word.size))  # fmt: skip
                # random() can return 0; the inverse CDF needs (0, 1).
                u = np.maximum(self.uniform[which], 2.0**-60)
                found = self.sampler.from_uniform(dist, u)
            else:
                index = self.index[which]
                if index is None:
                    index = (self.word >> _SHIFTS[which]) & INDEX_MASK
                    self.index[which] = index
                found = self.sampler.from_index(dist, index)
            self.cache[key] = found
        return found

    def loss(self, scenario: Scenario) -> Floats:
        return self.values(0, scenario.frequency) * self.values(1, scenario.magnitude)


_SHIFTS = (20, 8)
"""Where each quantity's stratum sits in a year's 32-bit integer."""


def simulate(inputs: Sequence[RiskInput], years: int, seed: int) -> tuple[
        tuple[RiskResult, ...], Portfolio]:  # fmt: skip
    """Simulate `years` years of every risk; reproducible for the same inputs and seed."""
    sampler = Sampler()
    # The residual and after-plan totals are kept as differences from the state before, so
    # a risk whose controls change nothing costs no addition over all its years.
    totals = {name: np.zeros(years) for name in ("inherent", "residual", "after_plan")}
    results: list[RiskResult] = []
    seen: Counter[str] = Counter()
    for item in inputs:
        occurrence = seen[item.risk_id]
        seen[item.risk_id] += 1
        entropy = [seed, zlib.crc32(item.risk_id.encode("utf-8")), occurrence]
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
        draws = _Risk(sampler, rng, years)
        # A state equal to the one before it (no control effect stated) is not drawn again.
        inherent = draws.loss(item.inherent)
        same = item.residual == item.inherent
        residual = inherent if same else draws.loss(item.residual)
        after = residual if item.after_plan == item.residual else draws.loss(item.after_plan)
        totals["inherent"] += inherent
        if residual is not inherent:
            totals["residual"] += residual - inherent
        if after is not residual:
            totals["after_plan"] += after - residual
        inherent_stats = percentiles(inherent)
        residual_stats = inherent_stats if same else percentiles(residual)
        reductions = tuple(
            Reduction(planned, residual_stats.mean - float(draws.loss(planned.scenario).mean()))
            for planned in item.planned
        )
        results.append(RiskResult(
            item, inherent_stats, residual_stats,
            residual_stats if after is residual else percentiles(after), reductions,
        ))  # fmt: skip
    totals["residual"] += totals["inherent"]
    totals["after_plan"] += totals["residual"]
    return tuple(results), _portfolio(totals, years)


def _portfolio(totals: dict[str, Floats], years: int) -> Portfolio:
    ordered = {name: np.sort(values) for name, values in totals.items()}

    def at(probability: float) -> CurvePoint:
        rank = min(years - 1, max(0, int(np.ceil((1 - probability) * years)) - 1))
        return CurvePoint(probability, *(float(ordered[n][rank])
                                         for n in ("inherent", "residual", "after_plan")))

    table = tuple(at(p) for p in EXCEEDANCE if p * years >= 1)
    smallest = max(1.0 / years, 1e-4)
    probs = np.geomspace(0.5, smallest, CURVE_POINTS) if smallest < 0.5 else np.array([0.5])
    return Portfolio(
        percentiles(totals["inherent"]), percentiles(totals["residual"]),
        percentiles(totals["after_plan"]), table, tuple(at(float(p)) for p in probs),
    )  # fmt: skip
