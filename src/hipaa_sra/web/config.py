"""What one running web app is configured with: `WebConfig`, built by `sra serve` or a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

DATA_DIR = ".sra_web"
"""The app's state directory inside the workspace (git-ignored): secret key, SQLite database."""

IDLE_TIMEOUT = timedelta(minutes=15)
"""Automatic logoff after this long without a request (164.312(a)(2)(iii))."""

ABSOLUTE_TIMEOUT = timedelta(hours=12)
"""A session ends this long after login, however active."""


@dataclass(frozen=True)
class WebConfig:
    """Everything the Django settings of the app are built from."""

    workspace: Path
    """The workspace directory (the one holding sra.yaml)."""
    secret_key: str
    """Django's signing key; `sra serve` keeps it in `.sra_web/secret_key` (mode 0600)."""
    database_url: str | None = None
    """`postgresql://...` for a shared deployment; None: SQLite in `data_dir`."""
    data_dir: Path | None = None
    """Where the SQLite database lives; None: `.sra_web/` in the workspace."""
    debug: bool = False
    """Django's DEBUG: tracebacks in pages. Never on a server others can reach."""
    today: date | None = None
    """The date time-dependent checks measure against; None: the date of each request."""
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")
    """Host names the app answers to (Django's ALLOWED_HOSTS)."""
    behind_tls_proxy: bool = False
    """Served as https:// by a reverse proxy that sets X-Forwarded-Proto: HSTS, redirect to
    https and trust of that header are switched on (see docs/web.md)."""
    hsts_preload: bool = False
    """Ask browsers' HSTS preload lists to include the domain (a decision for its owner)."""
    idle_timeout: timedelta = IDLE_TIMEOUT
    absolute_timeout: timedelta = ABSOLUTE_TIMEOUT
    extra_settings: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    """Django settings laid over the built ones (tests: a fast password hasher)."""

    @property
    def state_dir(self) -> Path:
        """The directory of the app's own files."""
        return self.data_dir if self.data_dir is not None else self.workspace / DATA_DIR

    @property
    def sqlite_path(self) -> Path:
        """The SQLite database used when no database URL is given."""
        return self.state_dir / "web.sqlite3"
