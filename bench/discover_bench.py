"""Benchmark: `sra discover` on a large generated Terraform plan, against a bare `json.load`.

    python bench/discover_bench.py [--resources 100000] [--seed 42] [--repeat 3]

A seeded generator writes a `terraform show -json` plan (format 1.2) with --resources
resource changes: data stores (S3 buckets with their separate encryption and public-access
resources, RDS instances and clusters, DynamoDB tables, log groups) spread over nested
modules, and the IAM, network and compute resources that make up most real plans, plus the
`configuration` block with the references between them. Rows, all in one run on the same
file, each in a fresh subprocess so that its peak memory is its own:

- peer: `json.load` of the file, then a walk over `resource_changes` reading each
  resource's type, address and `after` values (what any reader of a plan has to do).
- `sra discover PLAN --format json`, the whole command: reading, mapping, joins,
  reconciliation with no workspace, JSON output (counted as written, not kept).

The bar from the discovery issue: `sra discover` within 1.5x of the peer's time. Peak
memory (max RSS) is reported for both: the streaming reader's stays flat as plans grow,
the peer's grows with the file (try --resources 700000 for a plan of about 500 MB).
Results go to bench/results/discover-<resources>-<seed>.json. See README.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results"
BAR = 1.5

_PEER = """
import json, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    plan = json.load(handle)
count = 0
for change in plan["resource_changes"]:
    after = change["change"].get("after") or {}
    count += bool(change["type"]) + bool(change["address"]) + len(after)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "max_rss_kb": resource.getrusage(
    resource.RUSAGE_SELF).ru_maxrss, "walked": count}))
"""

_DISCOVER = """
import contextlib, json, resource, sys, time
from hipaa_sra.cli import main

class Sink:
    # Counts the stores in the output as it is written, keeping none of it: holding the
    # output (or parsing it back) would be measured as the command's memory.
    def __init__(self):
        self.stores = 0
    def write(self, text):
        self.stores += text.count('{"source_key": ')
        return len(text)
    def flush(self):
        pass

sink = Sink()
start = time.perf_counter()
sys.argv = ["sra", "discover", sys.argv[1], "--format", "json"]
with contextlib.redirect_stdout(sink):
    try:
        main()  # the `sra` entry point, as the command runs it
    except SystemExit as exc:
        if exc.code:
            raise
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "max_rss_kb": resource.getrusage(
    resource.RUSAGE_SELF).ru_maxrss, "stores": sink.stores}))
