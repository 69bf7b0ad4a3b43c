"""Benchmark: `sra report` on generated workspaces (HTML, Markdown, PDF) and the example (PDF).

    python bench/report_bench.py [--size enterprise] [--seed 42] [--repeat 1]
                                 [--groups enterprise,example,pdf] [--pdf-sizes 1k,10k]
                                 [--inline-peer]

Every row is a fresh process, as a user runs it, with no cache and no git history; each
gives its wall time, its own CPU time (user+sys) and its own peak RSS (`os.wait4`). Peers
in the same session: `sra lint` on the enterprise workspace, the floor a report cannot beat
(it loads every file and runs every rule, which the report also does); WeasyPrint alone
turning the example's HTML into PDF, the share of the PDF time that is layout rather than
ours; and with --inline-peer, the 1k workspace's PDF as it was made before the appendices
were attached (every row laid out on pages), for comparison in the same run.
Budgets (from the issues): enterprise to HTML under 60 s, the example to PDF under 15 s,
the 10k-risk workspace to PDF within 60 s and 2 GB; times are judged on CPU time, which a
shared machine disturbs less than wall time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate
from run import Run, load_average, timed

BUDGETS = {"enterprise html": (60.0, None), "example pdf": (15.0, None), "10k pdf": (60.0, 2048.0)}
"""Row: (CPU seconds, peak RSS MB) it must stay within."""

TODAY = "2026-11-22"

_INLINE = """
import sys
from datetime import date
from pathlib import Path
from hipaa_sra.loading import load_workspace
from hipaa_sra.report import build_report, html_to_pdf, render_html
ws = load_workspace(Path(sys.argv[1]), use_cache=False)
report = build_report(ws, date.fromisoformat(sys.argv[3]), history_problem="--no-history")
Path(sys.argv[2]).write_bytes(html_to_pdf(render_html(report)))
"""
"""The PDF before attachments: every appendix row laid out on pages (the --inline-peer row)."""


def _checked(name: str, run: Run) -> Run:
    if run.returncode not in (0, 1):  # lint exits 1 when it finds something
        raise SystemExit(f"{name} failed:\n{run.stderr[-2000:]}")
    return run


def main() -> int:
    """Time each row `--repeat` times, print medians, exit 1 when a budget is missed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", default="enterprise")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--groups",
        default="enterprise,example,pdf",
        help="which rows: enterprise (HTML, Markdown, lint), example, pdf",
    )
    parser.add_argument(
        "--pdf-sizes",
        default="1k,10k",
        help="generated sizes rendered to PDF (bench/generate.py sizes)",
    )
    parser.add_argument(
        "--inline-peer",
        action="store_true",
        help="also the 1k PDF with every appendix row laid out (slow)",
    )
    args = parser.parse_args()
    groups = set(args.groups.split(","))
    sra = str(Path(sys.executable).parent / "sra")
    common = ["--today", TODAY, "--no-history", "--no-cache"]
    rows: dict[str, list[str]] = {}
    outputs: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if "enterprise" in groups:
            big = Path(tmp) / "enterprise"
            generate(args.size, args.seed, big)
            rows["enterprise lint (floor)"] = [
                sra,
                "lint",
                "-w",
                str(big),
                "--today",
                TODAY,
                "--no-cache",
                "-o",
                f"{tmp}/lint.txt",
            ]
            for fmt in ("html", "md"):
                outputs[f"enterprise {fmt}"] = f"{tmp}/big.{fmt}"
                rows[f"enterprise {fmt}"] = [
                    sra,
                    "report",
                    "-w",
                    str(big),
                    "--format",
                    fmt,
                    "--out",
                    outputs[f"enterprise {fmt}"],
                    *common,
                ]
        if "example" in groups:
            example = Path(tmp) / "example"
            subprocess.run(
                [sra, "init", str(example), "--example"], check=True, capture_output=True
            )
            for fmt in ("html", "pdf"):
                outputs[f"example {fmt}"] = f"{tmp}/ex.{fmt}"
                rows[f"example {fmt}"] = [
                    sra,
                    "report",
                    "-w",
                    str(example),
                    "--format",
                    fmt,
                    "--out",
                    outputs[f"example {fmt}"],
                    *common,
                ]
            outputs["example pdf: weasyprint alone"] = f"{tmp}/weasy.pdf"
            rows["example pdf: weasyprint alone"] = [
                sys.executable,
                "-c",
                "import sys, weasyprint; "
                "weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])",
                f"{tmp}/ex.html",
                f"{tmp}/weasy.pdf",
            ]
        if "pdf" in groups:
            for size in args.pdf_sizes.split(","):
                root = Path(tmp) / size
                generate(size, args.seed, root)
                outputs[f"{size} pdf"] = f"{tmp}/{size}.pdf"
                rows[f"{size} pdf"] = [
                    sra,
                    "report",
                    "-w",
                    str(root),
                    "--format",
                    "pdf",
                    "--out",
                    outputs[f"{size} pdf"],
                    *common,
                ]
                if args.inline_peer and size == "1k":
                    outputs["1k pdf, appendices laid out"] = f"{tmp}/1k-inline.pdf"
                    rows["1k pdf, appendices laid out"] = [
                        sys.executable,
                        "-c",
                        _INLINE,
                        str(root),
                        f"{tmp}/1k-inline.pdf",
                        TODAY,
                    ]
        runs: dict[str, list[Run]] = {name: [] for name in rows}
        before = load_average()
        for _ in range(args.repeat):  # round-robin, so drift in the machine hits every row
            for name, cmd in rows.items():
                runs[name].append(_checked(name, timed(cmd)))
        after = load_average()
        sizes = {name: Path(path).stat().st_size for name, path in outputs.items()}
    failed = False
    print(
        f"load average {before[0]:.2f} before, {after[0]:.2f} after "
        f"(1 minute; {after[1]:.2f} over 5 minutes)"
    )
    print(f"{'row':<34}{'wall s':>9}{'CPU s':>9}{'peak MB':>9}{'budget':>14}{'output MB':>11}")
    for name, done in runs.items():
        wall = statistics.median(r.seconds for r in done)
        cpu = statistics.median(r.cpu for r in done)
        rss = max(r.rss_mb for r in done)
        seconds, megabytes = BUDGETS.get(name, (None, None))
        failed |= seconds is not None and cpu > seconds
        failed |= megabytes is not None and rss > megabytes
        budget = f"{seconds:g} s" if seconds else ""
        budget += f", {megabytes / 1024:g} GB" if megabytes else ""
        size = f"{sizes[name] / 1e6:.1f}" if name in sizes else ""
        print(f"{name:<34}{wall:>9.1f}{cpu:>9.1f}{rss:>9.0f}{budget:>14}{size:>11}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
