"""Dashboard, findings and exceptions: the figures a compliance officer reads first."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hipaa_sra import load_workspace, workspace_digest


@pytest.fixture
def reader(clients: dict[str, Any]) -> Any:
    return clients["reader"]


def text(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def test_dashboard_shows_signoff_digest_ocr_elements_and_lint_by_family(
    web_workspace: Path, reader: Any
) -> None:
    page = text(reader, "/")
    assert workspace_digest(load_workspace(web_workspace)) in page
    assert "compliance-officer" in page and "signoff-unsigned" in page
    assert page.count('class="badge element-') == 9
    assert "Determine the Level of Risk" in page
    for family in ("workspace", "register", "inventory", "controls", "coverage", "documentation"):
        assert f'href="/findings/?family={family}"' in page
    assert 'href="/register/risk/RR-2026-045"' in page.split("Highest residual risks")[1]
    assert "This workspace is not in a git repository" not in page


def test_dashboard_lists_expired_baas_and_next_events(reader: Any) -> None:
    page = text(reader, "/")
    baas = page.split("BAAs expired or expiring within 90 days (1)")[1].split("</section>")[0]
    assert "Faultline Error Tracking, Inc." in baas and "2025-09-30" in baas
    events = page.split("Next calendar events")[1].split("</section>")[0]
    assert "2026-03-18" in events and "Vendor verification: LabBridge" in events
    assert "No remediation is overdue." in page


def test_dashboard_lists_overdue_remediation_longest_late_first(web_app: Any, reader: Any) -> None:
    from django.test.utils import override_settings

    with override_settings(SRA_WEB_CONFIG=replace(web_app, today=date(2027, 9, 1))):
        page = text(reader, "/")
    overdue = page.split("Overdue remediation (")[1].split("</section>")[0]
    count = int(overdue.split(")")[0])
    assert count > 0
    late = [int(n) for n in re.findall(r'<td class="num">(\d+)</td></tr>', overdue)]
    assert late == sorted(late, reverse=True) and late


def test_dashboard_says_when_the_workspace_is_not_in_git(
    web_app: Any, reader: Any, tmp_path: Path
) -> None:
    from django.test.utils import override_settings

    outside = tmp_path / "outside" / "sra"
    shutil.copytree(web_app.workspace, outside)
    with override_settings(SRA_WEB_CONFIG=replace(web_app, workspace=outside)):
        page = text(reader, "/")
    assert "This workspace is not in a git repository." in page


def test_findings_filter_by_family_and_severity(reader: Any) -> None:
    everything = text(reader, "/findings/")
    found = re.search(r"Findings 1&ndash;\d+ of (\d+)", everything)
    assert found is not None
    total = int(found.group(1))
    errors = text(reader, "/findings/?severity=error")
    shown = re.search(r"Findings 1&ndash;\d+ of (\d+)", errors)
    assert shown is not None and 0 < int(shown.group(1)) < total
    rows = errors.split("<tbody>")[2]  # the first is the summary by family
    assert "badge error" in rows and "badge warning" not in rows
    documentation = text(reader, "/findings/?family=documentation&severity=error")
    assert "SRA502" in documentation and "<code>sra.yaml:105:7</code>" in documentation
    assert "SRA1" not in documentation.split("<tbody>")[2]


def test_findings_by_code_and_waived(reader: Any) -> None:
    page = text(reader, "/findings/?code=sra502")
    assert page.count("<code>SRA502</code>") == 2
    waived = text(reader, "/findings/?waived=yes")
    assert "No finding matches these filters." in waived or "badge muted" in waived


def test_exceptions_list_accepted_risks_with_rationale_and_approver(reader: Any) -> None:
    page = text(reader, "/findings/exceptions/")
    assert "Accepted exceptions and waivers" in page
    accepted = page.split('id="table-accepted-risks"')[1]
    assert "Retire JupyterHub in favour of Snowflake notebooks" in accepted
    assert "maria-chen" in accepted
    # An acceptance without rationale or approver is shown as such.
    assert "not recorded" in accepted


def test_the_dashboard_judges_each_controls_evidence_once(
    reader: Any, web_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lint, the OCR elements and the calendar all read the controls' evidence: the first
    # dashboard of a version works it out once, in the version's shared indexes, not once
    # for each of them (seconds at 20,000 controls).
    import hipaa_sra.analysis.facts as facts_module

    judged: list[str | None] = []
    real = facts_module.control_evidence

    def spy(control: Any, days: int | None) -> Any:
        judged.append(control.id)
        return real(control, days)

    monkeypatch.setattr(facts_module, "control_evidence", spy)
    page = text(reader, "/")
    assert "Next calendar events" in page
    controls = [c.id for c in load_workspace(web_workspace, use_cache=False).controls]
    assert sorted(judged) == sorted(controls)
