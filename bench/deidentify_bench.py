"""`sra deidentify` throughput on a generated 1 GB export (CSV and Parquet), beside Presidio.

    .venv/bin/python bench/deidentify_bench.py --size-mb 1024 --presidio-mb 2

Writes a patient-visit export (seeded: tests/scan/data.py) as CSV and as Parquet into a
temporary folder (never the repository), runs `sra deidentify` end to end on each in a new
process, both ways of verifying (each batch scanned as it is written, the default; and
`--verify full`, the written copy read back by `sra scan`), and beside them, each in its own
process, the parts that bound a run: the process start, polars reading and writing the file
with no action, the actions without any scan, and `sra scan` alone on the copy. Every row
gives CPU seconds (user + system: the steady figure on a shared machine), wall seconds with
the load average, and peak RSS. Presidio's AnonymizerEngine runs on the first
`--presidio-mb` of rows with the entity spans given (no analyzer: only the anonymizing is
compared). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.scan.data import columns  # noqa: E402

KEEP = (
    "mrn",
    "patient_name",
    "ssn",
    "dob",
    "age",
    "zip",
    "phone",
    "email",
    "admit_date",
    "icd10_code",
    "lab_value",
    "status",
    "department",
    "notes",
)
POLICY = """\
profile: safe-harbor
tables:
  visits:
    columns:
      mrn: {action: surrogate, type: mrn, domain: patient}
      patient_name: {action: redact, type: name}
      ssn: {action: drop, type: ssn}
      dob: {action: generalize, type: date}
      age: {action: generalize, type: age-over-89}
      zip: {action: generalize, type: zip}
      phone: {action: redact, type: phone}
      email: {action: surrogate, type: email}
      admit_date: {action: generalize, type: date}
      icd10_code: keep
      lab_value: keep
      status: keep
      department: keep
      notes: redact-text
"""
PRESIDIO = {
    "patient_name": ("PERSON", "redact"),
    "ssn": ("US_SSN", "redact"),
    "dob": ("DATE_TIME", "redact"),
    "zip": ("LOCATION", "mask"),
    "phone": ("PHONE_NUMBER", "replace"),
    "email": ("EMAIL_ADDRESS", "hash"),
    "mrn": ("MEDICAL_LICENSE", "hash"),
}
"""Presidio entity and operator per structured column: its closest equivalents."""
_RSS = """
import atexit, os, resource, sys
def _done():
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report the
    # bench process's own peak (the generated rows) when it used less.
    use = resource.getrusage(resource.RUSAGE_SELF)
    peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM"))
    open(os.environ["SRA_BENCH_RSS"], "w").write(f"{peak} {use.ru_utime + use.ru_stime}")
atexit.register(_done)
"""
_SRA = (
    _RSS
    + """
from hipaa_sra.cli import main
sys.argv = ["sra", *sys.argv[1:]]
main()
"""
)
_COPY = (
    _RSS
    + """
import polars as pl
src, out = sys.argv[1:3]
if src.endswith(".csv"):
    pl.scan_csv(src, infer_schema=False).sink_csv(out)
else:
    pl.scan_parquet(src).sink_parquet(out)
"""
)
_ACTIONS = (
    _RSS
    + """
from datetime import date
from pathlib import Path
from hipaa_sra.deid import load_policy
from hipaa_sra.deid.actions import Context, TableTransform
from hipaa_sra.deid.files_io import copy_file, list_files
from hipaa_sra.deid.run import Request, open_store
src, out, policy, store = sys.argv[1:5]
entry = list_files(src)[0]
rules = load_policy(Path(policy)).policy.tables[entry.table.name].columns
request = Request(src, out, load_policy(Path(policy)), date(2026, 12, 1), mapping_store=store)
context = Context(open_store(request), request.today)
Path(out).mkdir()
copy_file(entry, TableTransform(entry.table.name, rules, entry.table.schema, context), Path(out))
"""
)
_START = (
    _RSS
    + """
