"""Benchmark: matching changed paths against every asset's `code_paths`, and its naive peer.

    python bench/gate_bench.py [--assets 10000] [--paths 100000] [--seed 42] [--repeat 3]
                               [--peer-paths 1000] [--no-end-to-end]

A seeded generator writes monorepo-shaped `code_paths` for --assets assets and --paths
distinct changed paths. Rows, all in one run on the same input:

- `AssetMatcher` (hipaa_sra.gate.match): compile every asset's globs, then match every
  path; in process, a fresh matcher per round, median and minimum of --repeat rounds.
- naive peer: one `pathspec.GitIgnoreSpec` per asset, every path tested against every
  spec (`spec.match_file`). Testing all 10^9 pairs would take an hour, so the peer runs
  on the first --peer-paths paths and its time is extrapolated linearly (it is exactly
  linear in paths); the two agree on that sample or the benchmark fails.
- end to end: `sra gate --paths-from FILE --no-cache` in a fresh subprocess on a workspace
  holding those assets (start-up, loading 10,000 assets, matching, writing JSON).

The bar from the gate issue: compile + match of 100,000 paths against 10,000 assets in
under 2 s. Results go to bench/results/gate-<assets>-<paths>-<seed>.json. See README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pathspec import GitIgnoreSpec

from hipaa_sra.gate import AssetMatcher

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SRA = ROOT / ".venv" / "bin" / "sra"
BAR_SECONDS = 2.0
DOMAINS = (
    "clinical",
    "billing",
    "identity",
    "messaging",
    "scheduling",
    "pharmacy",
    "labs",
    "imaging",
    "claims",
    "analytics",
    "platform",
    "payments",
    "telehealth",
    "records",
    "portal",
    "search",
    "notifications",
    "audit",
    "devices",
    "research",
)
KINDS = ("api", "worker", "db", "cache", "job", "gateway", "etl", "index", "bucket", "portal")
SUBDIRS = (
    "src",
    "src/handlers",
    "src/models",
    "internal/db",
    "tests",
    "tests/fixtures",
    "docs",
    "config",
)
EXTENSIONS = (".py", ".go", ".ts", ".sql", ".yaml", ".md", ".json", ".proto")


def make_assets(count: int, rng: random.Random) -> dict[str, list[str]]:
    """Asset id -> `code_paths`, in the shapes monorepos use (see the mix below)."""
    libs = [f"lib-{i:03d}" for i in range(max(1, count // 50))]
    assets: dict[str, list[str]] = {}
    for i in range(count):
        domain = DOMAINS[i % len(DOMAINS)]
        name = f"{KINDS[i % len(KINDS)]}-{i:05d}"
        roll = rng.random()
        if roll < 0.60:  # a service directory, its docs excluded, maybe its manifests
            globs = [f"services/{domain}/{name}/**"]
            if rng.random() < 0.5:
                globs.append(f"!services/{domain}/{name}/docs/**")
            if rng.random() < 0.4:
                globs.append(f"deploy/k8s/{domain}/{name}*.yaml")
        elif roll < 0.75:  # a data store: its infrastructure and its migrations
            globs = [
                f"infra/terraform/{domain}/{name}/*.tf",
                f"migrations/{domain}/{name}/**/*.sql",
            ]
        elif roll < 0.85:  # a job: one file and one directory pattern
            globs = [f"jobs/{domain}/{name}.py", f"jobs/{domain}/{name}/"]
        elif roll < 0.95:  # a service sharing a library with four others
            globs = [f"services/{domain}/{name}/**", f"libs/{rng.choice(libs)}/**"]
        elif roll < 0.9995:  # unanchored: a file name or a suffix anywhere in the tree
            globs = [f"**/{name}.proto", f"*.{name}.json"]
        else:  # the rare pattern no index can narrow: tried on every path
            globs = [f"**/gen-*{i:05d}*/"]
        assets[name] = globs
    return assets


def make_paths(assets: dict[str, list[str]], count: int, rng: random.Random) -> list[str]:
    """`count` distinct changed paths: mostly inside assets' code, the rest elsewhere."""
    names = list(assets)
    libs = sorted(
        {g.split("/")[1] for globs in assets.values() for g in globs if g.startswith("libs/")}
    )
    paths: dict[str, None] = {}
    while len(paths) < count:
        name = rng.choice(names)
        domain = DOMAINS[int(name.rsplit("-", 1)[1]) % len(DOMAINS)]
        leaf = f"f{rng.randrange(40)}{rng.choice(EXTENSIONS)}"
        roll = rng.random()
        if roll < 0.60:
            path = f"services/{domain}/{name}/{rng.choice(SUBDIRS)}/{leaf}"
        elif roll < 0.70:
            path = rng.choice(
                [
                    f"deploy/k8s/{domain}/{name}-deployment.yaml",
                    f"infra/terraform/{domain}/{name}/main.tf",
                    f"migrations/{domain}/{name}/2026/{rng.randrange(999):04d}.sql",
                    f"jobs/{domain}/{name}.py",
                    f"jobs/{domain}/{name}/{leaf}",
                ]
            )
        elif roll < 0.78 and libs:
            path = f"libs/{rng.choice(libs)}/src/{leaf}"
        elif roll < 0.80:
            path = f"proto/{domain}/{name}.proto"
        elif roll < 0.90:
            path = f"services/{domain}/unowned-{rng.randrange(5000)}/src/{leaf}"
        else:
            top = rng.choice(("docs", "tools", ".github/workflows", "scripts", "third_party"))
            path = f"{top}/{rng.choice(DOMAINS)}/{rng.randrange(3000)}/{leaf}"
        paths[path] = None
    return list(paths)


