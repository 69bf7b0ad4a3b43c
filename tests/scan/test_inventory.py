"""`sra scan` with the inventory: `scan:` lists, --record-evidence, and the bundled example."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from hipaa_sra.cli import cli
from hipaa_sra.loading import load_workspace


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    assert CliRunner().invoke(cli, ["init", str(root), "--example"]).exit_code == 0
    return root


def test_the_example_plants_phi_in_a_store_marked_absent(example: Path) -> None:
    assert (example / "samples" / "clickstream.csv").is_file()
    result = CliRunner().invoke(cli, ["scan", "-w", str(example), "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    by_source = {s["source"]: s for s in doc["sources"]}
    assert set(by_source) == {"samples/clickstream.csv", "samples/staging.sqlite"}
    assert by_source["samples/clickstream.csv"]["asset"] == "product-events-bucket"
    [finding] = doc["summary"]["findings"]
    assert finding["rule"] == "phi-found-out-of-scope"
    assert finding["asset"] == "product-events-bucket"
    staging = by_source["samples/staging.sqlite"]["tables"]
    assert [t["table"] for t in staging] == ["encounters", "providers"]
    assert doc["summary"]["types"] == {"ip-address": 1, "npi": 1, "url": 1}
    # One asset alone: the de-identified staging export is clean.
    clean = CliRunner().invoke(cli, ["scan", "-w", str(example), "--asset", "staging-db"])
    assert clean.exit_code == 0, clean.output


def test_record_evidence_writes_through_the_editor(example: Path, tmp_path: Path) -> None:
    inventory = example / "inventory" / "data-stores.yaml"
    before = inventory.read_text()
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "scan",
            "-w",
            str(example),
            "--asset",
            "product-events-bucket",
            "--record-evidence",
            "--today",
            "2026-11-22",
        ],
    )
    assert result.exit_code == 1
    after = inventory.read_text()
    assert after != before and "date: 2026-11-22" in after
    asset = load_workspace(example).asset_by_id["product-events-bucket"]
    [entry] = asset.scan
    assert entry.source == "samples/clickstream.csv"
    assert entry.evidence is not None and entry.evidence.phi_found
    assert entry.evidence.types == ("ip-address", "url")
    assert entry.evidence.rows_sampled == 40 and entry.evidence.digest.startswith("sha256:")
    lint = runner.invoke(
        cli,
        [
            "lint",
            "-w",
            str(example),
            "--today",
            "2026-11-22",
            "--select",
            "phi-found-out-of-scope",
            "--no-cache",
        ],
    )
    assert lint.exit_code == 1 and "SRA210" in lint.output
    # Everything else in the file is as it was: only the evidence lines changed.
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert all(
        line.strip().startswith(("date:", "rows_sampled", "phi_found", "types", "digest"))
        for line in removed
    ), removed
    # A new source given on the command line is added to the asset's list, relative.
    export = example.parent / "exports" / "more.csv"
    export.parent.mkdir()
    pl.DataFrame({"status": ["ok"] * 20}).write_csv(export)
    added = runner.invoke(
        cli,
        [
            "scan",
            str(export),
            "-w",
            str(example),
            "--asset",
            "staging-db",
            "--record-evidence",
            "--today",
            "2026-11-22",
        ],
    )
    assert added.exit_code == 0, added.output
    sources = [e.source for e in load_workspace(example).asset_by_id["staging-db"].scan]
    assert sources == ["samples/staging.sqlite", "../exports/more.csv"]


def test_partial_scans_are_not_recorded(example: Path) -> None:
    shutil.copy(example / "samples" / "clickstream.csv", example / "samples" / "ok.csv")
    (example / "samples" / "clickstream.csv").write_text("a,b\n1,2,3\n")
    before = (example / "inventory" / "data-stores.yaml").read_text()
    result = CliRunner().invoke(
        cli, ["scan", "-w", str(example), "--asset", "product-events-bucket", "--record-evidence"]
    )
    assert result.exit_code == 0
    assert "evidence not recorded: not every table could be scanned" in result.output
    assert (example / "inventory" / "data-stores.yaml").read_text() == before


def test_usage_errors(example: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bare = tmp_path / "bare"
    assert runner.invoke(cli, ["init", str(bare)]).exit_code == 0
    none = runner.invoke(cli, ["scan", "-w", str(bare)])
    assert none.exit_code == 2 and "no asset has a `scan:` list" in none.output
    data = tmp_path / "x.csv"
    data.write_text("a\n1\n")
    needs = runner.invoke(cli, ["scan", str(data), "-w", str(example), "--record-evidence"])
    assert needs.exit_code == 2 and "--record-evidence needs --asset" in needs.output
    sched = runner.invoke(cli, ["scan", str(data), "--scheduler", "tcp://x:1"])
    assert sched.exit_code == 2 and "--scheduler needs --engine dask" in sched.output


def test_possible_assets_get_a_proposal(example: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    clean = tmp_path / "sessions.csv"
    pl.DataFrame({"session_state": ["active", "idle"] * 30}).write_csv(clean)
    result = runner.invoke(
        cli,
        ["scan", str(clean), "-w", str(example), "--asset", "session-cache", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    [proposal] = json.loads(result.stdout)["summary"]["findings"]
    assert proposal["severity"] == "info" and "set `ephi: absent`" in proposal["message"]
    phi = tmp_path / "payloads.csv"
    pl.DataFrame({"email": [f"p{i}@example.org" for i in range(30)]}).write_csv(phi)
    found = runner.invoke(cli, ["scan", str(phi), "-w", str(example), "--asset", "session-cache"])
    assert found.exit_code == 0
    assert "set `ephi: present`" in found.output
