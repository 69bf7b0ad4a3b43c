"""The files `sra init` writes: a minimal workspace, or the bundled example, with editor headers."""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath

from ..catalog.hipaa import CONDITIONAL_ENTITY_TYPES, CONDITIONAL_SPECS
from ..errors import TargetExists
from ..model import KIND_BY_FOLDER, KINDS, MANIFEST_FILE
from ..model.schema import json_schemas, schema_file_name
from .atomic import write_new

SCHEMA_DIR = ".schema"
EXAMPLE = "telehealth"

_MINIMAL_MANIFEST = """\
# The workspace manifest: who this Security Risk Analysis is for, what it covers,
# how risks are scored, and who signs it. Run `sra validate` after editing.
organization:
  name: {organization}
  entity_type: {entity_type}   # covered-entity, business-associate or hybrid-entity

scope: >-
  Every system, service, store, device and vendor that creates, receives,
  maintains or transmits ePHI, in every environment.

methodology:
  levels: 3                 # 3 (low/moderate/high) or 5 (adds very-low, very-high)
  matrix: nist-800-30r1     # or classic-3x3, custom
  profile: current          # or nprm-2025 (the proposed 2025 rule; not law)

people:
  - id: compliance-officer
    name: Compliance Officer
    roles: [compliance-officer]
  - id: engineering-owner
    name: Engineering Owner
    roles: [engineering-owner]

signoff:
  required_roles: [compliance-officer, engineering-owner]
"""

_DECISIONS_NOTE = """
# Specifications that bind only some entities, pre-filled from entity_type as not
# applicable. Confirm each (who decided, when), or delete it and map a control if your
# organization is such an entity.
decisions:
"""

_KIND_COMMENTS = {
    "assets": "Technology asset inventory: id, name, category, ephi, environment, owner, ...",
    "flows": "Data flows between assets and vendors: id, from, to, ephi, protocol, ...",
    "vendors": "Third parties: id, name, services, ephi_exposure, baa, residency, ...",
    "controls": "Safeguards with evidence: id, name, safeguard, hipaa, assets, evidence, ...",
    "risks": "Risk register rows: id, asset, threat, vuln, likelihood, impact, ...",
    "answers": "Safeguards questionnaire answers, written by `sra assess`: id (the question), "
    "answer, evidence, ...",
    "policies": "Written policies and procedures: id, title, hipaa, owner, status, approved_by, "
    "approved, ...",
    "training": "Security training completions: id, person (or group and headcount), course, "
    "completed, ...",
}


STARTER = "starter"
"""One example record per kind, shown commented out in a minimal workspace's files."""
_EXAMPLE_NOTE = """\
#
# An example record: to start from it, remove the `# ` in front of its lines, delete the
# `[]` line below (it stands for an empty list), and put in your own values.
#
"""


def schema_header(rel: str | PurePosixPath) -> str:
    """The yaml-language-server line that points an editor at the file's JSON Schema."""
    rel = PurePosixPath(rel)
    kind = KIND_BY_FOLDER.get(rel.parts[0]) if len(rel.parts) > 1 else None
    up = "../" * (len(rel.parts) - 1)
    name = schema_file_name(kind.name if kind else None)
    return f"# yaml-language-server: $schema={up}{SCHEMA_DIR}/{name}\n"


def _with_header(rel: PurePosixPath, text: str) -> str:
    return text if text.startswith("# yaml-language-server:") else schema_header(rel) + text


def _schema_files() -> dict[str, str]:
    return {
        f"{SCHEMA_DIR}/{name}": json.dumps(schema, indent=2) + "\n"
        for name, schema in json_schemas().items()
    }


def conditional_decisions(entity_type: str) -> str:
    """The `decisions:` block for specifications that cannot bind `entity_type`'s kind.

    An entity type they can bind (covered-entity, hybrid-entity) may still be no
    clearinghouse, government entity or group health plan, which is the usual case: each
    gets a not-applicable decision to confirm. Those they never bind (a business associate)
    need none: coverage already counts them not applicable.
    """
    conditional = [
        citation for citation, binds in CONDITIONAL_ENTITY_TYPES.items() if entity_type in binds
    ]
    if not conditional:
        return ""
    lines = [_DECISIONS_NOTE]
    for citation in conditional:
        rationale = (
            f"It {CONDITIONAL_SPECS[citation]}; the organization is not one "
            f"(pre-filled by sra init for a {entity_type})."
        )
        lines.append(
            f"  - spec: {json.dumps(citation)}\n    decision: not-applicable\n"
            f"    rationale: {json.dumps(rationale)}\n"
        )
    return "".join(lines)


