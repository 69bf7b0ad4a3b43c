"""`sra calendar` and the incremental lint cache against `sra validate`, at three sizes.

    python bench/calcache_bench.py --sizes 1k,10k,enterprise --seed 42 --repeat 3
    python bench/calcache_bench.py --baseline /tmp/old/src   # also the code in that tree

Every row is a fresh `python -m hipaa_sra` process; its CPU time (user+sys) and peak RSS come
from `os.wait4`, and the wall time is printed beside the load average. The machine may be
shared, so the CPU time is the figure to compare. Rows run round-robin within a size so that
drift spreads over all of them. With `--baseline`, the same rows run with the package from
that source tree too (for example `git archive` of an older commit), alternating with the
current code in the same rounds.

Rows: validate cold (no cache) and warm; calendar cold and warm; lint cold, warm, and
"touched": one register file gets a new last line (a comment) after a lint, so that file's
key changes and every other file's entries stay, which is what a commit touching one file
does; and "one value changed": after the warm lint, one risk's `last_reviewed` in that file
moves to another date, an edit that changes what the rules find. Each warm row and the
two changed rows rely on the row before them to leave the cache in place (they run in this
order). Workspaces come from bench/generate.py and are kept in
`--data` (default bench/data).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from generate import SIZES, generate, workspace_bytes  # noqa: E402
from run import compile_package  # noqa: E402

TODAY = "2026-11-22"
EDITS = itertools.count(1)
REVIEWED = re.compile(rb"last_reviewed: \d{4}-\d{2}-\d{2}")
"""A risk's review date: the value "lint one value changed" edits."""
CACHE = ".sra_cache"


@dataclass
class Run:
    """One process: wall seconds, CPU seconds (user+sys), peak RSS in MB, exit code."""

    wall: float
    cpu: float
    rss_mb: float
    code: int


@dataclass
class Row:
    """A measured command with how to prepare the workspace before each round."""

    label: str
    args: list[str]
    prepare: Callable[[], None]
    src: str | None
    runs: list[Run] = field(default_factory=list)

    def median(self, what: str) -> float:
        """Median of one figure over the rounds."""
        return statistics.median(getattr(run, what) for run in self.runs)


