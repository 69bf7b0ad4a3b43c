"""`sra history` and `sra diff` on real git repositories built in a temp dir."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hipaa_sra.history import timeline
from hipaa_sra.loading import load_workspace
from hipaa_sra.rules import lint

BASE = Path(__file__).parent / "rules" / "base"

RR7 = """\
- id: RR-7
  asset: warehouse
  threat: Bulk export of patient records
  vuln: No egress monitoring on the warehouse
  likelihood: high
  impact: high
  residual_risk: high
  remediation:
    - {control: Egress alerts on bulk queries, owner: bob, due: 2026-02-15, status: planned}
  last_reviewed: 2026-02-20
"""


def git(repo: Path, *args: str, day: str | None = None) -> str:
    """Run git in `repo` isolated from the user's config, with fixed dates when given."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if day is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    result = subprocess.run(
        [
            "git",
            "-c",
            "user.name=SRA Test",
            "-c",
            "user.email=sra@example.test",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.strip()


def commit(repo: Path, day: str, message: str, files: dict[str, str | None]) -> str:
    """Write (or delete, for None) `files` under `repo`, commit them on `day`, return the sha."""
    for rel, text in files.items():
        path = repo / rel
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, day=day)
    return git(repo, "rev-parse", "HEAD")


def _risks(repo: Path) -> str:
    return (repo / "sra" / "register" / "risks.yaml").read_text()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A repository whose workspace went through four commits (one broken), plus unrelated ones."""
    root = tmp_path_factory.mktemp("history") / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    shas: dict[str, Any] = {"root": root}
    shas["c0"] = commit(root, "2025-12-01", "Add the service", {"README.md": "service\n"})
    shutil.copytree(BASE, root / "sra")
    shas["c1"] = commit(root, "2026-01-05", "Start the SRA", {})
    git(root, "tag", "sra-2026-01")
    risks = _risks(root).replace(
        "  inherent_risk: low\n  current_controls: [CTL-ACCESS]\n  residual_risk: low\n",
        "  inherent_risk: low\n  current_controls: [CTL-ACCESS]\n  residual_risk: moderate\n",
        1,
    )
    shas["c2"] = commit(
        root, "2026-03-01", "Add RR-7, re-score RR-1", {"sra/register/risks.yaml": risks + RR7}
    )
    commit(root, "2026-03-10", "Docs only", {"README.md": "service, now with docs\n"})
    shas["c3"] = commit(
        root,
        "2026-04-01",
        "Broken edit",
        {"sra/register/risks.yaml": risks + RR7 + "- id: [unclosed\n"},
    )
    start = risks.index("- id: RR-3")
    fixed = risks[:start] + risks[risks.index("- id: RR-4") :]
    fixed = fixed.replace("status: planned", "status: done")
    shas["c4"] = commit(
        root,
        "2026-05-01",
        "Fix the register, close RR-6's item, drop RR-3",
        {"sra/register/risks.yaml": fixed + RR7},
    )
    return shas


@pytest.fixture
def sra_in(
    sra: Callable[..., Any], repo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Any]:
    """`sra` run from the repository's root."""
    monkeypatch.chdir(repo["root"])
    return sra


