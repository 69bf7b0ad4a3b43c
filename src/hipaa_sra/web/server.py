"""Start the app: state directory, database, first-admin link, then the WSGI server."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..errors import LoadError, SraError, WorkspaceError
from ..loading import find_workspace
from .config import IDLE_TIMEOUT, WebConfig
from .state import check_not_tracked, ensure_state_dir, load_or_create_secret_key

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class ServeError(SraError):
    """The app cannot start (database unreachable, port taken, bad URL)."""


@dataclass(frozen=True)
class ServeOptions:
    """What `sra serve` was asked for."""

    workspace: Path | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    database_url: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    behind_tls_proxy: bool = False
    today: date | None = None
    idle_timeout: timedelta = IDLE_TIMEOUT


def build_config(options: ServeOptions) -> WebConfig:
    """The app's config: the workspace found, the state directory ready, the key loaded."""
    root = find_workspace(options.workspace).resolve()
    check_not_tracked(root)
    probe = WebConfig(workspace=root, secret_key="")
    ensure_state_dir(probe.state_dir)
    key = load_or_create_secret_key(probe.state_dir)
    hosts = {options.host, "127.0.0.1", "localhost", "[::1]", *options.allowed_hosts}
    hosts.discard("0.0.0.0")
    hosts.discard("::")
    _check_url(options.database_url)
    return WebConfig(
        workspace=root,
        secret_key=key,
        database_url=options.database_url,
        today=options.today,
        allowed_hosts=tuple(sorted(hosts)),
        behind_tls_proxy=options.behind_tls_proxy,
        idle_timeout=options.idle_timeout,
    )


def _check_url(url: str | None) -> None:
    if url and not url.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ServeError(
            f"--database-url {url.split('://')[0]}://...: unsupported database; "
            "expected postgresql://user@host:5432/name (or leave it out for the "
            "embedded SQLite database)"
        )


def prepare_database() -> None:
    """Apply migrations and drop expired sessions; an unreachable database is a `ServeError`."""
    from django.core.management import call_command
    from django.db import DatabaseError

    from .app import migrate

    try:
        migrate()
        # Django never deletes expired sessions by itself; each start sweeps them.
        call_command("clearsessions", verbosity=0)
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ServeError(f"cannot use the database: {first}") from None


def warm() -> str | None:
    """Load the workspace and lint it once, so the first page is as fast as the next.

    Returns the problem when the workspace does not load: the app still starts, and its
    pages name the file and line until it is fixed.
    """
    from .workspace import current_workspace, today

    try:
        current_workspace().lint(today())
    except WorkspaceError as exc:
        return exc.render() if isinstance(exc, LoadError) else str(exc)
    return None


def setup_token_if_needed() -> str | None:
    """A one-time setup token when no user exists yet (printed once, stored hashed)."""
    from django.contrib.auth.models import User

    from .links import create_link
    from .models import LinkPurpose

    if User.objects.exists():
        return None
    return create_link(LinkPurpose.SETUP)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, or a `ServeError` saying why the address cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise ServeError(
            f"{host}:{port}: cannot listen there: {exc.strerror or exc}; "
            "choose another --port or --host"
        ) from None
    sock.listen(1024)
    return sock


def run(config: WebConfig, sock: socket.socket, threads: int = 8) -> None:
    """Serve the app with waitress on `sock` until interrupted."""
    import waitress

    from .app import make_wsgi_app

    app = make_wsgi_app(config)
    proxy: dict[str, object] = {}
    if config.behind_tls_proxy:
        # Only the proxy on this host may say which client and scheme a request came from.
        proxy = {
            "trusted_proxy": "127.0.0.1",
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
            "clear_untrusted_proxy_headers": True,
        }
    waitress.serve(app, sockets=[sock], threads=threads, ident="hipaa-sra", _quiet=True, **proxy)
