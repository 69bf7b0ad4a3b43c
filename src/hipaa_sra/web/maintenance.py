"""What `sra web` does outside a request: open the database, verify and export the trail,
run Django's deployment checks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..loading import find_workspace
from .app import configure
from .config import WebConfig
from .server import ServeError, ServeOptions, build_config, prepare_database

if TYPE_CHECKING:
    from .audit import ChainStatus


def open_database(workspace: Path | None, database_url: str | None, *, create: bool = True) -> None:
    """Configure the app for the workspace's database, migrated.

    With `create=False` (verifying, not serving) an embedded database that does not exist
    is a `ServeError`: checking a trail must never make a new, empty one.
    """
    if not create and database_url is None:
        root = find_workspace(workspace).resolve()
        stored = WebConfig(workspace=root, secret_key="").sqlite_path
        if not stored.exists():
            raise ServeError(
                f"{stored}: no audit trail here; `sra serve` starts one on its "
                "first start (or give --database-url)"
            )
    configure(build_config(ServeOptions(workspace=workspace, database_url=database_url)))
    prepare_database()


def verify_and_export(export_csv: Path | None) -> tuple[ChainStatus, int]:
    """The chain's status, and how many entries were written to `export_csv` (if given)."""
    from ..writing import file_digest, replace_file
    from .audit import export_csv as rows
    from .audit import verify_chain
    from .models import AuditEntry

    status = verify_chain()
    count = 0
    if export_csv is not None:
        text = "".join(rows())
        replace_file(export_csv, text.encode("utf-8"), file_digest(export_csv))
        count = AuditEntry.objects.count()
    return status, count


def deploy_check(options: ServeOptions) -> list[str]:
    """Django's `check --deploy` findings on the settings `sra serve` would use."""
    from django.core import checks

    configure(build_config(options))
    messages = checks.run_checks(include_deployment_checks=True)
    return [
        str(message)
        for message in messages
        if message.level >= checks.WARNING and not message.is_silenced()
    ]
