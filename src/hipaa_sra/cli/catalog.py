"""`sra catalog`: print the bundled reference catalog (HIPAA, NIST SP 800-30, 2025 NPRM)."""

from __future__ import annotations

from typing import cast

import click

from ..catalog import CatalogPart
from ..formats.catalog_text import catalog_json, catalog_text
from .common import format_option


@click.command("catalog")
@click.argument("part", type=click.Choice(["hipaa", "nist", "nprm", "all"]), default="all")
@format_option(["text", "json"])
def catalog_command(part: str, fmt: str) -> None:
    """Print the reference catalog the checks are built on.

    PART is hipaa (Security Rule standards and implementation specifications),
    nist (SP 800-30 scales, Table G-5 and the risk matrices), nprm (the 2025
    proposed cadences, not law) or all (the default).

    Example:

    \b
        sra catalog hipaa
        sra catalog nist --format json
    """
    chosen = cast(CatalogPart, part)
    click.echo(catalog_json(chosen) if fmt == "json" else catalog_text(chosen))
