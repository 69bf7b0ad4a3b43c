"""Editing in a real browser: a risk, a conflict, evidence, both sign-offs, a refused reader."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from hipaa_sra.editing import Ref, Set, apply_changes
from hipaa_sra.loading import load_workspace

from .conftest import PASSWORD, TODAY
from .screenshots import screenshot
from .test_browser import browser, code_for, database_args, first_admin  # noqa: F401 (fixtures)
from .test_serve import serving

pytestmark = pytest.mark.browser

RISK = "RR-2026-001"
RISK_FILE = "register/clinical-platform.yaml"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sra(*args: str) -> subprocess.CompletedProcess[str]:
    """The `sra` command, as a person runs it next to the app."""
    return subprocess.run(
        [sys.executable, "-m", "hipaa_sra", *args], capture_output=True, text=True, check=False
    )


def invite(admin: Any, base: str, username: str, person: str | None) -> str:
    """Invite `username` (linked to `person`) on the Users page; returns the one-time link."""
    admin.goto(base + "/users/")
    admin.get_by_label("User name").fill(username)
    if person:
        admin.get_by_label("Person in sra.yaml").select_option(person)
    admin.get_by_role("button", name="Create invitation link").click()
    return str(admin.locator("#invite-link").inner_text().strip())


def accept(chromium: Any, base: str, link: str) -> Any:
    """Accept an invitation in a fresh browser: password, TOTP enrolment; returns the page."""
    page = chromium.new_context().new_page()
    page.goto(link)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/mfa/enrol/$"))
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r"/mfa/backup-codes/$"))
    page.get_by_role("link", name="I have saved them: continue").click()
    page.wait_for_url(base + "/")
    return page


def test_editing_conflicts_evidence_and_both_signoffs_in_a_browser(
    browser: Any,  # noqa: F811
    web_workspace: Path,
    database_args: tuple[str, ...],  # noqa: F811
) -> None:
    with serving(web_workspace, "--today", TODAY.isoformat(), *database_args) as (base, printed):
        admin = browser.new_context().new_page()
        secret = first_admin(admin, printed)
        admin.get_by_role("link", name="I have saved them: continue").click()
        admin.goto(base + "/users/")
        admin.locator("select[id^=person-]").first.select_option("maria-chen")
        admin.get_by_role("button", name="Link").first.click()
        editor = accept(browser, base, invite(admin, base, "lucas", "lucas-moreno"))
        reader = accept(browser, base, invite(admin, base, "rita", None))

        # Edit a risk: the commit names the editor; every other byte of the file stays.
        path = web_workspace / RISK_FILE
        before = path.read_text()
        editor.goto(base + f"/register/edit/{RISK}")
        editor.get_by_label("Likelihood").select_option("high")
        screenshot(editor, "edit-risk")
        editor.get_by_role("button", name="Save").click()
        editor.wait_for_url(base + f"/register/risk/{RISK}")
        assert "Saved: update risks RR-2026-001: likelihood" in editor.inner_text("main")
        assert path.read_text() == before.replace(
            "  likelihood: moderate\n  impact: high\n  inherent_risk: moderate\n",
            "  likelihood: high\n  impact: high\n  inherent_risk: moderate\n",
            1,
        )
        log = subprocess.run(
            ["git", "log", "-1", "--format=%an|%s"],
            cwd=web_workspace,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert log == f"Lucas Moreno|sra: update risks {RISK}: likelihood"

        # A conflicting edit: someone saves the risk while the form is open.
        editor.goto(base + f"/register/edit/{RISK}")
        editor.get_by_label("Threat", exact=True).fill("Ransomware through a stolen admin key")
        apply_changes(web_workspace, [Set(Ref("risks", RISK), ("vuln",), "Found in the audit")])
        theirs = path.read_bytes()
        editor.get_by_role("button", name="Save").click()
        assert editor.get_by_role("heading", name="Someone else changed this record").count()
        assert "Found in the audit" in editor.inner_text(".conflict")
        assert (
            editor.get_by_label("Threat", exact=True).input_value()
            == "Ransomware through a stolen admin key"
        )
        assert path.read_bytes() == theirs
        screenshot(editor, "conflict")

        # Evidence: stored under a generated name, its sha256 in the control's YAML.
        control = load_workspace(web_workspace).controls[0].id
        editor.goto(base + f"/controls/evidence/{control}")
        editor.get_by_label("What it shows").fill("Quarterly MFA enrolment report")
        editor.get_by_label("Document").set_input_files(
            {"name": "report.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        editor.get_by_role("button", name="Attach").click()
        editor.wait_for_url(base + f"/controls/control/{control}")
        digest = hashlib.sha256(PDF).hexdigest()
        text = "".join(p.read_text() for p in (web_workspace / "controls").glob("*.yaml"))
        assert f"sha256: {digest}" in text

        # A reader is refused an edit.
        reader.goto(base + f"/register/edit/{RISK}")
        assert "403" in reader.title() or "permission" in reader.inner_text("main").lower()
        assert reader.locator("form.edit-form").count() == 0

        # Both sign-offs: engineering with `sra signoff`, compliance in the browser.
        cli = sra(
            "signoff",
            "--workspace",
            str(web_workspace),
            "--role",
            "engineering-owner",
            "--name",
            "David Okafor",
            "--email",
            "david.okafor@example.com",
            "--accept-findings",
            "Known gaps, planned",
            "--today",
            TODAY.isoformat(),
        )
        assert cli.returncode == 0, cli.stderr
        admin.goto(base + "/signoff/sign/")
        admin.wait_for_url(re.compile(r"/reauthenticate/"))
        admin.get_by_label("Password").fill(PASSWORD)
        admin.get_by_label("Code from your authenticator app").fill(
            code_for(secret, at=time.time() + 30)
        )
        admin.get_by_role("button", name="Confirm").click()
        admin.wait_for_url(base + "/signoff/sign/")
        admin.get_by_label("Why sign with errors open").fill("Known gaps, planned")
        screenshot(admin, "signoff")
        admin.get_by_role("button", name="Sign the SRA").click()
        admin.wait_for_url(base + "/signoff/")
        assert "Signed as compliance-officer" in admin.inner_text("main")
        verified = sra("verify", "--workspace", str(web_workspace))
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "in the web app as maria after password and TOTP" in verified.stdout
        proven = sra("web", "verify-audit", "--workspace", str(web_workspace), *database_args)
        assert proven.returncode == 0, proven.stdout + proven.stderr
        assert "Web sign-offs proven: 1" in proven.stdout
