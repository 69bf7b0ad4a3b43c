"""The report's charts as inline SVG strings: risk heat maps, remediation plan, history, categories.

Drawn with matplotlib's object-oriented API off-screen; text stays text (searchable in the PDF)
and the same input always gives the same bytes, so reports can be compared with golden files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from ..dates import FIRST_DAY, LAST_DAY
from ..model import Level
from .months import (
    date_ticks,
    month_days,
    month_label,
    month_range,
    month_step,
    month_window,
    on_boundary,
)
from .svg import FAINT, GRID, INK, render_svg

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Muted green-to-red ramp. Text colours are the better WCAG contrast on each fill (black on all
# but very-high). The HTML's CSS uses the same values so table badges match the charts.
LEVEL_COLOURS: Mapping[Level, str] = {
    Level.VERY_LOW: "#8fbf8a",
    Level.LOW: "#cfe0a4",
    Level.MODERATE: "#f2d27a",
    Level.HIGH: "#d9674e",
    Level.VERY_HIGH: "#9e2a2b",
}
LEVEL_TEXT_COLOURS: Mapping[Level, str] = {
    Level.VERY_LOW: "#000000",
    Level.LOW: "#000000",
    Level.MODERATE: "#000000",
    Level.HIGH: "#000000",
    Level.VERY_HIGH: "#ffffff",
}
UNSCORED_COLOUR = "#c4c4c4"

_LEVEL_NAMES: Mapping[Level, str] = {
    Level.VERY_LOW: "Very low",
    Level.LOW: "Low",
    Level.MODERATE: "Moderate",
    Level.HIGH: "High",
    Level.VERY_HIGH: "Very high",
}

# (field, legend label, colour), bottom of the stack first: overdue sits on top, where red shows.
_STATUSES: tuple[tuple[str, str, str], ...] = (
    ("done", "Done", "#7d9f80"),
    ("accepted", "Accepted", "#8a98aa"),
    ("deferred", "Deferred", "#d0d0d0"),
    ("in_progress", "In progress", "#3d6ea5"),
    ("planned", "Planned", "#a8c5e6"),
    ("overdue", "Overdue", "#c0392b"),
)

_WIDTH = 6.7  # inches: A4 portrait less 18 mm margins is about 6.7 in


@dataclass(frozen=True)
class MonthStatus:
    """Remediation items due in one calendar month, by status."""

    month: date
    done: int = 0
    accepted: int = 0
    deferred: int = 0
    in_progress: int = 0
    planned: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class HistoryPoint:
    """The workspace at one commit: remediation items open and overdue, and high+ risks."""

    day: date
    open: int
    overdue: int
    high: int


@dataclass(frozen=True)
class CategoryRisks:
    """Risks on assets of one category, counted by residual level."""

    label: str
    counts: Mapping[Level, int]
    unscored: int = 0


def heat_map_svg(
    scale: Sequence[Level],
    cell_level: Mapping[tuple[Level, Level], Level],
    inherent: Mapping[tuple[Level, Level], int],
    residual: Mapping[tuple[Level, Level], int],
    *,
    residual_unplaced: int = 0,
) -> str:
    """Two likelihood x impact grids, inherent and residual, counting risks per cell."""
    levels = sorted(scale, key=lambda level: level.rank)
    n = len(levels)
    names = [_LEVEL_NAMES[level] for level in levels]
    shown = sorted({*levels, *cell_level.values()}, key=lambda level: level.rank)

    def build(fig: Figure) -> None:
        from matplotlib.patches import Patch, Rectangle

        axes = fig.subplots(1, 2)
        for ax, title, counts in zip(
            axes, ("Inherent risk", "Residual risk"), (inherent, residual), strict=True
        ):
            for row, likelihood in enumerate(levels):
                for col, impact in enumerate(levels):
                    level = cell_level.get((likelihood, impact))
                    fill = "#ffffff" if level is None else LEVEL_COLOURS[level]
                    ax.add_patch(
                        Rectangle((col, row), 1, 1, facecolor=fill, edgecolor="#ffffff", lw=2)
                    )
                    count = counts.get((likelihood, impact), 0)
                    # Empty cells stay blank so the eye goes to where the risks are.
                    if count:
                        ink = INK if level is None else LEVEL_TEXT_COLOURS[level]
                        size = 14 if n <= 3 else 11
                        ax.text(
                            col + 0.5,
                            row + 0.5,
                            str(count),
                            ha="center",
                            va="center",
                            fontsize=size,
                            fontweight="bold",
                            color=ink,
                        )
            ax.set_xlim(0, n)
            ax.set_ylim(0, n)
            ax.set_aspect("equal")
            ax.set_xticks([i + 0.5 for i in range(n)], names)
            ax.set_yticks([i + 0.5 for i in range(n)], names)
            ax.tick_params(length=0)
            for spine in ax.spines.values():
                spine.set_visible(False)
            ax.set_xlabel("Impact")
            ax.set_ylabel("Likelihood")
            total = sum(counts.values())
            ax.set_title(f"{title}\n", loc="center")
            ax.text(
                0.5,
                1.02,
                f"{total} {_plural(total, 'risk')} placed",
                transform=ax.transAxes,
                ha="center",
                va="bottom",
                fontsize=7.5,
                color=FAINT,
            )
        if residual_unplaced > 0:
            axes[1].annotate(
                f"{residual_unplaced} {_plural(residual_unplaced, 'risk')} off this map: "
                "no cell of the impact column has the residual level",
                xy=(0.5, 0),
                xycoords="axes fraction",
                xytext=(0, -34),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=7.5,
                color=FAINT,
                style="italic",
            )
        handles = [
            Patch(facecolor=LEVEL_COLOURS[level], label=_LEVEL_NAMES[level]) for level in shown
        ]
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncols=len(handles),
            title="Risk level of the cell",
            title_fontsize=7.5,
        )

    label = (
        f"Risk heat maps, likelihood by impact: {sum(inherent.values())} risks placed by "
        f"inherent level, {sum(residual.values())} by residual level"
    )
    if residual_unplaced:
        label += f", {residual_unplaced} whose residual level fits no cell"
    return render_svg(build, (_WIDTH, 3.9 if n <= 3 else 4.1), label, "heat-map")


def remediation_plan_svg(months: Sequence[MonthStatus], today: date) -> str:
    """Remediation items by due month, stacked by status; overdue in red, a line at today.

    The axis covers at most 36 months either side of today's month (`months.month_window`),
    so the chart costs the same whatever the dates; items due outside it are drawn as one
    bar at each edge, labelled `earlier` and `later`, and the axis label says where it cuts.
    """
    title = "Remediation items by due month"
    if not months:
        return _message_svg(title, "No dated remediation items")
    totals: dict[date, dict[str, int]] = {}
    for item in months:
        slot = totals.setdefault(item.month.replace(day=1), dict.fromkeys(_FIELDS, 0))
        for field in _FIELDS:
            slot[field] += getattr(item, field)
    this_month = today.replace(day=1)
    low, high = month_window(today)
    before = _add_up(slot for month, slot in totals.items() if month < low)
    after = _add_up(slot for month, slot in totals.items() if month > high)
    inside = [month for month in totals if low <= month <= high]
    first = low if before else min([*inside, this_month])
    last = high if after else max([*inside, this_month])
    axis = month_range(first, last)
    empty = dict.fromkeys(_FIELDS, 0)
    edges = _edges(before, low, after, high)
    # Edge bars stand two slots off the axis, so the gap shows the months between are left out.
    slots: list[tuple[int, dict[str, int]]] = [(-2, before)] if before else []
    slots += [(i, totals.get(month, empty)) for i, month in enumerate(axis)]
    slots += [(len(axis) + 1, after)] if after else []

    def build(fig: Figure) -> None:
        from matplotlib.ticker import FixedLocator, MaxNLocator

        ax = fig.subplots()
        xs = [x for x, _ in slots]
        bottoms = [0] * len(slots)
        width = 0.8 if len(axis) <= 24 else 0.9
        for field, name, colour in _STATUSES:
            values = [counts[field] for _, counts in slots]
            if any(values):
                ax.bar(xs, values, width, bottom=bottoms, color=colour, label=name, lw=0)
                bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
        step = month_step(len(axis), 9)
        # A month label too near an edge bar would print over its `earlier` or `later`.
        near = 8 if before or after else 0
        ticks: list[tuple[int, str]] = [
            (i, month_label(month))
            for i, month in enumerate(axis)
            if on_boundary(month, step)
            and not (before and i < near)
            and not (after and i > len(axis) - 1 - near)
        ]
        ticks = ([(-2, "earlier")] if before else []) + ticks
        ticks += [(len(axis) + 1, "later")] if after else []
        ax.set_xticks([x for x, _ in ticks], [text for _, text in ticks])
        ax.xaxis.set_minor_locator(FixedLocator(xs))
        ax.tick_params(axis="x", which="minor", length=2)
        ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max(1, *bottoms) * 1.12)
        index = axis.index(this_month)
        x_today = index - 0.5 + (today.day - 0.5) / month_days(this_month)
        ax.axvline(x_today, color=INK, ls=(0, (4, 3)), lw=1)
        ax.annotate(
            "today",
            xy=(x_today, 1.0),
            xycoords=ax.get_xaxis_transform(),
            xytext=(3, 0),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=7.5,
            color=INK,
        )
        ax.set_ylabel("Items")
        ax.set_xlabel("Due month" + (f"\n{edges}" if edges else ""))
        ax.set_title(title)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0))

    count = sum(sum(slot.values()) for slot in totals.values())
    overdue = sum(slot["overdue"] for slot in totals.values())
    label = (
        f"{title}, {month_label(first)} to {month_label(last)}: {count} items, {overdue} overdue"
    )
    if edges:
        label += f"; {edges}"
    return render_svg(build, (_WIDTH, 3.2), label, "remediation-plan")


def _add_up(slots: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Status counts summed over several months; empty when they hold no item."""
    total = dict.fromkeys(_FIELDS, 0)
    for slot in slots:
        for field in _FIELDS:
            total[field] += slot[field]
    return total if any(total.values()) else {}


