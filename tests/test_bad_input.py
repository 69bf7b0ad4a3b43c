"""Bad input never produces a traceback: one line `path:line:col: what is wrong`, exit 2."""

from __future__ import annotations

import re

import pytest

LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)

LOAD_ERRORS = {
    # name: (file content, expected file, line, column, words in the message)
    "unclosed quote": ('- id: "RR-1\n  asset: db\n', "register/r.yaml", 1, 7, "never closed"),
    "bad indentation": (
        "- id: RR-1\n   asset: db\n  threat: x\n",
        "register/r.yaml",
        2,
        9,
        "not allowed",
    ),
    "tab indentation": ("- id: RR-1\n\tasset: db\n", "register/r.yaml", 2, 1, "tab"),
    "20,000-deep nesting": ("[" * 20000 + "]" * 20000, "register/r.yaml", 1, 65, "deeper"),
    "billion laughs": (LAUGHS, "register/r.yaml", 7, 8, "aliases expand"),
    "python tag": (
        "- id: !!python/object/apply:os.system ['echo pwned']\n",
        "register/r.yaml",
        1,
        7,
        "tag !!python/object/apply:os.system is not allowed",
    ),
    "duplicate key": (
        "- id: RR-1\n  asset: db\n  asset: cache\n",
        "register/r.yaml",
        3,
        3,
        "duplicate key",
    ),
    "two documents": ("- id: a\n---\n- id: b\n", "register/r.yaml", 1, 1, "2 YAML documents"),
    "register is a mapping": (
        "id: RR-1\nasset: db\n",
        "register/r.yaml",
        1,
        1,
        "expected a list of risks",
    ),
}


@pytest.mark.parametrize("name", LOAD_ERRORS)
def test_unparsable_file_is_one_line_and_exit_2(name, workspace, sra) -> None:
    content, rel, line, col, words = LOAD_ERRORS[name]
    root = workspace({rel: content})

    run = sra("validate", "--workspace", str(root))

    assert run.exit_code == 2
    assert "Traceback" not in run.stderr + run.stdout
    [output] = run.stderr.strip().splitlines()
    match = LINE.match(output)
    assert match, output
    assert match["path"].endswith(rel)
    assert (int(match["line"]), int(match["col"])) == (line, col), output
    assert words in match["message"]


def test_non_utf8_bytes(workspace, sra) -> None:
    root = workspace({"inventory/a.yaml": b"- id: caf\xe9\n  name: x\n"})
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 2
    assert run.stderr.strip().endswith(
        "inventory/a.yaml:1:10: byte 0xe9 is not UTF-8; workspace files must be UTF-8 text "
        "(re-save the file as UTF-8)"
    )


def test_nul_byte(workspace, sra) -> None:
    root = workspace({"inventory/a.yaml": b"- id: a\x00b\n"})
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 2
    assert "inventory/a.yaml:1:8: NUL byte in file" in run.stderr


def test_manifest_that_is_a_list(workspace, sra) -> None:
    root = workspace(manifest="- organization: x\n")
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 2
    assert re.search(r"sra\.yaml:1:1: file holds a list; expected a mapping", run.stderr)


def test_directory_where_manifest_belongs(workspace, sra) -> None:
    root = workspace(manifest=None)
    (root / "sra.yaml").mkdir()
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 2
    assert "sra.yaml:1:1: sra.yaml is a directory; expected a YAML file" in run.stderr


def test_directory_where_kind_file_belongs(workspace, sra) -> None:
    root = workspace()
    (root / "register" / "q1.yaml").mkdir(parents=True)
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 2
    assert "register/q1.yaml:1:1: register/q1.yaml is a directory" in run.stderr


def test_thirty_megabyte_file_is_refused_without_parsing(workspace, sra) -> None:
    row = "- id: RR-{}\n  asset: db\n  threat: t\n  vuln: v\n  likelihood: low\n  impact: low\n"
    text = "".join(row.format(i) for i in range(30 * 1024 * 1024 // len(row) + 1))
    root = workspace({"register/huge.yaml": text})
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 2
    assert re.search(r"register/huge\.yaml:1:1: file is 3\d\.\d MB; the limit is 20 MB", run.stderr)
    assert "split it" in run.stderr


def test_empty_workspace_directory(tmp_path, sra) -> None:
    (tmp_path / "empty").mkdir()
    run = sra("validate", "--workspace", str(tmp_path / "empty"))
    assert run.exit_code == 2
    assert "empty/sra.yaml:1:1: the workspace" in run.stderr
    assert "sra init" in run.stderr


def test_unknown_folder_is_a_warning_that_suggests_the_right_one(workspace, sra) -> None:
    root = workspace({"registers/r.yaml": "[]\n"})
    run = sra("validate", "--workspace", str(root))
    assert run.exit_code == 0
    assert "registers/r.yaml:1:1: SRA007 warning [unexpected-file]" in run.stdout
    assert "did you mean register/?" in run.stdout


def test_missing_workspace_is_exit_2_with_advice(tmp_path, sra) -> None:
    run = sra("validate")
    assert run.exit_code == 2
    assert "no workspace here" in run.stderr
    assert "sra init" in run.stderr


# Problems inside records are findings (exit 1), each still one `path:line:col:` line.
RECORD_PROBLEMS = {
    "impossible day": (
        "last_reviewed: 2026-02-30",
        8,
        3,
        "SRA001",
        "2026-02-30 is not a calendar date",
    ),
    "impossible month": ("last_reviewed: 2026-13-01", 8, 3, "SRA001", "is not a calendar date"),
    "wrong type": (
        "last_reviewed: [2026]",
        8,
        3,
        "SRA001",
        "expected a date written as YYYY-MM-DD",
    ),
    "misspelt key": ("last_reviwed: 2026-01-01", 8, 3, "SRA002", "did you mean `last_reviewed`?"),
    "bad level": ("residual_risk: hihg", 8, 3, "SRA001", "did you mean `high`?"),
}
RISK = """\
- id: RR-1
  asset: db
  threat: Ransomware
  vuln: Unpatched host
  likelihood: low
  impact: high
  inherent_risk: low
  {extra}
"""


@pytest.mark.parametrize("name", RECORD_PROBLEMS)
def test_record_problem_is_a_finding_on_its_line(name, workspace, sra) -> None:
    extra, line, col, code, words = RECORD_PROBLEMS[name]
    root = workspace({"register/r.yaml": RISK.format(extra=extra)})

    run = sra("validate", "--workspace", str(root))

    assert run.exit_code == 1
    [finding] = [ln for ln in run.stdout.splitlines() if f" {code} " in ln]
    match = LINE.match(finding)
    assert match, finding
    assert match["path"].endswith("register/r.yaml")
    assert (int(match["line"]), int(match["col"])) == (line, col)
    assert words in match["message"]
    assert "`RR-1`" in match["message"]
