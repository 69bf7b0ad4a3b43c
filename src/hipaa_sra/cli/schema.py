"""`sra schema`: the JSON Schemas of the workspace files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..model.schema import json_schemas
from ..writing import file_digest, replace_file
from .common import OutputPath


@click.command("schema")
@click.option(
    "--out",
    "out",
    type=OutputPath(file_okay=False, dir_okay=True, allowed=(".schema",)),
    default=None,
    help="Write one <kind>.schema.json per file kind into this directory (inside a "
    "workspace, only its .schema/).",
)
def schema_command(out: Path | None) -> None:
    """Print (or write) the JSON Schema of each workspace file kind.

    Without --out, prints one JSON object mapping file names to schemas.

    Example:

    \b
        sra schema --out sra/.schema
    """
    schemas = json_schemas()
    if out is None:
        click.echo(json.dumps(schemas, indent=2))
        return
    for name, schema in schemas.items():
        path = out / name
        replace_file(path, (json.dumps(schema, indent=2) + "\n").encode(), file_digest(path))
        click.echo(str(path))
