"""Tell what an input is and hand it to its reader: plan, state, HCL, template or manifests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .cloudformation import is_template, read_template
from .errors import DiscoveryError
from .hcl import hcl_files, read_hcl
from .kubernetes import is_manifest, read_manifests
from .mapping import Table
from .model import InputKind, Resource
from .source import read_text
from .terraform import first_key, read_plan, read_state
from .yamlread import load_documents

_EXPECTED = (
    "expected a Terraform plan or state (JSON), a CloudFormation template, Kubernetes "
    "manifests, or a directory of .tf files"
)


def read_input(path: Path, table: Table) -> tuple[InputKind, str | None, Iterator[Resource]]:
    """What `path` is, its format version when it has one, and its resources (lazily)."""
    if path.is_dir():
        files = hcl_files(path)
        if not files:
            raise DiscoveryError(path, "directory holds no Terraform files (*.tf)", hint=_EXPECTED)
        return InputKind.TERRAFORM_HCL, None, read_hcl(files)
    if path.suffix == ".tf":
        return InputKind.TERRAFORM_HCL, None, read_hcl([path])
    key = first_key(path) if path.exists() else None
    wanted = table.wanted.__contains__
    if key == "format_version":
        return read_plan(path, wanted, table.referencing.__contains__)
    if key == "version":
        return read_state(path)
    text = read_text(path)
    stripped = text.lstrip()
    if not stripped:
        raise DiscoveryError(path, "file is empty", hint=_EXPECTED)
    if stripped[0] in "{[":
        try:
            documents = [json.loads(text)]
        except json.JSONDecodeError as exc:
            raise DiscoveryError(
                path, f"not valid JSON: {exc.msg}", exc.lineno, exc.colno
            ) from None
        except RecursionError:
            raise DiscoveryError(path, "not valid JSON: nested too deeply") from None
        first = documents[0]
        if isinstance(first, dict) and ("resource_changes" in first or "format_version" in first):
            return read_plan(path, table.wanted.__contains__, table.referencing.__contains__)
        if isinstance(first, dict) and isinstance(first.get("version"), int):
            return read_state(path)
    else:
        documents = load_documents(path, text)
    present = [doc for doc in documents if doc is not None]
    if len(present) == 1 and is_template(present[0]):
        return (
            InputKind.CLOUDFORMATION,
            _template_version(present[0]),
            read_template(path, present[0]),
        )
    if present and all(is_manifest(doc) for doc in present):
        return InputKind.KUBERNETES, None, read_manifests(path, present, table)
    raise DiscoveryError(path, "not an input `sra discover` reads", hint=_EXPECTED)


def _template_version(template: dict[str, object]) -> str | None:
    version = template.get("AWSTemplateFormatVersion")
    return str(version) if version is not None else None
