"""What `sra quantify` simulates for one risk: inherent, residual and planned estimates.

A risk's own `quant:` block is used where it is usable; everything else comes from the
calibration by the risk's likelihood and impact, and the risk's notes say what and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import RiskMatrix
from ..model import (
    ControlEffect,
    Estimate,
    Level,
    Quant,
    Remediation,
    RemediationStatus,
    Risk,
)
from .calibration import ResolvedCalibration
from .estimates import Dist, Path, Problem, read_estimate, read_reduction

OPEN = frozenset({RemediationStatus.PLANNED, RemediationStatus.IN_PROGRESS})
"""Remediation states whose effect is still to come."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """How often a loss event happens (per year) and what each one costs (USD)."""

    frequency: Dist
    magnitude: Dist

    @property
    def mean(self) -> float:
        """The exact mean annual loss (frequency and magnitude are independent)."""
        return self.frequency.mean * self.magnitude.mean


@dataclass(frozen=True, slots=True)
class PlannedInput:
    """One open remediation item with an estimated effect: the residual once it is done."""

    index: int
    """Position in the risk's `remediation` list."""
    label: str
    scenario: Scenario


@dataclass(frozen=True)
class RiskInput:
    """Everything simulated for one risk, and where each number came from."""

    risk_id: str
    order: int
    """Position in `Workspace.risks`."""
    inherent: Scenario
    residual: Scenario
    after_plan: Scenario
    """The residual once every open remediation item with an estimated effect is done."""
    planned: tuple[PlannedInput, ...]
    own: bool
    """The risk's `quant:` block supplied at least one estimate."""
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    """What is wrong with the `quant:` block; paths inside the risk record."""


@dataclass
class _Reader:
    """Collects notes and problems while one risk is read."""

    cal: ResolvedCalibration
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def estimate(self, est: Estimate | None, path: Path, what: str) -> Dist | None:
        if est is None:
            return None
        dist, problems = read_estimate(est, path, what)
        self.problems.extend(problems)
        if dist is None:
            why = (
                f"cannot be used: {problems[0].message}"
                if problems
                else ("could not be read (see `sra lint`)")
            )
            self.notes.append(f"`{'.'.join(map(str, path))}` {why}")
        return dist

    def effect(self, effect: ControlEffect, path: Path, base: Scenario) -> Scenario | None:
        """The scenario once `effect` applies to `base`; None when nothing in it is usable."""
        freq = self.estimate(effect.frequency, (*path, "frequency"), "frequency")
        mag = self.estimate(effect.magnitude, (*path, "magnitude"), "magnitude")
        reduction = None
        if effect.reduction is not None:
            reduction, problems = read_reduction(effect.reduction, (*path, "reduction"))
            self.problems.extend(problems)
            if problems:
                self.notes.append(
                    f"`{'.'.join(map(str, path))}.reduction` cannot be used: {problems[0].message}"
                )
            if effect.frequency is not None or effect.is_unknown("frequency"):
                self.problems.append(
                    Problem(
                        (*path, "reduction"),
                        "give either `reduction` or a separate `frequency` estimate, not both",
                    )
                )
                reduction = None
        if freq is None and mag is None and reduction is None:
            if (
                effect.frequency is None
                and effect.magnitude is None
                and (effect.reduction is None)
                and not effect.unknown
            ):
                self.problems.append(
                    Problem(
                        path,
                        "the effect states nothing; expected "
                        "`reduction` or a `frequency`/`magnitude` estimate",
                    )
                )
            return None
        new_freq = freq or base.frequency
        if reduction is not None:
            new_freq = new_freq.scaled(1 - reduction)
        return Scenario(new_freq, mag or base.magnitude)


def risk_input(
    risk: Risk, order: int, cal: ResolvedCalibration, matrix: RiskMatrix | None
) -> tuple[RiskInput | None, str | None]:
    """The risk's scenarios, or None and why the risk cannot be quantified."""
    reader = _Reader(cal)
    quant = risk.quant
    if risk.is_unknown("quant"):
        reader.notes.append("the `quant` block could not be read (see `sra lint`)")
    q = quant or Quant()
    freq = reader.estimate(q.frequency, ("quant", "frequency"), "frequency")
    mag = reader.estimate(q.magnitude, ("quant", "magnitude"), "magnitude")
    own = freq is not None or mag is not None
    likelihood = _on_scale(risk.likelihood, cal.scale)
    impact = _on_scale(risk.impact, cal.scale)
    if freq is None:
        if likelihood is None:
            return None, "no usable frequency estimate and no likelihood on the scale"
        freq = cal.frequency[likelihood]
        if q.frequency is not None or risk.is_unknown("quant"):
            reader.notes.append(f"frequency from the calibration for likelihood {likelihood.value}")
    if mag is None:
        if impact is None:
            return None, "no usable magnitude estimate and no impact on the scale"
        mag = cal.magnitude[impact]
        if q.magnitude is not None or risk.is_unknown("quant"):
            reader.notes.append(f"magnitude from the calibration for impact {impact.value}")
    inherent = Scenario(freq, mag)
    residual = None
    if q.current is not None:
        residual = reader.effect(q.current, ("quant", "current"), inherent)
    if residual is None:
        residual = _from_levels(risk, inherent, likelihood, cal, matrix, own)
    planned = _planned(risk, q, reader, residual)
    after = residual
    for item in planned:
        after = _combine(after, residual, item.scenario)
    return RiskInput(
        risk.label,
        order,
        inherent,
        residual,
        after,
        tuple(planned),
        own,
        tuple(reader.notes),
        tuple(reader.problems),
    ), None