def _edges(before: Mapping[str, int], low: date, after: Mapping[str, int], high: date) -> str:
    """What the edge bars hold, e.g. `Bars at the edges: 3 items due before Jan 2023`."""
    parts = [
        f"{n:,} {_plural(n, 'item')} due {word} {month_label(month)}"
        for n, word, month in (
            (sum(before.values()), "before", low),
            (sum(after.values()), "after", high),
        )
        if n
    ]
    return f"Bars at the edges: {', '.join(parts)}" if parts else ""


def history_svg(points: Sequence[HistoryPoint]) -> str:
    """Open and overdue remediation items, and high risks, over the workspace's commits."""
    title = "Remediation and high risks over time"
    if not points:
        return _message_svg(title, "No history: the workspace has no commits yet")
    ordered = sorted(points, key=lambda point: point.day)
    days = [point.day for point in ordered]
    series = (
        ("Open remediation items", "#3d6ea5", "-", [p.open for p in ordered]),
        ("Overdue remediation items", "#c0392b", "-", [p.overdue for p in ordered]),
        ("High and very high risks", "#6b4c8a", (0, (5, 2)), [p.high for p in ordered]),
    )

    def build(fig: Figure) -> None:
        from matplotlib.ticker import MaxNLocator

        ax = fig.subplots()
        # Day ordinals rather than matplotlib.dates: its untyped API, and its locale-bound labels.
        xs = [day.toordinal() for day in days]
        for name, colour, style, values in series:
            # Unclipped so markers on the zero line show whole.
            ax.step(
                xs,
                values,
                where="post",
                color=colour,
                ls=style,
                lw=1.6,
                label=name,
                marker="o",
                markersize=3 if len(xs) > 1 else 5,
                clip_on=False,
            )
        # A lone commit still gets a fortnight of axis, or the limits would collapse to a point.
        half = max(xs[-1] - xs[0], 14) / 2
        middle = (xs[0] + xs[-1]) / 2
        low, high = middle - half * 1.04, middle + half * 1.04
        ticks = date_ticks(_day(math.ceil(low)), _day(math.floor(high)))
        ax.set_xticks(
            [tick.toordinal() for tick in ticks],
            [month_label(t) if t.day == 1 else f"{t.day} {month_label(t)}" for t in ticks],
        )
        ax.set_xlim(low, high)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        top = max(max(values) for *_, values in series)
        ax.set_ylim(0, max(1, top) * 1.12)
        ax.set_ylabel("Count")
        ax.set_title(title)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))

    last = ordered[-1]
    label = (
        f"{title}, {len(ordered)} commits from {days[0].isoformat()} to {days[-1].isoformat()}; "
        f"latest: {last.open} open, {last.overdue} overdue, {last.high} high risks"
    )
    return render_svg(build, (_WIDTH, 3.0), label, "history")


