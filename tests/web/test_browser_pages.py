"""In a real browser: the read pages with the example's data, the register filtered by htmx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .screenshots import screenshot
from .test_browser import browser, first_admin  # noqa: F401 (the module's browser fixture)
from .test_serve import serving

pytestmark = pytest.mark.browser


def test_walk_the_read_pages(browser: Any, web_workspace: Path) -> None:  # noqa: F811
    with serving(web_workspace, "--today", "2026-03-01") as (base, printed):
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        first_admin(page, printed)
        page.goto(base + "/")
        main = page.inner_text("main")
        assert "OCR risk analysis elements" in main and "Faultline Error Tracking" in main
        screenshot(page, "dashboard")

        # The register: the filter form updates the table in place and the address follows.
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Register").click()
        page.wait_for_url(base + "/register/")
        assert "Risks 1\N{EN DASH}50 of 62" in page.inner_text("main")
        page.get_by_label("Residual level").select_option("moderate")
        page.wait_for_url(re.compile(r"/register/\?.*level=moderate"))
        page.wait_for_function(
            "document.querySelector('.result-count').textContent.includes('of 13')"
        )
        rows = page.locator("#register-table tbody tr")
        assert rows.count() == 13
        screenshot(page, "register")
        assert page.locator("h1").inner_text() == "Risk register"  # the page was not replaced
        page.get_by_role("link", name="Next due", exact=True).click()
        page.wait_for_url(re.compile(r"sort=due"))

        # A risk, then the asset it is about.
        page.goto(base + "/register/risk/RR-2026-045")
        assert "ePHI in exception payloads" in page.inner_text("main")
        screenshot(page, "risk")
        page.get_by_role("link", name="error-tracking-project").first.click()
        page.wait_for_url(re.compile(r"/inventory/asset/error-tracking-project$"))

        page.goto(base + "/findings/?severity=error")
        assert "SRA502" in page.inner_text("main")
        screenshot(page, "findings")
        page.get_by_role("link", name="Exceptions: waivers and accepted risks").click()
        assert "Accepted risks" in page.inner_text("main")

        page.goto(base + "/controls/")
        assert "ctl-risk-analysis" in page.inner_text("main")
        screenshot(page, "controls")
        page.goto(base + "/vendors/vendor/faultline")
        assert "expired" in page.inner_text("main")

        page.goto(base + "/history/")
        assert "The example workspace" in page.inner_text("main")
        page.goto(base + "/report/")
        with page.expect_popup() as popup:
            page.get_by_role("link", name="Read the report (HTML)").click()
        document = popup.value
        document.wait_for_load_state()
        assert "HIPAA Security Risk Analysis" in document.inner_text("body")
        assert errors == []
        context.close()
