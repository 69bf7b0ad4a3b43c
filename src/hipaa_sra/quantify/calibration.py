"""The calibration table: ranges by likelihood and impact level, so every risk gets a number.

`sra.yaml` may replace any row under `methodology.calibration`; a row it leaves out, or
writes so that it cannot be used, comes from the defaults below, and the problem is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog.scales import scale_levels
from ..model import Level, Methodology, parse_level
from .estimates import Dist, Path, Problem, Shape, read_estimate

# Loss events per year by likelihood: how often the risk turns into a loss, not how often
# the threat is attempted, so lower than NIST SP 800-30's Table G-3 event rates.
DEFAULT_FREQUENCY: dict[Level, tuple[float, float, float]] = {
    Level.VERY_LOW: (0.002, 0.01, 0.05),
    Level.LOW: (0.01, 0.05, 0.2),
    Level.MODERATE: (0.05, 0.2, 0.8),
    Level.HIGH: (0.2, 0.8, 3.0),
    Level.VERY_HIGH: (1.0, 3.0, 10.0),
}
"""Default (min, most likely, max) loss events per year, by likelihood level."""

# USD per loss event by impact: order-of-magnitude anchors; a healthcare breach averages
# about 10 million USD in the annual Cost of a Data Breach studies.
DEFAULT_MAGNITUDE: dict[Level, tuple[float, float, float]] = {
    Level.VERY_LOW: (1_000.0, 5_000.0, 25_000.0),
    Level.LOW: (5_000.0, 25_000.0, 150_000.0),
    Level.MODERATE: (25_000.0, 150_000.0, 750_000.0),
    Level.HIGH: (150_000.0, 750_000.0, 5_000_000.0),
    Level.VERY_HIGH: (750_000.0, 4_000_000.0, 25_000_000.0),
}
"""Default (min, most likely, max) loss in USD per event, by impact level."""


@dataclass(frozen=True)
class ResolvedCalibration:
    """A distribution for every level of the scale, and what was wrong with what was written."""

    frequency: dict[Level, Dist]
    magnitude: dict[Level, Dist]
    scale: tuple[Level, ...]
    problems: tuple[Problem, ...] = field(default=())
    """Paths are inside sra.yaml, starting at `methodology`."""
    defaulted: tuple[str, ...] = field(default=())
    """Rows taken from the defaults although the table was written: `frequency.high`, ..."""


def _default(table: dict[Level, tuple[float, float, float]], level: Level) -> Dist:
    low, mode, high = table[level]
    return Dist(Shape.PERT, low, high, mode)


def resolve_calibration(methodology: Methodology | None) -> ResolvedCalibration:
    """The calibration in force: sra.yaml's rows where usable, the defaults elsewhere."""
    levels = methodology.levels if methodology is not None else 3
    scale = scale_levels(levels or 3)
    written = methodology.calibration if methodology is not None else None
    problems: list[Problem] = []
    defaulted: list[str] = []
    tables: dict[str, dict[Level, Dist]] = {}
    for what, defaults, unit_field in (
        ("frequency", DEFAULT_FREQUENCY, "likelihood"),
        ("magnitude", DEFAULT_MAGNITUDE, "impact"),
    ):
        rows = getattr(written, what) if written is not None else None
        table = {level: _default(defaults, level) for level in Level}
        if rows is not None:
            base: Path = ("methodology", "calibration", what)
            seen, written_levels = _read_rows(rows, base, what, scale, table, problems)
            for level in scale:
                if level not in seen:
                    defaulted.append(f"{what}.{level.value}")
                    if level not in written_levels:
                        problems.append(
                            Problem(
                                base,
                                (
                                    f"the calibration has no {what} row for {unit_field} "
                                    f"`{level.value}`; using the default "
                                    f"{table[level].describe(_UNITS[what])}"
                                ),
                            )
                        )
        tables[what] = table
    return ResolvedCalibration(
        tables["frequency"], tables["magnitude"], scale, tuple(problems), tuple(defaulted)
    )


_UNITS = {"frequency": "per year", "magnitude": "USD"}


def _read_rows(
    rows: dict[str, object],
    base: Path,
    what: str,
    scale: tuple[Level, ...],
    table: dict[Level, Dist],
    problems: list[Problem],
) -> tuple[set[Level], set[Level]]:
    """Read the written rows into `table`; return the levels usable, and those written."""
    from ..model import Estimate

    seen: set[Level] = set()
    written: set[Level] = set()
    names = ", ".join(level.value for level in scale)
    for key, est in rows.items():
        level, _ = parse_level(key)
        path = (*base, key)
        if level is None or level not in scale:
            problems.append(
                Problem(
                    path, f"`{key}` is not a level of this methodology; expected one of {names}"
                )
            )
            continue
        written.add(level)
        if not isinstance(est, Estimate):
            continue
        dist, found = read_estimate(est, path, what)
        if dist is None:
            fallback = table[level].describe(_UNITS[what])
            problems.extend(
                Problem(
                    p.path, f"{what} row `{level.value}`: {p.message}; using the default {fallback}"
                )
                for p in found
            )
            continue
        table[level] = dist
        seen.add(level)
    return seen, written
