"""`sra gate` on real git repositories built in a temp dir, plus the matcher's glob semantics."""

from __future__ import annotations

import json
import random
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pathspec import GitIgnoreSpec

from conftest import MANIFEST, Run, write_files
from hipaa_sra.formats.gate import gate_github
from hipaa_sra.gate import AssetDecision, AssetMatcher, GateResult, parse_trailer
from hipaa_sra.gate.match import index_key

ASSETS = """\
- id: visits-api
  name: Visits service
  category: service
  ephi: present
  code_paths:
    - services/visits/**
    - "!services/visits/docs/**"
- id: patients-db
  name: Patients database
  category: database
  ephi: possible
  code_paths:
    - migrations/patients/
- id: billing-api
  name: Billing service
  category: service
  ephi: present
  code_paths:
    - services/billing/**
- id: marketing-site
  name: Marketing site
  category: service
  ephi: absent
  code_paths:
    - web/marketing/**
"""

RISKS = """\
- id: RR-1
  asset: visits-api
  threat: Credential theft
  vuln: Long-lived tokens
  likelihood: moderate
  impact: high
- id: RR-2
  asset: billing-api
  threat: Misrouted invoices
  vuln: No address validation
  likelihood: low
  impact: moderate
"""

FLOWS = """\
- id: F-1
  from: visits-api
  to: patients-db
  ephi: true
  protocol: postgres
"""

CONTROLS = """\
- id: C-1
  name: Billing access review
  safeguard: administrative
  assets: [billing-api]
"""

WORKSPACE = {
    "sra/sra.yaml": MANIFEST,
    "sra/inventory/assets.yaml": ASSETS,
    "sra/register/risks.yaml": RISKS,
    "sra/flows/flows.yaml": FLOWS,
    "sra/controls/controls.yaml": CONTROLS,
    "services/visits/app.py": "print('visits')\n",
    "services/billing/app.py": "print('billing')\n",
    "README.md": "hello\n",
}


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git config: identity, hooks and default branch are the test's own."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
        monkeypatch.setenv(variable, "Test")
    for variable in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
        monkeypatch.setenv(variable, "test@example.com")


def git(root: Path, *args: str) -> str:
    """Run git in `root`; fail the test on error."""
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return result.stdout


