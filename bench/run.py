"""Benchmark: ways of loading and validating one synthetic workspace, compared in one run.

    python bench/run.py [--size enterprise] [--seed 42] [--repeat 3] [--data bench/data]

Generates the workspace if missing (bench/data/<size>-<seed>/), then times each tool in a
fresh subprocess (imports and interpreter start included, as a user sees them), round-robin
over --repeat rounds, and prints the median and minimum wall time, the median CPU time
(user+sys) and the peak RSS of each as a Markdown table with the ratios to the bare PyYAML
load, then the performance bars of the issue for that size, with the load average. Results,
machine and workspace facts go to bench/results/<size>-<seed>.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from generate import SIZES, generate, workspace_bytes

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
CACHE_DIR = ".sra_cache"

SCHEMA_BY_FOLDER = {
    "inventory": "assets",
    "flows": "flows",
    "vendors": "vendors",
    "controls": "controls",
    "register": "risks",
    "signoffs": "signoffs",
}
"""Which exported schema (`<kind>.schema.json`) checks the files of each workspace folder."""
MANIFEST_SCHEMA = "sra.schema.json"
MAX_ARGS_CHARS = 100_000
"""Longest file-argument list passed to one check-jsonschema invocation (well under ARG_MAX)."""

BARS = (
    ("cold", "pyyaml", 0.5, "cold validate <= 0.5x bare PyYAML load"),
    ("warm", "pyyaml", 0.05, "warm validate <= 0.05x bare PyYAML load"),
    ("lint-cold", "cold", 1.5, "cold lint <= 1.5x cold validate"),
    ("lint-warm", "warm", 1.5, "warm lint <= 1.5x warm validate"),
)
"""(row, row it is compared with, limit, what the issue asks): the performance bars."""
SEED_BARS = (
    ("cold", "pyyaml", 0.35, "cold validate <= 0.35x bare PyYAML load"),
    ("lint-cold", "cold", 1.3, "cold lint <= 1.3x cold validate"),
    ("warm", "pyyaml", 0.05, "warm validate <= 0.05x bare PyYAML load"),
)
"""The seed shape's bars (issue 18, "Speed"): what most teams start with must be cheaper."""
BARS_BY_SHAPE = {"full": BARS, "seed": SEED_BARS}
TOOL_KEYS = (
    "pyyaml",
    "pyyaml-nogc",
    "ryml",
    "cold",
    "warm",
    "nocache",
    "startup",
    "lint-cold",
    "lint-warm",
    "lint-core",
    "lint-loader",
    "jsonschema",
)
FLOOR_KEYS = ("lint-core", "lint-loader")
"""Rows measured only when asked for: cold lints with rules left out, to show what the rest of
a lint costs (see "Floors" in bench/README.md). They are compared with cold validate, no bar."""
DEFAULT_TOOLS = tuple(key for key in TOOL_KEYS if key not in FLOOR_KEYS)
SRA_KEYS = frozenset(
    {"cold", "warm", "nocache", "startup", "lint-cold", "lint-warm", *FLOOR_KEYS, "jsonschema"}
)
FLOOR_RULES = {
    "lint-core": ("--ignore", "SRA109,SRA005"),
    "lint-loader": ("--select", "SRA0"),
}
"""What each floor row passes to `sra lint`: without the two rules that find once per free-text
control and per reference, and with the loader's own findings alone."""
LINT_TODAY = "2026-11-22"
"""Lint measures against a fixed date, so every run lints the same findings."""


class BenchError(Exception):
    """A measurement could not be made; the message says what failed and shows its stderr."""