import hipaa_sra.cli, hipaa_sra.deid.run, hipaa_sra.deid.files_io, polars
"""
)
Row = tuple[str, int, float, float | None, int | None, float]
"""What was run, input bytes, wall seconds, CPU seconds, peak RSS (KB), load average."""


def generate(folder: Path, size_mb: int, seed: int) -> tuple[Path, Path]:
    """About `size_mb` MB of CSV rows from a seeded labelled pool, and the same as Parquet."""
    pool = columns(seed, 20_000)
    frame = pl.DataFrame({name: pool[name][1] for name in KEEP})
    (folder / "csv").mkdir()
    (folder / "parquet").mkdir()
    csv, parquet = folder / "csv" / "visits.csv", folder / "parquet" / "visits.parquet"
    written = 0
    with csv.open("wb") as out:
        step = seed
        while written < size_mb * 1_000_000:
            data = (
                frame.sample(fraction=1.0, shuffle=True, seed=step)
                .write_csv(include_header=step == seed)
                .encode()
            )
            step += 1
            out.write(data)
            written += len(data)
    pl.scan_csv(csv, infer_schema=False).sink_parquet(parquet)
    return csv, parquet


def timed(args: list[str], folder: Path, code: str = _SRA) -> tuple[float, float, int, str]:
    """Wall and CPU seconds, peak RSS (KB) and standard output of `code ARGS` (by default
    `sra ARGS`) in a new process."""
    rss = folder / "rss"
    env = {**os.environ, "SRA_BENCH_RSS": str(rss), "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}: {done.stderr}")
    peak, cpu = rss.read_text().split()
    return elapsed, float(cpu), int(peak), done.stdout


def run_presidio(csv: Path, sample_mb: float) -> tuple[int, float] | None:
    """Bytes and seconds of Presidio's AnonymizerEngine on the first rows, spans given."""
    try:
        from presidio_anonymizer import AnonymizerEngine
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult
    except ImportError:
        return None
    rows = pl.read_csv(csv, infer_schema=False, n_rows=int(sample_mb * 4_000)).to_dicts()
    engine = AnonymizerEngine()
    operators = {
        "DEFAULT": OperatorConfig("redact"),
        "PHONE_NUMBER": OperatorConfig("replace", {"new_value": "<PHONE>"}),
        "LOCATION": OperatorConfig(
            "mask", {"masking_char": "*", "chars_to_mask": 2, "from_end": True}
        ),
        "EMAIL_ADDRESS": OperatorConfig("hash"),
        "MEDICAL_LICENSE": OperatorConfig("hash"),
    }
    size, start = 0, time.perf_counter()
    for row in rows:
        for column, value in row.items():
            if not value:
                continue
            size += len(value) + 1
            if column in PRESIDIO:
                entity = PRESIDIO[column][0]
                engine.anonymize(
                    text=value,
                    operators=operators,
                    analyzer_results=[RecognizerResult(entity, 0, len(value), 1.0)],
                )
        if size >= sample_mb * 1_000_000:
            break
    return size, time.perf_counter() - start


def _deidentify(table: list[Row], folder: Path, fmt: str, source: Path, size: int) -> None:
    """The end-to-end runs and their parts, for one format."""
    policy, store = str(folder / "policy.yaml"), str(folder / f"map-{fmt}.sqlite")
    files = sorted(p for p in source.iterdir())
    out = folder / f"out-{fmt}"
    runs = [
        (f"sra deidentify, {fmt}, end to end, scanned as written", ["--verify", "memory"]),
        (f"sra deidentify, {fmt}, end to end, --verify full (read back)", ["--verify", "full"]),
    ]
    for name, extra in runs:
        wall, cpu, peak, stdout = timed(
            [
                "deidentify",
                "--from",
                str(source),
                "--to",
                str(out),
                "--policy",
                policy,
                "--mapping-store",
                store,
                "--no-progress",
                "--format",
                "json",
                "--replace",
                *extra,
            ],
            folder,
        )
        assert json.loads(stdout)["written"], stdout
        table.append((name, size, wall, cpu, peak, os.getloadavg()[0]))
    parts: list[tuple[str, list[str], str]] = [
        ("  part: the process start (imports)", [], _START),
        (
            "  part: polars reads and writes the file, no action",
            [str(files[0]), str(folder / f"plain.{fmt.lower()}")],
            _COPY,
        ),
        (
            "  part: the actions and writing, no scan",
            [str(source), str(folder / f"actions-{fmt}"), policy, store],
            _ACTIONS,
        ),
        (
            "  part: sra scan alone on the copy",
            ["scan", "--no-progress", "--format", "json", str(out)],
            _SRA,
        ),
    ]
    for name, args, code in parts:
        wall, cpu, peak, _ = timed(args, folder, code)
        table.append((name, size, wall, cpu, peak, os.getloadavg()[0]))


def main() -> None:
    """Generate, de-identify both formats, compare, print a Markdown table, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--presidio-mb", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    table: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="sra-deid-bench-") as tmp:
        folder = Path(tmp)
        csv, parquet = generate(folder, args.size_mb, args.seed)
        (folder / "policy.yaml").write_text(POLICY)
        print(
            f"generated {csv.stat().st_size / 1e6:,.0f} MB CSV, "
            f"{parquet.stat().st_size / 1e6:,.0f} MB Parquet ({os.cpu_count()} cores)",
            file=sys.stderr,
        )
        size = csv.stat().st_size
        for fmt, source in (("CSV", csv.parent), ("Parquet", parquet.parent)):
            _deidentify(table, folder, fmt, source, size)
        presidio = run_presidio(csv, args.presidio_mb)
    if presidio is not None:
        # Timed in this process (one thread), wall time only.
        table.append(
            (
                "Presidio AnonymizerEngine, spans given (first rows)",
                presidio[0],
                presidio[1],
                None,
                None,
                os.getloadavg()[0],
            )
        )
    print(
        "| run | input MB | CPU s | wall s (load) | MB/s (wall) | peak RSS MB |\n"
        "|---|---:|---:|---:|---:|---:|"
    )
    for name, nbytes, wall, cpu, peak, load in table:
        shown = f"{peak / 1024:,.0f}" if peak is not None else "-"
        used = f"{cpu:,.2f}" if cpu is not None else "-"
        print(
            f"| {name} | {nbytes / 1e6:,.1f} | {used} | {wall:,.2f} ({load:.1f}) | "
            f"{nbytes / 1e6 / wall:,.1f} | {shown} |"
        )
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "deidentify.json").write_text(
        json.dumps(
            [
                {
                    "run": n,
                    "bytes": b,
                    "wall_seconds": w,
                    "cpu_seconds": c,
                    "peak_rss_kb": p,
                    "load_average": la,
                }
                for n, b, w, c, p, la in table
            ],
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
