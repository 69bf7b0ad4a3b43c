"""The cache: entries bound to their inputs and to the code, never served from another state."""

from __future__ import annotations

import marshal
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import hipaa_sra
from conftest import Run
from hipaa_sra.loading import cache as cache_module
from hipaa_sra.loading import check_workspace
from hipaa_sra.loading.cache import CACHE_DIR, STALE_TEMP_SECONDS, Cache, Key

TODAY = "2026-11-22"
RISK = """\
- id: R-1
  asset: db
  threat: Ransomware
  vuln: Unpatched host
  likelihood: low
  impact: high
"""
BROKEN = RISK + "  colour: red\n"  # an unknown field: an error finding
LINT = ("lint", "--select", "SRA0", "--today", TODAY)


def _entries(root: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in (root / CACHE_DIR).rglob("*")
        if p.is_file() and p.name != ".gitignore"
    }


def _suffix(name: str) -> str:
    return name.split(".", 1)[1]


def _replace_new_entries_with_old(root: Path, old: dict[str, bytes]) -> int:
    """Overwrite each entry written since `old` with the old entry of that name or sort.

    A pack keeps its name from one run to the next: the one written since is put back as
    it was, with the members of the earlier state under their earlier inputs.
    """
    by_suffix = {_suffix(name): data for name, data in old.items()}
    replaced = 0
    for name, data in _entries(root).items():
        if old.get(name) != data:
            earlier = old.get(name, by_suffix[_suffix(name)])
            (next((root / CACHE_DIR).rglob(name))).write_bytes(earlier)
            replaced += 1
    return replaced


def test_validate_ignores_a_stale_entry_copied_under_the_new_key(workspace) -> None:
    root = workspace({"register/risks.yaml": RISK})
    assert not any(f.name == "unknown-field" for f in check_workspace(root).findings)
    clean = _entries(root)
    (root / "register" / "risks.yaml").write_text(BROKEN)
    assert any(f.name == "unknown-field" for f in check_workspace(root).findings)
    # the file's data, summary and the whole result, and the pack of positions found
    assert _replace_new_entries_with_old(root, clean) == 4
    assert any(f.name == "unknown-field" for f in check_workspace(root).findings)


def test_lint_ignores_stale_entries_copied_under_the_new_keys(workspace, sra) -> None:
    root = workspace({"register/risks.yaml": RISK})
    assert sra(*LINT).exit_code == 0
    clean = _entries(root)
    (root / "register" / "risks.yaml").write_text(BROKEN)
    first = sra(*LINT)
    assert first.exit_code == 1 and "unknown-field" in first.stdout
    # the file's data and summary, the packs of positions and of per-record findings, the
    # rendered text, the result with the paths of its locations and the table of the files
    # it came from: all from the clean state
    assert _replace_new_entries_with_old(root, clean) == 7
    again = sra(*LINT)
    assert (again.exit_code, again.stdout) == (1, first.stdout)


def _render_entry(root: Path) -> Path:
    (entry,) = (root / CACHE_DIR).rglob("*.lint.text")
    return entry


def test_a_forged_render_entry_never_makes_lint_report_no_findings(workspace, sra) -> None:
    root = workspace({"register/risks.yaml": BROKEN})
    first = sra(*LINT)
    assert first.exit_code == 1
    entry = _render_entry(root)
    all_clear = ("0 findings\n", (("error", 0), ("warning", 0), ("info", 0)))
    forgeries = [
        marshal.dumps(all_clear),  # an entry without a binding (the layout of earlier versions)
        entry.read_bytes().replace(b"unknown-field", b"unknown-fielx"),  # edited in place
    ]
    Cache(root).put(Key(entry.name, b"\0" * 32), all_clear)  # bound to other inputs
    forgeries.append(entry.read_bytes())
    for forged in forgeries:
        entry.write_bytes(forged)
        run = sra(*LINT)
        assert (run.exit_code, run.stdout) == (1, first.stdout)


