"""What answers, policies and training mean to the rest of the SRA: implications, coverage,
OCR element 4, the digest, export, and the entity-type applicability of a new workspace."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hipaa_sra.analysis.coverage import CoverageStatus, hipaa_coverage
from hipaa_sra.analysis.digest import workspace_digest
from hipaa_sra.analysis.ocr import ocr_elements
from hipaa_sra.analysis.questionnaire import implication
from hipaa_sra.assessment import draft_decisions, draft_risk, needs_evidence, proposals
from hipaa_sra.catalog.questions import Implication, question_by_id
from hipaa_sra.loading import load_workspace
from hipaa_sra.loading.records import validate_records
from hipaa_sra.model import KIND_BY_NAME, Answer, AnswerDecision, AnswerEvidence
from hipaa_sra.rules import Selection, lint

TODAY = date(2026, 11, 22)
CONDITIONAL = (
    "164.308(a)(4)(ii)(A)",
    "164.314(a)(2)(ii)",
    "164.314(b)(2)(i)",
    "164.314(b)(2)(ii)",
    "164.314(b)(2)(iii)",
    "164.314(b)(2)(iv)",
)


def _answer(**fields: object) -> Answer:
    base: dict[str, object] = {"answered_by": "alice", "date": "2026-10-01"}
    return Answer.model_validate({**base, **fields})


def test_yes_asks_for_evidence_until_a_control_or_what_how_when_where_is_given() -> None:
    bare = _answer(id="q.sanctions.1", answer="yes")
    assert needs_evidence(bare, Implication.YES)
    vague = _answer(id="q.sanctions.1", answer="yes", evidence=[{"what": "a policy"}])
    assert needs_evidence(vague, Implication.YES)
    control = _answer(id="q.sanctions.1", answer="yes", evidence=[{"control": "ctl-x"}])
    assert not needs_evidence(control, Implication.YES)
    full = AnswerEvidence(what="a", how_verified="b", date=TODAY, location="c")
    assert full.documented


def test_partial_and_no_propose_a_risk_written_from_the_question() -> None:
    question = question_by_id()["q.sanctions.1"]
    risk = draft_risk(question, _answer(id=question.id, answer="no"), Implication.NO)
    assert risk["id"] == "RA-sanctions.1"
    assert risk["vuln"] == "No written sanction policy for security violations"
    assert risk["threat"].startswith("A security violation goes unprevented")
    assert (risk["likelihood"], risk["impact"]) == ("high", "moderate")
    assert risk["remediation"] == [
        {"control": question.remediation, "status": "planned", "owner": "alice"}
    ]
    partial = draft_risk(question, _answer(id=question.id, answer="partial"), Implication.PARTIAL)
    assert (partial["likelihood"], partial["impact"]) == ("moderate", "moderate")


def test_not_applicable_becomes_the_addressable_decision_or_a_conditional_one() -> None:
    logoff = question_by_id()["q.automatic-logoff.1"]
    answer = _answer(
        id=logoff.id,
        answer="not-applicable",
        rationale="No shared screens",
        decision=AnswerDecision.NOT_REASONABLE,
    )
    (decision,) = draft_decisions(logoff, answer)
    assert decision.record == {
        "spec": "164.312(a)(2)(iii)",
        "decision": "not-reasonable",
        "rationale": "No shared screens",
        "decided_by": "alice",
        "date": date(2026, 10, 1),
    }
    clearinghouse = question_by_id()["q.clearinghouse.1"]
    (conditional,) = draft_decisions(
        clearinghouse,
        _answer(id=clearinghouse.id, answer="not-applicable", rationale="No clearinghouse"),
    )
    assert conditional.record["decision"] == "not-applicable"
    # A required specification that binds everyone gets no decision from a not-applicable.
    sanctions = question_by_id()["q.sanctions.1"]
    assert (
        draft_decisions(sanctions, _answer(id=sanctions.id, answer="not-applicable", rationale="x"))
        == []
    )


def test_new_business_associate_skips_conditional_specs(sra, tmp_path: Path) -> None:
    assert sra("init", "sra").exit_code == 0
    manifest = tmp_path / "sra" / "sra.yaml"
    first = load_workspace(tmp_path / "sra")
    covered = lint(first, TODAY, Selection(select=("SRA401",)))
    # A covered entity may be one they bind: sra init pre-fills decisions to confirm.
    assert {f.object_id for f in covered.findings}.isdisjoint(CONDITIONAL)
    decided = {row.citation: row.status for row in hipaa_coverage(first)}
    assert all(decided[citation] is CoverageStatus.DECIDED for citation in CONDITIONAL)
    text = manifest.read_text()
    ba = text.replace("entity_type: covered-entity", "entity_type: business-associate")
    manifest.write_text(ba)
    ws = load_workspace(tmp_path / "sra", use_cache=False)
    found = {f.object_id for f in lint(ws, TODAY, Selection(select=("SRA401",))).findings}
    assert found.isdisjoint(CONDITIONAL)
    assert "164.314(b)(1)" not in found and len(found) > 20  # the rest is still reported
    rows = {row.citation: row.status for row in hipaa_coverage(ws)}
    assert rows["164.314(b)(1)"] is CoverageStatus.NOT_APPLICABLE
    assert all(rows[citation] is CoverageStatus.NOT_APPLICABLE for citation in CONDITIONAL)


def test_yes_with_evidence_and_active_policies_meet_specifications(workspace) -> None:
    root = workspace(
        {
            "assessment/a.yaml": "- {id: q.emergency-access.1, answer: 'yes', evidence: "
            "[{control: c1}], answered_by: alice, date: 2026-10-01}\n"
            "- {id: q.unique-ids.1, answer: 'yes', answered_by: alice, "
            "date: 2026-10-01}\n",
            "controls/c.yaml": "- {id: c1, name: Break glass, safeguard: technical}\n",
            "policies/p.yaml": "- {id: p1, title: Sanctions, hipaa: ['164.308(a)(1)(ii)(C)', "
            "'164.310(d)(2)(i)'], status: active, approved_by: alice, "
            "approved: 2026-01-01}\n"
            "- {id: p2, title: Draft, hipaa: ['164.308(a)(3)(ii)(B)'], "
            "status: draft}\n",
        }
    )
    rows = {row.citation: row for row in hipaa_coverage(load_workspace(root, use_cache=False))}
    assert rows["164.312(a)(2)(ii)"].status is CoverageStatus.COVERED
    assert rows["164.312(a)(2)(ii)"].answers == ("q.emergency-access.1",)
    assert rows["164.312(a)(2)(i)"].status is CoverageStatus.UNCOVERED  # yes with no evidence
    assert rows["164.308(a)(1)(ii)(C)"].status is CoverageStatus.COVERED
    assert rows["164.308(a)(1)(ii)(C)"].policies == ("p1",)
    # A written procedure does not implement a physical safeguard, nor does a draft count.
    assert rows["164.310(d)(2)(i)"].status is CoverageStatus.UNCOVERED
    assert rows["164.308(a)(3)(ii)(B)"].status is not CoverageStatus.COVERED


def test_ocr_element_four_counts_the_open_questions_once_started(workspace) -> None:
    root = workspace(
        {
            "assessment/a.yaml": "- {id: q.sanctions.1, answer: 'no', "
            "answered_by: alice, date: 2026-10-01}\n"
        }
    )
    element = ocr_elements(load_workspace(root, use_cache=False), TODAY)[3]
    assert element.slug == "current-security-measures"
    assert any(
        "questionnaire has 112 of 113 applicable questions unanswered" in reason
        for reason in element.reasons
    ), element.reasons


def test_the_digest_covers_answers_policies_and_training(workspace) -> None:
    root = workspace(
        {
            "assessment/a.yaml": "- {id: q.sanctions.1, answer: 'no', answered_by: alice, "
            "date: 2026-10-01}\n",
            "policies/p.yaml": "- {id: p1, title: Sanctions, status: draft}\n",
            "training/t.yaml": "- {id: t1, person: alice, course: Awareness, "
            "completed: 2026-01-01}\n",
        }
    )
    before = workspace_digest(load_workspace(root, use_cache=False))
    for rel, old, new in (
        ("assessment/a.yaml", "'no'", "partial"),
        ("policies/p.yaml", "draft", "active"),
        ("training/t.yaml", "2026-01-01", "2026-01-02"),
    ):
        path = root / rel
        path.write_text(path.read_text().replace(old, new))
        after = workspace_digest(load_workspace(root, use_cache=False))
        assert after != before, rel
        before = after


def test_proposals_skip_what_the_workspace_already_holds(workspace) -> None:
    root = workspace(
        {
            "assessment/a.yaml": "- {id: q.sanctions.1, answer: 'no', answered_by: alice, "
            "date: 2026-10-01}\n- {id: q.sanctions.2, answer: partial, "
            "answered_by: alice, date: 2026-10-01}\n- {id: q.evaluation.1, "
            "answer: 'yes', answered_by: alice, date: 2026-10-01}\n",
            "register/r.yaml": "- {id: RA-sanctions.2, asset: organization, threat: t, vuln: v, "
            "likelihood: low, impact: low}\n",
        }
    )
    found = proposals(load_workspace(root, use_cache=False))
    assert [(p.kind, p.key) for p in found] == [("risk", "RA-sanctions.1")]


def test_new_kinds_export_to_csv_with_their_fields(workspace, sra, tmp_path: Path) -> None:
    workspace(
        {
            "assessment/a.yaml": "- {id: q.sanctions.1, answer: 'no', notes: HR only, "
            "answered_by: alice, date: 2026-10-01}\n",
            "policies/p.yaml": (
                "- {id: p1, title: Sanctions, status: active, approved: 2026-01-01}\n"
            ),
            "training/t.yaml": "- {id: t1, group: desk, headcount: 5, course: Awareness, "
            "completed: 2026-01-01}\n",
        }
    )
    run = sra("export", "--format", "csv", "--kinds", "answers,policies,training", "--out", "out")
    assert run.exit_code == 0, run.stderr
    answers = (tmp_path / "out" / "answers.csv").read_text(encoding="utf-8-sig").splitlines()
    assert answers[0].startswith("id,answer,notes,evidence.1.control")
    assert answers[1].startswith("q.sanctions.1,no,HR only,")
    training = (tmp_path / "out" / "training.csv").read_text(encoding="utf-8-sig")
    assert "t1,,desk,5,Awareness,2026-01-01" in training
    policies = (tmp_path / "out" / "policies.csv").read_text(encoding="utf-8-sig")
    assert "p1,Sanctions," in policies


@settings(max_examples=200)
@given(
    question=st.sampled_from(sorted(question_by_id())),
    answer=st.one_of(
        st.sampled_from(["yes", "partial", "no", "not-applicable", "weekly"]),
        st.text(max_size=20),
        st.integers(),
        st.booleans(),
        st.none(),
    ),
)
def test_any_answer_loads_as_a_usable_answer_or_a_finding(question: str, answer: object) -> None:
    raw = {
        "id": question,
        "answer": answer,
        "rationale": "r",
        "decision": "not-reasonable",
        "alternative_measure": "m",
        "answered_by": "alice",
        "date": "2026-10-01",
    }
    records = validate_records(KIND_BY_NAME["answers"], [raw], "a.yaml")
    assert records.count == 1  # a bad answer never costs the record
    takes = isinstance(answer, str) and answer in question_by_id()[question].answers
    problems = [p for p in records.pending if p.path[:2] == (0, "answer")]
    if takes:
        assert problems == []
        model = records.models[0]
        assert isinstance(model, Answer) and implication(model) is not None
    else:
        assert [p.code for p in problems] in (["SRA001"], ["SRA003"])


def test_a_signoff_goes_stale_on_a_changed_answer_and_verify_names_it(workspace, sra) -> None:
    root = workspace(
        {
            "assessment/a.yaml": "- {id: q.sanctions.1, answer: partial, "
            "answered_by: alice, date: 2026-10-01}\n"
        }
    )
    signed = sra(
        "signoff",
        "-w",
        str(root),
        "--role",
        "compliance-officer",
        "--name",
        "Alice",
        "--email",
        "alice@example.test",
        "--accept-findings",
        "test",
        "--now",
        "2026-11-20T10:00:00+00:00",
    )
    assert signed.exit_code == 0, signed.stderr
    (root / "assessment/a.yaml").write_text(
        (root / "assessment/a.yaml").read_text().replace("partial", "'no'")
    )
    run = sra("verify", "-w", str(root))
    assert "answers/q.sanctions.1 changed" in run.stdout