def commit(root: Path, files: dict[str, str | None], message: str = "change") -> None:
    """Write (or with None, delete) files and commit everything."""
    for rel, content in files.items():
        if content is None:
            (root / rel).unlink()
        else:
            write_files(root, {rel: content})
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose `main` holds the workspace and some code; HEAD is branch `feature`."""
    git(tmp_path, "init", "-q", "-b", "main")
    write_files(tmp_path, WORKSPACE)
    (tmp_path / ".gitignore").write_text(".sra_cache/\n")
    commit(tmp_path, {}, "initial")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def edit_code(root: Path, path: str = "services/visits/app.py") -> dict[str, str | None]:
    return {path: (root / path).read_text() + "# edited\n" if (root / path).exists() else "x\n"}


# --- the decision ------------------------------------------------------------------------


def test_untouched_assets_pass(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, {"README.md": "changed\n"})
    run = sra("gate")
    assert run.exit_code == 0, run.stdout
    assert "nothing to consult; the gate passes" in run.stdout
    assert "main...HEAD" in run.stdout


def test_touching_ephi_code_without_consultation_fails(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, edit_code(repo))
    run = sra("gate")
    assert run.exit_code == 1
    assert "FAIL visits-api (ePHI present)" in run.stdout
    assert "services/visits/app.py  matches services/visits/**" in run.stdout
    assert "SRA-Reviewed: visits-api: <why the risk analysis needs no change>" in run.stdout
    assert "(RR-1)" in run.stdout  # the risk a register edit could touch


def test_a_risk_edit_on_the_asset_satisfies(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, edit_code(repo))
    commit(repo, {"sra/register/risks.yaml": RISKS.replace("Long-lived tokens", "1h tokens")})
    run = sra("gate")
    assert run.exit_code == 0, run.stdout
    assert "ok   visits-api (ePHI present): consulted; the change edits risks/RR-1" in run.stdout


def test_a_flow_edit_satisfies_both_ends(repo: Path, sra: Callable[..., Run]) -> None:
    commit(
        repo,
        {
            **edit_code(repo),
            "migrations/patients/0002.sql": "select 1;\n",
            "sra/flows/flows.yaml": FLOWS.replace("postgres", "postgres-tls"),
        },
    )
    run = sra("gate", "--format", "json")
    assert run.exit_code == 0, run.stdout
    assets = {a["id"]: a for a in json.loads(run.stdout)["assets"]}
    assert assets["visits-api"]["by"] == "workspace"
    assert assets["visits-api"]["records"] == ["flows/F-1"]
    assert assets["patients-db"]["records"] == ["flows/F-1"]


def test_a_control_edit_satisfies(repo: Path, sra: Callable[..., Run]) -> None:
    commit(
        repo,
        {
            **edit_code(repo, "services/billing/app.py"),
            "sra/controls/controls.yaml": CONTROLS + "  owner: bob\n",
        },
    )
    assert sra("gate").exit_code == 0


def test_deleting_a_risk_counts_through_the_base(repo: Path, sra: Callable[..., Run]) -> None:
    commit(
        repo,
        {
            **edit_code(repo, "services/billing/app.py"),
            "sra/register/risks.yaml": RISKS.split("- id: RR-2")[0],
        },
    )
    run = sra("gate", "--format", "json")
    assert run.exit_code == 0, run.stdout
    billing = json.loads(run.stdout)["assets"][0]
    assert (billing["id"], billing["records"]) == ("billing-api", ["risks/RR-2"])


def test_an_unrelated_workspace_edit_does_not_satisfy(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, {**edit_code(repo), "sra/register/risks.yaml": RISKS.replace("Misrouted", "Lost")})
    run = sra("gate")
    assert run.exit_code == 1
    assert "FAIL visits-api" in run.stdout


def test_moving_or_reformatting_records_is_not_a_consultation(
    repo: Path, sra: Callable[..., Run]
) -> None:
    commit(
        repo,
        {
            **edit_code(repo),
            "sra/register/risks.yaml": None,
            "sra/register/moved.yaml": "# moved\n"
            + RISKS.replace("asset: visits-api", 'asset: "visits-api"  # quoted now'),
        },
    )
    run = sra("gate", "--format", "json")
    assert run.exit_code == 1
    assert json.loads(run.stdout)["workspace_changes"] == []


def test_an_uncommitted_workspace_edit_does_not_count(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, edit_code(repo))
    write_files(repo, {"sra/register/risks.yaml": RISKS.replace("Long-lived", "Short")})
    assert sra("gate").exit_code == 1


@pytest.mark.parametrize(
    "trailer",
    [
        "visits-api: logging text only",
        "RR-1: token handling unchanged",
        "billing-api, visits-api: shared refactor",
    ],
)
def test_a_trailer_naming_the_asset_or_its_risk_satisfies(
    repo: Path, sra: Callable[..., Run], trailer: str
) -> None:
    commit(repo, edit_code(repo), f"Reword log lines\n\nSRA-Reviewed: {trailer}\n")
    run = sra("gate", "--format", "json")
    assert run.exit_code == 0, run.stdout
    visits = json.loads(run.stdout)["assets"][0]
    assert (visits["id"], visits["by"], visits["satisfied"]) == ("visits-api", "trailer", True)


@pytest.mark.parametrize(
    ("trailer", "why"),
    [
        (
            "visit-api: typo",
            "`visit-api` is not an asset or risk id at head (did you mean `visits-api`?)",
        ),
        ("billing-api: other service", "is about `billing-api`, not `visits-api`"),
        ("RR-2: other risk", "is about `billing-api`, not `visits-api`"),
        ("F-1: a flow", "`F-1` is a flow; name the asset or one of its risks"),
        ("visits-api:", "gives no reason"),
        ("visits-api", "is not in the form `<ids>: <reason>`"),
    ],
)
def test_a_trailer_that_does_not_count_says_why(
    repo: Path, sra: Callable[..., Run], trailer: str, why: str
) -> None:
    commit(repo, edit_code(repo), f"Change\n\nSRA-Reviewed: {trailer}\n")
    run = sra("gate")
    assert run.exit_code == 1
    assert why in " ".join(run.stdout.split())


def test_only_trailers_in_the_change_count(repo: Path, sra: Callable[..., Run]) -> None:
    git(repo, "checkout", "-q", "main")
    commit(repo, {}, "Old\n\nSRA-Reviewed: visits-api: an old decision\n")
    git(repo, "checkout", "-q", "-b", "later")
    commit(repo, edit_code(repo))
    assert sra("gate").exit_code == 1


def test_a_non_ephi_asset_needs_no_consultation(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, {"web/marketing/index.html": "<h1>hi</h1>\n"})
    run = sra("gate")
    assert run.exit_code == 0
    assert "--   marketing-site (ePHI absent): no consultation required" in run.stdout


# --- revisions and inputs ----------------------------------------------------------------


def test_explicit_base_and_head(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, edit_code(repo))
    first = git(repo, "rev-parse", "HEAD").strip()
    commit(repo, {"sra/register/risks.yaml": RISKS.replace("Long-lived", "Short")})
    assert sra("gate", "--base", "main", "--head", first).exit_code == 1
    assert sra("gate", "--base", "main", "--head", "feature").exit_code == 0
    assert sra("gate", "--base", first).exit_code == 0  # the code edit is in the base


def test_default_base_on_main_is_the_last_commit(repo: Path, sra: Callable[..., Run]) -> None:
    git(repo, "checkout", "-q", "main")
    commit(repo, edit_code(repo))
    run = sra("gate")
    assert run.exit_code == 1
    assert "HEAD~1...HEAD" in run.stdout


def test_renames_count_both_paths(repo: Path, sra: Callable[..., Run]) -> None:
    (repo / "lib").mkdir()
    git(repo, "mv", "services/visits/app.py", "lib/app.py")
    git(repo, "commit", "-q", "-m", "move")
    run = sra("gate")
    assert run.exit_code == 1
    assert "services/visits/app.py" in run.stdout


def test_a_workspace_at_the_repository_root(tmp_path: Path, sra: Callable[..., Run]) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    write_files(tmp_path, {key.removeprefix("sra/"): value for key, value in WORKSPACE.items()})
    commit(tmp_path, {".gitignore": ".sra_cache/\n"}, "initial")
    commit(tmp_path, edit_code(tmp_path))
    assert sra("gate", "--workspace", ".").exit_code == 1
    commit(tmp_path, {"register/risks.yaml": RISKS.replace("Long-lived", "Short")})
    run = sra("gate", "--workspace", ".", "--base", "HEAD~2")
    assert run.exit_code == 0, run.stdout
    assert "workspace ." in run.stdout


def test_paths_from_stdin(repo: Path, sra: Callable[..., Run]) -> None:
    run = sra("gate", "--paths-from", "-", input="services/visits/app.py\n\n")
    assert run.exit_code == 1
    assert "paths from a list" in run.stdout
    assert "not with --paths-from" in run.stdout
    run = sra(
        "gate", "--paths-from", "-", input="./services/visits/app.py\r\nsra/register/risks.yaml\n"
    )
    assert run.exit_code == 0, run.stdout
    assert "risks/RR-1" in run.stdout


def test_paths_from_a_file_without_git(
    tmp_path: Path, sra: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    write_files(tmp_path, {k: v for k, v in WORKSPACE.items() if k.startswith("sra/")})
    (tmp_path / "changed.txt").write_text("services/billing/app.py\nsra/controls/controls.yaml\n")
    run = sra("gate", "--paths-from", "changed.txt", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    document = json.loads(run.stdout)
    assert (document["mode"], document["base"], document["changed_paths"]) == ("paths", None, 2)
    assert document["assets"][0]["records"] == ["controls/C-1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--base", "nope"), "sra: --base 'nope' does not name a commit"),
        (("--head", "-x"), "sra: --head '-x' does not name a commit"),
        (("--base", "main", "--paths-from", "-"), "sra: --paths-from reads the changed paths"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    repo: Path, sra: Callable[..., Run], args: tuple[str, ...], message: str
) -> None:
    run = sra("gate", *args, input="")
    assert run.exit_code == 2
    assert run.stderr.startswith(message) and run.stderr.count("\n") == 1


def test_not_a_git_repository(
    tmp_path: Path, sra: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    write_files(tmp_path, {"sra/sra.yaml": MANIFEST})
    run = sra("gate")
    assert run.exit_code == 2
    assert "is not inside a git repository" in run.stderr and "Traceback" not in run.stderr


def test_a_broken_workspace_at_head_names_the_file(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, {"sra/register/risks.yaml": "- id: [unclosed\n"})
    git(repo, "checkout", "-q", "main")
    run = sra("gate", "--base", "main", "--head", "feature")
    assert run.exit_code == 2
    assert run.stderr.startswith("feature:sra/register/risks.yaml:")


def test_a_broken_workspace_at_the_base_falls_back_to_files(
    repo: Path, sra: Callable[..., Run]
) -> None:
    git(repo, "checkout", "-q", "main")
    commit(repo, {"sra/register/risks.yaml": "- id: [unclosed\n"})
    git(repo, "checkout", "-q", "-b", "fix")
    commit(repo, {**edit_code(repo), "sra/register/risks.yaml": RISKS})
    run = sra("gate")
    assert run.exit_code == 0, run.stdout
    assert "cannot be loaded" in run.stdout and "recognised by file" in run.stdout


# --- output formats ----------------------------------------------------------------------


def test_json_document_keys(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, edit_code(repo), "Change\n\nSRA-Reviewed: nope: x\n")
    document = json.loads(sra("gate", "--format", "json").stdout)
    assert list(document) == [
        "schema_version",
        "mode",
        "workspace",
        "base",
        "head",
        "base_commit",
        "head_commit",
        "merge_base",
        "changed_paths",
        "workspace_changes",
        "assets",
        "trailers",
        "notes",
        "summary",
    ]
    assert document["schema_version"] == 1 and document["changed_paths"] == 1
    asset = document["assets"][0]
    assert set(asset) == {
        "id",
        "name",
        "ephi",
        "required",
        "satisfied",
        "by",
        "paths",
        "records",
        "trailers",
        "risks",
        "notes",
        "suggested_trailer",
    }
    assert asset["paths"] == [{"path": "services/visits/app.py", "glob": "services/visits/**"}]
    assert document["trailers"][0]["problems"] == ["`nope` is not an asset or risk id at head"]
    assert document["summary"] == {
        "touched": 1,
        "required": 1,
        "satisfied": 0,
        "missing": 1,
        "passed": False,
    }


def test_github_annotations_are_escaped() -> None:
    decision = AssetDecision(
        "db:main", "DB", "present", True, (("src/a,b%.py", "src/**"),), False, None
    )
    result = GateResult("git", "sra", None, 1, (), (decision,))
    first, summary = gate_github(result).splitlines()
    assert first.startswith(
        "::error file=src/a%2Cb%25.py,title=SRA gate%3A db%3Amain not "
        "consulted::db:main (ePHI present) changed"
    )
    assert "%0Asrc/a,b%25.py  matches src/**%0A" in first
    assert summary.endswith("the gate fails.")


def test_github_format_from_the_command(repo: Path, sra: Callable[..., Run]) -> None:
    commit(repo, edit_code(repo), "Change\n\nSRA-Reviewed: visits-api\n")
    lines = sra("gate", "--format", "github").stdout.splitlines()
    assert lines[0].startswith("::error file=services/visits/app.py,title=SRA gate%3A visits-api")
    assert lines[1].startswith("::warning title=SRA-Reviewed trailer problem::")


# --- trailers and globs ------------------------------------------------------------------


def test_trailer_parsing() -> None:
    parsed = parse_trailer("c", "db:primary, RR-1:  reason: with a colon")
    assert (parsed.ids, parsed.reason, parsed.problem) == (
        ("db:primary", "RR-1"),
        "reason: with a colon",
        None,
    )
    assert parse_trailer("c", "a b: reason").problem.startswith("names `a b`")
    assert parse_trailer("c", ": reason").problem == "names no asset or risk id"


def matched(globs: list[str], paths: list[str]) -> list[str]:
    return [path for path, _ in AssetMatcher({"a": globs}).match(paths).get("a", [])]


def test_double_star_and_anchoring() -> None:
    paths = ["src/x.sql", "db/migrations/src/x.sql", "src/deep/er/y.sql", "x.sql", "srcx/y.sql"]
    assert matched(["src/**/*.sql"], paths) == ["src/x.sql", "src/deep/er/y.sql"]
    assert matched(["**/src/**"], paths) == [
        "src/x.sql",
        "db/migrations/src/x.sql",
        "src/deep/er/y.sql",
    ]
    assert matched(["*.sql"], paths) == paths  # no slash: any depth
    assert matched(["/x.sql"], paths) == ["x.sql"]


def test_directory_patterns() -> None:
    paths = ["build", "build/a.o", "src/build/b.o", "builder/c"]
    assert matched(["build/"], paths) == ["build/a.o", "src/build/b.o"]
    assert matched(["build"], paths) == ["build", "build/a.o", "src/build/b.o"]


def test_negation_and_git_precedence() -> None:
    paths = ["svc/a.py", "svc/docs/x.md", "svc/tests/t.py"]
    assert matched(["svc/**", "!svc/docs/**"], paths) == ["svc/a.py", "svc/tests/t.py"]
    # As in git, `!svc/tests` only negates a directory match; `svc/**` matched the file itself.
    assert matched(["svc/**", "!svc/tests"], paths) == paths
    assert matched(["svc/", "!svc/tests"], paths) == ["svc/a.py", "svc/docs/x.md"]
    assert matched(["!svc/a.py", "svc/**"], paths) == paths


def test_the_deciding_glob_is_reported() -> None:
    hits = AssetMatcher({"a": ["svc/**", "svc/*.py"]}).match(["svc/a.py", "svc/b.md"])
    assert hits == {"a": [("svc/a.py", "svc/*.py"), ("svc/b.md", "svc/**")]}


def test_index_keys() -> None:
    assert index_key("services/api/**") == ("prefix", "services/api")
    assert index_key("/a/b*/c") == ("prefix", "a")
    assert index_key("**/Dockerfile") == ("name", "Dockerfile")
    assert index_key("*/migrations/*.sql") == ("suffix", ".sql")
    assert index_key("!**/x?y") is None


def test_matcher_agrees_with_pathspec_gitignorespec() -> None:
    rng = random.Random(7)
    segments = [
        "a",
        "b",
        "src",
        "x.py",
        "y.sql",
        "Dockerfile",
        "tests",
        "c.tar.gz",
        "b.py",
        "#a",
        " a",
        "a ",
        "ab",
    ]
    patterns = [
        "a/**",
        "a/",
        "a",
        "**/*.py",
        "*.sql",
        "!a/tests/**",
        "!tests",
        "src/",
        "/b/src/**",
        "**/tests/**",
        "a/**/x.py",
        "*",
        "!*.py",
        "b/*/x.py",
        "Dockerfile",
        "*.gz",
        "c.*",
        "!src",
        "a/*",
        "**/",
        "*/",
        "b/src",
        "!b/src/x.py",
        "?rc/",
        "[ab]/x.py",
        "a/b*",
        "a//b",
        "# comment",
        "",
        "a[",
        "tests/**/*.py",
        "!/a/src/",
        "a/x*.py",
        " a/b",
        "a/b ",
        "a/b\\ ",
        "#a/b",
        "!#a",
        "\\#a/b",
        "a/b/**/",
        "/a",
        "!/a/b",
        "b*/",
        "a/b?",
        "**/a/b",
        "a/**/b/**",
        "/**/b",
    ]
    specs = {
        f"asset-{i}": [rng.choice(patterns) for _ in range(rng.randint(1, 4))] for i in range(150)
    }
    paths = ["/".join(rng.choice(segments) for _ in range(rng.randint(1, 5))) for _ in range(600)]
    hits = AssetMatcher(specs).match(paths)
    for asset, globs in specs.items():
        spec = GitIgnoreSpec.from_lines(globs)
        expected = [
            (p, spec.patterns[spec.check_file(p).index].pattern)  # type: ignore[index]
            for p in paths
            if spec.match_file(p)
        ]
        assert hits.get(asset, []) == expected, (asset, globs)


def test_an_invalid_glob_is_a_usage_error(repo: Path, sra: Callable[..., Run]) -> None:
    commit(
        repo,
        {
            **edit_code(repo),
            "sra/inventory/assets.yaml": ASSETS.replace("migrations/patients/", '"!"'),
        },
    )
    run = sra("gate")
    assert run.exit_code == 2
    assert run.stderr.startswith("sra: asset `patients-db`: code_paths glob '!'")


# --- CI integrations ---------------------------------------------------------------------

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize("name", ["lint", "gate", "report"])
def test_the_action_and_hooks_use_real_options(name: str) -> None:
    from hipaa_sra.cli import cli

    known = {opt for param in cli.commands[name].params for opt in param.opts}
    text = (ROOT / "action.yml").read_text()
    # The gate's options are gathered in a bash array (`args=(...)`, `args+=(...)`) first.
    lines = [
        line.split(f"sra {name} ", 1)[1] for line in text.splitlines() if f"sra {name} " in line
    ]
    if name == "gate":
        lines += [line for line in text.splitlines() if line.strip().startswith("args")]
    used = {option for line in lines for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", line)}
    assert used and used <= known
    if name == "report":
        return  # a document to read, not a check: there is no pre-commit hook for it
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"]: hook["entry"] for hook in hooks}[f"sra-{name}"] == f"sra {name}"
