"""The dashboard shows the workspace's title and its lint summary."""

from __future__ import annotations

from typing import Any


def test_dashboard_shows_title_and_lint_counts(clients: dict[str, Any]) -> None:
    response = clients["reader"].get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Northwind Telehealth, Inc." in page
    assert "Findings by severity" in page


def test_signed_out_visitor_is_sent_to_login(web_app: Any) -> None:
    from django.test import Client

    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/")
