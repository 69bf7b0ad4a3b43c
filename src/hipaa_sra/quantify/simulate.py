"""The Monte Carlo: simulated years of annual loss per risk, and for the whole register.

Each simulated year draws a loss event frequency and a loss magnitude per risk and takes
their product, FAIR's annualised loss (as pyfair computes it). Risks are independent of
each other; a risk's draws depend only on the seed and its id, so adding a risk never
changes another's numbers. Blocks of risks run on threads (numpy does the work outside the
interpreter lock); the numbers do not depend on how many.
"""

from __future__ import annotations

import os
import threading
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from .draws import ArrayPool, RiskDraws
from .inputs import PlannedInput, RiskInput
from .sampling import Floats, Sampler

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


def percentiles(values: Floats, scratch: Floats | None = None) -> Stats:
    """Mean, P50, P90 and P99 (the smallest value with at least that share at or below it).

    `scratch`, an array at least as long as `values`, saves allocating a copy to select in;
    it may be `values` itself, whose order is then lost.
    """
    n = values.size
    mean = float(values.mean())
    ranks = [max(0, int(np.ceil(q * n)) - 1) for q in (0.5, 0.9, 0.99)]
    if scratch is values:
        work = values
    else:
        work = np.empty_like(values) if scratch is None else scratch[:n]
        np.copyto(work, values)
    # Successive selections in place, each on the part above the last: a third of the time
    # of one 3-way partition, and a tenth of np.partition with three ranks.
    found = []
    start = 0
    for rank in ranks:
        part = work[start:]
        part.partition(rank - start)
        found.append(float(part[rank - start]))
        start = rank
    return Stats(mean, *found)


BLOCK = 16
"""Risks simulated as one task. The register's totals add up each block's own totals in
the order of the blocks, so every number is the same whatever the number of threads."""

THREADED_YEARS = 1_000_000
"""Above this many years, one thread: each holds about ten arrays of the years (80 MB each
at 10,000,000 years), and the memory matters more than the time."""


MAX_THREADS = 4


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_threads() -> int:
    """Threads to simulate with: one per usable CPU (at most 4), one on a busy machine.

    Busy is a load average of at least the CPUs: there, measured on two CPUs, a second
    thread made runs slower, each thread waiting for the interpreter lock while the other
    one waits for a CPU.
    """
    cpus = usable_cpus()
    try:
        busy = os.getloadavg()[0] >= cpus
    except (AttributeError, OSError):  # no load average on this platform
        busy = False
    return 1 if busy else min(MAX_THREADS, cpus)