def quant_problems(risk: Risk, cal: ResolvedCalibration) -> tuple[Problem, ...]:
    """Every problem of the risk's `quant` block, whether or not the risk can be simulated.

    The effects are read against a stand-in base scenario (the calibration's middle row):
    their problems do not depend on it, and a risk whose likelihood or impact cannot be read
    must still hear about the estimates its owner wrote.
    """
    reader = _Reader(cal)
    q = risk.quant or Quant()
    reader.estimate(q.frequency, ("quant", "frequency"), "frequency")
    reader.estimate(q.magnitude, ("quant", "magnitude"), "magnitude")
    middle = cal.scale[len(cal.scale) // 2]
    base = Scenario(cal.frequency[middle], cal.magnitude[middle])
    if q.current is not None:
        reader.effect(q.current, ("quant", "current"), base)
    items = list(enumerate(risk.remediation))
    open_items = [(i, item) for i, item in items if item.status in OPEN]
    for n, effect in enumerate(q.planned):
        path: Path = ("quant", "planned", n)
        # Which item an effect names can be judged only when the remediation list was read;
        # the effect's own estimates can always be.
        if not risk.is_unknown("remediation"):
            _match(effect.remediation, items, open_items, path, reader)
        reader.effect(effect, path, base)
    return tuple(reader.problems)


def _on_scale(level: Level | None, scale: tuple[Level, ...]) -> Level | None:
    return level if level is not None and level in scale else None


def _from_levels(
    risk: Risk,
    inherent: Scenario,
    likelihood: Level | None,
    cal: ResolvedCalibration,
    matrix: RiskMatrix | None,
    own: bool,
) -> Scenario:
    """Residual without a stated effect: likelihood lowered as far as residual_risk is below."""
    stated = risk.inherent_risk
    if (
        stated is None
        and matrix is not None
        and likelihood is not None
        and risk.impact in (matrix.scale)
    ):
        stated = matrix.level(likelihood, risk.impact)
    residual = risk.residual_risk or stated
    if stated is None or residual is None or likelihood is None:
        return inherent
    steps = max(0, stated.rank - residual.rank)
    if steps == 0:
        return inherent
    position = max(0, cal.scale.index(likelihood) - steps)
    lowered = cal.frequency[cal.scale[position]]
    if own:
        # The risk's own frequency moves down by the calibration's ratio between the levels.
        factor = lowered.mean / cal.frequency[likelihood].mean
        return Scenario(inherent.frequency.scaled(factor), inherent.magnitude)
    return Scenario(lowered, inherent.magnitude)


def _planned(risk: Risk, q: Quant, reader: _Reader, residual: Scenario) -> list[PlannedInput]:
    items = list(enumerate(risk.remediation))
    open_items = [(i, item) for i, item in items if item.status in OPEN]
    found: list[PlannedInput] = []
    for n, effect in enumerate(q.planned):
        path: Path = ("quant", "planned", n)
        match = _match(effect.remediation, items, open_items, path, reader)
        if match is None:
            continue
        index, item = match
        scenario = reader.effect(effect, path, residual)
        if scenario is not None:
            found.append(PlannedInput(index, item.control or f"remediation #{index + 1}", scenario))
    return found


def _match(
    name: str | None,
    items: list[tuple[int, Remediation]],
    open_items: list[tuple[int, Remediation]],
    path: Path,
    reader: _Reader,
) -> tuple[int, Remediation] | None:
    # An item whose control or status could not be read might be the one meant: say nothing
    # false about it (`sra lint` reports the unreadable value itself).
    unreadable = any(item.control is None or item.status is None for _, item in items)
    if name is None:
        if len(open_items) == 1:
            return open_items[0]
        if unreadable:
            return None
        reader.problems.append(
            Problem(
                path,
                f"the effect names no `remediation` and the risk "
                f"has {len(open_items)} open remediation items; name "
                "the item's `control`",
            )
        )
        return None
    wanted = " ".join(name.split()).casefold()
    for index, item in items:
        if item.control is not None and " ".join(item.control.split()).casefold() == wanted:
            if item.status is None:
                return None
            if item.status not in OPEN:
                status = item.status.value
                reader.problems.append(
                    Problem(
                        (*path, "remediation"),
                        f"remediation "
                        f'"{name}" is {status}, not open; the effect '
                        "of work done belongs in `current`",
                    )
                )
                return None
            return index, item
    if unreadable:
        return None
    labels = "; ".join(f'"{item.control}"' for _, item in open_items) or "none"
    reader.problems.append(
        Problem(
            (*path, "remediation"),
            f'no remediation item of this risk has control "{name}"; open items: {labels}',
        )
    )
    return None


def _combine(after: Scenario, residual: Scenario, planned: Scenario) -> Scenario:
    """Apply one more remediation's effect to `after` (effects on frequency multiply)."""
    freq = after.frequency
    if planned.frequency is not residual.frequency:
        if planned.frequency.shape is residual.frequency.shape and (
            planned.frequency.low,
            planned.frequency.high,
            planned.frequency.mode,
        ) == (residual.frequency.low, residual.frequency.high, residual.frequency.mode):
            ratio = planned.frequency.scale / residual.frequency.scale
            freq = freq.scaled(ratio)
        else:
            freq = planned.frequency
    mag = planned.magnitude if planned.magnitude is not residual.magnitude else after.magnitude
    return Scenario(freq, mag)