@dataclass
class Run:
    """One timed subprocess (or several summed): wall and CPU seconds, peak RSS, exit, output."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    cpu: float = 0.0
    """User plus system CPU seconds of the process."""
    rss_mb: float = 0.0
    """The process's own peak resident set size (`wait4`'s ru_maxrss), in MB."""


@dataclass
class Tool:
    """A row of the table: how to measure it once, and what was measured so far."""

    key: str
    label: str
    measure: Callable[[], Run]
    prepare: Callable[[], None] = lambda: None
    runs: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    returncodes: list[int] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)
    warned: bool = False

    def median(self) -> float:
        """Median wall seconds over the runs."""
        return statistics.median(self.runs)

    def best(self) -> float:
        """Fastest run in wall seconds."""
        return min(self.runs)

    def cpu(self) -> float:
        """Median CPU seconds (user+sys) over the runs: steadier than wall time on a busy box."""
        return statistics.median(self.cpus)

    def peak(self) -> float:
        """Highest peak RSS of any run, in MB."""
        return max(self.rss)


def warn(message: str) -> None:
    """Print a warning to stderr."""
    print(f"warning: {message}", file=sys.stderr)


def tool_path(name: str) -> str | None:
    """The project venv's executable `name`, else one on PATH, else None."""
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


def timed(cmd: Sequence[str]) -> Run:
    """Run `cmd` to completion: its wall time, and its own CPU time and peak RSS (`wait4`)."""
    # Output goes to files, not pipes: `communicate` would reap the child before wait4 could
    # read its resource usage, and RUSAGE_CHILDREN's maxrss is the maximum over all children.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return Run(
        elapsed,
        proc.returncode,
        stdout,
        stderr,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
    )


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages (zeros where the platform has none)."""
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _errors(text: str, lines: int = 8) -> str:
    """The first error lines of `sra validate` output and its summary line."""
    all_lines = text.strip().splitlines()
    errors = [line for line in all_lines if " error " in line][:lines]
    return "\n".join([*errors, *all_lines[-1:]])


# --------------------------------------------------------------------------- workspace


def generator_digest() -> str:
    """Hash of the generator's modules: a changed generator means the stored workspace is stale."""
    digest = hashlib.sha256()
    for name in ("generate.py", "seed_shape.py"):
        digest.update((BENCH / name).read_bytes())
    return digest.hexdigest()


def ensure_workspace(
    data: Path, size: str, seed: int, regenerate: bool
) -> tuple[Path, float | None]:
    """The workspace for (size, seed) under `data`, generated if missing or stale."""
    workspace = data / f"{size}-{seed}"
    stamp = data / f"{size}-{seed}.stamp.json"
    digest = generator_digest()
    try:
        current = json.loads(stamp.read_text())["generator"] == digest
    except (OSError, ValueError, KeyError, TypeError):
        current = False
    if current and not regenerate and (workspace / "sra.yaml").exists():
        return workspace, None
    print(f"generating {size} workspace (seed {seed}) in {workspace} ...", file=sys.stderr)
    stamp.unlink(missing_ok=True)
    if workspace.exists():
        shutil.rmtree(workspace)
    started = time.perf_counter()
    generate(size, seed, workspace)
    elapsed = time.perf_counter() - started
    stamp.write_text(json.dumps({"generator": digest, "size": size, "seed": seed}) + "\n")
    return workspace, elapsed


def compile_package(src: Path | None = None) -> None:
    """Write hipaa-sra's bytecode (of `src`, else the installed package) before any row runs.

    An installed `sra` runs from bytecode. An editable install writes it on first use,
    unless PYTHONDONTWRITEBYTECODE is set, as on the machines the figures here come from:
    every run then compiled the whole package again (0.1-0.15 s of CPU a run, more for
    lint, which imports more of it), which no user pays.
    """
    import compileall
    import importlib.util

    if src is None:
        spec = importlib.util.find_spec("hipaa_sra")
        if spec is None or spec.origin is None:
            return  # not installed: the sra rows are skipped with a warning
        package = Path(spec.origin).parent
    else:
        package = src / "hipaa_sra"
    compileall.compile_dir(package, quiet=1)


def prime_page_cache(workspace: Path) -> None:
    """Read every file once so that no tool pays for the first read from disk."""
    for path in workspace.rglob("*.yaml"):
        path.read_bytes()


# --------------------------------------------------------------------------- tools