def test_a_forged_summary_entry_never_hides_an_error(workspace) -> None:
    root = workspace({"register/risks.yaml": RISK})
    clean_data = RISK.encode()
    cache = Cache(root)
    check_workspace(root)
    clean_key = cache.key(clean_data, "register/risks.yaml", "summary")
    clean_summary = cache.get(clean_key)
    assert clean_summary is not None
    (root / "register" / "risks.yaml").write_text(BROKEN)
    check_workspace(root)
    broken_key = cache.key(BROKEN.encode(), "register/risks.yaml", "summary")
    (entry,) = (root / CACHE_DIR).rglob(broken_key.name)
    forgeries = [marshal.dumps(clean_summary)]
    cache.put(Key(broken_key.name, clean_key.inputs), clean_summary)
    forgeries.append(entry.read_bytes())
    for forged in forgeries:
        entry.write_bytes(forged)
        for whole in (root / CACHE_DIR).rglob("*.validate"):
            whole.unlink()  # else the run is answered before any summary is read
        assert any(f.name == "unknown-field" for f in check_workspace(root).findings)


class Blocked(Exception):
    """A read blocked (not an OSError, which the cache would take for a miss)."""


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail instead of hanging when a read blocks (a FIFO without a writer)."""

    def expire(signum: int, frame: object) -> None:
        raise Blocked("the cache read blocked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_an_entry_that_is_not_a_regular_file_is_a_miss(workspace, alarm) -> None:
    root = workspace({"register/risks.yaml": BROKEN})
    check_workspace(root)
    fifo = root / "fifo"
    os.mkfifo(fifo)
    for entry in (root / CACHE_DIR).rglob("*.summary"):
        entry.unlink()
        os.mkfifo(entry)
    for entry in (root / CACHE_DIR).rglob("*.data"):
        entry.unlink()
        entry.symlink_to(fifo)  # a link to a device would be as bad: read without end
    assert any(f.name == "unknown-field" for f in check_workspace(root).findings)


def test_temporary_files_of_a_killed_run_are_removed_by_the_next_write(workspace) -> None:
    root = workspace({"register/risks.yaml": RISK})
    check_workspace(root)
    directory = next((root / CACHE_DIR).glob("v*"))
    old, fresh = directory / ".tmp-killed", directory / ".tmp-writing-now"
    old.write_bytes(b"half an entry")
    fresh.write_bytes(b"another run's entry, being written")
    an_hour_and_more = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(old, (an_hour_and_more, an_hour_and_more))
    check_workspace(root)  # a hit: nothing written, nothing swept
    assert old.exists()
    (root / "register" / "risks.yaml").write_text(BROKEN)
    check_workspace(root)
    assert not old.exists()
    assert fresh.exists()  # it may belong to a run still going


def test_bytes_are_stored_as_they_are_and_each_format_is_read_by_its_own_method(
    tmp_path: Path,
) -> None:
    cache = Cache(tmp_path)
    raw, value = cache.key(b"a", "a.yaml", "calendar"), cache.key(b"b", "b.yaml", "summary")
    cache.put_bytes(raw, b"BEGIN:VCALENDAR\r\n")
    cache.put(value, (1, "two"))
    stored = cache.get_bytes(raw)
    assert stored is not None and bytes(stored) == b"BEGIN:VCALENDAR\r\n"
    assert cache.get(value) == (1, "two")
    # A raw entry is never unmarshalled, nor a marshalled one taken for bytes.
    assert cache.get(raw) is None and cache.get_bytes(value) is None
    # Another key's inputs, a torn entry and an empty file are misses.
    assert cache.get_bytes(Key(raw.name, value.inputs)) is None
    (entry,) = (tmp_path / CACHE_DIR).rglob(raw.name)
    entry.write_bytes(entry.read_bytes()[:-1])
    assert cache.get_bytes(raw) is None
    entry.write_bytes(b"")
    assert cache.get_bytes(raw) is None


def _aged(path: Path, hours: float) -> None:
    when = time.time() - hours * 3600
    os.utime(path, (when, when))


def test_a_full_cache_loses_its_least_recently_used_entries_first(
    workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace({"register/risks.yaml": RISK})
    check_workspace(root)
    directory = next((root / CACHE_DIR).glob("v*"))
    cache = Cache(root)
    keys = [cache.key(str(n).encode(), f"old/{n}.yaml", "summary") for n in range(6)]
    for n, key in enumerate(keys):
        cache.put(key, b"x" * 10_000)
        _aged(directory / key.name, 100 - n)  # keys[0] the oldest
    assert Cache(root).get(keys[1]) is not None  # read: used now, whatever its age
    in_use = sum(p.stat().st_size for p in directory.iterdir())
    monkeypatch.setattr(cache_module, "LIMIT_BYTES", in_use - 1)
    (root / "register" / "risks.yaml").write_text(BROKEN)
    assert any(f.name == "unknown-field" for f in check_workspace(root).findings)
    left = {p.name for p in directory.iterdir()}
    # The oldest went, down to three quarters of the limit; the one just read stayed.
    assert keys[0].name not in left and keys[2].name not in left
    assert keys[1].name in left
    assert sum(p.stat().st_size for p in directory.iterdir()) <= in_use
    assert check_workspace(root) == check_workspace(root, use_cache=False)


def test_a_cache_within_its_limit_loses_nothing(workspace) -> None:
    root = workspace({"register/risks.yaml": RISK})
    check_workspace(root)
    directory = next((root / CACHE_DIR).glob("v*"))
    for path in directory.iterdir():
        _aged(path, 24 * 365)
    before = {p.name for p in directory.iterdir()}
    (root / "register" / "risks.yaml").write_text(BROKEN)
    check_workspace(root)
    assert before <= {p.name for p in directory.iterdir()}


def _sra_from(package_parent: Path, cwd: Path) -> Callable[..., Run]:
    env = {**os.environ, "PYTHONPATH": str(package_parent), "NO_COLOR": "1"}

    def run(*args: str) -> Run:
        done = subprocess.run(
            [sys.executable, "-m", "hipaa_sra", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run


def test_editing_any_module_of_the_package_misses_the_cache(tmp_path: Path) -> None:
    package = Path(hipaa_sra.__file__).parent
    copy = tmp_path / "site"
    shutil.copytree(package, copy / "hipaa_sra", ignore=shutil.ignore_patterns("__pycache__"))
    sra = _sra_from(copy, tmp_path)
    assert sra("init", "sra", "--example").exit_code == 0
    args = ("lint", "--today", TODAY)
    first = sra(*args)
    assert first.exit_code == 1 and list((tmp_path / "sra" / CACHE_DIR).rglob("*.lint.text"))
    assert sra(*args).stdout == first.stdout
    # A module no hand-kept list of cached sources ever named: how findings are printed.
    text = copy / "hipaa_sra" / "formats" / "text.py"
    text.write_text(
        text.read_text() + "\n\n_plain = lint_text\n\n\n"
        "def lint_text(*args, **kwargs):  # type: ignore[no-redef]\n"
        "    return 'EDITED\\n' + _plain(*args, **kwargs)\n"
    )
    edited = sra(*args)
    assert edited.stdout == "EDITED\n" + first.stdout, edited.stderr


@pytest.mark.parametrize("damage", ["flip", "truncate", "extend"])
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: str) -> None:
    cache = Cache(tmp_path)
    key = cache.key_of([b"input"], "test")
    value = {"rows": tuple(range(1000)), "text": "x" * 5000}
    cache.put(key, value)
    assert cache.get(key) == value
    entry = cache.directory / key.name
    data = bytearray(entry.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01  # inside the payload: the header still binds it
    elif damage == "truncate":
        del data[-1]
    else:
        data += b"\x00"
    entry.write_bytes(bytes(data))
    assert cache.get(key) is None
