"""The report's evidence from infrastructure code: what `sra discover` read for each asset.

Machine evidence is kept apart from what people wrote: each row names the resource, the
input it was read from and the date of the run, so an auditor can tell a typed "yes" from
one the infrastructure code states.
"""

from __future__ import annotations

from ..discover import Store
from .document import Cell, CellValue, Table, Tone
from .inputs import MISSING, ReportInputs


def _fact(value: object, *, good: bool = True) -> CellValue:
    if isinstance(value, bool):
        return Cell("yes" if value else "no", Tone.GOOD if value is good else Tone.BAD)
    if isinstance(value, int):
        return f"{value} days"
    return MISSING if value is None else "not stated"


def infrastructure_table(i: ReportInputs) -> Table | None:
    """One row per asset-resource link, or None when the run read no infrastructure."""
    result = i.discovery
    if result is None:
        return None
    rows = [
        _row(asset_id, store, i)
        for asset_id in sorted(result.by_asset)
        for store in result.by_asset[asset_id]
    ]
    note = (
        f"Machine evidence read from infrastructure code on {i.today.isoformat()} "
        f"({len(result.discovery.inputs)} inputs); {len(result.undeclared)} data stores "
        "no asset links are listed under the findings."
    )
    return i.table(
        "infrastructure",
        "Evidence from infrastructure code",
        (
            "Asset",
            "Resource",
            "Input",
            "Encrypted at rest",
            "Publicly accessible",
            "Logging",
            "Backup retention",
            "MFA",
            "Observed",
        ),
        rows,
        empty="No asset links a resource of the infrastructure inputs.",
        order=note,
    )


def _row(asset_id: str, store: Store, i: ReportInputs) -> tuple[CellValue, ...]:
    facts = store.attributes
    return (
        asset_id,
        f"{store.source_key} ({store.type})",
        store.input,
        _fact(facts["encryption_at_rest"]),
        _fact(facts["publicly_accessible"], good=False),
        _fact(facts["logging"]),
        _fact(facts["backup_retention_days"]),
        _fact(facts["mfa"]),
        i.today.isoformat(),
    )
