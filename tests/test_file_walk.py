"""The file walk and reading: stray files are findings, unreadable paths are errors naming
them, only regular files inside the workspace are read, and nothing is read without limit."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run, write_files
from hipaa_sra.errors import LoadError
from hipaa_sra.loading import check_workspace, load_workspace
from hipaa_sra.loading.read import read_file

ASSETS = """\
- id: pg-primary
  name: Patients database
  category: database
  ephi: present
"""
RISK = """\
- id: RR-{n}
  asset: pg-primary
  threat: Ransomware
  vuln: Unpatched host
  likelihood: {level}
  impact: high
  inherent_risk: {level}
"""
SECRET = "TOKEN-7f3a9c-do-not-print"


def _risks(*numbers: int, level: str = "low") -> str:
    return "".join(RISK.format(n=n, level=level) for n in numbers)


def _lint(sra: Callable[..., Run], root: Path, *args: str) -> tuple[Run, list[dict[str, str]]]:
    run = sra(
        "lint",
        "--workspace",
        str(root),
        "--format",
        "json",
        "--today",
        "2026-11-22",
        "--no-cache",
        *args,
    )
    return run, json.loads(run.stdout)["findings"] if run.stdout.strip() else []


# --- files the walk does not load are findings, and everything else is analysed -------------


def test_a_stray_yaml_at_the_root_is_a_warning_and_the_rest_is_analysed(workspace, sra) -> None:
    files = {"inventory/a.yaml": ASSETS, "register/r.yaml": _risks(1, level="high")}
    clean_run, clean = _lint(sra, workspace(files))
    root = workspace({**files, "register.yaml": _risks(2)})

    run, findings = _lint(sra, root)

    assert run.exit_code == clean_run.exit_code != 2, run.stderr
    stray = [f for f in findings if f["rule"] == "SRA007"]
    assert [(f["severity"], f["file"]) for f in stray] == [("warning", "sra/register.yaml")]
    assert "not loaded" in stray[0]["message"]
    assert "did you mean register/?" in stray[0]["message"]
    # Every finding of the workspace without the stray file is still reported.
    assert [f for f in findings if f["rule"] != "SRA007"] == clean
    assert any(f["rule"] != "SRA007" for f in clean)
    validate = sra("validate", "--workspace", str(root))
    assert validate.exit_code == 0, validate.stderr
    assert "Loaded 1 asset" in validate.stdout and "1 risk" in validate.stdout


def test_a_folder_of_yaml_that_is_not_a_kind_folder_is_one_finding(workspace) -> None:
    root = workspace(
        {
            "risks/a.yaml": _risks(1),
            "risks/b/c.yml": _risks(2),
            "risks/notes.txt": "x",
            "scripts/run.sh": "echo",
        }
    )
    [finding] = check_workspace(root).findings
    assert (finding.code, finding.name) == ("SRA007", "unexpected-file")
    assert finding.location.file.endswith("risks/a.yaml")
    assert "its 2 YAML files were not loaded" in finding.message
    assert "did you mean register/?" in finding.message


def test_files_without_a_yaml_name_and_hidden_ones_are_not_reported(workspace) -> None:
    root = workspace(
        {
            "README.md": "x",
            ".drafts/r.yaml": "- [",
            "register/notes.txt": "x",
            "register/.old.yaml": "- [",
        }
    )
    assert check_workspace(root).findings == ()


# --- every file that cannot be loaded is reported in the one run ----------------------------

LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def test_every_unparsable_file_is_reported_in_one_run(tmp_path: Path, workspace, sra) -> None:
    outside = write_files(tmp_path / "outside", {"token.yaml": SECRET})
    root = workspace(
        {
            "inventory/a.yaml": ASSETS,
            "inventory/broken.yaml": "- id: [unclosed\n",
            "register/tab.yaml": "- id: RR-1\n\tasset: db\n",
            "vendors/v.yaml": "id: not-a-list\n",
            "register/ok.yaml": _risks(1),
            "stray.yaml": "- [",
        }
    )
    (root / "controls").mkdir()
    (root / "controls" / "linked.yaml").symlink_to(outside / "token.yaml")

    run = sra("lint", "--workspace", str(root))

    assert run.exit_code == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert all(LINE.match(line) for line in lines), lines
    named = sorted(LINE.match(line)["path"].removeprefix("sra/") for line in lines)  # type: ignore[index]
    assert named == [
        "controls/linked.yaml",
        "inventory/broken.yaml",
        "register/tab.yaml",
        "vendors/v.yaml",
    ]
    assert SECRET not in run.stderr + run.stdout


def test_load_error_keeps_one_error_rendering_and_lists_all() -> None:
    one = LoadError("a.yaml", "bad", 2, 3, "fix it")
    assert one.render() == "a.yaml:2:3: bad (fix it)" == str(one)
    assert one.errors == (one,)
    both = LoadError.combine([one, LoadError("b.yaml", "worse")])
    assert both.render() == "a.yaml:2:3: bad (fix it)\nb.yaml:1:1: worse"
    assert [error.render() for error in both.errors] == [
        "a.yaml:2:3: bad (fix it)",
        "b.yaml:1:1: worse",
    ]
    assert (both.path, both.line) == ("a.yaml", 2)


# --- only regular files inside the workspace are read -------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_in_a_kind_folder_is_skipped_with_a_finding(workspace, sra_process) -> None:
    root = workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": _risks(1)})
    os.mkfifo(root / "register" / "incoming.yaml")

    run = sra_process("validate", "--workspace", str(root), timeout=30)

    assert run.exit_code == 0, run.stderr
    assert re.search(
        r"sra/register/incoming\.yaml:1:1: SRA008 warning \[not-a-regular-file\] "
        r"register/incoming\.yaml is a named pipe",
        run.stdout,
    ), run.stdout
    assert "1 risk" in run.stdout


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device_is_refused_by_name_without_reading(
    device, workspace, sra_process
) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    root = workspace({"register/r.yaml": _risks(1)})
    (root / "register" / "endless.yaml").symlink_to(device)

    run = sra_process("validate", "--workspace", str(root), timeout=30)

    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"sra/register/endless.yaml:1:1: register/endless.yaml is a symbolic link to {device}, "
        "outside the workspace; it was not read (copy the file into the workspace, or remove "
        "the link)"
    )


def test_a_link_outside_the_workspace_is_refused_and_never_echoed(
    tmp_path: Path, workspace, sra
) -> None:
    secret = write_files(tmp_path / "home", {"token": f"{SECRET}\n"}) / "token"
    root = workspace({"register/r.yaml": _risks(1)})
    (root / "register" / "token.yaml").symlink_to(secret)
    (root / "controls").mkdir()
    (root / "controls" / "up.yaml").symlink_to("../../home/token")

    run = sra("validate", "--workspace", str(root))

    assert run.exit_code == 2
    assert SECRET not in run.stderr + run.stdout
    assert f"register/token.yaml is a symbolic link to {secret}, outside the workspace" in (
        run.stderr
    )
    assert "controls/up.yaml is a symbolic link to ../../home/token, outside" in run.stderr


def test_a_file_that_is_not_yaml_is_named_never_quoted(workspace, sra) -> None:
    root = workspace(
        {
            "register/key.yaml": f"-----BEGIN KEY-----\n{SECRET}\n-----END KEY-----\n",
            "sra.yaml": f"{SECRET}\n",
        }
    )
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 2
    assert SECRET not in run.stderr + run.stdout
    assert "sra/sra.yaml:1:1: file holds a single text value, not YAML records" in run.stderr
    assert "sra/register/key.yaml:1:1: file holds a single text value" in run.stderr


def test_links_inside_the_workspace_are_followed(workspace) -> None:
    root = workspace({"shared/risks.yml": _risks(1, 2), "inventory/a.yaml": ASSETS})
    (root / "register").mkdir()
    (root / "register" / "current.yaml").symlink_to("../shared/risks.yml")
    (root / "register" / "loop").symlink_to(".")  # a folder linking to itself is walked once

    ws = load_workspace(root, use_cache=False)

    assert [risk.id for risk in ws.risks] == ["RR-1", "RR-2"]
    assert [f.code for f in ws.findings] == ["SRA007"]  # shared/ itself is no kind folder


def test_a_dangling_link_and_a_link_loop_are_load_errors(workspace) -> None:
    root = workspace({"register/r.yaml": _risks(1)})
    (root / "register" / "gone.yaml").symlink_to("missing.yaml")
    (root / "register" / "a.yaml").symlink_to("b.yaml")
    (root / "register" / "b.yaml").symlink_to("a.yaml")

    with pytest.raises(LoadError) as raised:
        load_workspace(root, use_cache=False)

    messages = [error.message for error in raised.value.errors]
    assert "register/a.yaml is a symbolic link that loops back on itself" in messages
    assert "register/b.yaml is a symbolic link that loops back on itself" in messages
    assert "register/gone.yaml is a symbolic link to missing.yaml, which does not exist" in (
        messages
    )


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_the_size_limit_holds_while_reading_a_file_that_reports_no_size() -> None:
    status = Path("/proc/self/status")  # a regular file whose st_size is 0
    assert status.stat().st_size == 0
    with pytest.raises(LoadError, match="file is larger than the limit"):
        read_file(status, "status", limit=16)
    assert read_file(status, "status").startswith(b"Name:")


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 2_000_000)
    with pytest.raises(LoadError, match=r"file is 1\.9 MB; the limit is 20 MB"):
        read_file(path, "big.yaml", limit=1_000_000)


def test_a_name_that_is_not_utf8_is_an_error_in_a_kind_folder(
    tmp_path: Path, workspace, sra
) -> None:
    root = workspace({"register/r.yaml": _risks(1)})
    try:
        (root / os.fsdecode(b"register/caf\xe9.yaml")).write_text(_risks(2))
        (root / os.fsdecode(b"r\xe9sum\xe9.yaml")).write_text("[]\n")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system takes only UTF-8 names")

    run = sra("validate", "--workspace", str(root))

    assert run.exit_code == 2
    assert run.stderr.strip() == (
        "sra/register/caf\\xe9.yaml:1:1: the name is not UTF-8 text; workspace paths must be "
        "(rename it)"
    )
    (root / os.fsdecode(b"register/caf\xe9.yaml")).unlink()
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 0
    assert "sra/r\\xe9sum\\xe9.yaml:1:1: SRA007 warning" in run.stdout


# --- what cannot be read is an error naming it ------------------------------------------------


def test_an_unreadable_folder_or_file_is_a_load_error_naming_it(workspace, sra_process) -> None:
    root = workspace(
        {
            "inventory/a.yaml": ASSETS,
            "register/r.yaml": _risks(1),
            "register/2026/q1.yaml": _risks(2),
            "controls/c.yaml": "[]\n",
        }
    )
    (root / "register" / "2026").chmod(0)
    (root / "controls" / "c.yaml").chmod(0)
    try:
        run = sra_process("validate", "--workspace", str(root))
        lint = sra_process("lint", "--workspace", str(root))
    finally:
        (root / "register" / "2026").chmod(0o755)
        (root / "controls" / "c.yaml").chmod(0o644)

    assert run.exit_code == lint.exit_code == 2
    assert run.stderr.splitlines() == [
        "sra/register/2026:1:1: cannot read directory: Permission denied (make it readable, "
        "or move it out of the workspace)",
        "sra/controls/c.yaml:1:1: cannot read file: Permission denied",
    ]
    assert lint.stderr == run.stderr


def test_import_names_an_unreadable_workspace_file(tmp_path: Path, workspace, sra_process) -> None:
    root = workspace(
        {"inventory/a.yaml": ASSETS, "register/r.yaml": _risks(1), "controls/c.yaml": "[]\n"}
    )
    sheet = (
        write_files(
            tmp_path,
            {
                "risks.csv": "id,asset,threat,vuln,likelihood,impact\n"
                "RR-5,pg-primary,Theft,Laptop,low,high\n"
            },
        )
        / "risks.csv"
    )
    (root / "controls" / "c.yaml").chmod(0)
    try:
        run = sra_process("import", str(sheet), "--workspace", str(root), "--apply")
    finally:
        (root / "controls" / "c.yaml").chmod(0o644)

    assert run.exit_code == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.strip() == "sra/controls/c.yaml:1:1: cannot read file: Permission denied"
    assert "RR-5" not in (root / "register" / "r.yaml").read_text()
    assert not (root / "register" / "imported.yaml").exists()


# --- line endings --------------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_cr_and_crlf_files_load_like_lf(newline: str, workspace) -> None:
    text = "# yaml-language-server: $schema=../.schema/risks.schema.json\n" + _risks(
        1, 2, 3, level="hihg"
    )
    lf = check_workspace(workspace({"register/r.yaml": text}), use_cache=False)
    root = workspace({"register/r.yaml": text.replace("\n", newline).encode()})

    other = check_workspace(root, use_cache=False)

    assert other.counts["risks"] == lf.counts["risks"] == 3
    # The same findings, at the same lines and columns.
    assert [(f.code, f.location.line, f.location.column) for f in other.findings] == [
        (f.code, f.location.line, f.location.column) for f in lf.findings
    ]
    assert len(lf.findings) >= 3


# --- the lint cache sees what the walk reports ----------------------------------------------------


def test_a_stray_file_added_after_a_cached_lint_is_reported(workspace, sra) -> None:
    root = workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": _risks(1)})
    first = sra("lint", "--workspace", str(root), "--today", "2026-11-22")
    assert "SRA007" not in first.stdout
    (root / "risks.yaml").write_text(_risks(2))

    second = sra("lint", "--workspace", str(root), "--today", "2026-11-22")

    assert "sra/risks.yaml:1:1:" in second.stdout
    assert "SRA007" in second.stdout


# --- sra gate reads a committed link the same way ------------------------------------------------


def _git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


@pytest.mark.parametrize("head", ["checkout", "from git"])
def test_gate_refuses_a_committed_link_outside_and_never_echoes_it(
    head: str, tmp_path: Path, sra, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (("GIT_CONFIG_GLOBAL", "/dev/null"), ("GIT_CONFIG_NOSYSTEM", "1")):
        monkeypatch.setenv(name, value)
    secret = write_files(tmp_path / "home", {"token": f"{SECRET}\n"}) / "token"
    repo = tmp_path / "repo"
    write_files(
        repo,
        {
            "sra/sra.yaml": "organization:\n  name: Clinic\n",
            "sra/inventory/a.yaml": ASSETS,
            "sra/register/r.yaml": _risks(1),
        },
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "initial")
    _git(repo, "checkout", "-q", "-b", "feature")
    (repo / "sra" / "register" / "token.yaml").symlink_to(secret)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "link")
    if head == "from git":
        _git(repo, "checkout", "-q", "main")
    monkeypatch.chdir(repo)

    run = sra("gate", "--base", "main", "--head", "feature")

    assert run.exit_code == 2
    assert SECRET not in run.stderr + run.stdout
    prefix = "feature:" if head == "from git" else ""
    assert run.stderr.startswith(
        f"{prefix}sra/register/token.yaml:1:1: register/token.yaml is "
        f"a symbolic link to {secret}, outside the workspace"
    )
