"""Findings as terminal text: one `path:line:col: CODE severity [name] message` line each.

`findings_text` and `summary_line` serve `sra validate`; `lint_text` renders a `sra lint`
report, grouped by file like ruff's and eslint's terminal output, and with `show_waived`
the waived findings after them, each with the waiver that silenced it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import click

from ..findings import Finding, Severity
from .terminal import inert

if TYPE_CHECKING:  # formats only read reports; `sra validate` must not need the rule engine
    from ..rules.lint_report import LintReport, WaiverEntry

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def findings_text(findings: Iterable[Finding], *, colour: bool = False) -> str:
    """One line per finding, in the order given (the loader sorts by file and line)."""
    lines = []
    for finding in findings:
        where = f"{finding.location}:"
        label = f"{finding.code} {finding.severity.value}"
        if colour:
            where = click.style(where, bold=True)
            label = click.style(label, fg=_COLOURS[finding.severity])
        lines.append(f"{where} {label} [{finding.name}] {inert(finding.message)}")
    return "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(counts: Mapping[str, int], findings: Iterable[Finding], files: int) -> str:
    """`Loaded 40 assets, ... from 17 files: 0 errors, 2 warnings, 1 info.`"""
    by_severity = dict.fromkeys(Severity, 0)
    for finding in findings:
        by_severity[finding.severity] += 1
    loaded = ", ".join(f"{count} {name}" for name, count in counts.items())
    return (
        f"Loaded {loaded} from {_plural(files, 'file')}: "
        f"{_plural(by_severity[Severity.ERROR], 'error')}, "
        f"{_plural(by_severity[Severity.WARNING], 'warning')}, "
        f"{by_severity[Severity.INFO]} info."
    )


def lint_summary(report: LintReport, *, waived_shown: bool = False) -> str:
    """`3 errors, 5 warnings, 2 info in 19 files (4 waived, ...) — today 2026-11-22`."""
    counts = report.summary()
    files = _plural(len(report.files), "file")
    if report.findings:
        found = (
            f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
            f"{counts['info']} info in {files}"
        )
    else:
        found = f"No findings in {files}"
    waived = ""
    if report.waived:
        shown = "listed above" if waived_shown else "`sra lint --show-waived` lists them"
        waived = f" ({report.waived} waived; {shown})"
    return f"{found}{waived} — today {report.today.isoformat()}"


def lint_text(
    report: LintReport, *, colour: bool, show_waived: bool = False, expand: bool = False
) -> str:
    """Findings grouped under a header per file, the waived ones if asked, then the summary.

    Unless `expand`, specifications without a control are one line per standard with a
    count: a new workspace has dozens, and the JSON and `--expand` keep each one.
    """
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_file.setdefault(finding.location.file, []).append(finding)
    blocks = [_file_block(file, findings, colour, expand) for file, findings in by_file.items()]
    shown = show_waived and bool(report.waived_findings)
    if shown:
        blocks.append(_waived_block(report, colour))
    summary = lint_summary(report, waived_shown=shown)
    if colour:
        worst = max((f.severity for f in report.findings), key=lambda s: s.rank, default=None)
        summary = click.style(summary, fg="green" if worst is None else _COLOURS[worst], bold=True)
    return "\n\n".join([*blocks, summary])


def _waived_block(report: LintReport, colour: bool) -> str:
    header = f"Waived ({_plural(report.waived, 'finding')}, not counted)"
    lines = [click.style(header, bold=True, underline=True) if colour else header]
    for item in report.waived_findings:
        finding = item.finding
        code = f"{finding.code} {finding.severity.value}"
        if colour:
            code = click.style(code, dim=True)
        message = inert(finding.message.replace("\r\n", "\n")).replace("\n", "\n    ")
        lines.append(f"{finding.location}: {code} [{finding.name}] {message}")
        lines.append(f"    {waiver_line(item.waiver)}")
    return "\n".join(lines)


def waiver_line(waiver: WaiverEntry) -> str:
    """`waived by sra/sra.yaml:40:5 (approved by alice until 2027-03-31): reason`."""
    until = waiver.until.isoformat() if waiver.until else "?"
    reason = " ".join((waiver.reason or "").split())
    return inert(
        f"waived by {waiver.location} (approved by {waiver.approved_by} until {until}): {reason}"
    )


GROUPED_RULE = "hipaa-spec-without-control"


def grouped_by_standard(findings: list[Finding]) -> list[Finding]:
    """`findings` with those of `GROUPED_RULE` of one standard made one, at the first's place.

    A standard with one such finding keeps it as it is; the group takes the worst severity.
    """
    from ..catalog.hipaa import hipaa_entries

    standard_of: dict[str, tuple[str, str]] = {}
    current: tuple[str, str] = ("", "")
    for entry in hipaa_entries():
        if entry.is_standard:
            current = (entry.citation, entry.standard)
        standard_of[entry.citation] = current
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.name == GROUPED_RULE and finding.object_id in standard_of:
            groups.setdefault(standard_of[finding.object_id], []).append(finding)
    out: list[Finding] = []
    for finding in findings:
        group = groups.get(standard_of.get(finding.object_id or "", ("", "")), [])
        if finding.name != GROUPED_RULE or len(group) < 2:
            out.append(finding)
        elif finding is group[0]:
            out.append(_group_finding(standard_of[finding.object_id or ""], group))
    return out


def _group_finding(standard: tuple[str, str], group: list[Finding]) -> Finding:
    from ..catalog.hipaa import hipaa_entry

    citation, name = standard
    worst = max((f.severity for f in group), key=lambda s: s.rank)
    cited = [f.object_id or "" for f in group]
    kinds = [entry.designation for c in cited if (entry := hipaa_entry(c)) is not None]
    split = ", ".join(
        f"{kinds.count(kind)} {kind}" for kind in ("required", "addressable") if kind in kinds
    )
    message = (
        f"{citation} {name}: {len(group)} specifications not met ({split}): "
        f"{', '.join(cited)}; `sra lint --expand` says what each needs"
    )
    first = group[0]
    return Finding(first.code, first.name, worst, message, first.location, citation)


def _file_block(file: str, findings: list[Finding], colour: bool, expand: bool) -> str:
    header = f"{file} ({_plural(len(findings), 'finding')})"
    findings = findings if expand else grouped_by_standard(findings)
    lines = [click.style(header, bold=True, underline=True) if colour else header]
    # Every line starts with the full `path:line:col:` (not stylish's bare `line:col`) so
    # grep, editors' error parsers and terminals that link locations all find it.
    where_width = max(len(f"{f.location}:") for f in findings)
    for finding in findings:
        where = f"{finding.location}:".ljust(where_width)
        code = f"{finding.code} {finding.severity.value:<7}"
        name = f"[{finding.name}]"
        if colour:
            code = click.style(code, fg=_COLOURS[finding.severity])
            name = click.style(name, dim=True)
        # Continuation lines are indented so a multi-line message stays inside its group.
        message = inert(finding.message.replace("\r\n", "\n")).replace("\n", "\n    ")
        lines.append(f"{where} {code} {name} {message}")
    return "\n".join(lines)
