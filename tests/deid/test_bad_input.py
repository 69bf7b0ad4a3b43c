"""Refusals and failures: nothing half written, nothing lost, one clear line each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hipaa_sra.deid import files_io

from .data import POLICY, clinic, write_files
from .test_files import run


@pytest.fixture
def export(tmp_path: Path) -> Path:
    """A small CSV export and its policy beside it."""
    (tmp_path / "policy.yaml").write_text(POLICY)
    return write_files(clinic(patients=30), tmp_path / "export", "csv")


def _run(export: Path, to: Path, *more: str) -> tuple[int, str, str]:
    return run(
        "--from",
        str(export),
        "--to",
        str(to),
        "--policy",
        str(export.parent / "policy.yaml"),
        "--mapping-store",
        str(export.parent / "secure" / "map.sqlite"),
        *more,
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_the_destination_may_not_be_or_hold_the_source(export: Path) -> None:
    before = _tree(export)
    for target in (export, export / "copy", export.parent):
        code, _, stderr = _run(export, target)
        assert code == 2 and "the destination is, holds or lies inside the source" in stderr
    assert _tree(export) == before


def test_a_full_destination_is_replaced_only_when_asked(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "staging"
    out.mkdir()
    (out / "keep.txt").write_text("someone's work\n")
    code, _, stderr = _run(export, out)
    assert code == 2 and "exists and is not empty; give --replace" in stderr
    assert _tree(out) == {"keep.txt": b"someone's work\n"}
    code, _, _ = _run(export, out, "--replace")
    assert code == 0
    assert set(_tree(out)) == {"patients.csv", "encounters.csv", "notes.csv"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_identifier_left_fails_the_run_and_writes_nothing(export: Path, tmp_path: Path) -> None:
    # `text` kept without a type passes the profile check; the re-scan still finds the SSNs.
    (tmp_path / "policy.yaml").write_text(POLICY.replace("text: redact-text", "text: keep"))
    out = tmp_path / "staging"
    code, stdout, _ = _run(export, out)
    assert code == 1
    assert f"Re-scan FAILED: nothing was written to {out}" in stdout
    assert "  notes.text: ssn (confidence" in stdout and "after keep" in stdout
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_interrupted_run_leaves_no_destination(
    export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = []
    real = files_io.copy_file

    def stop_after_one(entry, transform, root, tally):  # type: ignore[no-untyped-def]
        if written:
            raise KeyboardInterrupt
        real(entry, transform, root, tally)
        written.append(entry.rel)

    monkeypatch.setattr(files_io, "copy_file", stop_after_one)
    out = tmp_path / "staging"
    code, _, stderr = _run(export, out)  # Ctrl-C: click says "Aborted!", exit 1
    assert code == 1 and "Aborted!" in stderr
    assert written and not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    # The mapping store was rolled back: the next run starts from nothing it half issued.
    monkeypatch.undo()
    assert _run(export, out)[0] == 0


def test_places_that_must_not_hold_the_mapping_store(export: Path, tmp_path: Path) -> None:
    out = tmp_path / "staging"
    code, _, stderr = run(
        "--from",
        str(export),
        "--to",
        str(out),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(out / "map.db"),
    )
    assert code == 2 and "the mapping store must be outside the source and the destination" in (
        stderr
    )
    code, _, stderr = run(
        "--from", str(export), "--to", str(out), "--policy", str(tmp_path / "policy.yaml")
    )
    assert code == 2 and "give --mapping-store" in stderr
    assert not out.exists()


def test_outputs_inside_a_workspace_are_refused(export: Path, tmp_path: Path) -> None:
    (tmp_path / "sra").mkdir()
    (tmp_path / "sra" / "sra.yaml").write_text("organization:\n  name: Clinic\n")
    for option in ("--to", "--mapping-store"):
        args = {"--to": str(tmp_path / "out"), "--mapping-store": str(tmp_path / "map.db")}
        args[option] = str(tmp_path / "sra" / "copy")
        code, _, stderr = run(
            "--from",
            str(export),
            "--policy",
            str(tmp_path / "policy.yaml"),
            *[x for pair in args.items() for x in pair],
        )
        assert code == 2 and "inside the workspace" in stderr
    assert not (tmp_path / "sra" / "copy").exists()


def test_a_mapping_store_that_is_another_database_is_refused(export: Path, tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "app.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE users (id int)").connection.commit()
    code, _, stderr = run(
        "--from",
        str(export),
        "--to",
        str(tmp_path / "out"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(other),
    )
    assert code == 2 and "a SQLite database that is not a mapping store" in stderr


def test_paths_that_are_not_utf8_are_refused_in_one_line(export: Path, tmp_path: Path) -> None:
    # polars and SQLite open files by a UTF-8 path only: a name Python surrogate-escaped is
    # refused by name, the source as a table that cannot be read, the destination up front.
    odd = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"copy\xff")))
    code, _, stderr = _run(export, odd)
    assert code == 2 and "--to" in stderr and "copy\\xff: the path is not UTF-8" in stderr
    assert not odd.exists()
    moved = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"export\xff")))
    export.rename(moved)
    code, _, stderr = _run(moved, tmp_path / "copy")
    assert code == 2 and "export\\xff/" in stderr and "the path is not UTF-8" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "copy").exists()
