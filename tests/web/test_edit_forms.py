"""A record through its form and back: what the user did not touch is never changed."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hipaa_sra.web.edits import FieldSpec, initial, merged

SPECS = [
    FieldSpec("threat", ("threat",), "Threat", "long"),
    FieldSpec("controls", ("current_controls",), "Controls", "lines"),
    FieldSpec("ephi", ("ephi_present",), "ePHI", "yesno"),
    FieldSpec("reviewed", ("last_reviewed",), "Reviewed", "date"),
    FieldSpec("expires", ("baa", "expires"), "Expires", "date"),
]

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
records = st.fixed_dictionaries(
    {},
    optional={
        "id": st.just("RR-1"),
        "threat": st.one_of(text, text.map(lambda t: t + "\n"), st.integers()),
        "current_controls": st.lists(text.filter(lambda t: t.strip() == t and t), max_size=4),
        "ephi_present": st.booleans(),
        "last_reviewed": st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
        "baa": st.fixed_dictionaries(
            {"status": st.just("executed")}, optional={"expires": st.dates()}
        ),
        "quant": st.just({"loss": 1}),
    },
)


@given(records)
def test_an_untouched_form_gives_back_the_record_as_written(record: dict[str, Any]) -> None:
    assert merged(SPECS, record, initial(SPECS, record)) == record


@given(records, text.filter(lambda t: t.strip() != ""))
def test_a_changed_field_changes_only_its_key(record: dict[str, Any], new: str) -> None:
    values = initial(SPECS, record) | {"threat": new}
    result = merged(SPECS, record, values)
    unchanged = {k: v for k, v in record.items() if k != "threat"}
    assert {k: v for k, v in result.items() if k != "threat"} == unchanged
    if new.strip() != initial(SPECS, record)["threat"].strip():
        assert result["threat"] == new.strip()


def test_an_emptied_field_removes_its_key_and_an_emptied_mapping_goes() -> None:
    record = {"id": "V", "baa": {"expires": date(2027, 1, 1)}, "threat": "x"}
    values = initial(SPECS, record) | {"expires": "", "threat": ""}
    assert merged(SPECS, record, values) == {"id": "V"}
