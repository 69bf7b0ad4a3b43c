"""Security headers, cookies, templates without inline script, the deployment checks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client

import hipaa_sra.web

TEMPLATES = Path(hipaa_sra.web.__file__).parent / "templates"


def test_every_page_carries_the_security_headers(clients: dict[str, Any]) -> None:
    pages = (
        (Client(), "/login/"),
        (clients["admin"], "/"),
        (clients["admin"], "/users/"),
        (clients["reader"], "/audit/"),
    )
    for client, path in pages:
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_cookies_are_secure_httponly_and_samesite(web_users: Any) -> None:
    client = Client()
    client.get("/login/")
    client.post("/login/", {"username": "reader", "password": web_users["reader"].password})
    for name in ("sra_session", "sra_csrf"):
        morsel = client.cookies[name]
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Strict", name


def test_no_template_has_inline_script_style_or_handlers() -> None:
    offending = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"\son[a-z]+\s*=",
            r"\sstyle\s*=",
            r"<style\b",
            r"javascript:",
            r"\bhx-on",
        ):
            offending += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offending == []


def test_htmx_comes_from_the_app_not_a_cdn(clients: dict[str, Any]) -> None:
    page = clients["reader"].get("/").content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", page)


def test_csrf_is_enforced_on_forms(web_users: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "reader", "password": "x"})
    assert response.status_code == 403 and "This form expired" in response.content.decode()


def _sra(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("SRA_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "hipaa_sra", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_checks_pass_behind_a_tls_proxy(web_workspace: Path) -> None:
    run = _sra(
        "web",
        "check",
        "--workspace",
        str(web_workspace),
        "--behind-tls-proxy",
        "--allowed-host",
        "sra.example.com",
        cwd=web_workspace.parent,
    )
    assert run.returncode == 0, run.stderr
    assert "Deployment checks passed." in run.stdout


def test_deployment_checks_name_what_plain_http_lacks(web_workspace: Path) -> None:
    run = _sra("web", "check", "--workspace", str(web_workspace), cwd=web_workspace.parent)
    assert run.returncode == 1
    assert "security.W004" in run.stderr and "security.W008" in run.stderr
