"""Benchmark: peak memory (and time) of `sra validate` and `sra lint` against a bare PyYAML load.

    python bench/memory_bench.py [--risks 50000,100000] [--seed 42] [--repeat 2]
    python bench/memory_bench.py --base-src /tmp/base/src   # the code before, in the same run

Each row is a fresh process whose peak resident set size, user and system CPU time come from
`os.wait4` (the kernel's own accounting, children included), beside its wall time and the load
average. Rounds go round-robin over the rows, so drift in the machine spreads over all of them.
Workspaces are the enterprise shape of bench/generate.py (50,000 risks) and the same shape
scaled to other risk counts, kept in bench/data/memory-<risks>-<seed>/. See bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generate import SIZES, generate, workspace_bytes

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
LINT_TODAY = "2026-11-22"
"""Lint measures against a fixed date, so every run lints the same findings."""
BARS = (("validate", 1.2), ("lint", 1.5))
"""(row, limit): at most this many times the bare PyYAML load's peak RSS (from the issue)."""
SRA = "import sys; from hipaa_sra.cli import main; sys.argv[0] = 'sra'; sys.exit(main())"
"""The `sra` entry point, run by `python -c` so that `--base-src` can put other code first."""


@dataclass
class Sample:
    """One finished process: peak RSS in MB, CPU and wall seconds, load average at its end."""

    rss_mb: float
    cpu: float
    wall: float
    load: float


@dataclass
class Row:
    """One command measured in every round."""

    label: str
    argv: list[str]
    env: dict[str, str]
    prepare: Callable[[], None]
    ok: tuple[int, ...]
    samples: list[Sample] = field(default_factory=list)


def scaled_workspace(risks: int, seed: int, data: Path) -> Path:
    """The enterprise workspace scaled to `risks` risks, generated once per seed."""
    base = SIZES["enterprise"]
    factor = risks / base.risks
    name = f"memory-{risks}"
    if name not in SIZES:
        SIZES[name] = dataclasses.replace(
            base,
            people=base.people,
            assets=round(base.assets * factor),
            flows=round(base.flows * factor),
            vendors=round(base.vendors * factor),
            controls=round(base.controls * factor),
            risks=risks,
        )
    out = data / f"{name}-{seed}"
    stamp = out / ".generated"
    if not stamp.exists():
        generate(name, seed, out, force=True)
        stamp.write_text(f"{risks} risks, seed {seed}\n")
    return out


def measure(row: Row) -> Sample:
    """Run the row's command once in a fresh process; its peak RSS and CPU come from wait4."""
    row.prepare()
    started = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(row.argv, env=row.env, stdout=sink, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in row.ok:
        tail = stderr.decode(errors="replace").strip().splitlines()[-8:]
        raise SystemExit(f"{row.label}: exit {proc.returncode}\n" + "\n".join(tail))
    # ru_maxrss is in kilobytes on Linux.
    return Sample(usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, wall, os.getloadavg()[0])


def rows_for(workspace: Path, tools: Sequence[str], sources: dict[str, str]) -> list[Row]:
    """The rows of one workspace: the PyYAML baseline, and each `sra` command per source tree."""
    cache = workspace / ".sra_cache"

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def nothing() -> None:
        return None

    env = dict(os.environ)
    rows: list[Row] = []
    if "pyyaml" in tools:
        argv = [PYTHON, str(BENCH / "bare_load.py"), "pyyaml", str(workspace)]
        rows.append(Row("PyYAML CSafeLoader (bare load)", argv, env, nothing, (0,)))
    commands = {
        "validate": (["validate", "--workspace", str(workspace)], (0, 1), clear),
        "nocache": (["validate", "--workspace", str(workspace), "--no-cache"], (0, 1), nothing),
        "lint": (
            ["lint", "--workspace", str(workspace), "--today", LINT_TODAY, "--format", "json"],
            (0, 1),
            clear,
        ),
    }
    names = {
        "validate": "sra validate (cold)",
        "nocache": "sra validate --no-cache",
        "lint": "sra lint (cold, json)",
    }
    for tag, src in sources.items():
        tree_env = dict(env)
        if src:
            tree_env["PYTHONPATH"] = src
        for key, (args, ok, prepare) in commands.items():
            if key in tools:
                label = names[key] + (f" [{tag}]" if len(sources) > 1 else "")
                rows.append(Row(label, [PYTHON, "-c", SRA, *args], tree_env, prepare, ok))
    return rows


def report(rows: list[Row], title: str) -> str:
    """A Markdown table of median peak RSS, CPU and wall time per row, with ratios to PyYAML."""
    base = next((r for r in rows if r.label.startswith("PyYAML")), None)
    base_rss = statistics.median(s.rss_mb for s in base.samples) if base else None
    lines = [
        f"### {title}",
        "",
        "| row | peak RSS MB | x PyYAML | CPU s | wall s | load avg |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        rss = statistics.median(s.rss_mb for s in row.samples)
        cpu = statistics.median(s.cpu for s in row.samples)
        wall = statistics.median(s.wall for s in row.samples)
        loads = [s.load for s in row.samples]
        ratio = f"{rss / base_rss:.2f}x" if base_rss else ""
        lines.append(
            f"| {row.label} | {rss:,.0f} | {ratio} | {cpu:.2f} | {wall:.2f} | "
            f"{min(loads):.1f}-{max(loads):.1f} |"
        )
    if base_rss:
        lines.append("")
        for row in rows:
            for key, limit in BARS:
                if row.label.startswith(f"sra {key}") and "--no-cache" not in row.label:
                    ratio = statistics.median(s.rss_mb for s in row.samples) / base_rss
                    verdict = "PASS" if ratio <= limit else "FAIL"
                    lines.append(
                        f"- {verdict} {row.label}: {ratio:.2f}x PyYAML's peak (bar {limit}x)"
                    )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--risks",
        default="50000,100000",
        help="comma list of risk counts (50000 is the enterprise size)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=2, help="rounds (median reported)")
    parser.add_argument("--data", type=Path, default=BENCH / "data")
    parser.add_argument(
        "--tools", default="pyyaml,validate,lint", help="comma list of pyyaml,validate,nocache,lint"
    )
    parser.add_argument(
        "--base-src",
        default=None,
        help="another source tree (a git worktree's src/) measured alongside",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the workspaces, measure every row round-robin, print the tables."""
    args = parse_args(argv)
    tools = args.tools.split(",")
    sources = {"new": ""}
    if args.base_src:
        sources = {"before": str(Path(args.base_src).resolve()), "after": ""}
    for risks in (int(n) for n in args.risks.split(",")):
        workspace = scaled_workspace(risks, args.seed, args.data)
        files, size = workspace_bytes(workspace)
        for path in workspace.rglob("*.yaml"):  # every file read once before any row runs
            path.read_bytes()
        rows = rows_for(workspace, tools, sources)
        for _ in range(args.repeat):
            for row in rows:
                row.samples.append(measure(row))
                print(f"  {row.label}: {row.samples[-1]}", file=sys.stderr, flush=True)
        title = f"{risks:,} risks, seed {args.seed} ({files} files, {size / 1e6:.1f} MB)"
        print(report(rows, title), flush=True)
        print(flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
