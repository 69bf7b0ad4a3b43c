"""Where BAAs, evidence and remediation stand as of a day, as the web pages show them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hipaa_sra.analysis.evidence import EvidenceStatus
from hipaa_sra.analysis.standing import (
    BaaState,
    Freshness,
    baa_state,
    evidence_freshness,
    expiring_baas,
    overdue_remediation,
)
from hipaa_sra.model import Risk, Vendor, Workspace

TODAY = date(2026, 3, 1)


def vendor(exposure: str = "stores", **baa: Any) -> Vendor:
    row: dict[str, Any] = {"id": "v", "name": "V", "ephi_exposure": exposure}
    if baa:
        row["baa"] = baa
    return Vendor.model_validate(row)


@pytest.mark.parametrize(
    ("made", "state"),
    [
        (vendor(status="executed"), BaaState.CURRENT),
        (vendor(status="executed", expires="9999-12-31"), BaaState.CURRENT),
        (vendor(status="executed", expires="2026-05-30"), BaaState.EXPIRING),  # 90 days on
        (vendor(status="executed", expires="2026-05-31"), BaaState.CURRENT),  # 91 days on
        (vendor(status="executed", expires="2026-03-01"), BaaState.EXPIRING),  # ends today
        (vendor(status="executed", expires="2026-02-28"), BaaState.EXPIRED),
        (vendor(status="pending"), BaaState.PENDING),
        (vendor(status="none"), BaaState.MISSING),
        (vendor(), BaaState.MISSING),
        (vendor("conduit"), BaaState.NOT_REQUIRED),
        (vendor("none", status="executed", expires="2020-01-01"), BaaState.NOT_REQUIRED),
        (vendor("conduit", status="executed", expires="2020-01-01"), BaaState.EXPIRED),
        (vendor(status="not-required"), BaaState.NOT_REQUIRED),
    ],
)
def test_baa_state(made: Vendor, state: BaaState) -> None:
    assert baa_state(made, TODAY) is state


def test_expiring_baas_lists_expired_and_expiring_soonest_first() -> None:
    rows = (
        Vendor.model_validate(
            {
                "id": "late",
                "name": "L",
                "ephi_exposure": "stores",
                "baa": {"status": "executed", "expires": "2026-04-01"},
            }
        ),
        Vendor.model_validate(
            {
                "id": "gone",
                "name": "G",
                "ephi_exposure": "processes",
                "baa": {"status": "executed", "expires": "2025-12-01"},
            }
        ),
        Vendor.model_validate(
            {
                "id": "fine",
                "name": "F",
                "ephi_exposure": "stores",
                "baa": {"status": "executed", "expires": "2027-12-01"},
            }
        ),
    )
    ws = Workspace(root=Path("/nonexistent"), manifest=None, vendors=rows)
    assert [(v.id, s) for v, s in expiring_baas(ws, TODAY)] == [
        ("gone", BaaState.EXPIRED),
        ("late", BaaState.EXPIRING),
    ]


@pytest.mark.parametrize(
    ("status", "freshness"),
    [
        (EvidenceStatus(True, (), date(2026, 1, 1), date(2026, 12, 31)), Freshness.CURRENT),
        (EvidenceStatus(True, (), date(2025, 1, 1), date(2026, 2, 28)), Freshness.STALE),
        (EvidenceStatus(True, (), date(2025, 1, 1), date(2026, 3, 1)), Freshness.CURRENT),
        (EvidenceStatus(False, ("when (date)",), None, None), Freshness.NONE),
        (EvidenceStatus(None, (), None, None), Freshness.UNKNOWN),
        (EvidenceStatus(True, (), date(2026, 1, 1), None), Freshness.UNKNOWN),
    ],
)
def test_evidence_freshness(status: EvidenceStatus, freshness: Freshness) -> None:
    assert evidence_freshness(status, TODAY) is freshness


def test_overdue_remediation_is_sra103s_items_longest_overdue_first() -> None:
    def risk(risk_id: str, *items: tuple[str, str]) -> Risk:
        return Risk.model_validate(
            {
                "id": risk_id,
                "asset": "db",
                "threat": "t",
                "vuln": "v",
                "likelihood": "low",
                "impact": "low",
                "remediation": [
                    {"control": f"{risk_id} {status}", "status": status, "due": due}
                    for status, due in items
                ],
            }
        )

    ws = Workspace(
        root=Path("/nonexistent"),
        manifest=None,
        risks=(
            risk("R-1", ("planned", "2026-02-20"), ("done", "2020-01-01")),
            risk("R-2", ("in_progress", "2026-01-01"), ("deferred", "2025-01-01")),
            risk("R-3", ("planned", "2026-03-01")),
        ),
    )
    found = overdue_remediation(ws, TODAY)
    assert [(entry.risk.id, entry.days_late) for entry in found] == [("R-2", 59), ("R-1", 9)]
