"""Benchmark: `sra report` on the enterprise workspace (HTML, Markdown) and the example (PDF).

    python bench/report_bench.py [--size enterprise] [--seed 42] [--repeat 1]

Every row is the wall time of a fresh `sra` process, as a user runs it, with no cache and
no git history. Two peers run in the same session: `sra lint` on the same workspace, the
floor a report cannot beat (it loads every file and runs every rule, which the report also
does), and WeasyPrint alone turning the example's HTML into PDF, the share of the PDF time
that is layout rather than ours.
Budgets (from the issue): enterprise to HTML under 60 s, the example to PDF under 15 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate

BUDGETS = {"enterprise html": 60.0, "example pdf": 15.0}


def timed(cmd: list[str]) -> float:
    """Seconds one command takes; it must exit 0 or 1 (lint finds things)."""
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    """Time each row `--repeat` times, print medians, exit 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", default="enterprise")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    sra = str(Path(sys.executable).parent / "sra")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "enterprise"
        generate(args.size, args.seed, big)
        example = Path(tmp) / "example"
        subprocess.run([sra, "init", str(example), "--example"], check=True,
                       capture_output=True)  # fmt: skip
        common = ["--today", "2026-11-22", "--no-history", "--no-cache"]
        rows = {
            "enterprise lint (floor)": [sra, "lint", "-w", str(big), "--today", "2026-11-22",
                                        "--no-cache", "-o", f"{tmp}/lint.txt"],
            "enterprise html": [sra, "report", "-w", str(big), "--format", "html",
                                "--out", f"{tmp}/big.html", *common],
            "enterprise md": [sra, "report", "-w", str(big), "--format", "md",
                              "--out", f"{tmp}/big.md", *common],
            "example html": [sra, "report", "-w", str(example), "--format", "html",
                             "--out", f"{tmp}/ex.html", *common],
            "example pdf": [sra, "report", "-w", str(example), "--format", "pdf",
                            "--out", f"{tmp}/ex.pdf", *common],
            "example pdf: weasyprint alone": [
                sys.executable, "-c", "import sys, weasyprint; "
                "weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])",
                f"{tmp}/ex.html", f"{tmp}/weasy.pdf"],
        }  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in rows}
        for _ in range(args.repeat):  # round-robin, so drift in the machine hits every row
            for name, cmd in rows.items():
                times[name].append(timed(cmd))
        sizes = {name: Path(cmd[cmd.index("--out") + 1]).stat().st_size
                 for name, cmd in rows.items() if "--out" in cmd}  # fmt: skip
        sizes["example pdf: weasyprint alone"] = Path(f"{tmp}/weasy.pdf").stat().st_size
    failed = False
    print(f"{'row':<32}{'median s':>10}{'budget s':>10}{'output MB':>11}")
    for name, values in times.items():
        median = statistics.median(values)
        budget = BUDGETS.get(name)
        failed |= budget is not None and median > budget
        size = f"{sizes[name] / 1e6:.1f}" if name in sizes else ""
        print(f"{name:<32}{median:>10.1f}{budget or '':>10}{size:>11}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
