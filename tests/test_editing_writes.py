"""Writes through the editing path: the lock, all-or-nothing changes, kill -9, git commits."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hipaa_sra.editing import (
    MANIFEST,
    Append,
    Commit,
    LockTimeout,
    Ref,
    Set,
    apply_changes,
    snapshot,
)
from hipaa_sra.errors import WriteConflict
from hipaa_sra.loading import load_workspace
from hipaa_sra.writing.lock import workspace_lock

BASE = Path(__file__).parent / "rules" / "base"
SRC = str(Path(__file__).parent.parent / "src")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    return root


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def _leftovers(root: Path) -> list[str]:
    """Temporary files and journals an edit may leave behind."""
    return sorted(
        p.name for p in root.rglob("*") if p.name.endswith(".tmp") or p.name == "journal.json"
    )


def _python(script: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen([sys.executable, "-c", script, *args], env=env, text=True, **kwargs)  # type: ignore[call-overload]


THREE_FILES = [
    Set(Ref("risks", "RR-1"), ("threat",), "changed 1"),
    Set(Ref("assets", "api"), ("name",), "changed 2"),
    Set(MANIFEST, ("scope",), "changed 3"),
]


def test_a_file_changed_since_it_was_read_stops_the_whole_change(ws: Path) -> None:
    digests = snapshot(ws)
    before = _files(ws)
    manifest = ws / "sra.yaml"
    manifest.write_text(manifest.read_text() + "# edited meanwhile\n")
    with pytest.raises(WriteConflict, match=r"sra\.yaml: changed on disk since it was read"):
        apply_changes(ws, THREE_FILES, expected=digests)
    after = _files(ws)
    assert after.pop("sra.yaml").endswith(b"# edited meanwhile\n")
    before.pop("sra.yaml")
    assert after == before
    assert _leftovers(ws) == []


def test_a_writer_waits_for_the_lock_then_gives_up_with_a_message(ws: Path) -> None:
    with workspace_lock(ws):
        started = time.monotonic()
        with pytest.raises(
            LockTimeout,
            match=rf"another edit \(process {os.getpid()}\) has "
            r"held the workspace lock for over 0.3 s",
        ):
            apply_changes(ws, THREE_FILES, lock_timeout=0.3)
        assert 0.3 <= time.monotonic() - started < 5
    assert apply_changes(ws, THREE_FILES).files  # released: the next writer goes ahead
    assert (ws / ".sra_edit" / ".gitignore").read_text().endswith("*\n")


RACER = """
import sys, time
from pathlib import Path
from hipaa_sra.editing import Append, Ref, apply_changes
root, tag, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
for number in range(100):
    apply_changes(root, [Append(Ref("risks", "RR-1"), ("current_controls",), f"{tag}-{number}")])
"""


def test_two_processes_racing_to_edit_the_same_file_lose_no_edit(ws: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    racers = [_python(RACER, str(ws), tag, str(go)) for tag in ("A", "B")]
    go.touch()
    assert [racer.wait(timeout=120) for racer in racers] == [0, 0]
    controls = load_workspace(ws, use_cache=False).risk_by_id["RR-1"].current_controls
    for tag in ("A", "B"):
        assert [c for c in controls if c.startswith(f"{tag}-")] == [
            f"{tag}-{n}" for n in range(100)
        ]
    assert len(controls) == 201 and _leftovers(ws) == []


# A writer that stops, as if frozen, at a real point of the swap: before the `n`-th
# os.replace whose target ends with `suffix`. The test then kills it with SIGKILL.
KILLED = """
import os, sys
from pathlib import Path
from hipaa_sra.editing import MANIFEST, Ref, Set, apply_changes
root, suffix, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
real, seen = os.replace, []
def replace(src, dst, *args, **kwargs):
    if str(dst).endswith(suffix):
        seen.append(dst)
        if len(seen) == n:
            print("paused", flush=True)
            sys.stdin.read()
    return real(src, dst, *args, **kwargs)