def bare_tool(key: str, label: str, python: str, workspace: Path, expected: int) -> Tool:
    """A bare-parser row: bench/bare_load.py in a fresh interpreter."""
    tool = Tool(key, label, lambda: Run(0.0, 0, "", ""))

    def measure() -> Run:
        run = timed([python, str(BENCH / "bare_load.py"), key, str(workspace)])
        if run.returncode != 0:
            raise BenchError(f"{label} failed (exit {run.returncode}):\n{_tail(run.stderr, 30)}")
        facts = json.loads(run.stdout.strip().splitlines()[-1])
        tool.details.append(facts)
        if facts["records"] != expected and not tool.warned:
            tool.warned = True
            warn(f"{label} loaded {facts['records']:,} records; the generator wrote {expected:,}")
        return run

    tool.measure = measure
    return tool


def check_sra(tool: Tool, run: Run) -> Run:
    """Accept exit 0, warn on 1 (findings in the workspace), stop on anything else."""
    if run.returncode not in (0, 1):
        raise BenchError(f"{tool.label} failed (exit {run.returncode}):\n{_tail(run.stderr, 30)}")
    if run.returncode == 1 and not tool.warned:
        tool.warned = True
        warn(
            f"{tool.label} exited 1: the generated workspace has errors; timings still count.\n"
            f"{_errors(run.stdout)}"
        )
    return run


def sra_tools(sra: str, workspace: Path) -> list[Tool]:
    """The `sra` rows: validate cold (no cache yet), warm, --no-cache, and bare start-up."""
    cache = workspace / CACHE_DIR
    validate = [sra, "validate", "--workspace", str(workspace)]

    def clear_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def fill_cache() -> None:
        if not cache.exists():
            check_sra(warm, timed(validate))

    cold = Tool(
        "cold", "sra validate (cold)", lambda: check_sra(cold, timed(validate)), prepare=clear_cache
    )
    warm = Tool(
        "warm", "sra validate (warm)", lambda: check_sra(warm, timed(validate)), prepare=fill_cache
    )
    nocache = Tool(
        "nocache",
        "sra validate --no-cache",
        lambda: check_sra(nocache, timed([*validate, "--no-cache"])),
    )
    startup = Tool(
        "startup",
        "sra --version (startup floor)",
        lambda: check_sra(startup, timed([sra, "--version"])),
    )
    lint = [sra, "lint", "--workspace", str(workspace), "--today", LINT_TODAY, "--format", "json"]
    # Lint exits 1 whenever it finds errors, which a synthetic workspace has; only 2 stops.
    lint_cold = Tool(
        "lint-cold",
        "sra lint (cold)",
        lambda: check_lint(lint_cold, timed(lint)),
        prepare=clear_cache,
    )

    def fill_lint_cache() -> None:
        check_lint(lint_warm, timed(lint))  # a no-op when the entry is already there

    lint_warm = Tool(
        "lint-warm",
        "sra lint (warm)",
        lambda: check_lint(lint_warm, timed(lint)),
        prepare=fill_lint_cache,
    )

    def floor(key: str) -> Tool:
        extra = FLOOR_RULES[key]
        row = Tool(key, f"sra lint {' '.join(extra)} (cold)", lambda: Run(0.0, 0, "", ""))
        row.measure = lambda: check_lint(row, timed([*lint, *extra]))
        row.prepare = clear_cache
        return row

    floors = [floor(key) for key in FLOOR_KEYS]
    return [cold, warm, nocache, startup, lint_cold, lint_warm, *floors]


def check_lint(tool: Tool, run: Run) -> Run:
    """Accept exit 0 or 1 (findings); stop on anything else."""
    if run.returncode not in (0, 1):
        raise BenchError(f"{tool.label} failed (exit {run.returncode}):\n{_tail(run.stderr, 30)}")
    return run


def export_schemas(sra: str, out: Path) -> None:
    """Write the JSON Schemas with `sra schema --out`; stop if that fails."""
    run = timed([sra, "schema", "--out", str(out)])
    if run.returncode != 0:
        raise BenchError(f"sra schema failed (exit {run.returncode}):\n{_tail(run.stderr, 30)}")