"""

_NOISE = (
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_security_group",
    "aws_subnet",
    "aws_instance",
    "aws_route_table",
    "aws_lb_target_group",
    "aws_kms_key",
)


def _change(
    module: str, rtype: str, name: str, after: dict[str, Any], unknown: dict[str, Any]
) -> dict[str, Any]:
    address = f"{module}.{rtype}.{name}" if module else f"{rtype}.{name}"
    item: dict[str, Any] = {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": False,
            "after_sensitive": {"tags": {}},
        },
    }
    if module:
        item["module_address"] = module
    return item


def generate(resources: int, seed: int, path: Path) -> dict[str, int]:
    """Write the plan to `path`; return counts by kind."""
    rng = random.Random(seed)
    changes: list[dict[str, Any]] = []
    modules: dict[str, list[dict[str, Any]]] = {}
    counts = {"stores": 0, "other": 0}
    n = 0
    while len(changes) < resources:
        module = f"module.team_{n % 40}.module.svc_{n % 7}" if n % 3 else ""
        tags = {
            "Name": f"r{n}",
            "team": f"team-{n % 40}",
            "data-classification": "phi" if rng.random() < 0.2 else "internal",
        }
        roll = rng.random()
        config = modules.setdefault(module, [])
        if roll < 0.12:
            bucket = f"bucket_{n}"
            changes.append(
                _change(
                    module,
                    "aws_s3_bucket",
                    bucket,
                    {"bucket": f"b-{n}", "force_destroy": False, "tags": tags},
                    {"id": True, "arn": True},
                )
            )
            for sub, after in (
                (
                    "aws_s3_bucket_server_side_encryption_configuration",
                    {
                        "rule": [
                            {
                                "apply_server_side_encryption_by_default": [
                                    {"sse_algorithm": "aws:kms"}
                                ]
                            }
                        ]
                    },
                ),
                (
                    "aws_s3_bucket_public_access_block",
                    {"block_public_acls": True, "block_public_policy": True},
                ),
            ):
                changes.append(_change(module, sub, bucket, {"bucket": f"b-{n}", **after}, {}))
                config.append(
                    {
                        "address": f"{sub}.{bucket}",
                        "mode": "managed",
                        "type": sub,
                        "name": bucket,
                        "expressions": {
                            "bucket": {
                                "references": [
                                    f"aws_s3_bucket.{bucket}.id",
                                    f"aws_s3_bucket.{bucket}",
                                ]
                            }
                        },
                    }
                )
            counts["stores"] += 1
            counts["other"] += 2
        elif roll < 0.2:
            changes.append(
                _change(
                    module,
                    "aws_db_instance",
                    f"db_{n}",
                    {
                        "identifier": f"db-{n}",
                        "engine": "postgres",
                        "storage_encrypted": rng.random() < 0.9,
                        "publicly_accessible": False,
                        "backup_retention_period": rng.choice((0, 7, 35)),
                        "deletion_protection": True,
                        "enabled_cloudwatch_logs_exports": ["postgresql"],
                        "multi_az": rng.random() < 0.5,
                        "tags": tags,
                    },
                    {"endpoint": True, "arn": True},
                )
            )
            counts["stores"] += 1
        elif roll < 0.25:
            changes.append(
                _change(
                    module,
                    "aws_dynamodb_table",
                    f"table_{n}",
                    {
                        "name": f"t-{n}",
                        "billing_mode": "PAY_PER_REQUEST",
                        "hash_key": "id",
                        "server_side_encryption": [],
                        "tags": tags,
                    },
                    {"arn": True},
                )
            )
            counts["stores"] += 1
        elif roll < 0.3:
            changes.append(
                _change(
                    module,
                    "aws_cloudwatch_log_group",
                    f"logs_{n}",
                    {
                        "name": f"/svc/{n}",
                        "retention_in_days": 365,
                        "kms_key_id": None,
                        "tags": tags,
                    },
                    {"arn": True},
                )
            )
            counts["stores"] += 1
        else:
            rtype = rng.choice(_NOISE)
            changes.append(
                _change(
                    module,
                    rtype,
                    f"r_{n}",
                    {
                        "name": f"r-{n}",
                        "description": "generated " * rng.randint(2, 12),
                        "tags": tags,
                    },
                    {"id": True, "arn": True},
                )
            )
            counts["other"] += 1
        n += 1
    root: dict[str, Any] = {"resources": modules.get("", []), "module_calls": {}}
    for module, resources_config in modules.items():
        if not module:
            continue
        node = root
        for part in module.split(".")[1::2]:
            call = node["module_calls"].setdefault(
                part, {"source": f"./{part}", "module": {"resources": [], "module_calls": {}}}
            )
            node = call["module"]
        node["resources"].extend(resources_config)
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": changes[:resources],
        "configuration": {"root_module": root},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        json.dump(plan, handle)
    return counts


def _run(code: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the plan, time both rows --repeat times, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)
    path = DATA / f"discover-plan-{args.resources}-{args.seed}.json"
    if args.regenerate or not path.exists():
        generate(args.resources, args.seed, path)
    size_mb = path.stat().st_size / 2**20
    rows: dict[str, list[dict[str, Any]]] = {"json.load + walk": [], "sra discover": []}
    for _ in range(args.repeat):
        rows["json.load + walk"].append(_run(_PEER, path))
        rows["sra discover"].append(_run(_DISCOVER, path))
    summary = {
        name: {
            "median_s": statistics.median(r["seconds"] for r in runs),
            "min_s": min(r["seconds"] for r in runs),
            "max_rss_mb": max(r["max_rss_kb"] for r in runs) / 1024,
        }
        for name, runs in rows.items()
    }
    ratio = summary["sra discover"]["median_s"] / summary["json.load + walk"]["median_s"]
    print(f"plan: {args.resources:,} resources, {size_mb:.1f} MB ({path})")
    for name, row in summary.items():
        print(
            f"  {name:18} median {row['median_s']:6.2f} s  min {row['min_s']:6.2f} s  "
            f"peak RSS {row['max_rss_mb']:7.1f} MB"
        )
    print(f"  ratio {ratio:.2f} (bar: {BAR})  stores found: {rows['sra discover'][0]['stores']:,}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"discover-{args.resources}-{args.seed}.json"
    out.write_text(
        json.dumps(
            {
                "resources": args.resources,
                "seed": args.seed,
                "size_mb": size_mb,
                "rows": summary,
                "ratio": ratio,
                "python": platform.python_version(),
                "machine": platform.machine(),
            },
            indent=2,
        )
        + "\n"
    )
    return 0 if ratio <= BAR else 1


if __name__ == "__main__":
    sys.exit(main())
