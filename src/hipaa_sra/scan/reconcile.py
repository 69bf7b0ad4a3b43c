"""Scan results against the inventory: PHI where an asset says `ephi: absent`, and proposals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .types import ScanResult, SourceResult

if TYPE_CHECKING:
    from ..model import Asset

OUT_OF_SCOPE = "phi-found-out-of-scope"


def _types(source: SourceResult) -> str:
    found = sorted({t.value for table in source.tables for t in table.phi_types})
    return ", ".join(found)


def reconcile(result: ScanResult, assets: dict[str, Asset]) -> list[dict[str, Any]]:
    """Findings for sources tied to assets: an error per absent asset with PHI, else proposals."""
    findings: list[dict[str, Any]] = []
    if not assets:
        return findings
    # Assets come from a loaded workspace, so the models are imported by now; a scan
    # without a workspace does not import them.
    from ..model import EphiStatus

    for source in result.sources:
        asset = assets.get(source.asset) if source.asset else None
        if asset is None or asset.id is None:
            continue
        base = {"source": source.source, "asset": asset.id}
        if source.phi_found and asset.ephi is EphiStatus.ABSENT:
            control = (
                f"; the control that keeps ePHI out, `{asset.scoped_out_by}` "
                "(scoped_out_by), has failed"
                if asset.scoped_out_by
                else ""
            )
            findings.append(
                {
                    **base,
                    "rule": OUT_OF_SCOPE,
                    "name": OUT_OF_SCOPE,
                    "severity": "error",
                    "message": f"asset `{asset.id}` says `ephi: absent`, but "
                    f"{source.source} holds PHI ({_types(source)}){control}; "
                    "remove the data, or set `ephi: present` and analyse "
                    "the asset",
                }
            )
        elif asset.ephi is EphiStatus.POSSIBLE and source.error is None:
            if source.phi_found:
                text = (
                    f"asset `{asset.id}` says `ephi: possible`; {source.source} holds PHI "
                    f"({_types(source)}): set `ephi: present`"
                )
            elif not source.unscanned:
                text = (
                    f"asset `{asset.id}` says `ephi: possible`; no PHI was found in "
                    f"{source.source} ({source.rows_sampled:,} rows sampled): set "
                    "`ephi: absent` if this source is all it holds"
                )
            else:
                continue
            findings.append(
                {
                    **base,
                    "rule": "ephi-proposal",
                    "name": "ephi-proposal",
                    "severity": "info",
                    "message": text,
                }
            )
    return findings


def out_of_scope(findings: list[dict[str, Any]]) -> bool:
    """True if PHI was found in an asset marked `ephi: absent`."""
    return any(f["name"] == OUT_OF_SCOPE for f in findings)
