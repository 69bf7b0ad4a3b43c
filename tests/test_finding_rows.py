"""Findings as the cache stores them: a row gives back the finding, sharing its repeated texts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hipaa_sra.findings import Finding, Location, Severity, finding_from_row, finding_row

_TEXT = st.text(min_size=1, max_size=40)


@given(
    st.builds(
        Finding,
        code=_TEXT,
        name=_TEXT,
        severity=st.sampled_from(Severity),
        message=st.text(max_size=200),
        location=st.builds(Location, _TEXT, st.integers(1, 10**6), st.integers(1, 500)),
        object_id=st.none() | _TEXT,
    )
)
def test_a_row_gives_back_its_finding(finding: Finding) -> None:
    assert finding_from_row(finding_row(finding)) == finding


def _fresh(text: str) -> str:
    """An equal string that is another object, as a row unmarshalled without references has."""
    return "".join(list(text))


def test_findings_read_from_rows_share_their_rule_file_and_record_texts() -> None:
    def row() -> tuple[str, str, str, str, str, int, int, str]:
        texts = ("SRA109", "control-without-evidence", "register/a.yaml", "RR-1")
        code, name, file, oid = (_fresh(text) for text in texts)
        return (code, name, "warning", "a message", file, 3, 5, oid)

    rows = row(), row()
    assert rows[0][0] is not rows[1][0]
    first, second = (finding_from_row(r) for r in rows)
    assert first == second
    assert first.code is second.code and first.name is second.name
    assert first.location.file is second.location.file
    assert first.object_id is second.object_id
