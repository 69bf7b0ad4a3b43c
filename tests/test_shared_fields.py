"""Records share what they repeat (the set of fields written, names, dates), and stay apart."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hipaa_sra.model import Risk

ROW = {"id": "R-1", "asset": "db", "threat": "t", "vuln": "v", "likelihood": "low", "impact": "low"}


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


def test_names_and_dates_written_by_many_records_are_kept_once() -> None:
    # Built from pieces, as a parser builds each occurrence: equal text, distinct objects.
    rows = [
        {
            **ROW,
            "id": f"R-{n}",
            "asset": "".join(["d", "b"]),
            "last_reviewed": "2026-01-05",
            "current_controls": ["CTL-" + "1", "checked quarterly by the on-call engineer " * 3],
        }
        for n in range(2)
    ]
    first, second = (Risk.model_validate(row) for row in rows)
    assert first.asset is second.asset
    assert first.last_reviewed is second.last_reviewed
    assert first.current_controls[0] is second.current_controls[0]
    assert first.current_controls == second.current_controls  # prose is kept, not shared
    with pytest.raises(ValidationError, match="at least 1 character"):
        Risk.model_validate({**ROW, "asset": ""})  # sharing keeps the field's own checks
