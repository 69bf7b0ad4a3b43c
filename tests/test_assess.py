"""`sra assess`: interactive, resumable, from a file, and proposals applied exactly once."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hipaa_sra.assessment import progress, questionnaire
from hipaa_sra.catalog.questions import section_by_id
from hipaa_sra.loading import load_workspace, parse_yaml

TODAY = "2026-11-20"
BA = """\
organization:
  name: Relay Health
  entity_type: business-associate
people:
  - id: alice
    name: Alice
    roles: [compliance-officer]
controls:
"""


def _answers(root: Path, section: str) -> list[dict[str, object]]:
    path = root / "assessment" / f"{section}.yaml"
    data = parse_yaml(path.read_bytes(), str(path))  # the loader's reading: `no` is text
    assert isinstance(data, list)
    return data


def test_answers_are_saved_one_by_one_and_a_second_run_resumes(workspace, sra) -> None:
    root = workspace()
    # yes with described evidence, partial with a note, then quit in the middle.
    script = "1\n\nWeekly SIEM review\nReview log\n2026-11-01\ntickets/SEC-1\n2\nno budget\nq\n"
    run = sra("assess", "--person", "alice", "--today", TODAY, input=script)
    assert run.exit_code == 0, run.stderr
    assert "Stopped; every answer given so far is saved" in run.stdout
    saved = _answers(root, "security-management")
    assert [a["id"] for a in saved] == ["q.security-management.1", "q.risk-analysis.1"]
    assert saved[0]["evidence"] == [
        {
            "what": "Weekly SIEM review",
            "how_verified": "Review log",
            "date": "2026-11-01",
            "location": "tickets/SEC-1",
        }
    ]
    assert saved[1] == {
        "id": "q.risk-analysis.1",
        "answer": "partial",
        "notes": "no budget",
        "answered_by": "alice",
        "date": TODAY,
    }
    # The next run starts at the first unanswered question.
    again = sra("assess", "--person", "alice", "--today", TODAY, input="q\n")
    assert "2 of" in again.stdout
    assert "[1/9] Does the risk analysis start from a complete inventory" in again.stdout


def test_end_of_input_keeps_every_answer_already_given(workspace, sra) -> None:
    root = workspace()
    run = sra("assess", "--person", "alice", "--today", TODAY, input="3\n\n")
    assert run.exit_code == 0
    assert [a["answer"] for a in _answers(root, "security-management")] == ["no"]
    assert "1 answers saved" in run.stdout


def test_section_asks_answered_questions_again_unless_unanswered(workspace, sra) -> None:
    root = workspace()
    sra(
        "assess",
        "--person",
        "alice",
        "--section",
        "evaluation",
        "--today",
        TODAY,
        input="3\n\n3\n\n",
    )
    assert [a["answer"] for a in _answers(root, "evaluation")] == ["no", "no"]
    redo = sra(
        "assess",
        "--person",
        "alice",
        "--section",
        "evaluation",
        "--today",
        TODAY,
        input="1\nctl-x\n\n\ns\n",
    )
    assert "Saved answer: no" in redo.stdout
    assert "`ctl-x` is not a control id" not in redo.stdout  # no controls: any id is taken
    answers = _answers(root, "evaluation")
    assert answers[0]["answer"] == "yes" and len(answers) == 2  # replaced, not duplicated
    only_new = sra(
        "assess", "--person", "alice", "--section", "evaluation", "--unanswered", "--today", TODAY
    )
    assert "[1/" not in only_new.stdout


def test_not_applicable_on_an_addressable_spec_asks_for_the_decision(workspace, sra) -> None:
    root = workspace()
    script = "4\nShared kiosks\nalternative\nPIN screen after 2 minutes\n"
    run = sra(
        "assess",
        "--person",
        "alice",
        "--section",
        "access-control",
        "--today",
        TODAY,
        input="s\ns\ns\ns\ns\n" + script + "q\n",
    )
    assert run.exit_code == 0, run.stdout
    (answer,) = _answers(root, "access-control")
    assert answer["id"] == "q.automatic-logoff.1"
    assert answer["decision"] == "alternative"
    assert answer["alternative_measure"] == "PIN screen after 2 minutes"


def test_person_must_be_in_people(workspace, sra) -> None:
    workspace()
    run = sra("assess", "--person", "alise")
    assert run.exit_code == 2
    assert "`alise` is not a person in sra.yaml `people`" in run.stderr
    assert "did you mean `alice`?" in run.stderr
    assert sra("assess").exit_code == 2  # who answers must be said


def test_unknown_section_is_a_usage_error_with_a_suggestion(workspace, sra) -> None:
    workspace()
    run = sra("assess", "--person", "alice", "--section", "contingncy")
    assert run.exit_code == 2
    assert "did you mean `contingency`?" in run.stderr


def test_answers_file_saves_all_or_reports_every_problem(workspace, sra, tmp_path: Path) -> None:
    root = workspace()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- id: q.sanctions.1\n  answer: maybe\n- id: q.nope\n  answer: yes\n"
        "- id: q.facility-plan.1\n  answer: not-applicable\n"
    )
    run = sra("assess", "--answers", str(bad), "--person", "alice", "--today", TODAY)
    assert run.exit_code == 2
    lines = run.stderr.strip().splitlines()
    assert lines[0].startswith(f"{bad}:2:3: answer `q.sanctions.1`: `answer: maybe` is not")
    assert lines[1].startswith(f"{bad}:3:3: answer `q.nope`: `q.nope` is not a question")
    assert any("needs a `rationale`" in line and f"{bad}:6:3" in line for line in lines)
    assert not (root / "assessment").exists()  # nothing written
    good = tmp_path / "good.yaml"
    good.write_text("q.sanctions.1: no\nq.sanctions.2: partial\n")
    ok = sra("assess", "--answers", str(good), "--person", "alice", "--today", TODAY)
    assert ok.exit_code == 0, ok.stderr
    assert [a["answer"] for a in _answers(root, "security-management")] == ["no", "partial"]


def test_proposals_applied_twice_write_nothing_the_second_time(
    workspace, sra, tmp_path: Path
) -> None:
    root = workspace()
    given = tmp_path / "answers.yaml"
    given.write_text(
        "- {id: q.sanctions.1, answer: 'no'}\n"
        "- {id: q.automatic-logoff.1, answer: not-applicable, rationale: No shared screens,"
        " decision: not-reasonable}\n"
        "- {id: q.clearinghouse.1, answer: not-applicable, rationale: We are a clinic only}\n"
    )
    sra("assess", "--answers", str(given), "--person", "alice", "--today", TODAY)
    first = sra("assess", "--apply-proposals")
    assert first.exit_code == 0, first.stderr
    assert "wrote risk RA-sanctions.1 in register/assessment.yaml" in first.stdout
    assert "wrote decision 164.312(a)(2)(iii) Automatic logoff: not-reasonable" in first.stdout
    assert "wrote decision 164.308(a)(4)(ii)(A)" in first.stdout
    before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
    second = sra("assess", "--apply-proposals")
    assert second.stdout.startswith("Nothing to apply")
    assert before == {p: p.read_bytes() for p in root.rglob("*.yaml")}
    ws = load_workspace(root, use_cache=False)
    assert ws.findings == ()
    risk = ws.risk_by_id["RA-sanctions.1"]
    assert risk.asset == "organization" and risk.remediation[0].owner == "alice"
    assert ws.manifest is not None
    assert [d.spec for d in ws.manifest.decisions] == ["164.308(a)(4)(ii)(A)", "164.312(a)(2)(iii)"]


def test_a_person_written_risk_is_never_overwritten(workspace, sra, tmp_path: Path) -> None:
    mine = (
        "- id: RA-sanctions.1\n  asset: organization\n  threat: t\n  vuln: v\n"
        "  likelihood: low\n  impact: low\n"
    )
    root = workspace({"register/mine.yaml": mine})
    given = tmp_path / "a.yaml"
    given.write_text("q.sanctions.1: no\n")
    sra("assess", "--answers", str(given), "--person", "alice", "--today", TODAY)
    run = sra("assess", "--apply-proposals")
    assert run.stdout.startswith("Nothing to apply")
    assert (root / "register" / "mine.yaml").read_text() == mine


def test_business_associate_skips_clearinghouse_government_and_group_plan(workspace) -> None:
    root = workspace(manifest=BA.replace("controls:\n", ""))
    ws = load_workspace(root, use_cache=False)
    asked = {q.id for view in questionnaire(ws) for q in view.questions}
    assert "q.clearinghouse.1" not in asked and "q.other-arrangements.1" not in asked
    assert not any(q.startswith("q.group-health-plan") for q in asked)
    assert not any(q.startswith("q.nprm.") for q in asked)  # profile current
    assert progress(ws).skipped == 7 + len(section_by_id()["nprm-2025"].questions)


def test_list_prints_every_applicable_question_and_progress(workspace, sra) -> None:
    workspace()
    run = sra("assess", "--list")
    assert "q.clearinghouse.1" in run.stdout  # no entity_type: nothing skipped on a guess
    assert run.stdout.strip().endswith("skipped for this organization)")


@pytest.mark.skipif(sys.platform != "linux", reason="pty test on Linux")
def test_interactive_session_through_a_real_terminal(workspace) -> None:
    root = workspace()
    pid, fd = pty.fork()
    if pid == 0:  # the child: sra on a real terminal
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "hipaa_sra",
                "assess",
                "-w",
                str(root),
                "--person",
                "alice",
                "--today",
                TODAY,
            ],
        )
    seen = b""

    def read_until(marker: bytes) -> None:
        nonlocal seen
        deadline = time.monotonic() + 60
        while marker not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    return

    read_until(b"Answer: ")
    os.write(fd, b"3\n")
    read_until(b"Notes (optional): ")
    os.write(fd, b"\n")
    read_until(b"[2/11]")
    os.write(fd, b"q\n")
    read_until(b"answers saved")
    os.waitpid(pid, 0)
    os.close(fd)
    assert b"saved to assessment/security-management.yaml" in seen
    assert _answers(root, "security-management")[0]["answer"] == "no"
    assert subprocess.run([sys.executable, "-c", "1"], check=True).returncode == 0


def test_answers_file_names_only_known_controls_and_people(workspace, sra, tmp_path: Path) -> None:
    root = workspace({"controls/c.yaml": "- {id: ctl-sso, name: SSO, safeguard: technical}\n"})
    given = tmp_path / "a.yaml"
    given.write_text(
        "- id: q.unique-ids.1\n  answer: 'yes'\n  evidence:\n    - control: ctl-ss0\n"
        "- {id: q.unique-ids.2, answer: 'no', answered_by: carol}\n"
    )
    run = sra("assess", "--answers", str(given), "--person", "alice", "--today", TODAY)
    assert run.exit_code == 2
    assert (
        f"{given}:4:7: answer `q.unique-ids.1`: `ctl-ss0` is not a control id (did you "
        "mean `ctl-sso`?)" in run.stderr
    )
    assert "`carol` is not a person in sra.yaml `people`" in run.stderr
    assert not (root / "assessment").exists()


def test_all_asks_every_question_again_with_its_saved_answer(workspace, sra) -> None:
    workspace()
    sra("assess", "--person", "alice", "--today", TODAY, input="3\n\nq\n")
    again = sra("assess", "--person", "alice", "--all", "--today", TODAY, input="q\n")
    assert "[1/11] Do you have written policies and procedures" in again.stdout
    assert "Saved answer: no" in again.stdout
