"""Assemble the SRA document from a loaded workspace: every section, in the auditor's order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .._version import __version__
from ..analysis.coverage import coverage_rows, coverage_summary
from ..analysis.facts import Facts
from ..analysis.ocr import ElementStatus
from ..discover.workspace import workspace_discovery
from ..git import GitError
from ..history import Commit, History, history, open_repository
from ..model import Workspace
from ..rules import LintReport, lint
from ..scoring import is_high, usable_matrix
from ..signoff import verify_workspace
from .document import Banner, BannerKind, Cell, Report, Section, Tone
from .exceptions import exceptions_section
from .inputs import DETAIL_LIMIT, UNREADABLE, ReportInputs, known, level_cell, plural
from .inventory import flows_section, inventory_section, scope_section, vendors_section
from .quantified import quantified_section
from .questionnaire import questionnaire_section
from .risks import determination_section, remediation_items, remediation_section, threats_section
from .safeguards import (
    checklist_section,
    controls_section,
    coverage_section,
    methodology_section,
    nprm_section,
)
from .signing import findings_section, history_section, signoff_banner, signoff_section

HISTORY_LIMIT = 100
"""Newest commits the review history lists by default."""
HISTORY_MEASURE = 10
"""Newest commits whose numbers are computed when the cache lacks them (each loads and lints
the workspace as it was), so a fresh CI checkout of a large workspace stays quick."""

SECTION_TITLES = (
    "Summary",
    "Scope",
    "Methodology",
    "Asset inventory",
    "Data flows",
    "Third parties",
    "Threats and vulnerabilities",
    "Current controls",
    "Safeguards questionnaire",
    "Risk determination",
    "Remediation plan",
    "Quantified risk",
    "HIPAA safeguard coverage",
    "NPRM readiness",
    "Risk analysis checklist",
    "Findings",
    "Accepted exceptions and waivers",
    "Sign-off",
    "Review history",
)
"""The document's headings in order; auditors look for them by name."""


def review_history(
    root: Path,
    *,
    limit: int | None = HISTORY_LIMIT,
    measure: int | None = HISTORY_MEASURE,
    use_cache: bool = True,
    progress: Callable[[Commit], None] | None = None,
) -> tuple[History | None, str | None]:
    """The workspace's git history, or None and why there is none."""
    try:
        repo = open_repository(root)
        found = history(
            root, repo, limit=limit, measure=measure, use_cache=use_cache, progress=progress
        )
        return found, None
    except GitError as exc:
        return None, str(exc)


def build_report(
    ws: Workspace,
    today: date,
    *,
    lint_report: LintReport | None = None,
    history: History | None = None,
    history_problem: str | None = None,
    detail_limit: int = DETAIL_LIMIT,
) -> Report:
    """The SRA document of `ws` as of `today`."""
    # The loader reports an unusable methodology; the report says so where it matters.
    matrix = usable_matrix(ws)
    facts = Facts(ws)
    # The inputs `discovery:` in sra.yaml lists: their findings and their machine evidence.
    discovery = workspace_discovery(ws)
    inputs = ReportInputs(
        ws=ws,
        today=today,
        facts=facts,
        matrix=matrix,
        discovery=discovery,
        lint=lint_report
        if lint_report is not None
        else lint(ws, today, facts=facts, discovery=discovery),
        verification=verify_workspace(ws),
        history=history,
        history_problem=history_problem,
        detail_limit=detail_limit,
    )
    banner = signoff_banner(inputs)
    builders: tuple[Callable[[ReportInputs], Section], ...] = (
        summary_section,
        scope_section,
        methodology_section,
        inventory_section,
        flows_section,
        vendors_section,
        threats_section,
        controls_section,
        questionnaire_section,
        determination_section,
        remediation_section,
        quantified_section,
        coverage_section,
        nprm_section,
        checklist_section,
        findings_section,
        exceptions_section,
        lambda i: signoff_section(i, banner),
        history_section,
    )
    sections = tuple(build(inputs) for build in builders)
    organization = ws.manifest.organization if ws.manifest else None
    # The name is unreadable, not absent, when sra.yaml's value for it could not be read.
    name = organization.name if organization is not None else None
    if name is None:
        name = "Unnamed organization" if ws.manifest is None else UNREADABLE
    return Report(
        organization=name,
        title="HIPAA Security Risk Analysis",
        today=today,
        digest=inputs.verification.digest,
        banner=banner,
        sections=sections,
        generator=f"hipaa-sra {__version__}",
        subtitle="45 CFR 164.308(a)(1)(ii)(A), assessed per NIST SP 800-30 Rev. 1",
        headline=_headline(inputs, banner),
    )


