"""Hostile spreadsheets: small files that unpack to huge ones are refused quickly, exit 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from hipaa_sra.cli import cli
from hipaa_sra.interop.sheet import MAX_CELLS, MAX_FILE_SIZE, MAX_SHARED_STRINGS
from xlsx_parts import MAIN, build, row, shared_table, text

BASE = Path(__file__).parent / "rules" / "base"
MIB = 1024 * 1024
QUICK = 5.0  # seconds; each refusal takes well under one, the budget allows a loaded machine


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(BASE, root)
    return root


def _import(path: Path, root: Path, *more: str) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["import", str(path), "-w", str(root), *more], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr, time.perf_counter() - start


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def _huge_string(size: int) -> Iterator[bytes]:
    yield f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
    chunk = b"a" * MIB
    for _ in range(size // MIB):
        yield chunk
    yield b"</t></si></sst>"


def test_a_shared_string_larger_than_the_unpacked_limit_is_refused_unread(base, tmp_path):
    path = build(
        tmp_path / "bomb.xlsx",
        {"risks": row(1, '<c r="A1" t="s"><v>0</v></c>')},
        shared=_huge_string(MAX_FILE_SIZE + 16 * MIB),
    )
    assert path.stat().st_size < 2 * MIB
    code, stdout, stderr, seconds = _import(path, base, "--apply")
    assert code == 2 and stdout == ""
    assert f"{path}:1:1: the workbook unpacks to 272 MiB; at most 256 MiB is read" in stderr
    assert seconds < QUICK


def test_a_shared_string_longer_than_a_cell_stops_the_read_at_that_string(base, tmp_path):
    path = build(
        tmp_path / "long.xlsx",
        {"risks": row(1, '<c r="A1" t="s"><v>0</v></c>')},
        shared=_huge_string(64 * MIB),
    )
    code, _, stderr, seconds = _import(path, base)
    assert code == 2
    assert (
        "xl/sharedStrings.xml: string 1 is longer than 32,767 characters, the most an XLSX "
        "cell holds"
    ) in stderr
    assert seconds < QUICK


def test_a_declared_thirty_million_shared_strings_are_refused_before_parsing(base, tmp_path):
    path = build(
        tmp_path / "many.xlsx",
        {"risks": row(1, '<c r="A1" t="s"><v>0</v></c>')},
        shared=shared_table(["id"], declared=30_000_000),
    )
    code, _, stderr, seconds = _import(path, base)
    assert code == 2
    assert (
        "the shared-string table declares uniqueCount=30,000,000; a file holds at most "
        f"{MAX_SHARED_STRINGS:,} distinct strings"
    ) in stderr
    assert seconds < QUICK


def test_more_shared_strings_than_declared_are_counted_while_reading(base, tmp_path):
    def strings() -> Iterator[bytes]:
        yield f'<sst xmlns="{MAIN}" uniqueCount="1">'.encode()
        for _ in range(MAX_SHARED_STRINGS // 100_000 + 1):
            yield b"<si/>" * 100_000
        yield b"</sst>"

    path = build(
        tmp_path / "liar.xlsx", {"risks": row(1, '<c r="A1" t="s"><v>0</v></c>')}, shared=strings()
    )
    code, _, stderr, _ = _import(path, base)
    assert code == 2 and f"more than {MAX_SHARED_STRINGS:,} shared strings" in stderr


def test_a_sheet_wider_and_longer_than_the_cell_limit_is_refused_at_its_row(base, tmp_path):
    # A header cell at the last column makes every row 16,384 cells wide.
    header = row(1, text("A1", "id"), text("XFD1", "far"))
    rows = "".join(row(n, text(f"A{n}", f"R-{n}")) for n in range(2, 400))
    path = build(tmp_path / "wide.xlsx", {"risks": header + rows})
    code, _, stderr, seconds = _import(path, base)
    assert code == 2
    assert (
        f"sheet 'risks' reaches more than {MAX_CELLS:,} cells (rows x header columns) at row 306"
    ) in stderr
    assert seconds < QUICK


def test_a_lone_far_off_cell_costs_one_cell_not_a_padded_grid(base, tmp_path):
    sheet = (
        row(1, text("A1", "id"), text("B1", "likelihood"))
        + row(2, text("A2", "RR-1"), text("B2", "high"))
        + row(1048576, text("XFD1048576", "x"))
    )
    path = build(tmp_path / "sparse.xlsx", {"risks": sheet}, dimension="A1:XFD1048576")
    code, stdout, stderr, seconds = _import(path, base)
    assert code == 1, stdout  # the far-off row has no id: a bad row, reported where it is
    assert f"{path}:risks:1048576:A: id: empty; every row needs one" in stderr
    assert seconds < QUICK


def test_an_inline_cell_longer_than_xlsx_holds_is_refused_with_its_position(base, tmp_path):
    sheet = row(1, text("A1", "id"), text("B1", "threat")) + row(
        2, text("A2", "RR-1"), text("B2", "t" * 40_000)
    )
    path = build(tmp_path / "cell.xlsx", {"risks": sheet})
    code, _, stderr, _ = _import(path, base)
    assert code == 2
    assert (
        f"{path}:2:2: sheet 'risks', cell B2: 40,000 characters; a cell holds at most 32,767"
    ) in stderr


def test_a_csv_over_the_size_limit_is_refused_without_reading_it(base, tmp_path):
    path = tmp_path / "risks.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_SIZE + 1)  # sparse: nothing to write, a lot to read
    code, _, stderr, seconds = _import(path, base)
    assert code == 2 and "larger than 256 MiB, the most a CSV file may hold" in stderr
    assert seconds < QUICK


def test_a_csv_cell_longer_than_a_workspace_file_is_refused_with_its_line(base, tmp_path):
    path = tmp_path / "risks.csv"
    path.write_text("id,threat\nRR-1,t\nRR-2," + "x" * (21 * MIB) + "\n")
    code, _, stderr, seconds = _import(path, base)
    assert code == 2
    assert f"{path}:3:1: a cell is longer than 20,971,520 characters" in stderr
    assert seconds < QUICK


def test_a_csv_with_more_cells_than_the_limit_is_refused(base, tmp_path):
    path = tmp_path / "risks.csv"
    header = ",".join(["id", *(f"extra {n}" for n in range(999))])
    path.write_text(header + "\n" + "x\n" * (MAX_CELLS // 1000 + 1))
    code, _, stderr, seconds = _import(path, base)
    assert code == 2 and f"reaches more than {MAX_CELLS:,} cells" in stderr
    assert seconds < QUICK


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_is_refused_instead_of_waiting_for_a_writer(base, tmp_path):
    for name in ("risks.csv", "risks.xlsx"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        result = subprocess.run(
            [sys.executable, "-m", "hipaa_sra", "import", str(fifo), "-w", str(base)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert f"{fifo}:1:1: not a regular file" in result.stderr


def test_a_damaged_workbook_is_an_input_error_not_a_traceback(base, tmp_path):
    cases = {
        "truncated.xlsx": None,
        "bad-xml.xlsx": {"risks": row(1, text("A1", "id")) + "<row"},
        "bad-index.xlsx": {"risks": row(1, '<c r="A1" t="s"><v>7</v></c>')},
    }
    for name, sheets in cases.items():
        path = tmp_path / name
        if sheets is None:
            build(path, {"risks": row(1, text("A1", "id"))})
            path.write_bytes(path.read_bytes()[:-40])
        else:
            build(path, sheets, shared=shared_table(["id"]))
        before = _files(base)
        code, _, stderr, _ = _import(path, base, "--apply")
        assert code == 2, (name, stderr)
        assert stderr.startswith(f"{path}:1:1: not a readable XLSX workbook"), (name, stderr)
        assert _files(base) == before
