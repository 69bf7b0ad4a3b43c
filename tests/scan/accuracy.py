"""Column-level recall and precision per identifier type over seeded labelled tables."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from hipaa_sra.scan.engine import Options, Target, scan

from .data import columns

# Types found from values alone keep their verdict when the column's name says nothing.
VALUE_TYPES = frozenset(
    {
        "name",
        "address",
        "zip",
        "date",
        "phone",
        "email",
        "ssn",
        "health-plan-id",
        "account-number",
        "vehicle-id",
        "device-id",
        "url",
        "ip-address",
        "npi",
    }
)


# Columns whose values alone cannot show their type: a lone surname, a city, a 5-digit
# ZIP code, a member id or a serial number look like many other things.
NEEDS_NAME = frozenset({"last_name", "city", "zip", "member_id", "device_serial"})


def measure(
    folder: Path,
    seeds: range,
    rows: int,
    *,
    neutral: bool = False,
) -> dict[str, tuple[int, int, int]]:
    """Type -> (true positives, false negatives, false positives), over every seed.

    With `neutral`, columns get names that say nothing (`col_7`) and only types that
    values alone can show are labelled; hint-only columns are left out.
    """
    tally: dict[str, Counter[str]] = {}
    for seed in seeds:
        data = columns(seed, rows)
        labels: dict[str, str | None] = {}
        frame: dict[str, list[str]] = {}
        for i, (name, (label, values)) in enumerate(data.items()):
            if neutral:
                if name in NEEDS_NAME or (
                    label is not None and label not in VALUE_TYPES and label != "fax"
                ):
                    continue
                label = "phone" if label == "fax" else label  # a fax number is a phone number
                name = f"col_{i}"
            labels[name] = label
            frame[name] = values
        path = folder / f"seed-{seed}{'-neutral' if neutral else ''}.csv"
        pl.DataFrame(frame).write_csv(path)
        [source] = scan([Target(str(path))], Options()).sources
        for column in source.tables[0].columns:
            found = {i.type.value for i in column.identifiers}
            label = labels[column.column]
            if label is not None:
                counts = tally.setdefault(label, Counter())
                counts["tp" if label in found else "fn"] += 1
            for other in found - {label}:
                tally.setdefault(other, Counter())["fp"] += 1
    return {t: (c["tp"], c["fn"], c["fp"]) for t, c in sorted(tally.items())}


def table(results: dict[str, tuple[int, int, int]]) -> str:
    """A Markdown table: type, columns, recall, precision."""
    lines = ["| type | columns | recall | precision |", "|---|---|---|---|"]
    for t, (tp, fn, fp) in results.items():
        recall = tp / (tp + fn) if tp + fn else 1.0
        precision = tp / (tp + fp) if tp + fp else 1.0
        lines.append(f"| {t} | {tp + fn} | {recall:.3f} | {precision:.3f} |")
    return "\n".join(lines)
