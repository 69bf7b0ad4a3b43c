"""Shared fixtures: write small workspaces, run the CLI like a user would."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from hipaa_sra.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"

# In CI the property tests draw the same examples on every run, so a submission is judged on
# its code, not on the luck of the draw; on a developer's machine each run explores anew. No
# deadline in CI either: a loaded runner must not turn a slow example into a failure.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

MANIFEST = """\
organization:
  name: Test Clinic
people:
  - id: alice
    name: Alice
    roles: [compliance-officer]
  - id: bob
    name: Bob
    roles: [engineering-owner]
"""


@dataclass
class Run:
    """What a user sees from one `sra` invocation."""

    exit_code: int
    stdout: str
    stderr: str


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path -> content) under `root` and return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def workspace(tmp_path: Path) -> Callable[..., Path]:
    """Build a workspace from files; `sra.yaml` defaults to a small valid manifest."""

    def make(files: dict[str, str | bytes] | None = None, manifest: str | None = MANIFEST) -> Path:
        root = tmp_path / "sra"
        root.mkdir(exist_ok=True)
        contents: dict[str, str | bytes] = {}
        if manifest is not None:
            contents["sra.yaml"] = manifest
        contents.update(files or {})
        return write_files(root, contents)

    return make


@pytest.fixture
def sra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Run]:
    """Run `sra ARGS...` in `tmp_path` and capture exit code, stdout and stderr separately."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")

    def run(*args: str, input: str | None = None) -> Run:
        runner = CliRunner()
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


_DROP_OVERRIDES = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
# PR_CAPBSET_DROP (24) of CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2): root then obeys
# file permissions after exec, as any other user does.
for cap in (1, 2):
    if libc.prctl(24, cap, 0, 0, 0) != 0:
        sys.exit(97)
os.execv(sys.executable, [sys.executable, "-m", "hipaa_sra", *sys.argv[1:]])
"""


@pytest.fixture
def sra_process(tmp_path: Path) -> Callable[..., Run]:
    """Run `sra ARGS...` as a separate process that file permissions bind, even as root.

    Tests run as root here, where `chmod 000` stops no read; the process drops the two
    capabilities that let root ignore permissions (Linux) or the test is skipped. `timeout`
    bounds a run that could hang (a named pipe opened for reading waits for a writer).
    """
    import os
    import subprocess
    import sys

    def run(*args: str, cwd: Path | None = None, timeout: float = 60) -> Run:
        env = {**os.environ, "NO_COLOR": "1"}
        if os.name == "posix" and os.geteuid() == 0:
            if not sys.platform.startswith("linux"):
                pytest.skip("running as root, where file permissions do not stop reads")
            command = [sys.executable, "-c", _DROP_OVERRIDES, *args]
        else:
            command = [sys.executable, "-m", "hipaa_sra", *args]
        done = subprocess.run(
            command,
            cwd=cwd or tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode == 97:
            pytest.skip("running as root and unable to drop CAP_DAC_OVERRIDE")
        return Run(done.returncode, done.stdout, done.stderr)

    return run


def _postgres_reachable() -> bool:
    """True when the database tests' server answers on 127.0.0.1:5432."""
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the `postgres` tests where no server runs, but never in CI: there they must run."""
    import os

    marked = [item for item in items if item.get_closest_marker("postgres")]
    if not marked or _postgres_reachable():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            "CI is set but no PostgreSQL server answers on 127.0.0.1:5432; `make test` starts "
            "one (scripts/ensure-postgres.sh): see its message above"
        )
    skip = pytest.mark.skip(reason="no PostgreSQL server on 127.0.0.1:5432 (make test starts one)")
    for item in marked:
        item.add_marker(skip)
