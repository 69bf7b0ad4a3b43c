"""Quantified risk: annual loss in USD by FAIR-style Monte Carlo over the register.

Importing this package does not import numpy (lint reads estimates through it); the
simulation's types live in `quantify.simulate`.
"""

from .calibration import DEFAULT_FREQUENCY, DEFAULT_MAGNITUDE, ResolvedCalibration
from .estimates import Dist, Problem, Shape
from .inputs import PlannedInput, RiskInput, Scenario
from .run import (
    DEFAULT_SEED,
    DEFAULT_YEARS,
    MAX_YEARS,
    Quantification,
    quantify,
    risk_inputs,
    shared_years,
)

__all__ = [
    "DEFAULT_FREQUENCY",
    "DEFAULT_MAGNITUDE",
    "DEFAULT_SEED",
    "DEFAULT_YEARS",
    "MAX_YEARS",
    "Dist",
    "PlannedInput",
    "Problem",
    "Quantification",
    "ResolvedCalibration",
    "RiskInput",
    "Scenario",
    "Shape",
    "quantify",
    "risk_inputs",
    "shared_years",
]
