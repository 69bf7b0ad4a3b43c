"""Benchmark: the 50,000 risks of the enterprise workspace to XLSX and back.

    python bench/spreadsheet_bench.py [--size enterprise] [--seed 42]

Generates a workspace of the size (risks only are exported), then times `export` (load +
write XLSX) and a dry-run `import` (read XLSX, map headers, validate every row, plan the
changes), the path a compliance officer's round trip takes. Budget: under 60 s in total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import generate
from hipaa_sra.interop.importer import plan_import
from hipaa_sra.interop.spreadsheet import Table, read_sheets, write_xlsx
from hipaa_sra.interop.tables import SHEET_KIND_BY_NAME, columns, row
from hipaa_sra.loading import load_workspace

BUDGET_SECONDS = 60.0


def main() -> int:
    """Run the round trip once and print the figures; exit 1 over budget."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="enterprise")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        generate(args.size, args.seed, root)
        kind = SHEET_KIND_BY_NAME["risks"]
        out = Path(tmp) / "risks.xlsx"
        start = time.perf_counter()
        workspace = load_workspace(root, use_cache=False)
        loaded = time.perf_counter()
        cols = columns(kind, workspace.risks)
        write_xlsx(
            out,
            [Table(kind, cols, [row(r, cols) for r in workspace.risks])],
            ("low", "moderate", "high"),
        )
        exported = time.perf_counter()
        sheets = read_sheets(out)
        read = time.perf_counter()
        plan = plan_import(workspace, sheets)
        planned = time.perf_counter()
    total = planned - start
    print(
        f"risks: {len(workspace.risks)}  load {loaded - start:.1f}s  "
        f"write xlsx {exported - loaded:.1f}s  read xlsx {read - exported:.1f}s  "
        f"validate+plan {planned - read:.1f}s  total {total:.1f}s "
        f"(budget {BUDGET_SECONDS:.0f}s)"
    )
    assert not plan.problems and not plan.updates and plan.unchanged == len(workspace.risks)
    return 0 if total < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
