"""NIST SP 800-30 Rev. 1 assessment scales: level descriptions and semi-quantitative values."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from ..model.base import Level
from .loader import document

NIST_FILE = "nist_800_30.yaml"
"""The bundled file holding the NIST scales, G-5 and the risk matrices."""

THREE_LEVELS = (Level.LOW, Level.MODERATE, Level.HIGH)
FIVE_LEVELS = tuple(Level)


@dataclass(frozen=True)
class SemiQuant:
    """The semi-quantitative equivalents NIST prints beside a qualitative level."""

    level: Level
    bin_low: int
    """Lowest point of the level's bin on the 0-100 scale."""
    bin_high: int
    """Highest point of the level's bin on the 0-100 scale."""
    value: int
    """Representative value on the 0-10 scale."""


@dataclass(frozen=True)
class Scale:
    """One NIST assessment scale: what each level means for likelihood, impact or risk."""

    key: str
    """Stable key, e.g. `likelihood-occurrence`."""
    table: str
    """The NIST table it comes from, e.g. `G-3`."""
    title: str
    descriptions: tuple[tuple[Level, str], ...]
    """(level, description) from very-high down to very-low, as NIST prints them."""

    def describe(self, level: Level) -> str:
        """What `level` means on this scale."""
        return dict(self.descriptions)[level]


def scale_levels(levels: int) -> tuple[Level, ...]:
    """The levels of a 3-level (low..high) or 5-level (very-low..very-high) scale, lowest first."""
    if levels == 3:
        return THREE_LEVELS
    if levels == 5:
        return FIVE_LEVELS
    raise ValueError(f"a scale has 3 or 5 levels, not {levels}")


def semi_quantitative(level: Level) -> SemiQuant:
    """The 0-100 bin and 0-10 value of a level (NIST SP 800-30 Rev. 1, Appendices G-I)."""
    return _semi_quant()[level]


def risk_score(likelihood: Level, impact: Level) -> int:
    """Semi-quantitative, tool-defined score 0-100: the product of the two 0-10 values.

    Meant for ranking risks that share a level, not as a level of risk: NIST's Table I-2
    is a lookup table and does not follow this product (use `RiskMatrix.level` for that).
    """
    return semi_quantitative(likelihood).value * semi_quantitative(impact).value


def scale_descriptions() -> tuple[Scale, ...]:
    """The NIST scales G-2, G-3, G-4 (likelihood), H-3 (impact) and I-3 (risk), for display."""
    return _scales()


@cache
def _semi_quant() -> dict[Level, SemiQuant]:
    top = document(NIST_FILE)
    rows: dict[Level, SemiQuant] = {}
    for record in top.children("levels"):
        record.only("level", "bin", "value")
        level = record.level("level")
        bounds = record.raw("bin")
        if (
            not isinstance(bounds, list)
            or len(bounds) != 2
            or not all(type(b) is int for b in bounds)
            or not 0 <= bounds[0] <= bounds[1] <= 100
        ):
            record.fail("`bin` must be [low, high] with 0 <= low <= high <= 100")
        value = record.integer("value")
        if not 0 <= value <= 10:
            record.fail("`value` must be between 0 and 10")
        rows[level] = SemiQuant(level, bounds[0], bounds[1], value)
    if len(rows) != len(FIVE_LEVELS):
        top.fail("`levels` must list each of the five levels once")
    ordered = [rows[level] for level in FIVE_LEVELS]
    if any(
        low.bin_high >= high.bin_low or low.value >= high.value for low, high in pairwise(ordered)
    ):
        top.fail("`levels` bins and values must rise from very-low to very-high")
    return rows


@cache
def _scales() -> tuple[Scale, ...]:
    scales = []
    for record in document(NIST_FILE).children("scales"):
        record.only("key", "table", "title", "descriptions")
        described = record.child("descriptions")
        described.only(*FIVE_LEVELS)
        pairs = tuple((level, described.text(level)) for level in reversed(FIVE_LEVELS))
        scales.append(Scale(record.text("key"), record.text("table"), record.text("title"), pairs))
    return tuple(scales)
