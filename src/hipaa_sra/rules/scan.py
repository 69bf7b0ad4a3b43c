"""Scan evidence rules (SRA2xx): what `sra scan --record-evidence` found, held against `ephi:`."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Severity
from ..model import Asset, CategoryGroup, EphiStatus, Workspace
from .base import Context, Family, Hit, Rule


def _phi_found_out_of_scope(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for asset in ws.assets:
        if asset.ephi is not EphiStatus.ABSENT:
            continue
        for index, entry in enumerate(asset.scan):
            evidence = entry.evidence
            if evidence is None or not evidence.phi_found:
                continue
            control = (
                f"; the control that keeps ePHI out, `{asset.scoped_out_by}` "
                "(scoped_out_by), has failed"
                if asset.scoped_out_by
                else ""
            )
            types = f" ({', '.join(evidence.types)})" if evidence.types else ""
            when = f" on {evidence.date}" if evidence.date else ""
            where = entry.source or "a listed source"
            yield Hit(
                f"asset `{asset.label}` says `ephi: absent`, but the scan of {where}{when} found "
                f"PHI{types}{control}; remove the data and scan again, or set `ephi: present` "
                "and analyse the asset",
                asset,
                ("scan", index, "evidence", "phi_found"),
            )


def _reachable(asset: Asset, ctx: Context) -> bool:
    """True if a data flow ends at the asset."""
    return asset.id is not None and any(
        flow.to == asset.id for flow in ctx.facts.flows_by_node.get(asset.id, ())
    )


def _absent_without_evidence(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for asset in ws.assets:
        if (
            asset.ephi is not EphiStatus.ABSENT
            or asset.group is not CategoryGroup.DATA_AT_REST
            or not _reachable(asset, ctx)
            or asset.is_unknown("scan")
        ):
            continue
        if not any(entry.evidence is not None for entry in asset.scan):
            yield Hit(
                f"data store `{asset.label}` says `ephi: absent` and data flows reach it, but no "
                "scan backs the claim; list where its data can be read under `scan:` and run "
                "`sra scan --record-evidence`",
                asset,
                ("ephi",),
            )


_CITE = "45 CFR 164.308(a)(1)(ii)(A); 164.514(b)(2) (Safe Harbor identifiers)"

SCAN_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA210",
        name="phi-found-out-of-scope",
        severity=Severity.ERROR,
        family=Family.INVENTORY,
        summary="A recorded scan found PHI in an asset marked `ephi: absent`.",
        citation=_CITE,
        rationale=(
            "An asset outside the analysis holds identifiers of patients: the scope is wrong, or "
            "the control that was to keep ePHI out (its `scoped_out_by`) has failed. Either way "
            "the analysis does not cover ePHI that exists, the finding OCR cites most."
        ),
        fix=(
            "Remove the data and record a clean scan, or set `ephi: present` and add the asset's "
            "risks."
        ),
        example="  ephi: present",
        check=_phi_found_out_of_scope,
    ),
    Rule(
        code="SRA211",
        name="ephi-absent-without-scan-evidence",
        severity=Severity.INFO,
        family=Family.INVENTORY,
        summary="A data store that flows reach says `ephi: absent` with no recorded scan.",
        citation=_CITE,
        rationale=(
            "`ephi: absent` on a store that data flows reach is a claim; a scan of its data is the "
            "evidence. Stores nobody scanned are where audits find ePHI the analysis missed."
        ),
        fix="List the store's data under `scan:` and run `sra scan --record-evidence`.",
        example="  scan:\n    - source: exports/clickstream/",
        check=_absent_without_evidence,
    ),
)
"""Scan evidence rules SRA210-SRA211."""
