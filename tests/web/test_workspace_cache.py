"""The request's workspace: loaded once per content version, results memoised on it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hipaa_sra.web.workspace import WorkspaceCache

from .conftest import TODAY


def test_an_unchanged_workspace_is_loaded_once(web_workspace: Path) -> None:
    cache = WorkspaceCache()
    first = cache.get(web_workspace)
    assert cache.get(web_workspace) is first
    assert first.lint(TODAY) is first.lint(TODAY)
    calls: list[int] = []
    count = first.derived("n", lambda ws: calls.append(1) or len(ws.risks))
    assert count == len(first.workspace.risks)
    first.derived("n", lambda ws: calls.append(1) or 0)
    assert calls == [1]


def test_an_edited_file_gives_a_new_version(web_workspace: Path) -> None:
    cache = WorkspaceCache()
    before = cache.get(web_workspace)
    manifest = web_workspace / "sra.yaml"
    text = manifest.read_text().replace("Northwind Telehealth, Inc.", "Northwind Health")
    manifest.write_text(text)
    after = cache.get(web_workspace)
    assert after is not before and after.title == "Northwind Health"


def test_a_new_file_gives_a_new_version(web_workspace: Path) -> None:
    cache = WorkspaceCache()
    before = cache.get(web_workspace)
    (web_workspace / "register" / "extra.yaml").write_text(
        "- id: R-NEW\n  asset: visits-db\n  threat: Ransomware\n  vuln: Unpatched host\n"
    )
    after = cache.get(web_workspace)
    assert len(after.workspace.risks) == len(before.workspace.risks) + 1


def test_a_touched_but_identical_file_is_reloaded_safely(web_workspace: Path) -> None:
    cache = WorkspaceCache(keep=1)
    before = cache.get(web_workspace)
    manifest = web_workspace / "sra.yaml"
    stat = manifest.stat()
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    after = cache.get(web_workspace)
    assert after is not before and after.title == before.title


def test_pages_see_the_edit_on_the_next_request(
    clients: dict[str, Any], web_workspace: Path
) -> None:
    assert "Northwind Telehealth, Inc." in clients["reader"].get("/").content.decode()
    manifest = web_workspace / "sra.yaml"
    manifest.write_text(manifest.read_text().replace("Northwind Telehealth, Inc.", "Renamed Co"))
    assert "Renamed Co" in clients["reader"].get("/").content.decode()


def test_a_workspace_that_does_not_load_is_a_page_not_a_traceback(
    clients: dict[str, Any], web_workspace: Path
) -> None:
    (web_workspace / "register" / "broken.yaml").write_text("- id: R-X\n  threat: a: b\n")
    response = clients["reader"].get("/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "register/broken.yaml:2:" in page and "invalid YAML" in page
    assert "Traceback" not in page


def test_a_changed_infrastructure_plan_is_linted_again(web_workspace: Path) -> None:
    cache = WorkspaceCache()
    version = cache.get(web_workspace)
    plans = sorted((web_workspace / "infrastructure").glob("*.json"))
    assert plans, "the example names a Terraform plan in discovery:"
    before = version.lint(TODAY)
    assert version.lint(TODAY) is before
    plans[0].write_text('{"format_version": "1.2", "resource_changes": []}')
    after = cache.get(web_workspace).lint(TODAY)
    assert after is not before
    assert [f.message for f in after.findings] != [f.message for f in before.findings]


def test_an_unreadable_plan_is_a_page_naming_it(
    clients: dict[str, Any], web_workspace: Path
) -> None:
    plan = sorted((web_workspace / "infrastructure").glob("*.json"))[0]
    plan.write_text("{not json")
    response = clients["reader"].get("/")
    assert response.status_code == 503
    assert f"{plan.name}:1:2: not valid JSON" in response.content.decode()