def jsonschema_batches(workspace: Path, schemas: Path) -> list[list[str]]:
    """check-jsonschema argument lists: one schema, many files, per kind (split if long)."""
    groups: list[tuple[Path, list[Path]]] = [(schemas / MANIFEST_SCHEMA, [workspace / "sra.yaml"])]
    for folder, kind in SCHEMA_BY_FOLDER.items():
        files = sorted((workspace / folder).glob("*.yaml")) if (workspace / folder).is_dir() else []
        if files:
            groups.append((schemas / f"{kind}.schema.json", files))
    batches: list[list[str]] = []
    for schema, files in groups:
        if not schema.exists():
            written = ", ".join(sorted(os.listdir(schemas)))
            raise BenchError(f"sra schema wrote no {schema.name} (it wrote: {written})")
        batch: list[str] = []
        length = 0
        for path in files:
            arg = str(path)
            if batch and length + len(arg) + 1 > MAX_ARGS_CHARS:
                batches.append(["--schemafile", str(schema), *batch])
                batch, length = [], 0
            batch.append(arg)
            length += len(arg) + 1
        batches.append(["--schemafile", str(schema), *batch])
    return batches


def jsonschema_tool(checker: str, batches: list[list[str]]) -> Tool:
    """The peer row: check-jsonschema over every file, invocations summed."""
    tool = Tool("jsonschema", "check-jsonschema (peer)", lambda: Run(0.0, 0, "", ""))

    def measure() -> Run:
        total = Run(0.0, 0, "", "")
        for args in batches:
            run = timed([checker, *args])
            total.seconds += run.seconds
            total.cpu += run.cpu
            total.rss_mb = max(total.rss_mb, run.rss_mb)
            if run.returncode not in (0, 1):
                raise BenchError(
                    f"check-jsonschema failed (exit {run.returncode}) on {args[1]}:\n"
                    f"{_tail(run.stderr or run.stdout, 30)}"
                )
            if run.returncode == 1:
                total.returncode = 1
                if not tool.warned:
                    tool.warned = True
                    warn(
                        f"check-jsonschema rejected files against {Path(args[1]).name}; "
                        f"timings still count.\n{_tail(run.stdout or run.stderr, 12)}"
                    )
        return total

    tool.measure = measure
    return tool


# --------------------------------------------------------------------------- facts


def machine_info(python: str) -> dict[str, Any]:
    """Platform, CPUs, memory, Python and the versions of the tools measured."""
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpu_model": None,
        "memory_gb": None,
        "runner_python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:
        pass
    probe = (
        "import json, platform, importlib.metadata as m\n"
        "v = {}\n"
        "for d in ('hipaa-sra', 'PyYAML', 'rapidyaml', 'pydantic', 'check-jsonschema',"
        " 'ruamel.yaml'):\n"
        "    try: v[d] = m.version(d)\n"
        "    except m.PackageNotFoundError: v[d] = None\n"
        "try:\n"
        "    import yaml; v['libyaml'] = bool(yaml.__with_libyaml__)\n"
        "except ImportError: v['libyaml'] = None\n"
        "print(json.dumps({'python': platform.python_version(), 'versions': v}))\n"
    )
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=False)
    if done.returncode == 0:
        probed = json.loads(done.stdout)
        info["python"] = probed["python"]
        info["versions"] = probed["versions"]
    return info


def ratio_text(value: float | None) -> str:
    """A ratio as `0.31x`, or `n/a`."""
    return "n/a" if value is None else f"{value:.3g}x"


