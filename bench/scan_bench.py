"""`sra scan` throughput on a generated CSV, beside Presidio (patterns only) and the `re` reference.

    .venv/bin/python bench/scan_bench.py --size-mb 1024 --repeat 5

Writes the CSV (bench/scan_data.py: distinct identifiers, names and ZIP codes drawn from
frequency lists) into a temporary folder (never the repository), runs `sra scan` end to end
as a user would (a new process, JSON output) `--repeat` times, and reports the median and
fastest wall time, the CPU time and each run's peak memory. In the same run, ceilings from
the same file and machine: polars reading every column of the CSV and nothing else (the
most any scan built on polars' reader can do), and `sra scan` of a one-row CSV (start-up).
Then Presidio's AnalyzerEngine with pattern recognizers only (no NLP model is loaded: an
NlpEngine stub returns no tokens) and the plain-`re` reference detector on the first rows.
The load average is printed before and after: other work on the machine moves every
figure. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from hipaa_sra.scan.checks import all_checks  # noqa: E402
from hipaa_sra.scan.detect_re import count_values  # noqa: E402
from scan_data import chunk  # noqa: E402

CHUNK_ROWS = 100_000


def generate(path: Path, size_mb: int, seed: int) -> int:
    """Write about `size_mb` MB of the seeded export (bench/scan_data.py); return bytes."""
    target = size_mb * 1_000_000
    written = 0
    with path.open("wb") as out:
        number = 0
        while written < target:
            data = (
                chunk(seed * 1_000_003 + number, CHUNK_ROWS)
                .write_csv(include_header=number == 0)
                .encode()
            )
            number += 1
            out.write(data)
            written += len(data)
    return path.stat().st_size


@dataclass(frozen=True)
class Run:
    """One process: wall and CPU seconds, peak RSS, and what it printed."""

    wall: float
    cpu: float
    peak_kb: int
    stdout: str


TIME = Path("/usr/bin/time")


def run(argv: list[str]) -> Run:
    """Run `argv` in a new process; its own CPU time and peak RSS.

    The peak comes from GNU time when there is one: Linux starts a process's peak RSS at
    the size of the process it was forked from, and this one holds the generated data, so
    `wait4` alone would report at least this process's size for every child.
    """
    timed = [str(TIME), "-f", "%M", *argv] if TIME.exists() else argv
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(timed, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        err.seek(0)
        errors = err.read()
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            sys.exit(f"{' '.join(argv)} failed ({code}): {errors}")
        peak_kb = int(errors.split()[-1]) if TIME.exists() else usage.ru_maxrss
        out.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, peak_kb, out.read())


SRA = [sys.executable, "-m", "hipaa_sra", "scan", "--format", "json", "--no-progress"]
READ_ONLY = """
import sys, polars as pl
lazy = pl.scan_csv(sys.argv[1], infer_schema=False)
print(lazy.select((pl.all().str.len_bytes() > 0).sum()).collect(engine="streaming").row(0))
"""


def run_sra(path: Path) -> tuple[Run, dict]:
    """`sra scan` in a new process, and its JSON summary."""
    done = run([*SRA, str(path)])
    return done, json.loads(done.stdout)["summary"]


def run_ceilings(path: Path, tmp: Path) -> dict[str, Run]:
    """Polars reading every column of the file, and `sra scan` of a one-row file."""
    tiny = tmp / "tiny.csv"
    with path.open("rb") as src:
        tiny.write_bytes(src.readline() + src.readline())
    return {
        "read": run([sys.executable, "-c", READ_ONLY, str(path)]),
        "startup": run([*SRA, str(tiny)]),
    }


def sample_rows(path: Path, sample_mb: int) -> tuple[list[dict[str, str]], int]:
    """The first rows of the file adding up to about `sample_mb` MB, and their bytes."""
    rows: list[dict[str, str]] = []
    size = 0
    for batch in pl.scan_csv(path, infer_schema=False).collect_batches(chunk_size=50_000):
        for row in batch.iter_rows(named=True):
            rows.append(row)
            size += sum(len(v or "") + 1 for v in row.values())
            if size >= sample_mb * 1_000_000:
                return rows, size
    return rows, size


def run_reference(rows: list[dict[str, str]]) -> float:
    """Seconds for the `re` reference detector, every check on every column."""
    start = time.perf_counter()
    for name in rows[0]:
        count_values((row[name] for row in rows), all_checks())
    return time.perf_counter() - start


def run_presidio(rows: list[dict[str, str]]) -> float | None:
    """Seconds for Presidio's pattern recognizers over every value, or None if missing."""
    try:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
    except ImportError:
        return None

    class NoNlp(NlpEngine):
        """Loads no model: pattern recognizers need no tokens."""

        def load(self) -> None: ...
        def is_loaded(self) -> bool:
            return True

        def process_text(self, text: str, language: str) -> NlpArtifacts:
            return NlpArtifacts([], [], [], [], None, language)

        def process_batch(self, texts, language, batch_size=1, n_process=1, **kw):  # type: ignore[no-untyped-def]
            for text in texts:
                yield text, self.process_text(text, language)

        def is_stopword(self, word: str, language: str) -> bool:
            return False

        def is_punct(self, word: str, language: str) -> bool:
            return False

        def get_supported_entities(self) -> list[str]:
            return []

        def get_supported_languages(self) -> list[str]:
            return ["en"]

    import tldextract

    # Presidio's URL and email recognizers call tldextract, which would fetch the public
    # suffix list; the snapshot bundled with tldextract is used instead (no network).
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers()
    registry.recognizers = [
        r for r in registry.recognizers if type(r).__name__ != "SpacyRecognizer"
    ]
    engine = AnalyzerEngine(registry=registry, nlp_engine=NoNlp(), supported_languages=["en"])
    start = time.perf_counter()
    for row in rows:
        for value in row.values():
            if value:
                engine.analyze(text=value, language="en")
    return time.perf_counter() - start


