"""Inventory, flows, vendors and controls: lists and record pages with the example's values."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest


@pytest.fixture
def reader(clients: dict[str, Any]) -> Any:
    return clients["reader"]


def text(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def test_inventory_lists_every_asset_with_its_risks(reader: Any) -> None:
    page = text(reader, "/inventory/")
    assert "Assets 1&ndash;45 of 45" in page
    assert 'href="/inventory/asset/visits-db"' in page
    assert "patient_records Aurora PostgreSQL cluster (primary)" in page


def test_asset_page_shows_attributes_risks_controls_and_flows(reader: Any) -> None:
    page = text(reader, "/inventory/asset/visits-db")
    assert "patient_records Aurora PostgreSQL cluster (primary)" in page
    assert "2026-11-16" in page  # last vulnerability scan
    assert 'href="/register/risk/RR-2026-002"' in page
    assert "<code>migrations/patient_records/*.sql</code>" in page
    assert "<code>inventory/data-stores.yaml:4:3</code>" in page
    assert reader.get("/inventory/asset/no-such-asset").status_code == 404


def test_flows_list_and_flow_page(reader: Any) -> None:
    page = text(reader, "/flows/")
    assert "Flows 1&ndash;42 of 42" in page
    assert 'href="/flows/flow/flow-web-to-public-api"' in page
    flow = text(reader, "/flows/flow/flow-web-to-public-api")
    assert 'href="/inventory/asset/patient-web-app"' in flow
    assert "OAuth 2.0 bearer token (Cognito for patients, Okta for workforce)" in flow
    assert reader.get("/flows/flow/nope").status_code == 404


def test_vendors_show_baa_dates_and_standing(reader: Any) -> None:
    page = text(reader, "/vendors/")
    row = page.split('href="/vendors/vendor/faultline"')[1].split("</tr>")[0]
    assert "2025-09-30" in row and "baa-expired" in row
    mailwell = page.split('href="/vendors/vendor/mailwell"')[1].split("</tr>")[0]
    assert "baa-pending" in mailwell
    okta = page.split('href="/vendors/vendor/okta"')[1].split("</tr>")[0]
    assert "baa-not-required" in okta
    vendor = text(reader, "/vendors/vendor/faultline")
    assert "Faultline Error Tracking, Inc." in vendor and "expired" in vendor
    assert "faultline-baa-2023-10-01.pdf" in vendor


def test_a_baa_ending_within_90_days_is_expiring(web_app: Any, reader: Any) -> None:
    from django.test.utils import override_settings

    # tidewater's BAA ends 2028-01-19: expiring from 90 days before.
    with override_settings(SRA_WEB_CONFIG=replace(web_app, today=date(2027, 11, 1))):
        page = text(reader, "/vendors/")
    assert "baa-expiring" in page.split('href="/vendors/vendor/tidewater"')[1].split("</tr>")[0]


def test_controls_show_evidence_and_freshness(reader: Any) -> None:
    page = text(reader, "/controls/")
    row = page.split('href="/controls/control/ctl-risk-analysis"')[1].split("</tr>")[0]
    assert "2026-02-12" in row and "2027-02-12" in row and "fresh-current" in row
    criticality = page.split('href="/controls/control/ctl-data-criticality"')[1].split("</tr>")[0]
    assert "fresh-none" in criticality
    control = text(reader, "/controls/control/ctl-risk-analysis")
    assert "Signatures checked against the allowed-signers file" in control
    assert "git tag sra-2026-02-12; /security-evidence/2026-Q1/sra-signoff/" in control


def test_evidence_past_its_refresh_date_is_stale(web_app: Any, reader: Any) -> None:
    from django.test.utils import override_settings

    with override_settings(SRA_WEB_CONFIG=replace(web_app, today=date(2027, 3, 1))):
        page = text(reader, "/controls/control/ctl-risk-analysis")
    assert "fresh-stale" in page


def test_long_lists_are_paged(web_workspace: Any, reader: Any) -> None:
    flows = "".join(
        f"- id: extra-{n:02d}\n  from: visits-api\n  to: visits-db\n  ephi: true\n"
        for n in range(60)
    )
    (web_workspace / "flows" / "extra.yaml").write_text(flows)
    first = text(reader, "/flows/")
    assert "Flows 1&ndash;50 of 102" in first and "Page 1 of 3" in first
    assert 'href="?page=2"' in first
    second = text(reader, "/flows/?page=2")
    assert "Flows 51&ndash;100 of 102" in second

    def ids(page: str) -> set[str]:
        return set(re.findall(r'href="/flows/flow/([^"]+)"', page))

    assert len(ids(first)) == len(ids(second)) == 50 and not ids(first) & ids(second)
    assert "Flows 101&ndash;102 of 102" in text(reader, "/flows/?page=9")
    assert "Flows 1&ndash;50 of 102" in text(reader, "/flows/?page=abc")
