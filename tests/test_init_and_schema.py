"""`sra init` writes a valid workspace and never overwrites; `sra schema` matches the models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from hipaa_sra.loading import check_workspace, load_workspace
from hipaa_sra.model import CATEGORY_GROUPS, Category, EphiStatus


def test_minimal_init_is_clean(tmp_path: Path, sra) -> None:
    run = sra("init", "ws", "--organization", "Acme Clinic")
    assert run.exit_code == 0, run.stderr
    assert "Wrote" in run.stdout and "sra validate --workspace ws" in run.stdout
    ws = load_workspace(tmp_path / "ws")
    assert ws.findings == ()
    assert ws.manifest is not None and ws.manifest.organization.name == "Acme Clinic"
    assert [p.id for p in ws.manifest.people] == ["compliance-officer", "engineering-owner"]
    validate = sra("validate", "--workspace", "ws")
    assert validate.exit_code == 0 and "0 errors, 0 warnings, 0 info" in validate.stdout


def test_init_defaults_to_sra_directory(tmp_path: Path, sra) -> None:
    assert sra("init").exit_code == 0
    assert (tmp_path / "sra" / "sra.yaml").is_file()
    assert sra("validate").exit_code == 0  # found as ./sra/ without --workspace


def test_init_refuses_to_touch_an_existing_workspace(tmp_path: Path, sra) -> None:
    sra("init", "ws")
    manifest = tmp_path / "ws" / "sra.yaml"
    manifest.write_text(manifest.read_text() + "# my edit\n")
    before = manifest.read_bytes()
    run = sra("init", "ws", "--example")
    assert run.exit_code == 2
    assert "already holds a workspace" in run.stderr
    assert manifest.read_bytes() == before


def test_init_refuses_when_any_target_file_exists_and_writes_nothing(tmp_path: Path, sra) -> None:
    mine = tmp_path / "ws" / "register" / "register.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("# mine\n")
    run = sra("init", "ws")
    assert run.exit_code == 2
    assert "register.yaml: already exists; not overwriting it" in run.stderr
    assert mine.read_text() == "# mine\n"
    assert not (tmp_path / "ws" / "sra.yaml").exists()


def test_files_carry_editor_schema_headers(tmp_path: Path, sra) -> None:
    sra("init", "ws")
    first = (tmp_path / "ws" / "register" / "register.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../.schema/risks.schema.json"
    assert (tmp_path / "ws" / "register" / first.split("=")[1]).is_file()
    top = (tmp_path / "ws" / "sra.yaml").read_text().splitlines()[0]
    assert top == "# yaml-language-server: $schema=.schema/sra.schema.json"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from hipaa_sra.writing import init_workspace

    root = tmp_path_factory.mktemp("example") / "sra"
    init_workspace(root, example=True, organization="unused")
    return root


def test_example_loads_without_errors(example: Path) -> None:
    result = check_workspace(example, use_cache=False)
    assert [f for f in result.findings if f.severity.value == "error"] == []
    counts = result.counts
    assert 35 <= counts["assets"] <= 50
    assert 25 <= counts["flows"] <= 45
    assert counts["vendors"] == 8
    assert 35 <= counts["controls"] <= 50
    assert 55 <= counts["risks"] <= 70


def test_example_covers_every_category_and_has_gate_paths(example: Path) -> None:
    ws = load_workspace(example, use_cache=False)
    assert {asset.category for asset in ws.assets} == set(Category)
    assert set(CATEGORY_GROUPS) == set(Category)
    assert any(a.ephi is EphiStatus.PRESENT and a.code_paths for a in ws.assets)
    names = {a.category.value for a in ws.assets}
    for expected in (
        "warehouse-lake",
        "snapshot-backup",
        "replica",
        "search-index",
        "cache",
        "notebook-script",
        "audit-log",
        "siem",
        "workstation",
    ):
        assert expected in names


def _as_json_data(value: object) -> object:
    """YAML as an editor's schema validator sees it: dates as the strings they were written as."""
    return json.loads(json.dumps(value, default=str))


def test_schemas_are_valid_and_accept_the_example(example: Path) -> None:
    for schema_file in sorted((example / ".schema").glob("*.schema.json")):
        schema = json.loads(schema_file.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
    for path in sorted(example.rglob("*.yaml")):
        rel = path.relative_to(example)
        header = path.read_text().splitlines()[0]
        schema_path = (path.parent / header.split("$schema=")[1]).resolve()
        schema = json.loads(schema_path.read_text())
        data = _as_json_data(yaml.safe_load(path.read_text()))
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
        assert errors == [], f"{rel}: {errors[0].message if errors else ''}"


def test_schema_rejects_what_the_loader_rejects(example: Path) -> None:
    schema = json.loads((example / ".schema" / "risks.schema.json").read_text())
    bad = [
        {
            "id": "RR-1",
            "asset": "a",
            "threat": "t",
            "vuln": "v",
            "likelihood": "low",
            "impact": "low",
            "colour": "red",
        }
    ]
    assert not jsonschema.Draft202012Validator(schema).is_valid(bad)


def test_schema_command_prints_and_writes(tmp_path: Path, sra) -> None:
    run = sra("schema")
    printed = json.loads(run.stdout)
    assert set(printed) == {
        "sra.schema.json",
        "assets.schema.json",
        "flows.schema.json",
        "vendors.schema.json",
        "controls.schema.json",
        "risks.schema.json",
        "signoffs.schema.json",
        "answers.schema.json",
        "policies.schema.json",
        "training.schema.json",
    }
    risk = printed["risks.schema.json"]["$defs"]["Risk"]
    assert "Overall likelihood" in risk["properties"]["likelihood"]["description"]
    assert printed["flows.schema.json"]["$defs"]["Flow"]["properties"]["from"]
    run = sra("schema", "--out", "schemas")
    assert run.exit_code == 0
    assert (
        json.loads((tmp_path / "schemas" / "risks.schema.json").read_text())
        == (printed["risks.schema.json"])
    )
    assert sra("schema", "--out", "schemas").exit_code == 0  # regenerating is fine


def test_init_keeps_local_state_out_of_git(tmp_path: Path, sra) -> None:
    assert sra("init", "ws").exit_code == 0
    ignored = (tmp_path / "ws" / ".gitignore").read_text().splitlines()
    assert {".sra_web/", ".sra_cache/", ".sra_edit/"} <= set(ignored)
    # A .gitignore the user already has is theirs: left as it was, the rest still written.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / ".gitignore").write_text("secrets/\n")
    assert sra("init", "mine").exit_code == 0
    assert (tmp_path / "mine" / ".gitignore").read_text() == "secrets/\n"
    assert (tmp_path / "mine" / "sra.yaml").is_file()
