"""Fixtures of the web app's tests: a configured app over a real database and a real git repo.

Every web test runs twice: on SQLite and on the PostgreSQL server (marked `postgres`, skipped
where none runs, except in CI). Each database is created and migrated once per session and
each test runs in a transaction rolled back at its end. Each test gets its own copy of the
example workspace in a git repository, users per role with TOTP devices, and Django test
clients signed in with both factors.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hipaa_sra.web.config import WebConfig

TODAY = date(2026, 3, 1)
"""The date every web test measures against."""

PASSWORD = "correct-horse-battery-staple-42"
"""Every test user's password (long and uncommon enough for the validators)."""

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"

ROLES: dict[str, tuple[str | None, bool]] = {
    "reader": (None, False),
    "editor": ("lucas-moreno", False),
    "approver": ("priya-raman", False),
    "signer": ("maria-chen", False),
    "engineering-signer": ("david-okafor", False),
    "admin": (None, True),
}
"""Test users: role name -> (person in the example's sra.yaml `people`, administrator)."""

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd` with a fixed identity and return its output."""
    result = subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def totp_code(device: Any, at: float | None = None) -> str:
    """The code an authenticator app shows for `device` (a TOTPDevice) at `at` (now)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository holding `sra init --example` in `sra/`, committed (made once)."""
    from hipaa_sra.writing import init_workspace

    repo = tmp_path_factory.mktemp("example-repo")
    init_workspace(repo / "sra", example=True, organization="")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "The example workspace")
    return repo


def _configure_django() -> WebConfig:
    """Configure Django for this process now, so test modules may import models at the top.

    The workspace and the database are set per test and per session by the fixtures below;
    until then both point into a scratch directory removed at exit.
    """
    import atexit
    import tempfile

    from hipaa_sra.web.app import configure

    scratch = Path(tempfile.mkdtemp(prefix="sra-web-tests-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    config = WebConfig(
        workspace=scratch / "sra",
        secret_key="test-" + "k" * 60,
        data_dir=scratch,
        today=TODAY,
        allowed_hosts=("testserver", "127.0.0.1", "localhost"),
        # Password hashing at production strength costs ~0.5 s per user; tests need many.
        extra_settings={"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]},
    )
    configure(config)
    return config


SESSION_CONFIG = _configure_django()


@pytest.fixture(scope="session")
def web_config() -> WebConfig:
    """The app's configuration for this test process (settings are per process)."""
    return SESSION_CONFIG


def _use_database(db: dict[str, Any]) -> None:
    """Point Django's connections at `db` (the handler re-reads DATABASES on next use)."""
    from asgiref.local import Local
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES = {"default": db}
    connections.__dict__.pop("settings", None)
    connections._settings = None  # type: ignore[attr-defined]
    connections._connections = Local(connections.thread_critical)  # type: ignore[attr-defined]


@pytest.fixture(scope="session", params=DATABASES)
def web_database(
    request: pytest.FixtureRequest, web_config: WebConfig, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, migrated database of each kind: SQLite, then PostgreSQL; dropped at the end."""
    from hipaa_sra.web.app import migrate
    from hipaa_sra.web.settings import database_settings

    vendor = request.param
    name = ""
    if vendor == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "web.sqlite3"
        db = database_settings(replace(web_config, data_dir=path.parent))
    else:
        import psycopg

        name = f"sra_web_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        db = database_settings(replace(web_config, database_url=f"{PG_SERVER}/{name}"))
        db["CONN_MAX_AGE"] = 0
    _use_database(db)
    migrate()
    try:
        yield vendor
    finally:
        from django.db import connections

        connections.close_all()
        if name:
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def web_db(web_database: str) -> Iterator[str]:
    """The test's view of the database: everything it writes is rolled back at its end."""
    from django.db import transaction

    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        yield web_database
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def web_workspace(example_repo: Path, tmp_path: Path) -> Path:
    """This test's own copy of the example repository; returns its workspace directory."""
    repo = tmp_path / "repo"
    shutil.copytree(example_repo, repo, symlinks=True)
    return repo / "sra"


@pytest.fixture
def web_app(web_config: WebConfig, web_db: str, web_workspace: Path) -> Iterator[WebConfig]:
    """The app configured for this test's workspace, `today` pinned to `TODAY`."""
    from django.test.utils import override_settings

    config = replace(web_config, workspace=web_workspace)
    with override_settings(SRA_WEB_CONFIG=config):
        yield config


@dataclass
class WebUser:
    """A test user: the account, its TOTP device and the person it is linked to."""

    user: Any
    device: Any
    person_id: str | None
    password: str = PASSWORD

    @property
    def username(self) -> str:
        """The account's user name."""
        return str(self.user.username)


def make_user(
    username: str, *, person_id: str | None = None, admin: bool = False, enrolled: bool = True
) -> WebUser:
    """An active user with a confirmed TOTP device (unless `enrolled` is False)."""
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hipaa_sra.web.models import Account

    user = User.objects.create_user(
        username, f"{username}@example.com", PASSWORD, is_superuser=admin
    )
    Account.objects.create(user=user, person_id=person_id or "")
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True) if enrolled else None
    return WebUser(user, device, person_id)


@pytest.fixture
def web_users(web_app: WebConfig) -> dict[str, WebUser]:
    """One user per role of `ROLES`, enrolled in TOTP."""
    return {
        role: make_user(role, person_id=person, admin=admin)
        for role, (person, admin) in ROLES.items()
    }


def signed_in(web_user: WebUser) -> Any:
    """A Django test client signed in as `web_user` with password and second factor."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(web_user.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = web_user.device.persistent_id
    session.save()
    return client


@pytest.fixture
def clients(web_users: dict[str, WebUser]) -> dict[str, Any]:
    """A signed-in, OTP-verified test client per role of `ROLES`."""
    return {role: signed_in(user) for role, user in web_users.items()}


@pytest.fixture
def client_for(web_users: dict[str, WebUser]) -> Callable[[str], Any]:
    """`client_for(role)`: a fresh signed-in client for that role."""
    return lambda role: signed_in(web_users[role])
