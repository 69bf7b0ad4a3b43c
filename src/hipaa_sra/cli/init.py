"""`sra init`: write a new workspace, minimal or the bundled example."""

from __future__ import annotations

from pathlib import Path

import click

from ..loading import check_workspace
from ..model import EntityType
from ..writing import init_workspace
from .common import OutputPath


@click.command("init")
@click.argument(
    "directory", type=OutputPath(dir_okay=True, new_workspace=True), default=Path("sra")
)
@click.option(
    "--example",
    is_flag=True,
    help="Write the bundled example: a fictional telehealth business associate.",
)
@click.option(
    "--organization",
    default="Your organization",
    show_default=True,
    help="Organization name for a minimal workspace.",
)
@click.option(
    "--entity-type",
    type=click.Choice([kind.value for kind in EntityType]),
    default=EntityType.COVERED_ENTITY.value,
    show_default=True,
    help="What the organization is under HIPAA; a minimal workspace records "
    "not-applicable decisions for the specifications that cannot bind it "
    "(clearinghouse, government and group health plan ones), to confirm.",
)
def init_command(directory: Path, example: bool, organization: str, entity_type: str) -> None:
    """Create a workspace in DIRECTORY (default: ./sra), never overwriting a file.

    Writes sra.yaml, one file per kind folder, and JSON Schemas in .schema/
    that editors with the YAML language server use for autocompletion.

    Example:

    \b
        sra init
        sra init --organization "Acme Billing" --entity-type business-associate
        sra init sra --example
    """
    written = init_workspace(
        directory, example=example, organization=organization, entity_type=entity_type
    )
    result = check_workspace(directory)
    click.echo(f"Wrote {len(written)} files to {directory}/")
    click.echo(
        ", ".join(f"{count} {name}" for name, count in result.counts.items() if count)
        or "An empty workspace: add records to the kind folders."
    )
    click.echo(f"Next: sra validate --workspace {directory}")
