"""Regenerate the generated pages of docs/ (`make docs`); tests fail when they are stale."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from hipaa_sra.cli import COMMANDS, cli
from hipaa_sra.model.schema import json_schemas

DOCS = Path(__file__).parent


def cli_page() -> str:
    """docs/cli.md: the help of every command, as `sra COMMAND --help` prints it."""
    parts = [
        "# Command line reference\n",
        "Generated from `--help` by `docs/generate.py`; do not edit by hand.\n",
        "Every command exits 0 when all is well, 1 when it found errors (or, for lint-like",
        "commands, findings at or above `--fail-on`), and 2 on a usage error or a file that",
        "cannot be read or parsed, with one line `path:line:col: what is wrong` on stderr.\n",
        "**Outputs never go into a workspace.** A workspace is a directory holding `sra.yaml`;",
        "whatever is under it is loaded, signed or the tool's own, so a report written to",
        "`sra/register/` would become records on the next run. Every option that writes a file",
        "(`--out`/`--output` of lint, gate, score, report, calendar, history, diff, export and",
        "schema) refuses a path anywhere inside a workspace, after resolving `..` and symlinks,",
        "whether or not the file exists, with exit 2 and one line on stderr, before doing any",
        "work. Only the commands that exist to change a workspace write into one: `sra init`",
        "creates it (never inside another one), `sra signoff` adds to `signoffs/`, `sra import",
        "--apply` edits records, and `sra schema --out` may refresh the workspace's `.schema/`.\n",
    ]
    with click.Context(cli, info_name="sra", terminal_width=100) as ctx:
        parts.append(f"## sra\n\n```\n{cli.get_help(ctx)}\n```\n")
        for command in COMMANDS:
            with click.Context(
                command, parent=ctx, info_name=command.name, terminal_width=100
            ) as sub:
                parts.append(f"## sra {command.name}\n\n```\n{command.get_help(sub)}\n```\n")
    return "\n".join(parts)


def _type(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return _type(defs[name], defs) if "enum" in defs.get(name, {}) else name
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "anyOf" in prop:
        return " or ".join(_type(p, defs) for p in prop["anyOf"] if p.get("type") != "null")
    if prop.get("type") == "array":
        return f"list of {_type(prop.get('items', {}), defs)}"
    if prop.get("format") == "date":
        return "date (YYYY-MM-DD)"
    return str(prop.get("type", "any"))


def _table(name: str, schema: dict[str, Any], defs: dict[str, Any]) -> str:
    required = set(schema.get("required", ()))
    rows = [
        f"### {name}\n",
        schema.get("description", "").strip() + "\n",
        "| field | type | required | meaning |",
        "|---|---|---|---|",
    ]
    for field, prop in schema.get("properties", {}).items():
        text = (prop.get("description") or "").replace("|", "\\|")
        rows.append(
            f"| `{field}` | {_type(prop, defs)} | {'yes' if field in required else ''} | {text} |"
        )
    return "\n".join(rows) + "\n"


def reference_page() -> str:
    """docs/reference.md: every record kind and its fields, from the models' JSON Schemas."""
    parts = [
        "# Field reference\n",
        "Generated from the models by `docs/generate.py`; do not edit by hand.\n",
    ]
    seen: set[str] = set()
    for file_name, schema in json_schemas().items():
        parts.append(f"## {schema.get('title', file_name)} (`{file_name}`)\n")
        defs = schema.get("$defs", {})
        top = {k: v for k, v in schema.items() if k != "$defs"}
        main = defs.get(schema["items"]["$ref"].rsplit("/", 1)[-1]) if "items" in schema else top
        parts.append(_table(main.get("title", file_name), main, defs))
        for def_name, definition in sorted(defs.items()):
            if definition is main or def_name in seen or "properties" not in definition:
                continue
            seen.add(def_name)
            parts.append(_table(def_name, definition, defs))
    return "\n".join(parts)


def rules_page() -> str:
    """docs/rules.md: every lint rule's documentation, from the registry."""
    from hipaa_sra.formats.rule_docs import rules_markdown
    from hipaa_sra.rules import RULES

    return rules_markdown(RULES)


PAGES = {"cli.md": cli_page, "reference.md": reference_page, "rules.md": rules_page}


def main() -> int:
    """Write every generated page; with --check, exit 1 if any is out of date instead."""
    check = "--check" in sys.argv[1:]
    stale = []
    for name, build in PAGES.items():
        path = DOCS / name
        text = build()
        if path.exists() and path.read_text() == text:
            continue
        stale.append(name)
        if not check:
            path.write_text(text)
    if check and stale:
        print(f"out of date: {', '.join(stale)}; run `make docs`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
