"""`sra serve` end to end: the real server in a subprocess, its setup link fetched over HTTP."""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import git


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(workspace: Path, *args: str, timeout: float = 180) -> Iterator[tuple[str, str]]:
    """Run `sra serve` until it says it is serving; yield (base URL, what it printed)."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("SRA_DATABASE_URL", None)
    # Port 0: the server takes a free port itself, so no other process can take it first.
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hipaa_sra",
            "serve",
            "--workspace",
            str(workspace),
            "--port",
            "0",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    printed = ""
    try:
        deadline = time.monotonic() + timeout
        while "Serving " not in printed:
            line = process.stdout.readline()
            if not line:
                pytest.fail(f"sra serve stopped: {printed}")
            printed += line
            if time.monotonic() > deadline:
                pytest.fail(f"sra serve did not start in {timeout} s: {printed}")
        serving_at = re.search(r" at (http://127\.0\.0\.1:\d+)/ ", printed)
        assert serving_at is not None, printed
        yield serving_at.group(1), printed
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    """GET `url`: status, body, headers (no redirects followed)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


SETUP = re.compile(r"(http://127\.0\.0\.1:\d+/setup/[\w-]+/)")


def test_serve_prints_a_setup_link_that_opens_the_first_admin_page(web_workspace: Path) -> None:
    with serving(web_workspace) as (base, printed):
        link = SETUP.search(printed)
        assert link is not None, printed
        status, body, headers = fetch(link.group(1))
        assert status == 200 and "Create the first administrator" in body
        assert headers["Server"] == "hipaa-sra"
        assert fetch(base + "/static/django_htmx/htmx-2.min.js")[0] == 200
        assert fetch(base + "/")[0] == 302
    key = web_workspace / ".sra_web" / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert git(web_workspace.parent, "status", "--porcelain") == ""  # nothing to commit
    # A second start reuses the key and, still without users, prints a new link.
    before = key.read_text()
    with serving(web_workspace) as (_, printed):
        again = SETUP.search(printed)
        assert again is not None and again.group(1) != link.group(1)
    assert key.read_text() == before


def test_serve_refuses_a_workspace_whose_state_git_would_commit(web_workspace: Path) -> None:
    (web_workspace / ".gitignore").unlink()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "hipaa_sra",
            "serve",
            "--workspace",
            str(web_workspace),
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 2
    assert "does not ignore .sra_web/" in run.stderr and "Traceback" not in run.stderr
    assert not (web_workspace / ".sra_web").exists()


def test_serve_says_when_the_port_is_taken(web_workspace: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "hipaa_sra",
                "serve",
                "--workspace",
                str(web_workspace),
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert run.returncode == 2
    assert f"127.0.0.1:{port}: cannot listen there" in run.stderr
    assert "Traceback" not in run.stderr


def test_serve_says_when_the_database_cannot_be_reached(web_workspace: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "hipaa_sra",
            "serve",
            "--workspace",
            str(web_workspace),
            "--port",
            str(free_port()),
            "--database-url",
            "postgresql://postgres@127.0.0.1:1/none",
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("sra: cannot use the database: connection failed")
    assert "Traceback" not in run.stderr


def test_serve_starts_on_a_workspace_that_does_not_load_and_says_why(web_workspace: Path) -> None:
    (web_workspace / "register" / "broken.yaml").write_text("- id: R-X\n  threat: a: b\n")
    with serving(web_workspace) as (base, printed):
        assert "sra: the workspace does not load" in printed
        assert "register/broken.yaml:2:" in printed
        assert fetch(base + "/login/")[0] == 200


def _get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """GET with headers, no redirects followed: status and response headers."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def test_behind_a_tls_proxy_https_is_required_and_hsts_sent(web_workspace: Path) -> None:
    with serving(web_workspace, "--behind-tls-proxy", "--allowed-host", "sra.example.com") as (
        base,
        _,
    ):
        proxied = {
            "Host": "sra.example.com",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
        }
        status, headers = _get(base + "/login/", proxied)
        assert status == 200
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        plain, redirect = _get(base + "/login/", {"Host": "sra.example.com"})
        assert plain == 301 and redirect["Location"] == "https://sra.example.com/login/"
        unknown, _ = _get(base + "/login/", {**proxied, "Host": "evil.example"})
        assert unknown == 400
