"""Editing finds the record it changes as the loader indexes it, parsing only the files that can
hold it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hipaa_sra.editing import EditError, Ref, Set, apply_changes
from hipaa_sra.loading import load_workspace

ROW = (
    "- id: {id}\n  asset: db\n  threat: t\n  vuln: v\n  likelihood: low\n  impact: low\n"
    "  last_reviewed: 2026-01-01\n"
)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    (root / "register").mkdir(parents=True)
    (root / "sra.yaml").write_text("organization:\n  name: T\n")
    return root


def reviewed(root: Path, risk_id: str) -> date | None:
    return load_workspace(root).risk_by_id[risk_id].last_reviewed


def test_an_id_spelled_with_an_escape_is_still_found(ws: Path) -> None:
    (ws / "register" / "a.yaml").write_text(ROW.format(id="R-1"))
    (ws / "register" / "b.yaml").write_text(ROW.format(id='"R\\x2D2"'))
    apply_changes(ws, [Set(Ref("risks", "R-2"), ("last_reviewed",), date(2026, 3, 1))])
    assert reviewed(ws, "R-2") == date(2026, 3, 1)
    assert (ws / "register" / "a.yaml").read_text() == ROW.format(id="R-1")


def test_a_duplicated_id_edits_the_first_in_load_order_as_the_loader_indexes_it(ws: Path) -> None:
    (ws / "register" / "a.yaml").write_text(ROW.format(id="R-1"))
    (ws / "register" / "b.yaml").write_text(ROW.format(id="R-1"))
    apply_changes(ws, [Set(Ref("risks", "R-1"), ("last_reviewed",), date(2026, 3, 1))])
    assert "2026-03-01" in (ws / "register" / "a.yaml").read_text()
    assert (ws / "register" / "b.yaml").read_text() == ROW.format(id="R-1")


def test_an_id_that_merely_appears_in_another_file_is_not_taken_for_it(ws: Path) -> None:
    (ws / "register" / "a.yaml").write_text(
        ROW.format(id="R-10").replace("threat: t", "threat: see R-1")
    )
    (ws / "register" / "b.yaml").write_text(ROW.format(id="R-1"))
    apply_changes(ws, [Set(Ref("risks", "R-1"), ("last_reviewed",), date(2026, 3, 1))])
    assert reviewed(ws, "R-1") == date(2026, 3, 1) and reviewed(ws, "R-10") == date(2026, 1, 1)


def test_an_unknown_id_is_refused(ws: Path) -> None:
    (ws / "register" / "a.yaml").write_text(ROW.format(id="R-1"))
    with pytest.raises(EditError, match="risks R-9: no such record"):
        apply_changes(ws, [Set(Ref("risks", "R-9"), ("last_reviewed",), date(2026, 3, 1))])
