"""OSCAL export: read back with compliance-trestle's models, generated from NIST's schemas."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import trestle.oscal
from trestle.oscal import assessment_results as ar_models
from trestle.oscal import poam as poam_models
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.poam import PlanOfActionAndMilestones

from hipaa_sra.interop.oscal import EmptyPoam, assessment_results, oscal_json, poam
from hipaa_sra.interop.oscal_ids import NS, OSCAL_VERSION
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Workspace
from hipaa_sra.scoring import OPEN_STATUSES
from hipaa_sra.writing import init_workspace

TODAY = date(2026, 11, 22)
BASE = Path(__file__).parent / "rules" / "base"

EXTRA_RISK = """
- id: RR-OSCAL
  asset: {asset}
  threat: Ransomware encrypts the
    primary database
  vuln: Backups share credentials with production
  likelihood: high
  impact: very-high
  remediation:
    - control: Separate backup credentials
      owner: bob
      due: 2027-01-15
      status: in_progress
    - control: Immutable backup copies
      owner: nobody-listed
      status: deferred
      rationale: Budget approved for next fiscal year
    - control: Quarterly restore test
      status: done
"""


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("oscal") / "sra"
    init_workspace(root, example=True, organization="Example")
    return load_workspace(root)


@pytest.fixture
def small(tmp_path: Path) -> Workspace:
    root = tmp_path / "sra"
    shutil.copytree(BASE, root)
    asset = load_workspace(root).assets[0].id
    (root / "register" / "oscal.yaml").write_text(EXTRA_RISK.format(asset=asset))
    return load_workspace(root)


def _ar(ws: Workspace) -> AssessmentResults:
    doc = assessment_results(ws, TODAY)
    ar_models.Model.model_validate(doc)
    return AssessmentResults.model_validate(doc["assessment-results"])


def _poam(ws: Workspace) -> PlanOfActionAndMilestones:
    doc = poam(ws, TODAY)
    poam_models.Model.model_validate(doc)
    return PlanOfActionAndMilestones.model_validate(doc["plan-of-action-and-milestones"])


def _open_items(ws: Workspace) -> int:
    return sum(rem.status in OPEN_STATUSES for risk in ws.risks for rem in risk.remediation)


def test_oscal_version_is_the_one_trestle_reads(example: Workspace) -> None:
    assert OSCAL_VERSION == trestle.oscal.OSCAL_VERSION
    assert _ar(example).metadata.oscal_version.root.root == OSCAL_VERSION
    assert _poam(example).metadata.oscal_version.root.root == OSCAL_VERSION


def test_assessment_results_counts(example: Workspace) -> None:
    result = _ar(example).results[0]
    assert result.start.isoformat() == "2026-11-22T00:00:00+00:00"
    assert len(result.risks or []) == len(example.risks)
    evidence = sum(len(control.evidence) for control in example.controls)
    assert len(result.observations or []) == evidence
    from hipaa_sra.rules import lint

    assert len(result.findings or []) == len(lint(example, TODAY).findings) > 0


def test_risks_carry_level_facets_and_remediation_tasks(example: Workspace) -> None:
    risks = _ar(example).results[0].risks or []
    for risk, row in zip(risks, example.risks, strict=True):
        (char,) = risk.characterizations or []
        facets = {facet.name: facet.value for facet in char.facets}
        assert facets["likelihood"] == row.likelihood.value
        assert facets["impact"] == row.impact.value
        assert "inherent-risk" in facets and "residual-risk" in facets
        assert all(str(getattr(f.system, "root", f.system)) == NS for f in char.facets)
        assert len(risk.remediations or []) == len(row.remediation)
        for response in risk.remediations or []:
            assert response.tasks and response.tasks[0].type.root == "milestone"
        still_open = any(rem.status in OPEN_STATUSES for rem in row.remediation)
        expected = "open" if still_open or not row.remediation else "closed"
        assert risk.status.root.root == expected


def test_observations_keep_evidence_dates_and_locations(example: Workspace) -> None:
    observations = _ar(example).results[0].observations or []
    entries = [item for control in example.controls for item in control.evidence]
    for observation, item in zip(observations, entries, strict=True):
        if item.date is not None:
            assert observation.collected.date() == item.date
        assert {m if isinstance(m, str) else m.value for m in observation.methods} <= {
            "EXAMINE",
            "TEST",
        }
        (evidence,) = observation.relevant_evidence or []
        assert evidence.href == item.location


def test_findings_about_risks_point_at_them(small: Workspace) -> None:
    result = _ar(small).results[0]
    uuid_by_risk = {
        next(p.value for p in risk.props or [] if p.name == "risk-id"): risk.uuid
        for risk in result.risks or []
    }
    linked = [f for f in result.findings or [] if f.related_risks]
    assert linked
    for finding in linked:
        object_id = next(p.value for p in finding.props or [] if p.name == "object-id")
        assert [r.risk_uuid for r in finding.related_risks or []] == [uuid_by_risk[object_id]]
    for finding in result.findings or []:
        location = next(p.value for p in finding.props or [] if p.name == "location")
        assert not location.startswith("/")


def test_poam_has_one_item_per_open_remediation(example: Workspace, small: Workspace) -> None:
    for ws in (example, small):
        doc = _poam(ws)
        assert len(doc.poam_items) == _open_items(ws) > 0
        risk_uuids = {risk.uuid for risk in doc.risks or []}
        for item in doc.poam_items:
            assert item.origins
            (related,) = item.related_risks or []
            assert related.risk_uuid in risk_uuids


def test_poam_item_details(small: Workspace) -> None:
    doc = _poam(small)
    items = {item.title: item for item in doc.poam_items}
    assert "Separate backup credentials" in items
    assert "Quarterly restore test" not in items  # done: not in the plan
    status = {p.name: p.value for p in items["Separate backup credentials"].props or []}
    assert status["status"] == "in_progress" and status["owner"] == "bob"
    assert items["Immutable backup copies"].remarks == "Budget approved for next fiscal year"
    (risk,) = [r for r in doc.risks or [] if r.title == "Ransomware encrypts the primary database"]
    tasks = {resp.title: (resp.tasks or [])[0] for resp in risk.remediations or []}
    due = tasks["Separate backup credentials"].timing
    assert due is not None and due.on_date.date.date() == date(2027, 1, 15)
    assert risk.deadline is not None and risk.deadline.date() == date(2027, 1, 15)
    (role,) = tasks["Separate backup credentials"].responsible_roles or []
    bob = next(
        p for p in doc.metadata.parties or [] if any(pr.value == "bob" for pr in p.props or [])
    )
    assert role.role_id == "remediation-owner" and role.party_uuids == [bob.uuid]
    assert doc.system_id is not None


def test_uuids_are_stable_and_unique(tmp_path: Path, example: Workspace) -> None:
    first = oscal_json(assessment_results(example, TODAY))
    assert first == oscal_json(assessment_results(load_workspace(example.root), TODAY))
    assert oscal_json(poam(example, TODAY)) == oscal_json(poam(example, TODAY))
    text = first + oscal_json(poam(example, TODAY))
    # The same risk keeps its UUID across the two documents.
    ar_risks = {r["uuid"] for r in json.loads(first)["assessment-results"]["results"][0]["risks"]}
    poam_risks = {r["uuid"] for r in poam(example, TODAY)["plan-of-action-and-milestones"]["risks"]}
    assert poam_risks <= ar_risks
    ar_doc = json.loads(first)["assessment-results"]["results"][0]
    uuids = [x["uuid"] for key in ("risks", "findings", "observations") for x in ar_doc[key]]
    assert len(uuids) == len(set(uuids))
    assert "T00:00:00Z" in text


def test_moving_a_workspace_keeps_the_export(tmp_path: Path, example: Workspace) -> None:
    moved = tmp_path / "elsewhere"
    shutil.copytree(example.root, moved)
    again = load_workspace(moved)
    assert oscal_json(assessment_results(again, TODAY)) == oscal_json(
        assessment_results(example, TODAY)
    )


def test_editing_one_risk_keeps_the_other_uuids(small: Workspace) -> None:
    before = assessment_results(small, TODAY)["assessment-results"]
    register = small.root / "register" / "oscal.yaml"
    register.write_text(register.read_text().replace("likelihood: high", "likelihood: low"))
    after = assessment_results(load_workspace(small.root), TODAY)["assessment-results"]
    assert before["uuid"] != after["uuid"]  # a new revision of the document
    ids = [[r["uuid"] for r in doc["results"][0]["risks"]] for doc in (before, after)]
    assert ids[0] == ids[1]


def test_poam_without_open_items_is_refused(small: Workspace) -> None:
    for path in (small.root / "register").glob("*.yaml"):
        text = path.read_text()
        for status in ("planned", "in_progress", "deferred"):
            text = text.replace(f"status: {status}", "status: done")
        path.write_text(text)
    ws = load_workspace(small.root)
    with pytest.raises(EmptyPoam, match="nothing to export"):
        poam(ws, TODAY)
    _ar(ws)


def test_undated_evidence_and_odd_people_still_load(small: Workspace) -> None:
    manifest = small.root / "sra.yaml"
    text = manifest.read_text().replace("alice@example.test", "not-mail")
    manifest.write_text(text.replace("[compliance-officer]", "[compliance officer, 1st-line]"))
    controls = small.root / "controls" / "controls.yaml"
    controls.write_text(controls.read_text().replace("date: 2026-10-01, ", "", 1))
    ws = load_workspace(small.root)
    result = _ar(ws)
    roles = {role.id for role in result.metadata.roles or []}
    assert {"compliance-officer", "_1st-line", "remediation-owner"} <= roles
    flagged = [
        o
        for o in result.results[0].observations or []
        if any(p.name == "evidence-date" for p in o.props or [])
    ]
    assert flagged
    assert all(o.collected.date() == TODAY and o.expires is None for o in flagged)
    alice = next(p for p in result.metadata.parties or [] if p.name == "Alice Reyes")
    assert alice.email_addresses is None
    assert any(p.name == "email" and p.value == "not-mail" for p in alice.props or [])
    _poam(ws)


def test_sra_export_writes_both_oscal_documents(sra, tmp_path: Path) -> None:
    assert sra("init", "sra", "--example").exit_code == 0
    for fmt, model, key in (
        ("oscal-ar", AssessmentResults, "assessment-results"),
        ("oscal-poam", PlanOfActionAndMilestones, "plan-of-action-and-milestones"),
    ):
        out = tmp_path / f"{fmt}.json"
        run = sra("export", "--format", fmt, "--out", str(out), "--today", "2026-11-22")
        assert run.exit_code == 0 and str(out) in run.stdout
        model.parse_obj(json.loads(out.read_text())[key])


def test_poam_export_of_a_register_with_nothing_open_is_refused_in_one_line(sra, tmp_path):
    (tmp_path / "sra").mkdir()
    (tmp_path / "sra" / "sra.yaml").write_text("organization: {name: Calm Clinic}\n")
    run = sra("export", "--format", "oscal-poam", "--out", str(tmp_path / "p.json"))
    assert run.exit_code == 2 and len(run.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "p.json").exists()