def report(
    tools: list[Tool], header: str, bar_list: Sequence[tuple[str, str, float, str]]
) -> tuple[str, list[dict[str, Any]]]:
    """The Markdown table and bar lines, and the bars as data.

    A bar's verdict is taken on the median CPU time (user+sys), which other jobs on a shared
    machine move far less than the wall time; the wall-time ratio is printed beside it, and
    the CPU-time ratio of each round.
    """
    by_key = {tool.key: tool for tool in tools}
    base = by_key.get("pyyaml")
    lines = [
        header,
        "",
        "| tool | median s | min s | CPU s | peak RSS MB | ratio to PyYAML (wall / CPU) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for tool in tools:
        wall = tool.median() / base.median() if base else None
        cpu = tool.cpu() / base.cpu() if base and base.cpu() else None
        lines.append(
            f"| {tool.label} | {tool.median():.3f} | {tool.best():.3f} | {tool.cpu():.3f} "
            f"| {tool.peak():.0f} | {ratio_text(wall)} / {ratio_text(cpu)} |"
        )
    lines.append("")
    bars: list[dict[str, Any]] = []
    for key, base_key, limit, name in bar_list:
        if key not in by_key or base_key not in by_key:
            lines.append(f"- {name}: not measured")
            bars.append({"bar": name, "limit": limit, "ratio": None, "pass": None})
            continue
        tool, against = by_key[key], by_key[base_key]
        ratio = tool.cpu() / against.cpu() if against.cpu() else float("inf")
        wall = tool.median() / against.median()
        verdict = "PASS" if ratio <= limit else "FAIL"
        # Each round runs every row once: the ratio within a round shows how far the
        # machine's drift from one minute to the next moves the verdict.
        pairs = zip(tool.cpus, against.cpus, strict=True)
        rounds = [mine / theirs for mine, theirs in pairs if theirs]
        spread = ", ".join(f"{value:.3g}x" for value in rounds)
        lines.append(
            f"- {name}: **{verdict}** ({ratio:.3g}x in CPU time, {tool.cpu():.2f} s vs "
            f"{against.cpu():.2f} s; {wall:.3g}x wall, {tool.median():.2f} s vs "
            f"{against.median():.2f} s; round by round {spread})"
        )
        bars.append(
            {
                "bar": name,
                "limit": limit,
                "ratio": ratio,
                "wall_ratio": wall,
                "round_ratios": rounds,
                "pass": ratio <= limit,
            }
        )
    cold = by_key.get("cold")
    for tool in tools:
        if tool.key in FLOOR_KEYS and cold is not None and cold.cpu():
            pairs = zip(tool.cpus, cold.cpus, strict=True)
            spread = ", ".join(f"{mine / theirs:.3g}x" for mine, theirs in pairs if theirs)
            lines.append(
                f"- floor, no bar: {tool.label} is {tool.cpu() / cold.cpu():.3g}x cold validate "
                f"in CPU time ({tool.cpu():.2f} s; round by round {spread})"
            )
    return "\n".join(lines), bars


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="enterprise")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3, help="rounds; median and min reported")
    parser.add_argument(
        "--data",
        type=Path,
        default=BENCH / "data",
        help="where generated workspaces are kept (default bench/data)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=BENCH / "results",
        help="where the JSON results go (default bench/results)",
    )
    parser.add_argument(
        "--tools",
        default=",".join(DEFAULT_TOOLS),
        help=(
            f"comma-separated subset of {','.join(TOOL_KEYS)} (default all but "
            f"{','.join(FLOOR_KEYS)})"
        ),
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="generate the workspace again even if it exists"
    )
    args = parser.parse_args(argv)
    wanted = [key.strip() for key in args.tools.split(",") if key.strip()]
    unknown = sorted(set(wanted) - set(TOOL_KEYS))
    if unknown:
        parser.error(f"unknown tools {', '.join(unknown)}; choose from {', '.join(TOOL_KEYS)}")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    args.tools = [key for key in TOOL_KEYS if key in wanted]
    return args


