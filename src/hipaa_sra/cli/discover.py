"""`sra discover`: read infrastructure code and reconcile it with the inventory."""

from __future__ import annotations

from pathlib import Path

import click

from ..discover import discover, reconcile
from ..discover.write import write_proposals
from ..editing import snapshot
from ..errors import WorkspaceNotFound
from ..formats.discovery import as_text, json_lines
from ..loading import find_workspace, load_workspace
from .common import format_option, workspace_option


@click.command("discover")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@workspace_option
@format_option(["text", "json"], help="Output format (json: the contract in docs/discover.md).")
# Named `propose`: it adds records through the editing module and writes no output file.
@click.option(
    "--write",
    "propose",
    is_flag=True,
    help="Append an asset (ephi: possible, with its sources) to "
    "inventory/discovered.yaml for each data store no asset links.",
)
def discover_command(
    sources: tuple[Path, ...], workspace: Path | None, fmt: str, propose: bool
) -> None:
    """Find the data stores your infrastructure code holds and check them against the inventory.

    SOURCES are Terraform plans (`terraform show -json plan > plan.json`), states
    (terraform.tfstate), directories of .tf files, CloudFormation templates (YAML or
    JSON) and Kubernetes manifests. Prints data stores no asset links, assets whose
    linked source is gone, and attributes the infrastructure contradicts. Exits 0, or
    2 when an input or the workspace cannot be read; `sra lint` with `discovery:` in
    sra.yaml turns the same results into findings for CI.

    Example:

    \b
        sra discover plan.json
        sra discover infra/terraform k8s/rendered.yaml --format json
        sra discover plan.json --write
    """
    try:
        root: Path | None = find_workspace(workspace)
    except WorkspaceNotFound:
        if propose or workspace is not None:
            raise
        root = None  # no inventory to compare with: every store is undeclared
    digests = snapshot(root) if root is not None and propose else None
    assets = load_workspace(root).assets if root is not None else ()
    result = reconcile(discover(sources), assets)
    written: tuple[str, ...] = ()
    if propose and root is not None:
        taken = {asset.id for asset in assets if asset.id is not None}
        outcome = write_proposals(root, result.undeclared, taken, digests)
        written = tuple(store.source_key for store in result.undeclared) if outcome else ()
    if fmt == "json":
        for line in json_lines(result):  # written as produced: outputs can be large
            click.echo(line)
    else:
        click.echo(as_text(result, written))
