"""In a real browser (Playwright driving Debian's chromium): first admin, TOTP, idle logoff."""

from __future__ import annotations

import base64
import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import PASSWORD, PG_SERVER
from .screenshots import screenshot
from .test_serve import SETUP, serving

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium under Playwright; skipped without it, except in CI."""
    if not CHROMIUM.exists():
        reason = f"no {CHROMIUM} (make test installs Debian's chromium when run as root)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def database_args(request: pytest.FixtureRequest) -> Iterator[tuple[str, ...]]:
    """`sra serve` arguments for a fresh database of each kind (none: embedded SQLite)."""
    if request.param == "sqlite":
        yield ()
        return
    import psycopg

    name = f"sra_web_browser_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ("--database-url", f"{PG_SERVER}/{name}")
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def code_for(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for a base32 `secret` (RFC 6238: 30 s, 6 digits)."""
    from django_otp.oath import TOTP

    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=30, t0=0, digits=6)
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"


def first_admin(page: Any, printed: str) -> str:
    """Create the first admin through the setup link and enrol TOTP; returns the secret."""
    link = SETUP.search(printed)
    assert link is not None, printed
    page.goto(link.group(1))
    screenshot(page, "setup")
    page.get_by_label("User name").fill("maria")
    page.get_by_label("Email").fill("maria.chen@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/mfa/enrol/$"))
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "enrol")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/mfa/backup-codes/$"))
    return secret


def test_first_admin_sets_up_totp_and_reaches_the_dashboard(
    browser: Any, web_workspace: Path, database_args: tuple[str, ...]
) -> None:
    with serving(web_workspace, *database_args) as (base, printed):
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        secret = first_admin(page, printed)
        codes = page.locator("#backup-codes code").all_inner_texts()
        assert len(codes) == 10 and len(set(codes)) == 10
        page.get_by_role("link", name="I have saved them: continue").click()
        page.wait_for_url(base + "/")
        assert page.locator("h1").inner_text() == "Northwind Telehealth, Inc."
        nav = page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()
        assert nav[0] == "Dashboard" and "Users" in nav and "Audit" in nav
        page.goto(base + "/audit/")
        assert "Chain intact" in page.inner_text("main")
        screenshot(page, "audit")
        page.goto(base + "/users/")
        assert "Invite a user" in page.inner_text("main")
        screenshot(page, "users")
        # No script ran inline, none was refused by the CSP, and htmx loaded from the app.
        assert errors == []
        assert page.evaluate("typeof window.htmx") == "object"
        # Signing in again: password, then a code from the same secret (next time step).
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(base + "/login/")
        page.get_by_label("Username").fill("maria")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(re.compile(r"/login/code/"))
        page.get_by_label("Code").fill(code_for(secret, at=time.time() + 30))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(base + "/")
        context.close()


def test_an_idle_session_is_signed_out(browser: Any, web_workspace: Path) -> None:
    with serving(web_workspace, "--idle-logoff", "5") as (base, printed):
        context = browser.new_context()
        page = context.new_page()
        first_admin(page, printed)
        page.goto(base + "/")
        assert page.locator("h1").inner_text() == "Northwind Telehealth, Inc."
        time.sleep(6)
        page.goto(base + "/users/")
        page.wait_for_url(re.compile(r"/login/\?next=/users/"))
        assert "Your session ended after 5 seconds without activity" in page.inner_text("main")
        context.close()