def simulate(
    inputs: Sequence[RiskInput],
    years: int,
    seed: int,
    *,
    threads: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[tuple[RiskResult, ...], Portfolio]:
    """Simulate `years` years of every risk; reproducible for the same inputs and seed.

    Blocks of risks run on `threads` threads (default: `default_threads()`, or one above
    `THREADED_YEARS` years); numpy releases the interpreter lock in the array operations,
    so they run in parallel. `progress(done, total)` is called with the risks simulated so
    far after each block.
    """
    seen: Counter[str] = Counter()
    jobs: list[tuple[RiskInput, list[int]]] = []
    for item in inputs:
        occurrence = seen[item.risk_id]
        seen[item.risk_id] += 1
        jobs.append((item, [seed, zlib.crc32(item.risk_id.encode("utf-8")), occurrence]))
    blocks = [jobs[i : i + BLOCK] for i in range(0, len(jobs), BLOCK)]
    wanted = threads or (default_threads() if years <= THREADED_YEARS else 1)
    workers = min(wanted, len(blocks))
    local = threading.local()

    def run(block: list[tuple[RiskInput, list[int]]]) -> tuple[list[RiskResult], _Totals]:
        worker: _Worker | None = getattr(local, "worker", None)
        if worker is None:
            worker = local.worker = _Worker(years)
        return worker.block(block)

    totals = _Totals(years)
    results: list[RiskResult] = []
    with ThreadPoolExecutor(max(1, workers)) as pool:
        done = map(run, blocks) if workers <= 1 else _in_order(pool, run, blocks, workers + 1)
        for block_results, block_totals in done:
            results.extend(block_results)
            totals.add(block_totals)
            if progress is not None:
                progress(len(results), len(jobs))
    return tuple(results), _portfolio(totals.states(), years)


_T = TypeVar("_T")
_R = TypeVar("_R")


def _in_order(
    pool: ThreadPoolExecutor, fn: Callable[[_T], _R], items: Sequence[_T], ahead: int
) -> Iterator[_R]:
    """`fn` of each item, in order, with at most `ahead` computed and not yet consumed."""
    pending: deque[Future[_R]] = deque(pool.submit(fn, item) for item in items[:ahead])
    following = iter(items[ahead:])
    try:
        while pending:
            yield pending.popleft().result()
            item = next(following, None)
            if item is not None:
                pending.append(pool.submit(fn, item))
    finally:
        for future in pending:
            future.cancel()


class _Totals:
    """Loss per simulated year summed over risks, for each state of the register.

    The residual and after-plan totals are kept as differences from the state before, so a
    risk whose controls change nothing costs no addition over all its years.
    """

    def __init__(self, years: int) -> None:
        self.inherent = np.zeros(years)
        self.residual: Floats | None = None
        self.after_plan: Floats | None = None

    def add_risk(self, inherent: Floats, residual: Floats, after: Floats) -> None:
        """Add one risk's years (a state that is the previous one is the same array)."""
        self.inherent += inherent
        if residual is not inherent:
            if self.residual is None:
                self.residual = np.zeros_like(self.inherent)
            self.residual += residual
            self.residual -= inherent
        if after is not residual:
            if self.after_plan is None:
                self.after_plan = np.zeros_like(self.inherent)
            self.after_plan += after
            self.after_plan -= residual

    def add(self, other: _Totals) -> None:
        """Add a block's totals."""
        self.inherent += other.inherent
        for name in ("residual", "after_plan"):
            theirs = getattr(other, name)
            if theirs is not None:
                mine = getattr(self, name)
                if mine is None:
                    setattr(self, name, theirs.copy())
                else:
                    mine += theirs

    def states(self) -> dict[str, Floats]:
        """The three totals, each state's differences added to the state before."""
        residual = self.inherent + (0.0 if self.residual is None else self.residual)
        after = residual + (0.0 if self.after_plan is None else self.after_plan)
        return {"inherent": self.inherent, "residual": residual, "after_plan": after}


class _Worker:
    """One thread's table cache and arrays, reused from block to block."""

    def __init__(self, years: int) -> None:
        self.sampler = Sampler()
        self.pool = ArrayPool(years)

    def block(self, jobs: list[tuple[RiskInput, list[int]]]) -> tuple[list[RiskResult], _Totals]:
        """Simulate a block of risks: each one's statistics, and their totals."""
        totals = _Totals(self.pool.size)
        results = []
        for item, entropy in jobs:
            bits = np.random.PCG64(np.random.SeedSequence(entropy))
            results.append(self._risk(item, RiskDraws(self.sampler, bits, self.pool), totals))
            self.pool.give_back()
        return results, totals

    def _risk(self, item: RiskInput, draws: RiskDraws, totals: _Totals) -> RiskResult:
        # A state equal to the one before it (no control effect stated) is not drawn again.
        inherent = draws.loss(item.inherent)
        same = item.residual == item.inherent
        residual = inherent if same else draws.loss(item.residual)
        after = residual if item.after_plan == item.residual else draws.loss(item.after_plan)
        totals.add_risk(inherent, residual, after)
        # Added up: each state's years are needed no more, and are reordered in place.
        inherent_stats = percentiles(inherent, inherent)
        residual_stats = inherent_stats if same else percentiles(residual, residual)
        reductions = tuple(
            Reduction(planned, residual_stats.mean - float(draws.loss(planned.scenario).mean()))
            for planned in item.planned
        )
        after_stats = residual_stats if after is residual else percentiles(after, after)
        return RiskResult(item, inherent_stats, residual_stats, after_stats, reductions)


def _portfolio(totals: dict[str, Floats], years: int) -> Portfolio:
    ordered = {name: np.sort(values) for name, values in totals.items()}

    def at(probability: float) -> CurvePoint:
        rank = min(years - 1, max(0, int(np.ceil((1 - probability) * years)) - 1))
        return CurvePoint(
            probability, *(float(ordered[n][rank]) for n in ("inherent", "residual", "after_plan"))
        )

    table = tuple(at(p) for p in EXCEEDANCE if p * years >= 1)
    smallest = max(1.0 / years, 1e-4)
    probs = np.geomspace(0.5, smallest, CURVE_POINTS) if smallest < 0.5 else np.array([0.5])
    return Portfolio(
        percentiles(totals["inherent"]),
        percentiles(totals["residual"]),
        percentiles(totals["after_plan"]),
        table,
        tuple(at(float(p)) for p in probs),
    )
