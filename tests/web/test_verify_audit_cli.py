"""`sra web verify-audit`: the chain checked from the command line, and exported as CSV."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

RECORD = """
import sys
from pathlib import Path
from hipaa_sra.web.maintenance import open_database
open_database(Path(sys.argv[1]), None)
from hipaa_sra.web import audit
for i in range(4):
    audit.record(None, "test.event", object=f"risk:R-{i}", actor="tester")
"""


def _sra(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("SRA_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "hipaa_sra", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_verify_audit_passes_then_names_the_tampered_entry(
    web_workspace: Path, tmp_path: Path
) -> None:
    subprocess.run([sys.executable, "-c", RECORD, str(web_workspace)], check=True, timeout=120)
    ok = _sra("web", "verify-audit", "--workspace", str(web_workspace), cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "Audit trail intact: 4 entries" in ok.stdout
    with sqlite3.connect(web_workspace / ".sra_web" / "web.sqlite3") as db:
        db.execute("DROP TRIGGER sra_web_auditentry_no_update")
        db.execute("UPDATE sra_web_auditentry SET object = 'risk:R-9' WHERE seq = 2")
    out = tmp_path / "audit.csv"
    broken = _sra(
        "web",
        "verify-audit",
        "--workspace",
        str(web_workspace),
        "--export-csv",
        str(out),
        cwd=tmp_path,
    )
    assert broken.returncode == 1
    assert "Audit trail broken at entry #2: was changed after it was written" in broken.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith("seq,at,actor") and len(lines) == 5
    assert "risk:R-9" in lines[2]


def test_export_into_the_workspace_is_refused(web_workspace: Path, tmp_path: Path) -> None:
    run = _sra(
        "web",
        "verify-audit",
        "--workspace",
        str(web_workspace),
        "--export-csv",
        str(web_workspace / "audit.csv"),
        cwd=tmp_path,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert not (web_workspace / "audit.csv").exists()


def test_verifying_creates_nothing_where_there_is_no_trail(
    web_workspace: Path, tmp_path: Path
) -> None:
    # Not a workspace: refused before any state is made beside it.
    bare = tmp_path / "bare"
    bare.mkdir()
    run = _sra("web", "verify-audit", "--workspace", str(bare), cwd=tmp_path)
    assert run.returncode == 2 and "expected sra.yaml" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (bare / ".sra_web").exists()
    # A workspace the app never served: no trail to verify, and no new empty one.
    state = web_workspace / ".sra_web" / "web.sqlite3"
    if state.exists():
        state.unlink()
    run = _sra("web", "verify-audit", "--workspace", str(web_workspace), cwd=tmp_path)
    assert run.returncode == 2 and "no audit trail here" in run.stderr
    assert "intact" not in run.stdout and not state.exists()
