"""`sra calendar` reuses its previous file only while nothing it is computed from changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from hipaa_sra.loading import load_workspace
from hipaa_sra.schedule import build_schedule, render_ics

BASE = Path(__file__).parent / "rules" / "base"


def _fresh(root: Path, today: str) -> bytes:
    return render_ics(
        build_schedule(load_workspace(root, use_cache=False), date.fromisoformat(today))
    )


def _calendar(sra, root: Path, today: str = "2026-11-22", *args: str) -> bytes:
    out = root.parent / "out.ics"
    run = sra("calendar", "--workspace", str(root), "--today", today, "--out", str(out), *args)
    assert run.exit_code == 0, run.stderr
    return out.read_bytes()


def test_a_warm_calendar_is_the_cold_one_and_follows_every_change(sra, tmp_path: Path) -> None:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    cold = _calendar(sra, root)
    assert cold == _fresh(root, "2026-11-22")
    assert any((root / ".sra_cache").rglob("*.calendar"))
    assert _calendar(sra, root) == cold
    # Another day: other overdue marks and day counts, never the cached file.
    later = _calendar(sra, root, "2027-03-01")
    assert later != cold and later == _fresh(root, "2027-03-01")
    # A record edited: its event moves.
    risks = root / "register" / "risks.yaml"
    text = risks.read_text()
    assert "2027-02-28" in text
    risks.write_text(text.replace("2027-02-28", "2027-03-31"))
    edited = _calendar(sra, root)
    assert edited != cold and b"DTSTART;VALUE=DATE:20270331" in edited
    assert edited == _fresh(root, "2026-11-22")
    # Back to the first bytes: the first entry is valid again.
    risks.write_text(text)
    assert _calendar(sra, root) == cold
    # Policies and training have events too: a new approval or completion moves them.
    for kind, old, new in (
        (
            "policies/policies.yaml",
            "approved: 2026-03-01\n  review_days",
            "approved: 2026-06-01\n  review_days",
        ),
        ("training/training.yaml", "completed: 2026-02-10", "completed: 2026-08-10"),
    ):
        path = root / kind
        before = path.read_text()
        path.write_text(before.replace(old, new, 1))
        moved = _calendar(sra, root)
        assert moved != cold and moved == _fresh(root, "2026-11-22")
        path.write_text(before)
    assert _calendar(sra, root) == cold


def test_no_cache_neither_reads_nor_writes_it(sra, tmp_path: Path) -> None:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    data = _calendar(sra, root, "2026-11-22", "--no-cache")
    assert not any((root / ".sra_cache").rglob("*.calendar"))
    assert data == _fresh(root, "2026-11-22")


def test_the_warm_calendar_on_stdout_is_the_stored_file_byte_for_byte(tmp_path: Path) -> None:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    command = [sys.executable, "-m", "hipaa_sra", "calendar", "--workspace", str(root)]
    command += ["--today", "2026-11-22"]
    runs = [subprocess.run(command, capture_output=True, timeout=120) for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout == _fresh(root, "2026-11-22")
    assert b"\r\n" in runs[1].stdout  # written to the binary stream: CRLF as RFC 5545 has it
    (entry,) = (root / ".sra_cache").rglob("*.calendar")
    assert entry.read_bytes().endswith(runs[1].stdout)  # stored as it is, and written from there
