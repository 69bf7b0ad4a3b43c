"""Benchmark: `sra quantify`'s Monte Carlo against pyfair on the same inputs, and its accuracy.

    python bench/quantify_bench.py [--risks 1000] [--years 100000] [--seed 42] [--repeat 5]
                                   [--threads N] [--peer-risks N] [--no-peer]

Needs the bench extra (`pip install -e '.[bench]'`: pyfair, which brings scipy and pandas).
riskquant, the other open-source FAIR-style simulator, is not on PyPI, so it is not a row.

A seeded generator makes --risks risks, each a PERT loss event frequency (per year) and a
PERT loss magnitude (USD). Rows, in one run on the same inputs:

- hipaa-sra: `quantify.simulate.simulate` over every risk and --years years (per-risk mean,
  P50, P90, P99, and the register's year-by-year total for the loss exceedance curve);
  median and minimum of --repeat rounds, with the threads `sra quantify` uses on a quiet
  machine (--threads, default as many as the CPUs this process may use, at most 4; on a
  machine already busy it uses one), and on one thread.
  The machine's load average is printed and written with them: the figures are only
  comparable between runs at a similar load. The process's CPU seconds are written too;
  on one thread they are what the run takes on an idle core.
- pyfair: one `FairModel` per risk with the same two PERT inputs (`Loss Event Frequency`,
  `Loss Magnitude`) and --years simulations, `calculate_all()`, then the same statistics
  from its results. --peer-risks runs it on the first N risks only and extrapolates (its
  time is linear in risks); by default every risk. Each round runs a share of its risks
  after hipaa-sra's rows, so that other jobs' load weighs on both alike; its time is the
  sum of the shares.

Correctness, printed and written with the timings:

- analytic: for every risk, the simulated mean annual loss against the exact
  E[frequency] x E[magnitude] (PERT mean = (min + 4 mode + max) / 6), as a z-score with the
  simulated standard error; and, on the first 20 risks, the sampled frequency's P50, P90
  and P99 against scipy's Beta quantiles;
- pyfair: per risk, the difference of means and of P50/P90/P99 relative to pyfair's value;
  both are Monte Carlo estimates of the same quantity, so the differences must stay within
  a few standard errors (about 0.5-2% at 100,000 years).

Results go to bench/results/quantify-<risks>-<years>-<seed>.json. See README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from hipaa_sra.quantify.estimates import Dist, Shape
from hipaa_sra.quantify.inputs import RiskInput, Scenario
from hipaa_sra.quantify.sampling import Sampler
from hipaa_sra.quantify.simulate import (
    MAX_THREADS,
    RiskResult,
    percentiles,
    simulate,
    usable_cpus,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BAR_SECONDS = 1.0
BAR_RATIO = 20.0


def make_inputs(
    risks: int, seed: int
) -> list[tuple[tuple[float, float, float], tuple[float, float, float]]]:
    """Per risk: (min, mode, max) of frequency per year and of magnitude in USD."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(risks):
        f_low = float(rng.uniform(0.01, 1.0))
        f_mode = f_low * float(rng.uniform(1.0, 4.0))
        f_high = f_mode * float(rng.uniform(1.5, 5.0))
        m_low = float(rng.uniform(1e3, 1e5))
        m_mode = m_low * float(rng.uniform(1.0, 5.0))
        m_high = m_mode * float(rng.uniform(2.0, 10.0))
        out.append(((f_low, f_mode, f_high), (m_low, m_mode, m_high)))
    return out


def ours(
    raw: list[Any], years: int, seed: int, threads: int | None = None
) -> tuple[float, float, tuple[RiskResult, ...]]:
    """Seconds for the whole simulation, CPU seconds of the process, and per-risk results."""
    start, cpu = time.perf_counter(), time.process_time()
    inputs = []
    for k, ((fl, fm, fh), (ml, mm, mh)) in enumerate(raw):
        scenario = Scenario(Dist(Shape.PERT, fl, fh, fm), Dist(Shape.PERT, ml, mh, mm))
        inputs.append(RiskInput(f"R-{k}", k, scenario, scenario, scenario, (), True))
    results, _ = simulate(inputs, years, seed, threads=threads)
    return time.perf_counter() - start, time.process_time() - cpu, results


def _pyfair_installed() -> bool:
    try:
        import pyfair  # noqa: F401
    except ImportError:
        print("pyfair     not installed (pip install -e '.[bench]'); skipped", file=sys.stderr)
        return False
    return True


def pyfair_run(
    raw: list[Any], which: range, years: int, seed: int
) -> tuple[float, float, list[dict[str, float]]]:
    """Seconds and CPU seconds for pyfair over the risks `which`, and their statistics."""
    from pyfair import FairModel

    stats: list[dict[str, float]] = []
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecation chatter from pyfair
        for k in which:
            (fl, fm, fh), (ml, mm, mh) = raw[k]
            model = FairModel(name=f"R-{k}", n_simulations=years, random_seed=seed + k)
            model.input_data("Loss Event Frequency", low=fl, mode=fm, high=fh)
            model.input_data("Loss Magnitude", low=ml, mode=mm, high=mh)
            model.calculate_all()
            risk = model.export_results()["Risk"].to_numpy()
            stats.append(
                {"mean": float(risk.mean()), "std": float(risk.std()), **_percentiles(risk)}
            )
    return time.perf_counter() - start, time.process_time() - cpu, stats