def build_tools(
    keys: list[str], python: str, workspace: Path, expected: int, schema_dir: Path
) -> list[Tool]:
    """The rows to measure, in table order; rows whose program is missing are skipped."""
    tools: list[Tool] = []
    if "pyyaml" in keys:
        tools.append(
            bare_tool("pyyaml", "PyYAML CSafeLoader (bare load)", python, workspace, expected)
        )
    if "pyyaml-nogc" in keys:
        tools.append(
            bare_tool(
                "pyyaml-nogc",
                "PyYAML CSafeLoader, gc off (as sra runs)",
                python,
                workspace,
                expected,
            )
        )
    if "ryml" in keys:
        tools.append(
            bare_tool("ryml", "rapidyaml (bare parse+walk to Python)", python, workspace, expected)
        )
    sra = tool_path("sra")
    if sra is None and SRA_KEYS & set(keys):
        warn("`sra` is not installed (.venv/bin/sra); skipping the sra and check-jsonschema rows")
        return tools
    if sra is not None:
        tools.extend(tool for tool in sra_tools(sra, workspace) if tool.key in keys)
    if "jsonschema" in keys and sra is not None:
        checker = tool_path("check-jsonschema")
        if checker is None:
            warn(
                "check-jsonschema is not installed (.venv/bin/pip install check-jsonschema); "
                "skipping the peer row"
            )
        else:
            export_schemas(sra, schema_dir)
            tools.append(jsonschema_tool(checker, jsonschema_batches(workspace, schema_dir)))
    return tools


def main(argv: Sequence[str] | None = None) -> int:
    """Generate if needed, measure every tool, print the table and bars, write the JSON."""
    args = parse_args(argv)
    python = tool_path("python") or sys.executable
    data = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    workspace, generated = ensure_workspace(data, args.size, args.seed, args.regenerate)
    files, size = workspace_bytes(workspace)
    counts = SIZES[args.size].counts()
    expected = sum(counts.values())
    prime_page_cache(workspace)
    compile_package()
    load_before = load_average()
    try:
        with tempfile.TemporaryDirectory(prefix="sra-bench-schemas-") as schema_dir:
            tools = build_tools(args.tools, python, workspace, expected, Path(schema_dir))
            if not tools:
                print("nothing to measure", file=sys.stderr)
                return 2
            for round_ in range(1, args.repeat + 1):
                for tool in tools:
                    tool.prepare()
                    run = tool.measure()
                    tool.runs.append(run.seconds)
                    tool.cpus.append(run.cpu)
                    tool.rss.append(run.rss_mb)
                    tool.returncodes.append(run.returncode)
                    print(
                        f"[{round_}/{args.repeat}] {tool.label}: {run.seconds:.3f} s, "
                        f"CPU {run.cpu:.3f} s, {run.rss_mb:.0f} MB",
                        file=sys.stderr,
                    )
    except BenchError as exc:
        print(f"run.py: {exc}", file=sys.stderr)
        return 2
    load_after = load_average()
    header = (
        f"### {args.size} workspace, seed {args.seed}: {files} files, {size / 1e6:.1f} MB, "
        + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
        + f" (median of {args.repeat}); load average {load_before[0]:.1f} before, "
        + f"{load_after[0]:.1f} after"
    )
    table, bars = report(tools, header, BARS_BY_SHAPE[SIZES[args.size].shape])
    print(table)
    results = {
        "size": args.size,
        "seed": args.seed,
        "repeat": args.repeat,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workspace": {
            "path": str(workspace),
            "files": files,
            "bytes": size,
            "mb": round(size / 1e6, 2),
            "records": counts,
            "people": SIZES[args.size].people,
            "generated_seconds": generated,
        },
        "machine": machine_info(python),
        "load_average": {"before": load_before, "after": load_after},
        "tools": [
            {
                "key": tool.key,
                "label": tool.label,
                "median_s": tool.median(),
                "min_s": tool.best(),
                "runs_s": tool.runs,
                "median_cpu_s": tool.cpu(),
                "cpu_s": tool.cpus,
                "peak_rss_mb": tool.peak(),
                "rss_mb": tool.rss,
                "returncodes": tool.returncodes,
                "in_process_s": [d["seconds"] for d in tool.details] or None,
            }
            for tool in tools
        ],
        "bars": bars,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    out = args.results / f"{args.size}-{args.seed}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nresults: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