def time_matcher(
    assets: dict[str, list[str]], paths: Sequence[str], repeat: int
) -> tuple[list[float], list[float], dict[str, list[tuple[str, str]]], int]:
    """(compile times, match times, last result, distinct patterns) over `repeat` rounds."""
    compiles, matches = [], []
    hits: dict[str, list[tuple[str, str]]] = {}
    matcher = None
    for _ in range(repeat):
        start = time.perf_counter()
        matcher = AssetMatcher(assets)
        compiles.append(time.perf_counter() - start)
        start = time.perf_counter()
        hits = matcher.match(paths)
        matches.append(time.perf_counter() - start)
    return compiles, matches, hits, matcher.pattern_count if matcher else 0


def time_naive(
    assets: dict[str, list[str]], sample: Sequence[str]
) -> tuple[float, float, dict[str, list[str]]]:
    """(compile time, match time on `sample`, asset -> matched sample paths) of the peer."""
    start = time.perf_counter()
    specs = [(asset, GitIgnoreSpec.from_lines(globs)) for asset, globs in assets.items()]
    compiled = time.perf_counter() - start
    found: dict[str, list[str]] = {}
    start = time.perf_counter()
    for path in sample:
        for asset, spec in specs:
            if spec.match_file(path):
                found.setdefault(asset, []).append(path)
    return compiled, time.perf_counter() - start, found