def _percentiles(values: np.ndarray) -> dict[str, float]:
    s = percentiles(values)
    return {"p50": s.p50, "p90": s.p90, "p99": s.p99}


def analytic_checks(
    raw: list[Any], results: tuple[RiskResult, ...], years: int, seed: int
) -> dict[str, Any]:
    """Means against the exact PERT product; frequency quantiles against scipy's Beta."""
    from scipy import stats as sps

    z_means = []
    for ((fl, fm, fh), (ml, mm, mh)), result in zip(raw, results, strict=True):
        exact = (fl + 4 * fm + fh) / 6 * (ml + 4 * mm + mh) / 6
        # Standard error from the exact variance of a product of independent variables.
        vf, vm = _pert_var(fl, fm, fh), _pert_var(ml, mm, mh)
        ef, em = (fl + 4 * fm + fh) / 6, (ml + 4 * mm + mh) / 6
        var = vf * vm + vf * em * em + vm * ef * ef
        z_means.append((result.inherent.mean - exact) / math.sqrt(var / years))
    sampler = Sampler()
    bits = np.random.default_rng(seed).integers(0, 1 << 32, size=years, dtype=np.uint32)
    quantile_errors = []
    for (fl, fm, fh), _ in raw[:20]:
        values = sampler.draw(Dist(Shape.PERT, fl, fh, fm), bits)
        got = percentiles(values)
        a = 1 + 4 * (fm - fl) / (fh - fl)
        b = 1 + 4 * (fh - fm) / (fh - fl)
        for q, value in ((0.5, got.p50), (0.9, got.p90), (0.99, got.p99)):
            exact = fl + (fh - fl) * float(sps.beta.ppf(q, a, b))
            quantile_errors.append(abs(value - exact) / exact)
    # The product's percentiles have no closed form: an independent reference draws the same
    # PERT (scipy's Beta with the standard shape) for the first 50 risks.
    gen = np.random.default_rng(seed + 1)
    reference_errors: dict[str, list[float]] = {"p50": [], "p90": [], "p99": []}
    for ((fl, fm, fh), (ml, mm, mh)), result in list(zip(raw, results, strict=True))[:50]:
        freq = _scipy_pert(sps, fl, fm, fh, years, gen)
        mag = _scipy_pert(sps, ml, mm, mh, years, gen)
        reference = _percentiles(freq * mag)
        for key, errors in reference_errors.items():
            errors.append(abs(getattr(result.inherent, key) - reference[key]) / reference[key])
    return {
        **{
            f"scipy_reference_{key}_rel_diff_median": statistics.median(v)
            for key, v in reference_errors.items()
        },
        **{f"scipy_reference_{key}_rel_diff_max": max(v) for key, v in reference_errors.items()},
        "mean_z_max_abs": max(abs(z) for z in z_means),
        "mean_z_rms": math.sqrt(statistics.fmean(z * z for z in z_means)),
        "frequency_quantile_rel_error_max": max(quantile_errors),
    }


def _scipy_pert(
    sps: Any, low: float, mode: float, high: float, n: int, gen: np.random.Generator
) -> np.ndarray:
    a = 1 + 4 * (mode - low) / (high - low)
    b = 1 + 4 * (high - mode) / (high - low)
    return np.asarray(low + (high - low) * sps.beta.rvs(a, b, size=n, random_state=gen))


def _pert_var(low: float, mode: float, high: float) -> float:
    mean = (low + 4 * mode + high) / 6
    return (mean - low) * (high - mean) / 7