def minimal_files(organization: str, entity_type: str = "covered-entity") -> dict[str, str]:
    """Relative path -> text of a minimal, valid, empty workspace."""
    manifest = _MINIMAL_MANIFEST.format(
        organization=json.dumps(organization), entity_type=entity_type
    )
    files = {MANIFEST_FILE: manifest + conditional_decisions(entity_type)}
    for kind in KINDS:
        if kind.name in _KIND_COMMENTS:
            files[f"{kind.folder}/{kind.folder}.yaml"] = (
                f"# {_KIND_COMMENTS[kind.name]}\n{commented_example(kind.folder)}[]\n"
            )
    return files


def starter_record(folder: str) -> str:
    """The YAML of one example record for a kind folder, consistent with the other kinds'."""
    return (resources.files("hipaa_sra") / "examples" / STARTER / f"{folder}.yaml").read_text(
        encoding="utf-8"
    )


def commented_example(folder: str) -> str:
    """The starter record as comments under a line saying how to use it."""
    lines = starter_record(folder).splitlines()
    return _EXAMPLE_NOTE + "".join(f"# {line}".rstrip() + "\n" for line in lines) + "#\n"


def _walk(node: Traversable, prefix: PurePosixPath) -> dict[str, str]:
    files: dict[str, str] = {}
    for child in node.iterdir():
        rel = prefix / child.name
        if child.is_dir():
            files.update(_walk(child, rel))
        elif child.name.endswith((".yaml", ".yml")):
            files[rel.as_posix()] = child.read_text(encoding="utf-8")
    return files


def example_files() -> dict[str, str]:
    """Relative path -> text of the bundled example workspace (a fictional telehealth BA)."""
    root = resources.files("hipaa_sra") / "examples" / EXAMPLE
    return _walk(root, PurePosixPath())


SAMPLES = "samples"
"""The example's data exports (a CSV and a SQLite file) that `sra scan` reads."""


def example_samples() -> dict[str, bytes]:
    """Relative path -> bytes of the example's sample data, written beside its YAML."""
    folder = resources.files("hipaa_sra") / "examples" / EXAMPLE / SAMPLES
    return {
        f"{SAMPLES}/{child.name}": child.read_bytes()
        for child in folder.iterdir()
        if child.is_file()
    }


INFRASTRUCTURE = "infrastructure"
"""The example's Terraform plan, which `discovery:` in its sra.yaml names."""


def example_infrastructure() -> dict[str, str]:
    """Relative path -> text of the example's infrastructure inputs (JSON, no schema line)."""
    folder = resources.files("hipaa_sra") / "examples" / EXAMPLE / INFRASTRUCTURE
    return {
        f"{INFRASTRUCTURE}/{child.name}": child.read_text(encoding="utf-8")
        for child in folder.iterdir()
        if child.name.endswith(".json")
    }


GITIGNORE = """\
# Local state of `sra` beside the workspace files; never committed. .sra_web holds the web
# app's secret key and database (back them up, see docs/web.md).
.sra_web/
.sra_cache/
.sra_edit/
"""
"""The workspace's `.gitignore`, written by `sra init` unless one exists."""


def init_workspace(
    target: Path, *, example: bool, organization: str, entity_type: str = "covered-entity"
) -> list[Path]:
    """Write a new workspace into `target`; refuse, writing nothing, if any file exists there."""
    files = example_files() if example else minimal_files(organization, entity_type)
    files = {rel: _with_header(PurePosixPath(rel), text) for rel, text in files.items()}
    files.update(_schema_files())
    if example:
        files.update(example_infrastructure())
    data = {rel: text.encode("utf-8") for rel, text in files.items()}
    if example:
        data.update(example_samples())
    if not (target / ".gitignore").exists():
        data[".gitignore"] = GITIGNORE.encode("utf-8")
    if (target / MANIFEST_FILE).exists():
        raise TargetExists(f"{target}: already holds a workspace ({MANIFEST_FILE}); left as is")
    clashes = sorted(rel for rel in data if (target / rel).exists())
    if clashes:
        raise TargetExists(f"{target / clashes[0]}: already exists; not overwriting it")
    written = []
    for rel, content in sorted(data.items()):
        path = target / rel
        write_new(path, content)
        written.append(path)
    return written