def _row(name: str, nbytes: int, seconds: float, note: str = "") -> str:
    return (
        f"| {name} | {nbytes / 1e6:,.1f} | {seconds:,.2f} | {nbytes / 1e6 / seconds:,.1f} "
        f"| {note} |"
    )


def main() -> None:
    """Generate, scan, compare, print a Markdown table and write JSON results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3, help="runs of `sra scan` (median, min)")
    parser.add_argument("--sample-mb", type=int, default=20)
    parser.add_argument(
        "--presidio-mb",
        type=float,
        default=2.0,
        help="Presidio is slow: it gets the first MB of the sample only.",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sra-scan-bench-") as tmp:
        path = Path(tmp) / "visits.csv"
        size = generate(path, args.size_mb, args.seed)
        print(f"generated {size / 1e6:,.0f} MB ({os.cpu_count()} cores)", file=sys.stderr)
        runs: list[Run] = []
        ceilings: dict[str, Run] = {}
        summary: dict = {}
        for _ in range(max(1, args.repeat)):
            # Interleaved, so that load from other work falls on every row alike.
            done, summary = run_sra(path)
            runs.append(done)
            for name, ceiling in run_ceilings(path, Path(tmp)).items():
                if name not in ceilings or ceiling.wall < ceilings[name].wall:
                    ceilings[name] = ceiling
        rows, sample_bytes = sample_rows(path, args.sample_mb)
        ref = run_reference(rows)
        small, small_bytes = [], 0
        for row in rows:
            small.append(row)
            small_bytes += sum(len(v or "") + 1 for v in row.values())
            if small_bytes >= args.presidio_mb * 1_000_000:
                break
        presidio = run_presidio(small)
    load_after = os.getloadavg()
    walls = sorted(r.wall for r in runs)
    median = statistics.median(walls)
    cpu = statistics.median(r.cpu for r in runs)
    peak_kb = max(r.peak_kb for r in runs)
    print("| tool | MB | seconds | MB/s | |\n|---|---:|---:|---:|---|")
    print(
        _row(
            f"sra scan, end to end (median of {len(runs)})",
            size,
            median,
            f"CPU {cpu:.1f} s, peak RSS {peak_kb / 1024:,.0f} MB",
        )
    )
    print(_row("sra scan, end to end (fastest)", size, walls[0]))
    print(
        _row(
            "ceiling: polars reads every column, nothing else (fastest)",
            size,
            ceilings["read"].wall,
            f"CPU {ceilings['read'].cpu:.1f} s, peak RSS {ceilings['read'].peak_kb / 1024:,.0f} MB",
        )
    )
    print(
        f"| ceiling: sra scan of a one-row CSV (start-up, fastest) | | "
        f"{ceilings['startup'].wall:,.2f} | | CPU {ceilings['startup'].cpu:.2f} s, "
        f"peak RSS {ceilings['startup'].peak_kb / 1024:,.0f} MB |"
    )
    print(_row("re reference detector (same checks)", sample_bytes, ref))
    if presidio is not None:
        print(_row("Presidio AnalyzerEngine, pattern recognizers only", small_bytes, presidio))
    print(
        f"\nsra scan peak RSS: {peak_kb / 1024:,.0f} MB (largest of the runs); "
        f"rows: {summary['rows_sampled']:,}; PHI columns: {summary['columns_with_phi']} of "
        f"{summary['columns']}; runs (s): {', '.join(f'{w:.2f}' for w in sorted(walls))}; "
        f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f}"
    )
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "scan.json").write_text(
        json.dumps(
            {
                "size_bytes": size,
                "cores": os.cpu_count(),
                "load_average": [load_before, load_after],
                "sra_runs": [vars(r) | {"stdout": None} for r in runs],
                "sra_seconds_median": median,
                "sra_seconds_min": walls[0],
                "sra_peak_rss_kb": peak_kb,
                "read_only": vars(ceilings["read"]) | {"stdout": None},
                "startup": vars(ceilings["startup"]) | {"stdout": None},
                "reference_bytes": sample_bytes,
                "reference_seconds": ref,
                "presidio_bytes": small_bytes,
                "presidio_seconds": presidio,
                "summary": summary,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