os.replace = replace
apply_changes(root, [Set(Ref("risks", "RR-1"), ("threat",), "changed 1"),
                     Set(Ref("assets", "api"), ("name",), "changed 2"),
                     Set(MANIFEST, ("scope",), "changed 3")])
"""


def _kill_at(root: Path, suffix: str, n: int) -> None:
    writer = _python(
        KILLED, str(root), suffix, str(n), stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert writer.stdout is not None and writer.stdout.readline() == "paused\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL


def test_kill_9_after_the_first_file_is_swapped_in_is_completed_by_the_next_load(ws: Path) -> None:
    before = _files(ws)
    _kill_at(ws, ".yaml", 2)  # one of the three files is new, two are still old
    middle = _files(ws)
    assert sum(middle[name] != before[name] for name in before) == 1
    assert "journal.json" in _leftovers(ws)
    workspace = load_workspace(ws, use_cache=False)  # finds the journal, completes the change
    assert workspace.risk_by_id["RR-1"].threat == "changed 1"
    assert workspace.asset_by_id["api"].name == "changed 2"
    assert workspace.manifest is not None and workspace.manifest.scope == "changed 3"
    after = _files(ws)
    assert sum(after[name] != before[name] for name in before) == 3
    assert _leftovers(ws) == []


def test_kill_9_before_the_point_of_no_return_is_undone_by_the_next_edit(ws: Path) -> None:
    before = _files(ws)
    _kill_at(ws, "journal.json", 2)  # temporaries written, the commit record not yet
    assert _files(ws) == before
    assert len([name for name in _leftovers(ws) if name.endswith(".tmp")]) == 3
    result = apply_changes(ws, [Set(Ref("risks", "RR-2"), ("threat",), "other")])
    assert result.recovered == "undid an interrupted edit of 3 file(s); no file had changed"
    assert _leftovers(ws) == []
    workspace = load_workspace(ws, use_cache=False)
    assert workspace.risk_by_id["RR-1"].threat != "changed 1"
    assert workspace.risk_by_id["RR-2"].threat == "other"


def test_stale_temporary_files_of_killed_writers_are_cleaned(ws: Path) -> None:
    old = ws / "register" / ".risks.yaml.k1ll3d_x.tmp"
    fresh = ws / "inventory" / ".assets.yaml.inflight.tmp"
    for path in (old, fresh):
        path.write_text("- id: half\n")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    apply_changes(ws, [Set(Ref("risks", "RR-1"), ("threat",), "x")])
    assert not old.exists()
    assert fresh.exists()  # may belong to a write still in progress


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the workspace at `sra/`, with no global git configuration."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    shutil.copytree(BASE, root / "sra")
    (root / "README.md").write_text("hello\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(
        root,
        "-c",
        "user.name=Setup",
        "-c",
        "user.email=setup@example.org",
        "commit",
        "-qm",
        "initial",
    )
    return root


def test_commit_names_the_author_and_holds_only_the_files_changed(repo: Path) -> None:
    _git(repo, "config", "user.name", "Repo Owner")
    _git(repo, "config", "user.email", "owner@example.org")
    (repo / "README.md").write_text("staged, not ours\n")
    _git(repo, "add", "README.md")
    result = apply_changes(
        repo / "sra",
        [
            Set(Ref("risks", "RR-1"), ("likelihood",), "high"),
            Append(
                MANIFEST,
                ("waivers",),
                {"rule": "SRA101", "reason": "r", "approved_by": "alice", "until": "2027-01-01"},
            ),
        ],
        commit=Commit("Ana Diaz", "ana@example.org"),
    )
    assert result.commit == _git(repo, "rev-parse", "HEAD")
    assert result.note == f"committed {result.commit[:7]} as Ana Diaz <ana@example.org>"
    log = _git(repo, "log", "-1", "--format=%an <%ae>|%cn|%B")
    assert log == (
        "Ana Diaz <ana@example.org>|Repo Owner|sra: 2 changes to the workspace\n\n"
        "set risks RR-1 likelihood\nadd to sra.yaml waivers"
    )
    shown = _git(repo, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert shown == ["sra/register/risks.yaml", "sra/sra.yaml"]
    assert _git(repo, "diff", "--cached", "--name-only") == "README.md"


def test_commit_without_a_configured_identity_is_made_by_the_author(repo: Path) -> None:
    result = apply_changes(
        repo / "sra",
        [Set(Ref("risks", "RR-2"), ("threat",), "x")],
        commit=Commit("Ana Diaz", "ana@example.org", "Review of RR-2"),
    )
    assert result.commit is not None
    assert _git(repo, "log", "-1", "--format=%an|%cn|%B") == (
        "Ana Diaz|Ana Diaz|Review of RR-2\n\nset risks RR-2 threat"
    )
    assert _git(repo, "status", "--porcelain") == ""  # the lock's directory is git-ignored


def test_outside_git_the_change_is_written_and_the_result_says_it_is_not_committed(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = apply_changes(
        ws,
        [Set(Ref("risks", "RR-1"), ("threat",), "x")],
        commit=Commit("Ana Diaz", "ana@example.org"),
    )
    assert result.commit is None and result.files
    assert result.note == f"not committed: {ws} is not in a git repository"
    assert load_workspace(ws, use_cache=False).risk_by_id["RR-1"].threat == "x"


def test_an_author_git_would_garble_is_refused_before_writing(ws: Path) -> None:
    before = _files(ws)
    with pytest.raises(Exception, match="commit author name"):
        apply_changes(ws, THREE_FILES, commit=Commit("Eve\nInjected: yes", "eve@example.org"))
    assert _files(ws) == before


def _sra(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return _python(
        "from hipaa_sra.cli import main; main()",
        *args,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _sheet(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_import_commits_with_the_author_given(repo: Path) -> None:
    sheet = _sheet(repo.parent / "risks.csv", [["id", "likelihood"], ["RR-3", "high"]])
    run = _sra(
        "import",
        str(sheet),
        "-w",
        "sra",
        "--apply",
        "--commit",
        "--author",
        "Ana Diaz <ana@example.org>",
        cwd=repo,
    )
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, err
    assert "wrote 1 files" in out and "committed" in out
    subject = _git(repo, "log", "-1", "--format=%an|%s")
    assert subject == "Ana Diaz|sra: update risks RR-3: likelihood"
    bad = _sra(
        "import", str(sheet), "-w", "sra", "--apply", "--commit", "--author", "Ana", cwd=repo
    )
    _, err = bad.communicate(timeout=120)
    assert bad.returncode == 2 and "expected 'Name <email>'" in err


def test_two_imports_at_once_never_both_succeed_with_one_edit_lost(
    ws: Path, tmp_path: Path
) -> None:
    sheets = [
        _sheet(tmp_path / f"{n}.csv", [["id", "threat"], [f"RR-{n}", f"threat {n}"]])
        for n in (1, 2)
    ]
    for _ in range(2):
        runs = [
            _sra("import", str(sheet), "--kind", "risks", "-w", str(ws), "--apply", cwd=tmp_path)
            for sheet in sheets
        ]
        outcomes = [(run.wait(timeout=120), run.communicate()[1]) for run in runs]
        risks = load_workspace(ws, use_cache=False).risk_by_id
        for n, (code, err) in zip((1, 2), outcomes, strict=True):
            if code == 0:
                assert risks[f"RR-{n}"].threat == f"threat {n}"
            else:
                assert code == 2 and "changed on disk since it was read" in err, err
        assert any(code == 0 for code, _ in outcomes)
        for n in (1, 2):  # reset for the next round
            apply_changes(ws, [Set(Ref("risks", f"RR-{n}"), ("threat",), "reset")])
