"""A scan's result as JSON (the documented contract), plain text, or SARIF 2.1.0."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .._version import __version__
from .types import ScanResult, SourceResult

SCHEMA_VERSION = 1


def summary(result: ScanResult) -> dict[str, Any]:
    """Totals, the identifier types found (columns per type) and what could not be scanned."""
    types: Counter[str] = Counter()
    columns = phi_columns = 0
    for source in result.sources:
        for table in source.tables:
            for column in table.columns:
                columns += 1
                phi_columns += any(ident.type.is_phi for ident in column.identifiers)
                types.update(ident.type.value for ident in column.identifiers)
    return {
        "sources": len(result.sources),
        "tables": sum(len(source.tables) for source in result.sources),
        "columns": columns,
        "columns_with_phi": phi_columns,
        "rows_sampled": sum(source.rows_sampled for source in result.sources),
        "phi_found": phi_columns > 0,
        "types": dict(sorted(types.items())),
        "unscanned": [
            {"source": u.source, "table": u.table, "error": u.error} for u in result.unscanned
        ],
        "detector_version": result.detector_version,
    }


def source_json(source: SourceResult, *, samples: bool) -> dict[str, Any]:
    """One source as the JSON contract writes it."""
    tables = []
    for table in source.tables:
        columns = []
        for column in table.columns:
            item: dict[str, Any] = {
                "column": column.column,
                "identifiers": [
                    {"type": i.type.value, "confidence": i.confidence, "share": i.share}
                    for i in column.identifiers
                ],
            }
            if samples and column.samples:
                item["samples"] = list(column.samples)
            columns.append(item)
        tables.append(
            {"table": table.table, "rows_sampled": table.rows_sampled, "columns": columns}
        )
    return {"source": source.source, "asset": source.asset, "error": source.error, "tables": tables}


def to_json(
    result: ScanResult, *, samples: bool = False, findings: list[dict[str, Any]] | None = None
) -> str:
    """The JSON contract: schema_version, sources (tables, columns, identifiers), summary."""
    total = summary(result)
    total["findings"] = findings or []
    doc = {
        "schema_version": SCHEMA_VERSION,
        "sources": [source_json(s, samples=samples) for s in result.sources],
        "summary": total,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_text(
    result: ScanResult, *, samples: bool = False, findings: list[dict[str, Any]] | None = None
) -> str:
    """One line per column with identifiers; errors and reconciliation findings after."""
    lines: list[str] = []
    for source in result.sources:
        head = source.source + (f" (asset {source.asset})" if source.asset else "")
        lines.append(head)
        if source.error:
            lines.append(f"  error: {source.error}")
        for table in source.tables:
            found = [c for c in table.columns if c.identifiers]
            lines.append(
                f"  {table.table}: {table.rows_sampled:,} rows, "
                f"{len(table.columns)} columns, {len(found)} with identifiers"
            )
            for column in found:
                kinds = ", ".join(
                    f"{i.type.value}{'' if i.type.is_phi else ' (not PHI)'} "
                    f"{i.share:.0%} conf {i.confidence:.2f}"
                    for i in column.identifiers
                )
                lines.append(f"    {column.column}: {kinds}")
                if samples and column.samples:
                    lines.append(f"      samples: {', '.join(column.samples)}")
        lines.extend(f"  not scanned: {skipped.error}" for skipped in source.unscanned)
    total = summary(result)
    lines.append("")
    lines.append(
        f"{total['rows_sampled']:,} rows sampled in {total['tables']} tables; "
        f"{total['columns_with_phi']} of {total['columns']} columns hold PHI"
        + (f"; {len(total['unscanned'])} could not be scanned" if total["unscanned"] else "")
    )
    lines.extend(f"{f['severity']}[{f['rule']}] {f['message']}" for f in findings or [])
    return "\n".join(lines) + "\n"


def to_sarif(result: ScanResult, *, findings: list[dict[str, Any]] | None = None) -> str:
    """SARIF 2.1.0: one result per identifier found in a column, one per reconciliation finding."""
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for source in result.sources:
        for table in source.tables:
            for column in table.columns:
                for ident in column.identifiers:
                    rule_id = f"identifier/{ident.type.value}"
                    rules.setdefault(
                        rule_id,
                        {
                            "id": rule_id,
                            "shortDescription": {"text": f"{ident.type.value} found in data"},
                        },
                    )
                    level = "warning" if ident.type.is_phi else "note"
                    results.append(
                        {
                            "ruleId": rule_id,
                            "level": level,
                            "message": {
                                "text": f"{table.table}.{column.column}: {ident.type.value}"
                                f" in {ident.share:.0%} of {column.values} values "
                                f"(confidence {ident.confidence:.2f})"
                            },
                            "locations": [_location(source.source, table.table, column.column)],
                        }
                    )
    for finding in findings or []:
        rules.setdefault(
            finding["rule"], {"id": finding["rule"], "shortDescription": {"text": finding["name"]}}
        )
        results.append(
            {
                "ruleId": finding["rule"],
                "level": "error" if finding["severity"] == "error" else "note",
                "message": {"text": finding["message"]},
                "locations": [_location(finding["source"], None, None)],
            }
        )
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sra scan",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _location(source: str, table: str | None, column: str | None) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": source}}}
    if table is not None:
        name = f"{table}.{column}" if column else table
        location["logicalLocations"] = [{"name": name, "kind": "member"}]
    return location
