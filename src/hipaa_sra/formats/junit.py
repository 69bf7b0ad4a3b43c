"""A `sra lint` report as JUnit XML, the test report GitLab, Jenkins and GitHub actions read.

Layout (JUnit allows at most one failure per test case, so a case is a finding, not a rule):

- root `<testsuites>` holding one `<testsuite name="sra lint">`, whose `<properties>` carry
  the date the rules measured against, the number of waived findings and of files;
- one `<testcase>` per finding, `classname` = the rule's family, `name` =
  `CODE name: path:line:col`; an error or warning finding holds one `<failure>` whose
  `type` is the severity, whose `message` is the finding's message, and whose text adds
  the rule's summary, fix and citation;
- an info finding is a passing case with the message in `<system-out>`: it is advice, so
  it must not turn a pipeline's test report red, and it was not skipped either;
- a waived finding is a `<skipped>` case whose message names the waiver (reason, approver,
  expiry, where it is written): a decision was taken not to enforce it, which is what a
  skipped test means to a CI viewer, and it never fails the report;
- one passing `<testcase>` named `CODE name` per rule that ran and found nothing, so the
  report lists every check that was made.

So `tests` = findings (waived ones included) + rules without findings, `failures` =
unwaived errors + warnings, `skipped` = waived findings, and `errors` is always 0 (a JUnit
error means a test crashed; no rule did).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..findings import Finding, Severity
from .text import waiver_line

if TYPE_CHECKING:  # formats only read reports; `sra validate` must not need the rule engine
    from ..rules.base import Rule
    from ..rules.lint_report import LintReport, WaiverEntry

SUITE_NAME = "sra lint"
UNKNOWN_FAMILY = "sra"
"""Classname of a finding whose rule is not among those that ran."""

# XML 1.0 cannot carry these characters at all, escaped or not; ElementTree writes them
# through and the file would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def lint_junit(report: LintReport) -> str:
    """A `sra lint` report as a JUnit XML document with one test suite."""
    listing = report.listing()
    cases = [
        _waived_case(report, finding, waiver)
        if waived and waiver is not None
        else _finding_case(report, finding)
        for finding, waiver, waived in listing
    ]
    found = {finding.code for finding, _, _ in listing}
    cases += [_rule_case(rule) for rule in report.rules if rule.code not in found]
    failures = sum(1 for f in report.findings if f.severity is not Severity.INFO)
    counts = {
        "tests": str(len(cases)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(report.waived),
    }

    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, **counts})
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("today", report.today.isoformat()),
        ("waived", str(report.waived)),
        ("files", str(len(report.files))),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    suite.extend(cases)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _case(report: LintReport, finding: Finding) -> ET.Element:
    rule = report.rule(finding.code)
    return ET.Element(
        "testcase",
        {
            "classname": rule.family.value if rule else UNKNOWN_FAMILY,
            "name": _clean(f"{finding.code} {finding.name}: {finding.location}"),
            "file": _clean(finding.location.file),
            "line": str(finding.location.line),
        },
    )


def _waived_case(report: LintReport, finding: Finding, waiver: WaiverEntry) -> ET.Element:
    case = _case(report, finding)
    line = waiver_line(waiver)
    skipped = ET.SubElement(case, "skipped", {"message": _clean(line)})
    skipped.text = _clean(f"{_details(finding, report.rule(finding.code))}\n{line}")
    return case


def _finding_case(report: LintReport, finding: Finding) -> ET.Element:
    rule = report.rule(finding.code)
    case = _case(report, finding)
    if finding.severity is Severity.INFO:
        ET.SubElement(case, "system-out").text = _clean(_details(finding, rule))
    else:
        failure = ET.SubElement(
            case,
            "failure",
            {
                "type": finding.severity.value,
                "message": _clean(finding.message),
            },
        )
        failure.text = _clean(_details(finding, rule))
    return case


def _details(finding: Finding, rule: Rule | None) -> str:
    lines = [
        f"{finding.location}: {finding.code} {finding.severity.value} [{finding.name}]",
        finding.message,
    ]
    if finding.object_id is not None:
        lines.append(f"Record: {finding.object_id}")
    if rule is not None:
        lines += ["", f"Rule: {rule.summary}", f"Fix: {rule.fix}", f"Citation: {rule.citation}"]
    return "\n".join(lines)


def _rule_case(rule: Rule) -> ET.Element:
    return ET.Element(
        "testcase", {"classname": rule.family.value, "name": f"{rule.code} {rule.name}"}
    )
