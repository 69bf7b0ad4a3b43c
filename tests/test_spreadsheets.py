"""Spreadsheet export and import: layout, synonyms, bad cells, plans, byte-exact round trips."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from hipaa_sra.cli import cli
from hipaa_sra.interop.tables import SHEET_KIND_BY_NAME, from_cell, resolve
from hipaa_sra.loading import load_workspace

BASE = Path(__file__).parent / "rules" / "base"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BASE, root)
    return root


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    assert _run("init", str(root), "--example")[0] == 0
    return root


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("name", ["base", "example"])
def test_round_trip_leaves_every_file_byte_identical(request, tmp_path, fmt, name) -> None:
    root = request.getfixturevalue(name)
    before = _files(root)
    out = tmp_path / ("out.xlsx" if fmt == "xlsx" else "out")
    assert _run("export", "--format", fmt, "--out", str(out), "-w", str(root))[0] == 0
    inputs = [out] if fmt == "xlsx" else sorted(out.glob("*.csv"))
    for path in inputs:
        code, stdout, stderr = _run("import", str(path), "-w", str(root), "--apply")
        assert code == 0, stderr
        assert "0 to update, 0 to add" in stdout
    assert _files(root) == before


def test_xlsx_layout(base, tmp_path) -> None:
    out = tmp_path / "r.xlsx"
    _run(
        "export", "--format", "xlsx", "--kinds", "risks,assets", "--out", str(out), "-w", str(base)
    )
    book = load_workbook(out)
    assert book.sheetnames == ["risks", "assets", "lists"]
    sheet = book["risks"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["id", "asset", "ephi_present"]
    assert "remediation.1.due" in header
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    rules = sheet.data_validations.dataValidation
    ranges = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in rules}
    likelihood = "ABCDEFGHIJ"[header.index("likelihood")]
    assert likelihood in ranges
    assert book["lists"].sheet_state == "hidden"


def test_values_survive_dates_booleans_lists_nested_multiline(base, tmp_path) -> None:
    risks = base / "register" / "risks.yaml"
    risks.write_text(
        risks.read_text()
        + (
            "# a trailing comment kept as is\n"
            "- id: RR-MULTI\n  asset: api\n  ephi_present: false\n  threat: |-\n    line one\n"
            "    line two\n  vuln: v\n  likelihood: medium\n  impact: high\n"
            '  current_controls: [CTL-ACCESS, "text, with comma"]\n'
            "  remediation:\n    - {control: X, owner: bob, due: 2026-12-01, status: in_progress}\n"
            "    - control: Y\n      status: accepted\n      rationale: cost\n"
            "      approved_by: alice\n"
        )
    )
    before = _files(base)
    for fmt, out in (("xlsx", tmp_path / "a.xlsx"), ("csv", tmp_path / "c")):
        _run("export", "--format", fmt, "--out", str(out), "-w", str(base))
        path = out if fmt == "xlsx" else out / "risks.csv"
        code, stdout, _ = _run("import", str(path), "-w", str(base), "--apply")
        assert code == 0 and "0 to update" in stdout
    assert _files(base) == before


def _set_cell(path: Path, sheet: str, record_id: str, header: str, value: object) -> None:
    book = load_workbook(path)
    ws = book[sheet]
    names = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == record_id:
            row[names.index(header)].value = value
    book.save(path)


def test_update_edits_only_that_record_and_keeps_comments(example, tmp_path) -> None:
    out = tmp_path / "e.xlsx"
    _run("export", "--format", "xlsx", "--out", str(out), "-w", str(example))
    ws = load_workspace(example, use_cache=False)
    risk = ws.risks[3]
    _set_cell(out, "risks", risk.id, "likelihood", "High")
    _set_cell(out, "risks", risk.id, "remediation.1.control", "Rotate keys")
    _set_cell(out, "risks", risk.id, "remediation.1.status", "In Progress")
    before = _files(example)
    code, stdout, _ = _run("import", str(out), "-w", str(example))
    assert code == 0 and f"update risks {risk.id}" in stdout and "-> high" in stdout
    assert _files(example) == before  # a plan writes nothing
    code, stdout, _ = _run("import", str(out), "-w", str(example), "--apply")
    assert code == 0, stdout
    after = _files(example)
    changed = [name for name in before if before[name] != after[name]]
    assert len(changed) == 1
    old_lines = before[changed[0]].decode().splitlines()
    new_lines = after[changed[0]].decode().splitlines()
    assert [line for line in old_lines if line.startswith("#")] == [
        line for line in new_lines if line.startswith("#")
    ]
    reloaded = load_workspace(example, use_cache=False).risk_by_id[risk.id]
    assert reloaded.likelihood.value == "high"
    assert reloaded.remediation[0].status.value == "in_progress"
    assert reloaded.remediation[0].control == "Rotate keys"
    assert {r.id: r for r in load_workspace(example, use_cache=False).risks}.keys() == {
        r.id for r in ws.risks
    }


def _template(path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Risk Register"
    for values in rows:
        sheet.append(values)
    book.save(path)


def test_template_with_synonyms_adds_rows_and_lists_unmapped(base, tmp_path) -> None:
    path = tmp_path / "template.xlsx"
    _template(
        path,
        [
            [
                "Risk ID",
                "Asset",
                "Threat",
                "Vulnerability",
                "Likelihood",
                "Impact",
                "Risk Level",
                "Owner",
                "Due Date",
                "Status",
                "Remediation",
                "Color",
            ],
            [
                "NEW-1",
                "api",
                "t",
                "v",
                "Medium",
                "High",
                "moderate",
                "bob",
                None,
                "planned",
                "MFA",
                "red",
            ],
        ],
    )
    code, stdout, _ = _run("import", str(path), "--kind", "risks", "-w", str(base), "--apply")
    assert code == 0, stdout
    assert "columns not mapped, ignored: Color" in stdout
    assert "add risks NEW-1 -> register/imported.yaml" in stdout
    assert "not in the sheet; left unchanged: risks RR-1" in stdout
    risk = load_workspace(base, use_cache=False).risk_by_id["NEW-1"]
    assert risk.likelihood.value == "moderate" and risk.remediation[0].owner == "bob"
    head = (base / "register" / "imported.yaml").read_text().splitlines()[:2]
    assert head == [
        "# yaml-language-server: $schema=../.schema/risks.schema.json",
        "# Records added by `sra import`; move them to other files as you like.",
    ]


def test_bad_cells_are_positioned_and_nothing_is_written(base, tmp_path) -> None:
    path = tmp_path / "risks.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(
            [
                [
                    "id",
                    "asset",
                    "threat",
                    "vuln",
                    "likelihood",
                    "impact",
                    "ephi_present",
                    "last_reviewed",
                ],
                ["RR-1", "pg-primary", "t", "v", "sky-high", "low", "perhaps", "2026-02-30"],
                ["NEW-2", "api", "t", "v", "low", "low", "", ""],
            ]
        )
    before = _files(base)
    code, _, stderr = _run("import", str(path), "-w", str(base), "--apply")
    assert code == 1
    assert f"{path}:risks:2:G: ephi_present: 'perhaps' is not a yes/no value" in stderr
    assert _files(base) == before


def test_validation_errors_name_the_column(base, tmp_path) -> None:
    path = tmp_path / "risks.csv"
    path.write_text("id,likelihood,last_reviewed\nRR-1,sky-high,2026-02-30\n")
    code, _, stderr = _run("import", str(path), "-w", str(base))
    assert code == 1
    assert ":risks:2:B: likelihood:" in stderr and ":risks:2:C: last_reviewed:" in stderr


def test_unreadable_files_exit_2(base, tmp_path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    assert _run("import", str(bad), "-w", str(base))[0] == 2
    latin = tmp_path / "risks.csv"
    latin.write_bytes("id\nR\xe9\n".encode("latin-1"))
    assert _run("import", str(latin), "-w", str(base))[0] == 2


def test_unknown_csv_kind_is_a_usage_error(base, tmp_path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("id\nRR-1\n")
    assert _run("import", str(path), "-w", str(base))[0] == 2


def test_conflict_when_a_file_changes_after_reading(base, tmp_path, monkeypatch) -> None:

    path = tmp_path / "risks.csv"
    path.write_text("id,likelihood\nRR-1,high\n")
    target = base / "register" / "risks.yaml"
    from hipaa_sra.interop.importer import snapshot as original

    def snapshot(root: Path) -> dict[Path, str | None]:
        digests = original(root)
        target.write_text(target.read_text() + "# edited meanwhile\n")
        return digests

    monkeypatch.setattr("hipaa_sra.cli.interop.snapshot", snapshot)
    code, _, stderr = _run("import", str(path), "-w", str(base), "--apply")
    assert code == 2 and "changed on disk" in stderr
    assert target.read_text().endswith("# edited meanwhile\n")


def test_header_resolution_and_cells() -> None:
    risks = SHEET_KIND_BY_NAME["risks"]
    assert resolve(risks, "Risk ID").header == "id"
    assert resolve(risks, "Residual Risk Level").header == "residual_risk"
    assert resolve(risks, "Remediation 2 Due").header == "remediation.2.due"
    assert resolve(risks, "Last Reviewed").header == "last_reviewed"
    assert resolve(risks, "Colour") is None
    flows = SHEET_KIND_BY_NAME["flows"]
    assert resolve(flows, "From").header == "from"
    status = resolve(risks, "Status").leaf
    assert from_cell(status, "In Progress") == "in_progress"
    lists = resolve(risks, "current_controls").leaf
    assert from_cell(lists, '["a\\nb", "c"]') == ("a\nb", "c")
    assert from_cell(lists, "a\nb\n") == ("a", "b")
