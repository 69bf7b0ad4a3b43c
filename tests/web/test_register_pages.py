"""The register and risk pages: the example's rows, filters, orders, pages, htmx, audit."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

# The example's register: 62 risks; RR-2026-045 is its one high residual risk.
HIGH = "RR-2026-045"
ROWS = re.compile(r'<th scope="row"><a href="/register/risk/([^"]+)">')


def risk_ids(response: Any) -> list[str]:
    """The risk ids of the register table's rows, top to bottom."""
    return ROWS.findall(response.content.decode())


@pytest.fixture
def reader(clients: dict[str, Any]) -> Any:
    return clients["reader"]


def test_register_lists_fifty_risks_a_page_highest_residual_first(reader: Any) -> None:
    response = reader.get("/register/")
    assert response.status_code == 200
    ids = risk_ids(response)
    assert len(ids) == 50 and ids[0] == HIGH
    page = response.content.decode()
    assert "Risks 1&ndash;50 of 62" in page
    assert "Page 1 of 2" in page
    assert "ePHI in exception payloads is sent to an error-tracking vendor" in page
    second = reader.get("/register/?page=2")
    assert len(risk_ids(second)) == 12 and "Risks 51&ndash;62 of 62" in second.content.decode()
    assert not set(ids) & set(risk_ids(second))


def test_filters_narrow_the_register(reader: Any) -> None:
    assert risk_ids(reader.get("/register/?level=high")) == [HIGH]
    moderate = reader.get("/register/?level=moderate")
    assert "of 13" in moderate.content.decode() and len(risk_ids(moderate)) == 13
    planned = risk_ids(reader.get("/register/?status=planned"))
    assert planned and len(planned) < 62
    assert "RR-2026-002" in risk_ids(reader.get("/register/?asset=visits-db"))
    assert all(i != HIGH for i in risk_ids(reader.get("/register/?asset=visits-db")))
    owned = risk_ids(reader.get("/register/?owner=maria-chen"))
    assert owned and len(owned) < 62
    # Nothing is overdue on the pinned date in the example.
    assert "No risk matches these filters." in reader.get("/register/?overdue=on").content.decode()


def test_overdue_filter_as_of_a_later_day(web_app: Any, reader: Any) -> None:
    from django.test.utils import override_settings

    with override_settings(SRA_WEB_CONFIG=replace(web_app, today=date(2027, 6, 1))):
        page = reader.get("/register/?overdue=on&sort=due").content.decode()
    assert "overdue</span>" in page
    assert ROWS.findall(page)


def test_sort_orders_and_reverses(reader: Any) -> None:
    by_id = risk_ids(reader.get("/register/?sort=id"))
    assert by_id == sorted(by_id) and by_id[0] == "RR-2025-017"
    reverse = risk_ids(reader.get("/register/?sort=-id"))
    assert reverse[0] == max(by_id + risk_ids(reader.get("/register/?sort=id&page=2")))


def test_an_unknown_asset_or_level_says_so_and_shows_the_rest(reader: Any) -> None:
    response = reader.get("/register/?asset=no-such-asset&level=purple")
    page = response.content.decode()
    assert response.status_code == 200
    assert "No risk in the register is about an asset `no-such-asset`." in page
    assert "Select a valid choice" in page
    assert len(risk_ids(response)) == 50


def test_htmx_gets_only_the_table(reader: Any) -> None:
    response = reader.get("/register/?level=high", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="register-table"')
    assert "<html" not in page and risk_ids(response) == [HIGH]
    full = reader.get("/register/?level=high").content.decode()
    assert 'hx-get="/register/"' in full and 'method="get"' in full  # works without JS too


def test_register_views_are_audited(reader: Any) -> None:
    from hipaa_sra.web.models import AuditEntry

    reader.get("/register/?level=high")
    reader.get(f"/register/risk/{HIGH}")
    entries = list(AuditEntry.objects.order_by("seq").values_list("action", "object", "detail"))
    assert ("register.viewed", "register", '{"level":"high"}') in entries
    assert ("risk.viewed", f"risk:{HIGH}", "{}") in entries


def test_risk_page_shows_fields_remediation_and_findings(reader: Any) -> None:
    response = reader.get("/register/risk/RR-2026-002")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Compromise of the visits-api database role through a stolen Vault token" in page
    assert 'href="/inventory/asset/visits-db"' in page
    assert 'href="/controls/control/ctl-secrets-management"' in page
    assert "<code>register/clinical-platform.yaml:32:3</code>" in page  # in the workspace
    # Stated inherent `high` where the matrix gives moderate x high = moderate: SRA105 says so.
    assert "the matrix gives" in page
    assert "SRA1" in page.split("Findings about this risk")[1]


def test_risk_page_offers_edits_only_to_those_who_may(client_for: Any) -> None:
    from django.urls import NoReverseMatch, reverse

    try:
        edit = reverse("register-edit", args=[HIGH])
    except NoReverseMatch:
        pytest.skip("the risk edit page is not installed")
    assert edit not in client_for("reader").get(f"/register/risk/{HIGH}").content.decode()
    assert edit in client_for("editor").get(f"/register/risk/{HIGH}").content.decode()


def test_unknown_risk_is_404(reader: Any) -> None:
    assert reader.get("/register/risk/RR-0000-000").status_code == 404