def category_svg(rows: Sequence[CategoryRisks], scale: Sequence[Level]) -> str:
    """Horizontal bars: risks per asset category, stacked by residual level."""
    title = "Risks by asset category and residual level"
    if not rows:
        return _message_svg(title, "No risks on inventoried assets")
    # Levels outside the scale still get drawn: dropping them would understate the totals.
    levels = sorted(
        {*scale, *(level for row in rows for level, n in row.counts.items() if n)},
        key=lambda level: level.rank,
    )
    totals = [sum(row.counts.values()) + row.unscored for row in rows]

    def build(fig: Figure) -> None:
        from matplotlib.ticker import MaxNLocator

        ax = fig.subplots()
        ys = list(range(len(rows)))
        lefts = [0] * len(rows)
        segments: list[tuple[str, str, list[int]]] = [
            (_LEVEL_NAMES[level], LEVEL_COLOURS[level], [row.counts.get(level, 0) for row in rows])
            for level in levels
        ]
        segments.append(("No residual level", UNSCORED_COLOUR, [row.unscored for row in rows]))
        for name, colour, values in segments:
            if any(values) or name != "No residual level":
                ax.barh(ys, values, 0.7, left=lefts, color=colour, label=name, lw=0)
                lefts = [a + b for a, b in zip(lefts, values, strict=True)]
        peak = max(1, *totals)
        for y, total in zip(ys, totals, strict=True):
            ax.text(total + peak * 0.01, y, str(total), va="center", ha="left", fontsize=7.5)
        ax.set_yticks(ys, [row.label for row in rows])
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, peak * 1.08)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="x", color=GRID, lw=0.6)
        ax.grid(axis="y", visible=False)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel("Risks")
        ax.set_title(title)
        fig.legend(loc="outside lower center", ncols=len(segments))

    height = min(9.0, 1.4 + 0.26 * len(rows))
    label = f"{title}: {sum(totals)} risks across {len(rows)} categories"
    return render_svg(build, (_WIDTH, height), label, "categories")


_FIELDS = tuple(field for field, _, _ in _STATUSES)


def _day(ordinal: int) -> date:
    """The date of a day number, held to the calendar: an axis margin may reach past its ends."""
    return date.fromordinal(min(max(ordinal, FIRST_DAY.toordinal()), LAST_DAY.toordinal()))


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _message_svg(title: str, message: str) -> str:
    """A placeholder chart that says why there is nothing to draw."""

    def build(fig: Figure) -> None:
        fig.text(
            0.5, 0.72, title, ha="center", va="center", fontsize=10, fontweight="bold", color=INK
        )
        fig.text(0.5, 0.38, message, ha="center", va="center", fontsize=9, color=FAINT)

    return render_svg(build, (_WIDTH, 0.9), f"{title}: {message}", "message")