def _headline(i: ReportInputs, banner: Banner) -> tuple[tuple[str, str, Tone | None], ...]:
    high = sum(1 for s in i.ranked if is_high(s.residual))
    overdue = sum(1 for item in remediation_items(i) if item.overdue)
    summary = coverage_summary(coverage_rows(i.facts))
    elements = i.elements
    met = sum(1 for e in elements if e.status is ElementStatus.MET)
    errors = i.lint.summary()["error"]
    sign_tone = Tone.GOOD if banner.kind is BannerKind.SIGNED else Tone.BAD
    return (
        ("High residual risks", f"{high:,}", Tone.BAD if high else Tone.GOOD),
        ("Overdue actions", f"{overdue:,}", Tone.BAD if overdue else Tone.GOOD),
        (
            "Required specs not met",
            f"{summary.required_uncovered:,}",
            Tone.BAD if summary.required_uncovered else Tone.GOOD,
        ),
        ("OCR elements met", f"{met} of {len(elements)}", Tone.GOOD if met == 9 else Tone.WARN),
        ("Lint errors", f"{errors:,}", Tone.BAD if errors else Tone.GOOD),
        ("Sign-off", banner.title.lower(), sign_tone),
    )


def summary_section(i: ReportInputs) -> Section:
    """Summary: what the analysis covers and the risks that matter most, before the detail."""
    ws = i.ws
    counts = ws.counts()
    in_scope = len(i.facts.in_scope_assets)
    paragraphs = [
        f"This analysis covers {plural(counts['assets'], 'asset')} ({in_scope:,} holding or "
        f"possibly holding ePHI), {plural(counts['flows'], 'data flow')}, "
        f"{plural(counts['vendors'], 'vendor')}, {plural(counts['controls'], 'control')} and "
        f"{plural(counts['risks'], 'risk')}, as of {i.today.isoformat()}.",
    ]
    residual = Counter(s.residual for s in i.ranked)
    spread = ", ".join(
        f"{residual[level]:,} {level.value}" for level in reversed(i.scale) if residual[level]
    )
    if spread:
        paragraphs.append(f"Residual risk: {spread}.")
    load_errors = sum(1 for f in ws.findings if f.severity.value == "error")
    if load_errors:
        paragraphs.append(
            f"Loading the workspace found {plural(load_errors, 'error')}: values "
            "that could not be read are shown as unreadable, or left out where "
            "they were list items, and the Findings section lists every "
            "problem."
        )
    top = i.ranked[:10]
    risks = ws.risks
    table = i.table(
        "top-risks",
        "The highest risks",
        ("Risk", "Asset", "Threat", "Residual", "Open actions"),
        (
            (
                s.risk_id,
                known(s.asset),
                known(risks[s.order].threat),
                level_cell(s.residual),
                Cell(
                    str(s.open_remediation),
                    Tone.BAD if not s.open_remediation and is_high(s.residual) else None,
                ),
            )
            for s in top
        ),
        empty="No risk can be ranked.",
        whole=True,
    )
    return Section("summary", "Summary", tuple(paragraphs), tables=(table,))
