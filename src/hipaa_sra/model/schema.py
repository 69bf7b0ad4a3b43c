"""JSON Schemas of the workspace files, generated from the models, for editors and other tools."""

from __future__ import annotations

from typing import Any

from .kinds import KINDS, MANIFEST_FILE
from .manifest import Manifest

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_file_name(kind_name: str | None) -> str:
    """File name of the schema for a kind (`None` for `sra.yaml`)."""
    return "sra.schema.json" if kind_name is None else f"{kind_name}.schema.json"


def json_schemas() -> dict[str, dict[str, Any]]:
    """Schema per file name: `sra.schema.json` for sra.yaml, one array schema per kind folder."""
    manifest = Manifest.model_json_schema(by_alias=True)
    manifest = {"$schema": DIALECT, "$id": schema_file_name(None), **manifest}
    manifest["description"] = f"The {MANIFEST_FILE} of a hipaa-sra workspace."
    schemas = {schema_file_name(None): manifest}
    for kind in KINDS:
        record = kind.model.model_json_schema(by_alias=True)
        defs = record.pop("$defs", {})
        title = record.get("title", kind.model.__name__)
        defs[title] = record
        schemas[schema_file_name(kind.name)] = {
            "$schema": DIALECT,
            "$id": schema_file_name(kind.name),
            "title": f"{kind.folder}/*.yaml",
            "description": f"A file in {kind.folder}/: a list of {kind.name}.",
            "type": "array",
            "items": {"$ref": f"#/$defs/{title}"},
            "$defs": defs,
        }
    return schemas
