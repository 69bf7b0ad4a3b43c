"""Coverage rules (SRA4xx): HIPAA specifications that no control or documented decision meets."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.coverage import CoverageRow, CoverageStatus, coverage_rows
from ..findings import Severity
from ..model import Workspace
from .base import Context, Family, Hit, Rule

_NAMED = 5
"""Control ids a message names before "and N more": an enterprise spec has thousands."""


def _ids(ids: tuple[str, ...]) -> str:
    named = ", ".join(f"`{oid}`" for oid in ids[:_NAMED])
    return named + (f" and {len(ids) - _NAMED:,} more" if len(ids) > _NAMED else "")


def _remedy(row: CoverageRow) -> str:
    cite = f"`{row.citation}`"
    control = f"add a control that implements it and cites {cite} in its `hipaa` list"
    if row.decision is not None and not row.accepts_decision:
        return f"it is required, so its decision in sra.yaml cannot stand in for it; {control}"
    if row.decision is not None and "decision" in row.decision_gaps and row.condition:
        return (
            f"it is required wherever it applies, so its decision in sra.yaml can only "
            f"be `not-applicable` (it {row.condition}) or `implemented`, not "
            f"`{row.decision.decision}`"
        )
    if row.decision is not None and "decision" in row.decision_gaps:
        return (
            "its decision in sra.yaml says `not-applicable`, but it binds every covered "
            "entity and business associate; decide implemented, alternative or "
            "not-reasonable, with a `rationale`"
        )
    if row.decision is not None and row.decision_gaps:
        missing = " and ".join(f"`{gap}`" for gap in row.decision_gaps)
        return f"its decision in sra.yaml `decisions` lacks {missing}"
    if row.standard_controls:
        verb = "cites" if len(row.standard_controls) == 1 else "cite"
        control = (
            f"{_ids(row.standard_controls)} {verb} only the standard, which does not "
            f"cover its specifications; add {cite} to the `hipaa` list of the control "
            "that implements it"
        )
    if row.condition is not None:
        return (
            f"{control}, or, since it {row.condition}, record a `not-applicable` decision "
            "in sra.yaml `decisions` with the rationale for why it does not apply"
        )
    if row.accepts_decision:
        return (
            f"{control}, or record in sra.yaml `decisions` whether it is reasonable and "
            "appropriate (implemented, alternative with `alternative_measure`, or "
            "not-reasonable) with a `rationale`"
        )
    return control


def _path(row: CoverageRow, ws: Workspace) -> tuple[str | int, ...]:
    decision = row.decision
    if decision is not None and row.decision_index is not None:
        where: tuple[str | int, ...] = ("decisions", row.decision_index)
        gap = row.decision_gaps[0] if row.decision_gaps else None
        # A key written but empty can be pointed at; a key left out has only its record.
        return (*where, gap) if gap and gap in decision.model_fields_set else where
    manifest = ws.manifest
    if manifest is not None and "decisions" in manifest.model_fields_set:
        return ("decisions",)
    return ()


def _without_control(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for row in coverage_rows(ctx.facts):
        if not row.is_requirement or row.status is not CoverageStatus.UNCOVERED:
            continue
        kind = (
            "self-specifying standard"
            if row.entry.is_standard
            else f"{row.entry.designation} implementation specification"
        )
        yield Hit(
            f"{row.citation} {row.title} ({kind}) is not met: {_remedy(row)}",
            None,
            _path(row, ws),
            row.citation,
            Severity.ERROR if row.is_required else Severity.WARNING,
        )


COVERAGE_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA401",
        name="hipaa-spec-without-control",
        severity=Severity.ERROR,
        family=Family.COVERAGE,
        summary=(
            "A HIPAA implementation specification (or self-specifying standard) has no mapped "
            "control, and for an addressable one no documented decision either."
        ),
        citation=(
            "45 CFR 164.306(c)-(d) (required and addressable specifications); 164.316(b)(1) "
            "(documentation of actions and assessments)"
        ),
        rationale=(
            "Every standard must be met. Required specifications and the standards with no "
            "specifications of their own must be implemented, so each needs a control that says "
            "it implements them. Addressable specifications are not optional: the entity must "
            "assess each one and either implement it, implement an equivalent alternative, or "
            "document why neither is reasonable and appropriate, and keep that decision. A "
            "control that cites only a standard does not say which of its specifications it "
            "implements, so it does not count for them. Required specifications that bind only "
            "some entities (clearinghouses, government entities, group health plans) may instead "
            "be met by a decision saying why they do not apply. Findings are errors for required "
            "specifications and warnings for addressable ones."
        ),
        fix=(
            "Add the citation to the `hipaa` list of the control that implements the "
            "specification; for an addressable specification you may instead add a decision to "
            "`decisions` in sra.yaml with `rationale` (and `alternative_measure` for "
            "`alternative`)."
        ),
        example=(
            "# controls/technical.yaml\n- id: ctl-unique-ids\n  name: Named accounts via SSO\n"
            "  safeguard: technical\n  hipaa: [164.312(a)(2)(i)]\n"
            "# sra.yaml\ndecisions:\n  - spec: 164.312(a)(2)(iii)\n    decision: alternative\n"
            "    rationale: Shared clinic kiosks cannot lock per user without blocking care.\n"
            "    alternative_measure: Kiosks return to a PIN screen after 2 minutes idle.\n"
            "    decided_by: alice\n    date: 2026-02-10"
        ),
        check=_without_control,
        names_specifications=True,
    ),
)
"""Coverage rules SRA401."""
