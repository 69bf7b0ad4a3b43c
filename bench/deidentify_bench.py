"""`sra deidentify` throughput on a generated 1 GB export (CSV and Parquet), beside Presidio.

    .venv/bin/python bench/deidentify_bench.py --size-mb 1024 --presidio-mb 2

Writes a patient-visit export (seeded: tests/scan/data.py) as CSV and as Parquet into a
temporary folder (never the repository), runs `sra deidentify` end to end on each in a new
process (transform, write, re-scan of every row of the copy, swap), measures wall time and
peak RSS, times `sra scan` alone on the copy (the verification's share), and runs Presidio's
AnonymizerEngine on the first `--presidio-mb` of rows with the entity spans given (no
analyzer: only the anonymizing is compared). A measurement, not a test.
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

KEEP = ("mrn", "patient_name", "ssn", "dob", "age", "zip", "phone", "email", "admit_date",
        "icd10_code", "lab_value", "status", "department", "notes")
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
PRESIDIO = {"patient_name": ("PERSON", "redact"), "ssn": ("US_SSN", "redact"),
            "dob": ("DATE_TIME", "redact"), "zip": ("LOCATION", "mask"),
            "phone": ("PHONE_NUMBER", "replace"), "email": ("EMAIL_ADDRESS", "hash"),
            "mrn": ("MEDICAL_LICENSE", "hash")}  # fmt: skip
"""Presidio entity and operator per structured column: its closest equivalents."""
_RSS = """
import atexit, os, resource, sys
from hipaa_sra.cli import main
atexit.register(lambda: open(os.environ["SRA_BENCH_RSS"], "w").write(
    str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
sys.argv = ["sra", *sys.argv[1:]]
main()
"""


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
            data = frame.sample(fraction=1.0, shuffle=True, seed=step).write_csv(
                include_header=step == seed).encode()  # fmt: skip
            step += 1
            out.write(data)
            written += len(data)
    pl.scan_csv(csv, infer_schema=False).sink_parquet(parquet)
    return csv, parquet


def timed(args: list[str], folder: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KB) and standard output of `sra ARGS` in a new process."""
    rss = folder / "rss"
    env = {**os.environ, "SRA_BENCH_RSS": str(rss), "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RSS, *args], capture_output=True, text=True,
                          env=env, check=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"sra {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return elapsed, int(rss.read_text()), done.stdout


def run_presidio(csv: Path, sample_mb: float) -> tuple[int, float] | None:
    """Bytes and seconds of Presidio's AnonymizerEngine on the first rows, spans given."""
    try:
        from presidio_anonymizer import AnonymizerEngine
        from presidio_anonymizer.entities import OperatorConfig, RecognizerResult
    except ImportError:
        return None
    rows = pl.read_csv(csv, infer_schema=False, n_rows=int(sample_mb * 4_000)).to_dicts()
    engine = AnonymizerEngine()
    operators = {"DEFAULT": OperatorConfig("redact"),
                 "PHONE_NUMBER": OperatorConfig("replace", {"new_value": "<PHONE>"}),
                 "LOCATION": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 2,
                                                     "from_end": True}),
                 "EMAIL_ADDRESS": OperatorConfig("hash"),
                 "MEDICAL_LICENSE": OperatorConfig("hash")}  # fmt: skip
    size, start = 0, time.perf_counter()
    for row in rows:
        for column, value in row.items():
            if not value:
                continue
            size += len(value) + 1
            if column in PRESIDIO:
                entity = PRESIDIO[column][0]
                engine.anonymize(text=value, operators=operators, analyzer_results=[
                    RecognizerResult(entity, 0, len(value), 1.0)])  # fmt: skip
        if size >= sample_mb * 1_000_000:
            break
    return size, time.perf_counter() - start


def main() -> None:
    """Generate, de-identify both formats, compare, print a Markdown table, write JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--presidio-mb", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    table: list[tuple[str, int, float, int | None]] = []
    with tempfile.TemporaryDirectory(prefix="sra-deid-bench-") as tmp:
        folder = Path(tmp)
        csv, parquet = generate(folder, args.size_mb, args.seed)
        (folder / "policy.yaml").write_text(POLICY)
        print(f"generated {csv.stat().st_size / 1e6:,.0f} MB CSV, "
              f"{parquet.stat().st_size / 1e6:,.0f} MB Parquet ({os.cpu_count()} cores)",
              file=sys.stderr)  # fmt: skip
        size = csv.stat().st_size
        for fmt, source in (("CSV", csv.parent), ("Parquet", parquet.parent)):
            out = folder / f"out-{fmt.lower()}"
            seconds, peak, stdout = timed(
                ["deidentify", "--from", str(source), "--to", str(out), "--policy",
                 str(folder / "policy.yaml"), "--mapping-store", str(folder / "map.sqlite"),
                 "--no-progress", "--format", "json"], folder)  # fmt: skip
            doc = json.loads(stdout)
            assert doc["written"], doc
            table.append((f"sra deidentify, {fmt} (end to end with re-scan)", size, seconds, peak))
            scan_seconds, scan_peak, _ = timed(["scan", "--no-progress", "--format", "json",
                                                str(out)], folder)  # fmt: skip
            table.append((f"  of which the re-scan of the copy (sra scan, {fmt})", size,
                          scan_seconds, scan_peak))  # fmt: skip
        presidio = run_presidio(csv, args.presidio_mb)
    if presidio is not None:
        table.append(("Presidio AnonymizerEngine, spans given (first rows)", presidio[0],
                      presidio[1], None))  # fmt: skip
    print("| run | input MB | seconds | MB/s | peak RSS MB |\n|---|---:|---:|---:|---:|")
    for name, nbytes, seconds, peak in table:
        shown = f"{peak / 1024:,.0f}" if peak is not None else "-"
        print(f"| {name} | {nbytes / 1e6:,.1f} | {seconds:,.2f} | {nbytes / 1e6 / seconds:,.1f} "
              f"| {shown} |")
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "deidentify.json").write_text(json.dumps(
        [{"run": n, "bytes": b, "seconds": s, "peak_rss_kb": p} for n, b, s, p in table],
        indent=2) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
