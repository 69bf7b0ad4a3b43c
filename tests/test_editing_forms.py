"""What a form needs from the editing path: a record's digest, field problems, attached files."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from hipaa_sra.editing import (
    Append,
    EditError,
    RecordChanged,
    Ref,
    Set,
    apply_changes,
    field_problems,
    prepare_attachment,
    record_state,
)
from hipaa_sra.loading import load_workspace

MANIFEST = "organization:\n  name: Clinic\n"
RISKS = """\
- id: RR-1
  asset: api
  threat: Stuffing   # a comment
  vuln: No rate limit
  likelihood: moderate
  impact: high

- id: RR-2
  asset: db
  threat: Theft
  vuln: Old disks
  likelihood: low
  impact: low
"""
CONTROLS = """\
- id: ctl-mfa
  name: MFA
  safeguard: technical
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TODAY = date(2026, 3, 1)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    (root / "register").mkdir(parents=True)
    (root / "controls").mkdir()
    (root / "sra.yaml").write_text(MANIFEST)
    (root / "register" / "risks.yaml").write_text(RISKS)
    (root / "controls" / "controls.yaml").write_text(CONTROLS)
    return root


def test_a_change_to_another_record_of_the_file_leaves_the_form_valid(ws: Path) -> None:
    ref = Ref("risks", "RR-1")
    state = record_state(ws, ref)
    assert state is not None and state.file == "register/risks.yaml"
    apply_changes(ws, [Set(Ref("risks", "RR-2"), ("impact",), "moderate")])
    apply_changes(ws, [Set(ref, ("likelihood",), "high")], expected_records={ref: state.digest})
    assert load_workspace(ws).risk_by_id["RR-1"].likelihood == "high"


def test_a_record_changed_since_the_form_was_filled_is_refused(ws: Path) -> None:
    ref = Ref("risks", "RR-1")
    state = record_state(ws, ref)
    assert state is not None
    apply_changes(ws, [Set(ref, ("impact",), "low")])
    before = (ws / "register" / "risks.yaml").read_bytes()
    with pytest.raises(RecordChanged, match="risks RR-1 was changed by someone else"):
        apply_changes(ws, [Set(ref, ("likelihood",), "high")], expected_records={ref: state.digest})
    assert (ws / "register" / "risks.yaml").read_bytes() == before


def test_field_problems_speak_the_loaders_words_with_the_path() -> None:
    problems = field_problems(
        "risks",
        {
            "id": "RR-9",
            "asset": "api",
            "threat": "t",
            "vuln": "v",
            "likelihood": "extreme",
            "impact": "high",
        },
    )
    assert [p.field for p in problems] == ["likelihood"]
    assert problems[0].message.startswith("risk `RR-9`: `likelihood` is `extreme`; expected")


def test_an_attachment_is_written_with_its_record_and_its_sha256(ws: Path) -> None:
    upload = prepare_attachment(PDF, "ctl-mfa", TODAY)
    assert upload.path.startswith("evidence/2026-03-01-ctl-mfa-") and upload.path.endswith(".pdf")
    entry = {"what": "MFA report", "date": TODAY, "location": upload.path, "sha256": upload.sha256}
    apply_changes(
        ws,
        [Append(Ref("controls", "ctl-mfa"), ("evidence",), entry)],
        new_files={upload.path: upload.data},
    )
    assert hashlib.sha256((ws / upload.path).read_bytes()).hexdigest() == upload.sha256
    evidence = load_workspace(ws).control_by_id["ctl-mfa"].evidence[0]
    assert evidence.sha256 == upload.sha256 and evidence.location == upload.path


@pytest.mark.parametrize("data", [b"MZ\x90\x00" + b"\x00" * 200, b"", b"PK\x03\x04" + b"x" * 50])
def test_a_file_that_is_not_a_document_is_refused(data: bytes) -> None:
    with pytest.raises(EditError):
        prepare_attachment(data, "x", TODAY)


def test_an_oversized_file_is_refused() -> None:
    with pytest.raises(EditError, match="MiB are accepted"):
        prepare_attachment(PDF + b"0" * (26 * 1024 * 1024), "x", TODAY)


@pytest.mark.parametrize(
    "path",
    [
        "../outside.pdf",
        "/tmp/x.pdf",
        "register/x.pdf",
        ".sra_edit/x.pdf",
        "sra.yaml",
        "evidence/../../x.pdf",
    ],
)
def test_a_new_file_may_not_leave_the_workspace_or_land_where_the_loader_reads(
    ws: Path, path: str
) -> None:
    with pytest.raises(EditError, match="cannot store a file there"):
        apply_changes(ws, [Set(Ref("risks", "RR-1"), ("impact",), "low")], new_files={path: PDF})
    assert "impact: high" in (ws / "register" / "risks.yaml").read_text()


def test_an_existing_file_is_never_overwritten(ws: Path) -> None:
    (ws / "evidence").mkdir()
    (ws / "evidence" / "a.pdf").write_bytes(b"theirs")
    with pytest.raises(EditError, match="nothing is overwritten"):
        apply_changes(
            ws, [Set(Ref("risks", "RR-1"), ("impact",), "low")], new_files={"evidence/a.pdf": PDF}
        )
    assert (ws / "evidence" / "a.pdf").read_bytes() == b"theirs"


@pytest.mark.parametrize("text", ["\x85", "before\u2028after", "end\u2029", "a\x85b\nc"])
def test_unicode_line_breaks_are_written_so_they_read_back(ws: Path, text: str) -> None:
    ref = Ref("risks", "RR-1")
    apply_changes(
        ws,
        [
            Set(ref, ("threat",), text),
            Append(ref, ("remediation",), {"control": text, "status": "planned"}),
        ],
    )
    risk = load_workspace(ws).risk_by_id["RR-1"]
    assert risk.threat == text and risk.remediation[0].control == text
    assert "Theft" in (ws / "register" / "risks.yaml").read_text()


@pytest.mark.parametrize("word", ["yes", "No", "on", "OFF", "y"])
def test_yaml_11_boolean_words_are_written_quoted(ws: Path, word: str) -> None:
    """A text value such as `yes` is quoted, so a YAML 1.1 reader does not see a boolean."""
    import yaml

    apply_changes(ws, [Set(Ref("risks", "RR-1"), ("threat",), word)])
    assert load_workspace(ws).risk_by_id["RR-1"].threat == word
    risks = yaml.safe_load((ws / "register" / "risks.yaml").read_text())
    assert {risk["id"]: risk["threat"] for risk in risks}["RR-1"] == word
