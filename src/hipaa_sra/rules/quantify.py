"""Quantification rules (SRA111-SRA112): estimates `sra quantify` can use as written."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Severity
from ..model import Workspace
from ..quantify.calibration import resolve_calibration
from ..quantify.inputs import quant_problems
from .base import Context, Family, Hit, Rule


def _quant_unusable(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    manifest = ctx.manifest
    calibration = resolve_calibration(manifest.methodology if manifest else None)
    for risk in ws.risks:
        if risk.quant is None:
            continue
        for problem in quant_problems(risk, calibration):
            yield Hit(
                f"risk `{risk.label}`: {problem.message}; `sra quantify` uses the "
                "calibration (or ignores the effect) instead",
                risk,
                problem.path,
            )


def _calibration_unusable(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    manifest = ctx.manifest
    if manifest is None or manifest.methodology.calibration is None:
        return
    calibration = resolve_calibration(manifest.methodology)
    for problem in calibration.problems:
        parts = [str(p) for p in problem.path[1:4]]
        missing = "has no" in problem.message
        yield Hit(
            f"calibration: {problem.message}",
            None,
            problem.path,
            object_id=".".join(parts),
            severity=Severity.WARNING if missing else None,
        )


_CITE = "45 CFR 164.308(a)(1)(ii)(A) (risk analysis: assess the magnitude of potential impact)"

QUANT_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA111",
        record_inputs=frozenset(),
        name="quant-estimate-unusable",
        severity=Severity.ERROR,
        family=Family.REGISTER,
        summary="A risk's `quant:` estimate cannot be used as written.",
        citation=_CITE + "; FAIR (Open Group O-RA) loss event frequency and loss magnitude",
        rationale=(
            "A board or an insurer reads the dollar figures `sra quantify` prints. An estimate "
            "whose minimum is above its maximum, a negative frequency or an unknown distribution "
            "cannot be simulated; the risk falls back to the calibration by its likelihood and "
            "impact, which is not what its owner estimated."
        ),
        fix=(
            "Write `min <= most_likely <= max` (PERT), or `distribution: lognormal` with "
            "`0 < low < high` (the 90% interval); frequencies and losses are 0 or more; a "
            "`reduction` is a share from 0 to 1; a planned effect names an open remediation item."
        ),
        example=(
            "  quant:\n    frequency: {min: 0.05, most_likely: 0.2, max: 1}\n"
            "    magnitude: {distribution: lognormal, low: 50000, high: 2000000}\n"
            "    current: {reduction: 0.6}"
        ),
        check=_quant_unusable,
    ),
    Rule(
        code="SRA112",
        name="calibration-unusable",
        severity=Severity.ERROR,
        family=Family.REGISTER,
        summary="The calibration table in sra.yaml lacks a level's row, or a row cannot be used.",
        citation=_CITE,
        rationale=(
            "Every risk without its own estimate is priced from the calibration by its "
            "likelihood and impact. A missing row (a warning) or an unusable one means those "
            "risks are priced from the tool's default row instead of the organization's own."
        ),
        fix=(
            "Give `methodology.calibration.frequency` a row per likelihood level and "
            "`methodology.calibration.magnitude` a row per impact level of the methodology, each "
            "`{min, most_likely, max}` with min <= most_likely <= max."
        ),
        example=(
            "  calibration:\n    frequency:\n      low: {min: 0.01, most_likely: 0.05, max: 0.2}\n"
            "      moderate: {min: 0.05, most_likely: 0.2, max: 0.8}\n"
            "      high: {min: 0.2, most_likely: 0.8, max: 3}"
        ),
        check=_calibration_unusable,
    ),
)
"""SRA111-SRA112."""
