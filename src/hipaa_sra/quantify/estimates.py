"""Read an estimate as written (`min`, `most_likely`, `max`, or a lognormal 90% interval).

Each problem is returned with the path of the key at fault, so the rules can point at the
line and `sra quantify` can say why it used the calibration instead.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from enum import StrEnum

from ..model import Estimate

Path = tuple[str | int, ...]

Z95 = 1.6448536269514722
"""The standard normal's 95th percentile: a 90% interval spans 2 x Z95 standard deviations."""


class Shape(StrEnum):
    """The distributions an estimate may name."""

    PERT = "pert"
    LOGNORMAL = "lognormal"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why (part of) an estimate cannot be used: the key at fault and a full sentence."""

    path: Path
    message: str


@dataclass(frozen=True, slots=True)
class Dist:
    """A usable distribution: PERT over (low, mode, high), or lognormal with a 90% interval."""

    shape: Shape
    low: float
    """PERT: minimum; lognormal: 5th percentile."""
    high: float
    """PERT: maximum; lognormal: 95th percentile."""
    mode: float = 0.0
    """PERT only: the most likely value."""
    scale: float = 1.0
    """A factor applied to every value (a control's reduction of loss events)."""

    @property
    def mean(self) -> float:
        """The exact mean."""
        if self.shape is Shape.PERT:
            return self.scale * (self.low + 4 * self.mode + self.high) / 6
        mu, sigma = self.log_params
        return self.scale * math.exp(mu + sigma * sigma / 2)

    @property
    def log_params(self) -> tuple[float, float]:
        """Lognormal: mean and standard deviation of the logarithm."""
        mu = (math.log(self.low) + math.log(self.high)) / 2
        return mu, (math.log(self.high) - math.log(self.low)) / (2 * Z95)

    def scaled(self, factor: float) -> Dist:
        """The same distribution with every value multiplied by `factor`."""
        return Dist(self.shape, self.low, self.high, self.mode, self.scale * factor)

    def describe(self, unit: str) -> str:
        """`PERT 0.1 / 0.5 / 2 per year` or `lognormal 90% 10,000 to 1,000,000 USD`."""
        tail = f" (x {self.scale:.2f})" if self.scale != 1.0 else ""
        if self.shape is Shape.PERT:
            text = f"PERT {_num(self.low)} / {_num(self.mode)} / {_num(self.high)} {unit}"
        else:
            text = f"lognormal 90% {_num(self.low)} to {_num(self.high)} {unit}"
        return text + tail


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def read_estimate(est: Estimate, path: Path, what: str) -> tuple[Dist | None, list[Problem]]:
    """The distribution an estimate describes, or None and every reason it cannot be used.

    `what` names the quantity in messages (`frequency` or `magnitude`).
    """
    problems: list[Problem] = []
    shape = _shape(est, path, problems)
    if shape is None:
        return None, problems
    dist = (_lognormal if shape is Shape.LOGNORMAL else _pert)(est, path, what, problems)
    # A key the loader could not read was reported there; the rest is still checked, and
    # the estimate as a whole cannot be used.
    return (None if est.unknown else dist), problems


def _shape(est: Estimate, path: Path, problems: list[Problem]) -> Shape | None:
    if est.distribution is None:  # not written, or unreadable: the keys written say which
        return (
            Shape.LOGNORMAL
            if (est.low is not None or est.high is not None)
            and (est.min is None and est.most_likely is None and est.max is None)
            else Shape.PERT
        )
    try:
        return Shape(est.distribution.strip().lower())
    except ValueError:
        names = [s.value for s in Shape]
        close = difflib.get_close_matches(est.distribution.lower(), names, n=1, cutoff=0.5)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        problems.append(
            Problem(
                (*path, "distribution"),
                f"unknown distribution `{est.distribution}`{hint}; "
                "expected pert (min, most_likely, max) or lognormal (low, high: the 90% interval)",
            )
        )
        return None


def _pert(est: Estimate, path: Path, what: str, problems: list[Problem]) -> Dist | None:
    problems.extend(
        Problem(
            (*path, key),
            f"`{key}` belongs to a lognormal estimate; a PERT estimate "
            "takes min, most_likely and max",
        )
        for key in ("low", "high")
        if getattr(est, key) is not None
    )
    values = {key: getattr(est, key) for key in ("min", "most_likely", "max")}
    for key, value in values.items():
        if value is None:
            if not est.is_unknown(key):
                problems.append(
                    Problem(
                        path,
                        f"the {what} estimate has no `{key}`; a PERT "
                        "estimate needs min, most_likely and max",
                    )
                )
        elif value < 0:
            problems.append(
                Problem((*path, key), f"a negative {what} ({_num(value)}); expected 0 or more")
            )
    if problems or None in values.values():
        return None
    low, mode, high = (float(v) for v in values.values() if v is not None)
    if low > high:
        problems.append(Problem((*path, "min"), f"min ({_num(low)}) is above max ({_num(high)})"))
    elif not low <= mode <= high:
        problems.append(
            Problem(
                (*path, "most_likely"),
                f"most_likely ({_num(mode)}) is outside min to max ({_num(low)} to {_num(high)})",
            )
        )
    return None if problems else Dist(Shape.PERT, low, high, mode)


def _lognormal(est: Estimate, path: Path, what: str, problems: list[Problem]) -> Dist | None:
    problems.extend(
        Problem(
            (*path, key),
            f"`{key}` belongs to a PERT estimate; a lognormal estimate "
            "takes low and high (its 90% interval)",
        )
        for key in ("min", "most_likely", "max")
        if getattr(est, key) is not None
    )
    low, high = est.low, est.high
    for key, value in (("low", low), ("high", high)):
        if value is None:
            if not est.is_unknown(key):
                problems.append(
                    Problem(
                        path,
                        f"the lognormal {what} estimate has no `{key}`; "
                        "it needs low and high, its 90% interval",
                    )
                )
        elif value <= 0:
            problems.append(
                Problem(
                    (*path, key), f"`{key}` is {_num(value)}; a lognormal {what} must be above 0"
                )
            )
    if problems or low is None or high is None:
        return None
    if low >= high:
        problems.append(
            Problem((*path, "low"), f"low ({_num(low)}) is not below high ({_num(high)})")
        )
        return None
    return Dist(Shape.LOGNORMAL, float(low), float(high))


def read_reduction(value: float, path: Path) -> tuple[float | None, list[Problem]]:
    """A control's share of loss events prevented, from 0 to 1."""
    if 0 <= value <= 1:
        return value, []
    hint = f" (did you mean {value / 100:g}?)" if 1 < value <= 100 else ""
    return None, [Problem(path, f"reduction is {value:g}; expected a share from 0 to 1{hint}")]
