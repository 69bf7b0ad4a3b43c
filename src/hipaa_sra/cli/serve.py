"""`sra serve` (the web app) and `sra web` (its maintenance: verify the audit trail, checks)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from .common import OutputPath, today_option, workspace_option

F = TypeVar("F", bound=Callable[..., Any])


def _database_option(func: F) -> F:
    return click.option(
        "--database-url",
        envvar="SRA_DATABASE_URL",
        default=None,
        metavar="URL",
        help="postgresql://user@host:5432/name for a shared deployment (env SRA_DATABASE_URL; "
        "default: SQLite in the workspace's .sra_web/).",
    )(func)


def _deployment_options(func: F) -> F:
    func = click.option(
        "--behind-tls-proxy",
        is_flag=True,
        help="Served as https:// by a reverse proxy on this host: HSTS, redirect to https, and "
        "X-Forwarded-Proto/-For trusted from 127.0.0.1 (docs/web.md).",
    )(func)
    return click.option(
        "--allowed-host",
        "allowed_hosts",
        multiple=True,
        metavar="NAME",
        help="A host name the app answers to besides --host (the proxy's public name); repeatable.",
    )(func)


def _options(
    workspace: Path | None,
    host: str,
    port: int,
    database_url: str | None,
    allowed_hosts: tuple[str, ...],
    behind_tls_proxy: bool,
    today: datetime | None,
    idle_timeout: int = 900,
) -> Any:
    from ..web.server import ServeOptions

    return ServeOptions(
        workspace=workspace,
        host=host,
        port=port,
        database_url=database_url,
        allowed_hosts=allowed_hosts,
        behind_tls_proxy=behind_tls_proxy,
        today=today.date() if today is not None else None,
        idle_timeout=timedelta(seconds=idle_timeout),
    )


@click.command("serve")
@workspace_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback: put a TLS proxy in front for others).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port, printed at start).",
)
@_database_option
@_deployment_options
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Requests served at once.",
)
@click.option(
    "--idle-logoff",
    "idle_logoff",
    type=click.IntRange(5, 900),
    default=900,
    show_default=True,
    metavar="SECONDS",
    help="Sign out after this long without a request (at most 15 minutes).",
)
@today_option
def serve_command(
    workspace: Path | None,
    host: str,
    port: int,
    database_url: str | None,
    allowed_hosts: tuple[str, ...],
    behind_tls_proxy: bool,
    threads: int,
    idle_logoff: int,
    today: datetime | None,
) -> None:
    """Start the web app for the compliance officer on a production WSGI server.

    Prepares .sra_web/ beside the workspace files (secret key, mode 0600; the
    SQLite database unless --database-url is given), applies database
    migrations and serves until interrupted. The first start with no users
    prints a one-time setup link (valid for one hour) that creates the first
    administrator, who then enrols an authenticator app. Refuses a workspace
    in git whose .gitignore does not keep .sra_web/ out. See docs/web.md.

    Example:

    \b
        sra serve --workspace sra
    """
    from ..web.app import configure
    from ..web.server import (
        bind,
        build_config,
        prepare_database,
        run,
        setup_token_if_needed,
        warm,
    )

    config = build_config(
        _options(
            workspace, host, port, database_url, allowed_hosts, behind_tls_proxy, today, idle_logoff
        )
    )
    sock = bind(host, port)
    configure(config)
    # Progress on a terminal only: piped output (a service log) gets the results alone.
    tty = sys.stderr.isatty()
    if tty:
        click.echo("Preparing the database ...", err=True)
    prepare_database()
    if tty:
        click.echo("Loading and checking the workspace ...", err=True)
    problem = warm()
    if problem is not None:
        click.echo(
            f"sra: the workspace does not load; its pages say so until it is fixed:\n{problem}",
            err=True,
        )
    # Listening on every address: the link is printed for this machine's loopback.
    reachable = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    shown = f"[{reachable}]" if ":" in reachable else reachable
    base = f"http://{shown}:{sock.getsockname()[1]}"
    token = setup_token_if_needed()
    if token is not None:
        click.echo(
            f"No users yet. Create the first administrator (link valid for one hour, "
            f"works once):\n\n    {base}/setup/{token}/\n"
        )
    click.echo(f"Serving {config.workspace} at {base}/ (Ctrl+C to stop)")
    sys.stdout.flush()
    try:
        run(config, sock, threads=threads)
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)


@click.group("web")
def web_group() -> None:
    """Maintain the web app: verify its audit trail, check its deployment settings.

    Example:

    \b
        sra web verify-audit --workspace sra
    """


@web_group.command("verify-audit")
@workspace_option
@_database_option
@click.option(
    "--export-csv",
    "export_csv",
    type=OutputPath(),
    default=None,
    metavar="FILE",
    help="Also write the whole audit trail to FILE as CSV (replaced atomically).",
)
def verify_audit_command(
    workspace: Path | None, database_url: str | None, export_csv: Path | None
) -> None:
    """Check that no entry of the audit trail was changed, removed or reordered.

    Each entry holds the hash of the one before; exits 1 naming the first
    entry that does not hold, 0 when the whole chain does. Then holds each
    sign-off made in the web app (`method: web-mfa`) against the trail: the
    entry it names must record its signer's re-authentication within five
    minutes before signing; exits 1 naming any that does not.

    Example:

    \b
        sra web verify-audit --workspace sra --export-csv audit.csv
    """
    from ..loading import find_workspace, load_workspace
    from ..web.maintenance import open_database, verify_and_export

    # The workspace first: a directory that is not one is refused before anything is read.
    loaded = load_workspace(find_workspace(workspace))
    open_database(workspace, database_url, create=False)
    status, count = verify_and_export(export_csv)
    if export_csv is not None:
        click.echo(f"Wrote {count} entries to {export_csv}")
    if not status.ok:
        click.echo(f"Audit trail broken at entry #{status.broken_at}: {status.problem}", err=True)
        sys.exit(1)
    click.echo(f"Audit trail intact: {status.entries} entries, each linked to the one before.")
    from ..web.signoff_proof import check_web_signoffs  # needs the app configured above

    checks = check_web_signoffs(loaded)
    failed = [check.problem for check in checks if check.problem]
    for problem in failed:
        click.echo(f"Web sign-off not proven: {problem}", err=True)
    if checks and not failed:
        click.echo(
            f"Web sign-offs proven: {len(checks)}, each by its signer's "
            "re-authentication in this trail."
        )
    if failed:
        sys.exit(1)


@web_group.command("check")
@workspace_option
@_database_option
@_deployment_options
def check_command(
    workspace: Path | None,
    database_url: str | None,
    allowed_hosts: tuple[str, ...],
    behind_tls_proxy: bool,
) -> None:
    """Run Django's deployment checks (`check --deploy`) on the settings `sra serve` would use.

    Exits 1 when a check reports a problem.

    Example:

    \b
        sra web check --behind-tls-proxy --allowed-host sra.example.com
    """
    from ..web.maintenance import deploy_check

    problems = deploy_check(
        _options(workspace, "127.0.0.1", 8000, database_url, allowed_hosts, behind_tls_proxy, None)
    )
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        sys.exit(1)
    click.echo("Deployment checks passed.")
