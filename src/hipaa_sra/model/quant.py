"""Quantitative estimates: a risk's `quant:` block and the methodology's calibration table.

The shapes are checked here (numbers are numbers); whether the numbers make sense (min below
max, a known distribution, a row for every level) is judged by the quantify rules, so that a
risk with a doubtful estimate still loads, is linted, and falls back to the calibration.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from .base import SraModel


def _number(raw: object) -> object:
    # `true` would otherwise read as 1.0: a flag is never an amount.
    if isinstance(raw, bool):
        raise ValueError("expected a number")
    return raw


Number = Annotated[float, Field(allow_inf_nan=False), BeforeValidator(_number)]
"""A finite number as written in YAML (an integer or a decimal)."""


class Estimate(SraModel):
    """A range: min, most likely and max (PERT, the default), or a 90% interval (lognormal)."""

    distribution: str | None = Field(
        None, description="pert (default: min, most_likely, max) or lognormal (low, high)."
    )
    min: Number | None = Field(None, description="PERT: the least it can be.")
    most_likely: Number | None = Field(None, description="PERT: the most likely value.")
    max: Number | None = Field(None, description="PERT: the most it can be.")
    low: Number | None = Field(None, description="Lognormal: 5th percentile (90% interval).")
    high: Number | None = Field(None, description="Lognormal: 95th percentile (90% interval).")


class ControlEffect(SraModel):
    """What controls change: a reduction of loss events, or a separate estimate."""

    reduction: Number | None = Field(
        None, description="Share of loss events the controls prevent, from 0 to 1."
    )
    frequency: Estimate | None = Field(
        None, description="Loss events per year with the controls (instead of a reduction)."
    )
    magnitude: Estimate | None = Field(
        None, description="Loss per event in USD with the controls (instead of a reduction)."
    )


class PlannedEffect(ControlEffect):
    """The effect of one open remediation item, on top of the current controls."""

    remediation: str | None = Field(
        None,
        description="The remediation item's `control`, as written; may be left out when the "
        "risk has a single open remediation item.",
    )


class Quant(SraModel):
    """A risk's loss estimate: how often a loss event happens, how much each costs."""

    frequency: Estimate | None = Field(
        None, description="Loss events per year without controls (default: the calibration)."
    )
    magnitude: Estimate | None = Field(
        None, description="Loss per event in USD (default: the calibration)."
    )
    current: ControlEffect | None = Field(
        None, description="Effect of the controls in place (default: from residual_risk)."
    )
    planned: tuple[PlannedEffect, ...] = Field(
        (), description="Effect of each open remediation item."
    )


class Calibration(SraModel):
    """Ranges by level, used for every risk (or part of one) without its own estimate."""

    frequency: dict[str, Estimate] | None = Field(
        None, description="Loss events per year, by likelihood level."
    )
    magnitude: dict[str, Estimate] | None = Field(
        None, description="Loss per event in USD, by impact level."
    )
