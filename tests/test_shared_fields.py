"""Records share the set of fields they wrote; copying one with an update touches no other."""

from __future__ import annotations

from hipaa_sra.model import Risk

ROW = {"id": "R-1", "asset": "db", "threat": "t", "vuln": "v", "likelihood": "low",
       "impact": "low"}  # fmt: skip


def test_copying_a_record_with_an_update_leaves_the_others_as_written() -> None:
    first = Risk.model_validate(ROW)
    second = Risk.model_validate({**ROW, "id": "R-2"})
    copy = first.model_copy(update={"residual_risk": "low"})
    assert "residual_risk" in copy.model_fields_set
    assert "residual_risk" not in first.model_fields_set
    assert "residual_risk" not in second.model_fields_set
    assert first.model_fields_set == second.model_fields_set == set(ROW)


def test_a_record_that_wrote_other_fields_says_so() -> None:
    plain = Risk.model_validate(ROW)
    reviewed = Risk.model_validate({**ROW, "last_reviewed": "2026-01-05"})
    assert "last_reviewed" in reviewed.model_fields_set
    assert "last_reviewed" not in plain.model_fields_set
    assert plain.model_dump(exclude_unset=True) == {**ROW, "likelihood": "low", "impact": "low"}