def measure(args: list[str], src: str | None, cwd: Path) -> Run:
    """Run `python -m hipaa_sra ARGS` (with `src` first on the path) and take its rusage."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = src
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hipaa_sra", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {code}:\n{err.decode()[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def ensure(size: str, seed: int, data: Path) -> Path:
    """The generated workspace of `size` (generated once, kept)."""
    root = data / f"calcache-{size}-{seed}"
    if not (root / "sra.yaml").exists():
        generate(size, seed, root, force=True)
    return root


def rows_for(root: Path, label: str, src: str | None) -> list[Row]:
    """The rows of one code tree on one workspace."""
    ws = ["--workspace", str(root)]
    cache = root / CACHE
    touched = sorted((root / "register").glob("*.yaml"))[0]
    original = touched.read_bytes()

    def clear() -> None:
        # Every round starts from the generated workspace: the last row of the round before
        # edited a value in the touched file, and the comment row must edit only a comment.
        shutil.rmtree(cache, ignore_errors=True)
        touched.write_bytes(original)

    def nothing() -> None:
        pass

    def touch() -> None:
        # The cold lint just before left every file's entries; now one file changes.
        # A number never written before: equal bytes would be a warm lint, not a changed one.
        touched.write_bytes(original + f"# edited {next(EDITS)}\n".encode())

    def change_value() -> None:
        # A value, not a comment: the first risk's review date moves, as a commit that
        # edits a risk does, and the findings change with it.
        day = date(2026, 1, 1) + timedelta(days=next(EDITS) % 300)
        edited = f"last_reviewed: {day.isoformat()}".encode()
        touched.write_bytes(REVIEWED.sub(edited, original, 1))

    validate = ["validate", *ws]
    calendar = ["calendar", *ws, "--today", TODAY]
    lint = ["lint", *ws, "--today", TODAY, "--format", "json"]
    tag = f" [{label}]" if label else ""
    return [
        Row(f"validate cold{tag}", validate, clear, src),
        Row(f"validate warm{tag}", validate, nothing, src),
        Row(f"calendar cold{tag}", calendar, clear, src),
        Row(f"calendar warm{tag}", calendar, nothing, src),
        Row(f"lint cold{tag}", lint, clear, src),
        Row(f"lint one file changed{tag}", lint, touch, src),
        Row(f"lint warm{tag}", lint, nothing, src),
        Row(f"lint one value changed{tag}", lint, change_value, src),
    ]


def ratio(table: dict[str, dict[str, object]], a: str, b: str, tag: str) -> float:
    """CPU time of row `a` over row `b` (both with `tag`)."""
    num, den = table[a + tag]["cpu_s"], table[b + tag]["cpu_s"]
    assert isinstance(num, float) and isinstance(den, float)
    return num / den


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every row at every size, print Markdown tables, write JSON."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,enterprise")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=BENCH / "data")
    parser.add_argument(
        "--src",
        default=None,
        help="the source tree (its src/) to measure; default: the installed one",
    )
    parser.add_argument("--baseline", default=None, help="a source tree (its src/) to compare")
    parser.add_argument("--results", type=Path, default=BENCH / "results" / "calcache.json")
    args = parser.parse_args(argv)
    out: dict[str, object] = {"seed": args.seed, "repeat": args.repeat, "sizes": {}}
    compile_package(Path(args.src) if args.src else None)
    if args.baseline:
        compile_package(Path(args.baseline))
    for size in args.sizes.split(","):
        root = ensure(size, args.seed, args.data.resolve())
        files, nbytes = workspace_bytes(root)
        touched = sorted((root / "register").glob("*.yaml"))[0]
        original = touched.read_bytes()
        rows = rows_for(root, "", args.src)
        if args.baseline:
            rows += rows_for(root, "baseline", args.baseline)
        try:
            for round_ in range(args.repeat):
                for row in rows:
                    row.prepare()
                    run = measure(row.args, row.src, root.parent)
                    row.runs.append(run)
                    print(
                        f"[{size} {round_ + 1}/{args.repeat}] {row.label}: {run.cpu:.2f} s "
                        f"CPU, {run.wall:.2f} s wall, {run.rss_mb:.0f} MB, load "
                        f"{os.getloadavg()[0]:.1f}",
                        file=sys.stderr,
                    )
        finally:
            touched.write_bytes(original)  # the generated workspace as generated
        profile = SIZES[size]
        print(
            f"\n### {size}: {profile.risks:,} risks, {profile.assets:,} assets, "
            f"{profile.flows:,} flows, {profile.controls:,} controls; {files} files, "
            f"{nbytes / 1e6:.1f} MB (median of {args.repeat}, load average "
            f"{os.getloadavg()[0]:.1f})\n"
        )
        print("| command | CPU s | wall s | peak RSS MB |\n|---|---:|---:|---:|")
        table: dict[str, dict[str, object]] = {}
        for row in rows:
            cpu, wall, rss = row.median("cpu"), row.median("wall"), row.median("rss_mb")
            table[row.label] = {
                "cpu_s": cpu,
                "wall_s": wall,
                "rss_mb": rss,
                "runs": [vars(r) for r in row.runs],
            }
            print(f"| {row.label} | {cpu:.2f} | {wall:.2f} | {rss:.0f} |")
        for tag in ("", " [baseline]"):
            if f"validate cold{tag}" not in table:
                continue
            cal_cold = ratio(table, "calendar cold", "validate cold", tag)
            cal_warm = ratio(table, "calendar warm", "validate warm", tag)
            touched = ratio(table, "lint one file changed", "lint cold", tag)
            changed = ratio(table, "lint one value changed", "lint cold", tag)
            print(
                f"\n-{tag or ' current'}: calendar cold / validate cold {cal_cold:.2f}x, "
                f"calendar warm / validate warm {cal_warm:.2f}x, lint one file changed / "
                f"lint cold {touched:.2f}x, lint one value changed / lint cold "
                f"{changed:.2f}x (CPU)"
            )
        out["sizes"][size] = table  # type: ignore[index]
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