def _history(sra_in: Callable[..., Any], *args: str) -> Any:
    run = sra_in("history", "--workspace", "sra", "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def test_history_lists_workspace_commits_oldest_first_with_counts(sra_in, repo) -> None:
    doc = _history(sra_in)
    commits = doc["commits"]
    assert [c["commit"] for c in commits] == [repo["c1"], repo["c2"], repo["c3"], repo["c4"]]
    assert doc["order"] == "oldest-first" and doc["workspace"] == "sra/"
    first, second, broken, last = commits
    assert (first["date"], first["subject"], first["status"]) == (
        "2026-01-05",
        "Start the SRA",
        "ok",
    )
    assert first["author"] == "SRA Test"
    assert first["risks"] == 6 and first["residual"] == {"low": 6}
    assert first["remediation"] == {"open": 1, "overdue": 0}
    # RR-7's item was due 2026-02-15: overdue on the day it was committed.
    assert second["risks"] == 7 and second["residual"] == {"low": 5, "moderate": 1, "high": 1}
    assert second["remediation"] == {"open": 2, "overdue": 1}
    assert broken["status"] == "error" and broken["risks"] is None
    assert "sra/register/risks.yaml:" in broken["problem"]
    assert last["risks"] == 6 and last["residual"] == {"low": 4, "moderate": 1, "high": 1}
    assert last["remediation"] == {"open": 1, "overdue": 1}


def test_history_findings_are_lint_as_of_each_commit_date(sra_in, repo, tmp_path) -> None:
    commits = _history(sra_in)["commits"]
    root = repo["root"]
    for entry in (commits[0], commits[3]):
        copy = tmp_path / entry["short"]
        archive = subprocess.run(
            ["git", "archive", entry["commit"], "sra"],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=30,
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(copy, filter="data")
        report = lint(
            load_workspace(copy / "sra", use_cache=False), date.fromisoformat(entry["date"])
        )
        summary = report.summary()
        assert entry["findings"] == {k: summary[k] for k in ("error", "warning", "info")}


def test_history_text_limit_and_cache(sra_in, repo, monkeypatch) -> None:
    sra_in("history", "--workspace", "sra")  # fills the cache
    assert list((repo["root"] / "sra" / ".sra_cache").rglob("*.history"))

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached commit was loaded again")

    monkeypatch.setattr(timeline, "load_tree", no_loading)
    run = sra_in("history", "--workspace", "sra", "--limit", "2")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "History of sra/: 2 commits touching it, oldest first."
    assert "Broken edit" in lines[3] and "Fix the register" in lines[4]
    assert str(repo["c3"])[:7] in run.stdout and "does not load" in run.stdout
    assert "Docs only" not in run.stdout and "Start the SRA" not in run.stdout
    assert not run.stderr


def test_diff_names_added_removed_and_rescored_risks(sra_in, repo) -> None:
    run = sra_in("diff", "sra-2026-01", str(repo["c4"]), "--workspace", "sra", "--format", "json")
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["from"]["commit"] == repo["c1"] and doc["to"]["commit"] == repo["c4"]
    assert (doc["from"]["risks"], doc["to"]["risks"]) == (6, 6)
    assert [r["id"] for r in doc["risks"]["added"]] == ["RR-7"]
    assert doc["risks"]["added"][0]["residual"] == "high"
    assert [r["id"] for r in doc["risks"]["removed"]] == ["RR-3"]
    assert doc["risks"]["rescored"] == [
        {
            "id": "RR-1",
            "asset": "pg-primary",
            "changes": {"residual": {"old": "low", "new": "moderate"}},
        },
    ]
    remediation = doc["remediation"]
    assert [(i["risk"], i["new_status"]) for i in remediation["added"]] == [("RR-7", "planned")]
    assert [(i["risk"], i["old_status"], i["new_status"]) for i in remediation["closed"]] == [
        ("RR-6", "planned", "done")
    ]
    assert remediation["removed"] == []


def test_diff_text_report(sra_in, repo) -> None:
    run = sra_in("diff", "sra-2026-01", "--workspace", "sra")
    assert run.exit_code == 0, run.stderr
    text = run.stdout
    assert "from sra-2026-01 (" in text and "to HEAD (" in text
    assert "Risks: 6 -> 6 (residual: low 6 -> 4, moderate 0 -> 1, high 0 -> 1)" in text
    assert "  + RR-7  warehouse  residual high" in text
    assert "  - RR-3  backups  residual low" in text
    assert "  ~ RR-1  pg-primary  residual low -> moderate" in text
    closed = "Remediation closed (1):\n  x RR-6: Move to opaque patient references (planned -> done"
    assert closed in text


@pytest.mark.parametrize(
    ("refs", "message"),
    [
        (("no-such-tag",), "no-such-tag: no such commit, branch or tag"),
        # After `--` a ref may look like an option; git must not read it as one.
        (("--", "sra-2026-01", "--output=x"), "--output=x: no such commit"),
    ],
)
def test_unknown_refs_exit_2_with_one_line(sra_in, refs, message) -> None:
    run = sra_in("diff", "--workspace", "sra", *refs)
    assert run.exit_code == 2
    assert message in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_diff_where_the_workspace_is_absent_or_broken_exits_2(sra_in, repo) -> None:
    run = sra_in("diff", str(repo["c0"]), "--workspace", "sra")
    assert run.exit_code == 2 and "does not exist in commit" in run.stderr
    run = sra_in("diff", str(repo["c3"]), "--workspace", "sra")
    assert run.exit_code == 2
    assert run.stderr.startswith("sra/register/risks.yaml:") and f"at {repo['c3']}" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_outside_a_repository_both_exit_2_with_one_line(sra, tmp_path) -> None:
    shutil.copytree(BASE, tmp_path / "plain")
    for args in (("history",), ("diff", "HEAD")):
        run = sra(*args, "--workspace", "plain")
        assert run.exit_code == 2
        assert run.stderr.startswith("sra: plain: not in a git repository")
        assert len(run.stderr.strip().splitlines()) == 1


def test_history_of_a_workspace_never_committed(sra, tmp_path) -> None:
    shutil.copytree(BASE, tmp_path / "fresh" / "sra")
    git(tmp_path / "fresh", "init", "-q", "-b", "main")
    run = sra("history", "--workspace", "fresh/sra")
    assert run.exit_code == 0 and run.stdout.strip() == "No commit touches sra/ yet."
