"""The questionnaire in the web app: one section per page, each answer saved and committed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hipaa_sra.loading import load_workspace

from .test_edits import git_log, values_of


def test_the_questionnaire_page_shows_progress_and_skips_what_does_not_apply(
    web_app: Any, clients: dict[str, Any]
) -> None:
    page = clients["reader"].get("/assess/").content.decode()
    assert "5 of 106 applicable questions answered" in page
    assert re.search(r'<progress id="assess-progress" max="106" value="5">', page)
    assert "/assess/security-management/" in page
    # The example is a business associate: no group health plan section.
    assert "/assess/group-health-plans/" not in page
    assert clients["reader"].get("/assess/group-health-plans/").status_code in (403, 404)


def test_an_answer_is_saved_at_once_in_its_section_file_and_committed(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    url = "/assess/evaluation/"
    page = clients["editor"].get(url).content.decode()
    assert "0 of 2 answered in this section" in page
    form = re.search(r'<section class="question" id="q.evaluation.1".*?</section>', page, re.S)
    assert form is not None
    values = values_of(form.group(0)) | {"answer": "yes", "control": "ctl-annual-evaluation"}
    response = clients["editor"].post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].endswith("/assess/evaluation/#q.evaluation.1")
    answer = load_workspace(web_workspace).answer_by_id["q.evaluation.1"]
    assert answer.answer == "yes" and answer.answered_by == "lucas-moreno"
    assert answer.evidence[0].control == "ctl-annual-evaluation"
    assert (web_workspace / "assessment" / "evaluation.yaml").exists()
    log = git_log(web_workspace, "--format=%an%n%s")
    assert log.splitlines() == [
        "Lucas Moreno",
        "sra: add answers q.evaluation.1 to assessment/evaluation.yaml",
    ]
    again = clients["editor"].get(url).content.decode()
    assert "1 of 2 answered in this section" in again


def test_a_not_applicable_answer_without_its_reason_is_refused_in_sra_words(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    url = "/assess/access-control/"
    page = clients["editor"].get(url).content.decode()
    form = re.search(
        r'<section class="question" id="q.automatic-logoff.1".*?</section>', page, re.S
    )
    assert form is not None
    values = values_of(form.group(0)) | {"answer": "not-applicable"}
    response = clients["editor"].post(url, values)
    assert response.status_code == 200
    text = response.content.decode()
    assert "a not-applicable answer needs a `rationale`" in text
    assert "164.306(d)(3) `decision`" in text
    assert "q.automatic-logoff.1" not in load_workspace(web_workspace).answer_by_id


def test_readers_cannot_answer(web_app: Any, clients: dict[str, Any]) -> None:
    assert clients["reader"].get("/assess/evaluation/").status_code == 403