def end_to_end(assets: dict[str, list[str]], paths: Sequence[str]) -> tuple[float, int] | None:
    """Seconds and exit code of `sra gate --paths-from` on a workspace of these assets."""
    if not SRA.exists():
        print(f"warning: {SRA} not found; skipping the end-to-end row", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory(prefix="sra-gate-bench-") as tmp:
        root = Path(tmp)
        (root / "sra" / "inventory").mkdir(parents=True)
        (root / "sra" / "sra.yaml").write_text("organization:\n  name: Bench Health\n")
        rows = []
        for index, (asset, globs) in enumerate(assets.items()):
            rows.append(
                f"- id: {asset}\n  name: Asset {asset}\n  category: service\n"
                f"  ephi: {'present' if index % 3 else 'absent'}\n  code_paths:\n"
                + "".join(f"    - {json.dumps(g)}\n" for g in globs)
            )
        (root / "sra" / "inventory" / "assets.yaml").write_text("".join(rows))
        (root / "paths.txt").write_text("\n".join(paths) + "\n")
        command = [
            str(SRA),
            "gate",
            "--workspace",
            "sra",
            "--paths-from",
            "paths.txt",
            "--no-cache",
            "--format",
            "json",
            "--output",
            "report.json",
        ]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if done.returncode not in (0, 1):
            raise SystemExit(f"sra gate failed ({done.returncode}): {done.stderr.strip()}")
        return seconds, done.returncode


def main(argv: Sequence[str] | None = None) -> int:
    """Generate, time every row, print the table and the bar, write the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-paths", type=int, default=1_000)
    parser.add_argument("--no-end-to-end", action="store_true")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    assets = make_assets(args.assets, rng)
    paths = make_paths(assets, args.paths, rng)
    globs = sum(len(g) for g in assets.values())
    print(
        f"{len(assets):,} assets, {globs:,} globs, {len(paths):,} changed paths (seed {args.seed})",
        flush=True,
    )

    compiles, matches, hits, distinct = time_matcher(assets, paths, args.repeat)
    totals = [c + m for c, m in zip(compiles, matches, strict=True)]
    touched = len(hits)
    pairs = sum(len(v) for v in hits.values())

    sample = paths[: args.peer_paths]
    naive_compile, naive_match, naive_found = time_naive(assets, sample)
    sample_set = set(sample)
    ours = {a: [p for p, _ in v if p in sample_set] for a, v in hits.items()}
    ours = {a: v for a, v in ours.items() if v}
    if ours != naive_found:
        raise SystemExit("AssetMatcher and the per-asset GitIgnoreSpec loop disagree on the sample")
    naive_full = naive_compile + naive_match * len(paths) / max(1, len(sample))
    e2e = None if args.no_end_to_end else end_to_end(assets, paths)

    median = statistics.median(totals)
    rows = [
        ("AssetMatcher compile", statistics.median(compiles), min(compiles)),
        ("AssetMatcher match", statistics.median(matches), min(matches)),
        ("AssetMatcher compile + match", median, min(totals)),
        (
            f"naive GitIgnoreSpec loop, {len(sample):,} paths (measured)",
            naive_compile + naive_match,
            naive_compile + naive_match,
        ),
        (f"naive GitIgnoreSpec loop, {len(paths):,} paths (extrapolated)", naive_full, naive_full),
    ]
    if e2e is not None:
        rows.append(("sra gate --paths-from (subprocess, end to end)", e2e[0], e2e[0]))
    print(
        f"\n{touched:,} assets touched by {pairs:,} (path, asset) matches; "
        f"{distinct:,} distinct patterns\n"
    )
    print("| row | median s | min s | vs AssetMatcher |")
    print("|---|---:|---:|---:|")
    for name, med, low in rows:
        print(f"| {name} | {med:.3f} | {low:.3f} | {med / median:.1f}x |")
    passed = median < BAR_SECONDS
    print(
        f"\n{'PASS' if passed else 'FAIL'}: compile + match of {len(paths):,} paths against "
        f"{len(assets):,} assets in {median:.2f} s (bar: < {BAR_SECONDS:.0f} s)"
    )

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"gate-{args.assets}-{args.paths}-{args.seed}.json"
    record: dict[str, Any] = {
        "assets": len(assets),
        "globs": globs,
        "distinct_patterns": distinct,
        "paths": len(paths),
        "seed": args.seed,
        "touched_assets": touched,
        "matches": pairs,
        "matcher": {"compile": compiles, "match": matches, "total_median": median},
        "naive": {
            "sample_paths": len(sample),
            "compile": naive_compile,
            "match": naive_match,
            "extrapolated_total": naive_full,
        },
        "end_to_end": None if e2e is None else {"seconds": e2e[0], "exit_code": e2e[1]},
        "bar": {"seconds": BAR_SECONDS, "passed": passed},
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "processor": platform.processor(),
        },
    }
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(f"results: {out.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
