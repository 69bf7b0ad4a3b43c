"""The bundled safeguards questionnaire: every standard and specification asked about, validly."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hipaa_sra.catalog import CONDITIONAL_SPECS, hipaa_entries, nprm_profile
from hipaa_sra.catalog.questions import Implication, Question, question_catalog


def test_every_standard_and_specification_has_between_one_and_four_questions() -> None:
    questions = question_catalog().questions()
    current = [q for q in questions if q.nprm is None]
    for entry in hipaa_entries():
        asked = [q.id for q in current if entry.citation in q.cites]
        assert 1 <= len(asked) <= 4, (entry.citation, asked)


def test_every_nprm_item_has_a_question_under_the_nprm_profile() -> None:
    keys = {cadence.key for cadence in nprm_profile().cadences}
    keys |= {"mfa", "encryption_at_rest", "encryption_in_transit"}
    section = next(s for s in question_catalog().sections if s.profile == "nprm-2025")
    assert {q.nprm for q in section.questions} == keys


def test_the_questionnaire_is_the_size_of_the_hhs_tool() -> None:
    questions = question_catalog().questions()
    assert 120 <= len(questions) <= 180
    assert len({q.id for q in questions}) == len(questions)


def test_questions_on_conditional_specs_bind_only_the_entities_they_name() -> None:
    for question in question_catalog().questions():
        if set(question.cites) & set(CONDITIONAL_SPECS):
            assert question.applies_to is not None, question.id
            assert not question.applies("business-associate")
            assert question.applies("covered-entity")
            assert question.applies(None)  # an unknown entity type skips nothing


def test_choices_map_to_the_four_answers_and_only_those() -> None:
    choice = next(q for q in question_catalog().questions() if q.choices)
    first = next(iter(choice.choices or {}))
    assert choice.implication(first) in set(Implication)
    assert choice.implication("yes") is None  # a choice question takes its choices only
    plain = next(q for q in question_catalog().questions() if not q.choices)
    assert plain.answers == ("yes", "partial", "no", "not-applicable")
    assert plain.implication("maybe") is None


def test_a_question_citing_no_catalog_entry_is_refused() -> None:
    with pytest.raises(ValidationError, match="not a canonical catalog citation"):
        Question(
            id="q.x.1",
            cites=("164.308(a)(99)",),
            text="Is it so, really?",
            guidance="Because it matters.",
            vulnerability="not so",
            remediation="make it so",
        )
