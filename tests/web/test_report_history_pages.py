"""Report and history pages: the document as `sra report` makes it, and the register's past."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import git


@pytest.fixture
def reader(clients: dict[str, Any]) -> Any:
    return clients["reader"]


def test_report_page_shows_the_cover_and_links_every_format(reader: Any) -> None:
    page = reader.get("/report/").content.decode()
    assert "HIPAA Security Risk Analysis" in page and "NOT SIGNED" in page
    for link in (
        "/report/document",
        "/report/download/pdf",
        "/report/download/docx",
        "/report/download/html",
    ):
        assert f'href="{link}"' in page
    assert "Accepted exceptions and waivers" in page


def test_html_report_is_served_in_a_sandbox_without_scripts(reader: Any) -> None:
    response = reader.get("/report/document")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "script-src" not in policy
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    body = response.content.decode()
    assert "<style>" in body and "Northwind Telehealth" in body
    assert "Content-Disposition" not in response


def test_downloads_are_attachments(reader: Any) -> None:
    docx = reader.get("/report/download/docx")
    assert docx.status_code == 200
    assert docx["Content-Disposition"] == 'attachment; filename="sra-report-2026-03-01.docx"'
    assert docx.content[:2] == b"PK"  # a zip container, as DOCX is
    html = reader.get("/report/download/html")
    assert html["Content-Disposition"].startswith("attachment;")
    assert reader.get("/report/download/exe").status_code == 404


def test_pdf_download(reader: Any) -> None:
    pdf = reader.get("/report/download/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Type"] == "application/pdf"


def test_history_lists_commits_and_compares_two(web_workspace: Path, reader: Any) -> None:
    register = web_workspace / "register" / "messaging-and-vendors.yaml"
    text = register.read_text()
    register.write_text(
        text.replace(
            "  residual_risk: high\n  last_reviewed: 2026-10-14",
            "  residual_risk: low\n  last_reviewed: 2026-10-14",
            1,
        )
    )
    git(web_workspace.parent, "commit", "-q", "-am", "Lower RR-2026-045 after the new BAA")
    page = reader.get("/history/").content.decode()
    assert "Lower RR-2026-045 after the new BAA" in page and "The example workspace" in page
    shas = re.findall(r'<option value="([0-9a-f]{40})"', page)
    old, new = shas[-1], shas[0]
    diff = reader.get(f"/history/?a={old}&b={new}").content.decode()
    assert "Risks re-scored (1)" in diff
    assert "<strong>RR-2026-045</strong>: residual went from high to low" in diff


def test_history_refuses_revisions_it_did_not_list(reader: Any) -> None:
    page = reader.get("/history/?a=HEAD~1&b=--output=/tmp/x").content.decode()
    assert "Choose both revisions from the list of commits." in page


def test_history_outside_git_says_so(web_app: Any, reader: Any, tmp_path: Path) -> None:
    import shutil
    from dataclasses import replace

    from django.test.utils import override_settings

    outside = tmp_path / "outside" / "sra"
    shutil.copytree(web_app.workspace, outside)
    with override_settings(SRA_WEB_CONFIG=replace(web_app, workspace=outside)):
        page = reader.get("/history/").content.decode()
    assert "not in a git repository" in page