def peer_checks(
    results: tuple[RiskResult, ...], peer: list[dict[str, float]], years: int
) -> dict[str, Any]:
    """How far our estimates are from pyfair's, relative and in standard errors of the mean."""
    rel: dict[str, list[float]] = {"mean": [], "p50": [], "p90": [], "p99": []}
    z = []
    for result, other in zip(results, peer, strict=False):
        ours_stats = result.inherent
        for key in rel:
            rel[key].append(abs(getattr(ours_stats, key) - other[key]) / other[key])
        # Both means carry Monte Carlo error: the difference has twice the variance.
        z.append((ours_stats.mean - other["mean"]) / (other["std"] * math.sqrt(2 / years)))
    return {
        **{f"{key}_rel_diff_max": max(v) for key, v in rel.items()},
        **{f"{key}_rel_diff_median": statistics.median(v) for key, v in rel.items()},
        "mean_z_max_abs": max(abs(v) for v in z),
        "mean_z_rms": math.sqrt(statistics.fmean(v * v for v in z)),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=1_000)
    parser.add_argument("--years", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="Threads for hipaa-sra (default: as `sra quantify`).",
    )
    parser.add_argument(
        "--peer-risks",
        type=int,
        default=None,
        help="Run pyfair on the first N risks and extrapolate.",
    )
    parser.add_argument("--no-peer", action="store_true", help="Skip pyfair.")
    args = parser.parse_args(argv)
    raw = make_inputs(args.risks, args.seed)
    threads = args.threads or min(MAX_THREADS, usable_cpus())
    counts = sorted({threads, 1}, reverse=True)
    peer = (
        0
        if args.no_peer or not _pyfair_installed()
        else min(args.peer_risks or args.risks, args.risks)
    )
    times: dict[int, list[float]] = {count: [] for count in counts}
    cpu: dict[int, list[float]] = {count: [] for count in counts}
    found: dict[int, tuple[RiskResult, ...]] = {}
    peer_stats: list[dict[str, float]] = []
    peer_seconds = peer_cpu = 0.0
    loads = [os.getloadavg()[0]]
    # Each round runs every row, pyfair on its share of the risks, so that a change of load
    # (other engineers' jobs come and go) weighs on all the rows alike.
    for round_ in range(args.repeat):
        for count in counts:
            seconds, cpu_seconds, found[count] = ours(raw, args.years, args.seed, count)
            times[count].append(seconds)
            cpu[count].append(cpu_seconds)
        if peer:
            share = range(round_ * peer // args.repeat, (round_ + 1) * peer // args.repeat)
            seconds, cpu_seconds, stats = pyfair_run(raw, share, args.years, args.seed)
            peer_seconds += seconds
            peer_cpu += cpu_seconds
            peer_stats.extend(stats)
        loads.append(os.getloadavg()[0])
    results = found[threads]
    row: dict[str, Any] = {
        "risks": args.risks,
        "years": args.years,
        "seed": args.seed,
        "machine": f"{platform.machine()}, {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs",
        "threads": threads,
        "hipaa_sra_seconds_median": statistics.median(times[threads]),
        "hipaa_sra_seconds_min": min(times[threads]),
        "hipaa_sra_1_thread_seconds_median": statistics.median(times[1]),
        "hipaa_sra_1_thread_seconds_min": min(times[1]),
        # CPU time is less at the mercy of other processes than elapsed time: on one thread
        # it is what the run would take on an idle core.
        "hipaa_sra_cpu_seconds_median": statistics.median(cpu[threads]),
        "hipaa_sra_1_thread_cpu_seconds_median": statistics.median(cpu[1]),
        "same_numbers_on_1_thread": found[1] == results,
        "load_average_1min": loads,
    }
    print(
        f"hipaa-sra  {args.risks:,} risks x {args.years:,} years, {threads} thread(s): median "
        f"{row['hipaa_sra_seconds_median']:.2f} s, min {row['hipaa_sra_seconds_min']:.2f} s "
        f"(bar: {BAR_SECONDS:.0f} s)"
    )
    if threads != 1:
        print(
            f"hipaa-sra  1 thread: median {row['hipaa_sra_1_thread_seconds_median']:.2f} s, "
            f"min {row['hipaa_sra_1_thread_seconds_min']:.2f} s; same numbers: "
            f"{row['same_numbers_on_1_thread']}"
        )
    print(
        f"cpu        median CPU seconds: {row['hipaa_sra_cpu_seconds_median']:.2f} "
        f"({threads} thread(s)), {row['hipaa_sra_1_thread_cpu_seconds_median']:.2f} (1 thread)"
    )
    if peer:
        scale = args.risks / peer  # pyfair's time is linear in risks
        row["pyfair_risks_run"] = peer
        row["pyfair_seconds"] = peer_seconds * scale
        row["pyfair_cpu_seconds"] = peer_cpu * scale
        row["ratio"] = row["pyfair_seconds"] / row["hipaa_sra_seconds_median"]
        row["ratio_1_thread"] = row["pyfair_seconds"] / row["hipaa_sra_1_thread_seconds_median"]
        row["cpu_ratio_1_thread"] = (
            row["pyfair_cpu_seconds"] / row["hipaa_sra_1_thread_cpu_seconds_median"]
        )
        row["peer"] = peer_checks(results[:peer], peer_stats, args.years)
        note = "" if peer == args.risks else f" (extrapolated from {peer:,} risks)"
        print(
            f"pyfair     {row['pyfair_seconds']:.1f} s, {row['pyfair_cpu_seconds']:.1f} CPU s"
            f"{note}; ratio {row['ratio']:.0f}x (bar: {BAR_RATIO:.0f}x), on 1 thread "
            f"{row['ratio_1_thread']:.0f}x, in CPU time on 1 thread "
            f"{row['cpu_ratio_1_thread']:.0f}x"
        )
    print(
        "load       1-minute load average by round: " + ", ".join(f"{load:.2f}" for load in loads)
    )
    row["analytic"] = analytic_checks(raw, results, args.years, args.seed)
    print("analytic   " + json.dumps(row["analytic"]))
    if peer:
        print("vs pyfair  " + json.dumps(row["peer"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"quantify-{args.risks}-{args.years}-{args.seed}.json"
    out.write_text(json.dumps(row, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
