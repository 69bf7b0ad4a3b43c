"""The report's charts: well-formed inline SVG that says what the data says, byte for byte."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from hipaa_sra.model import Level
from hipaa_sra.report.charts import (
    LEVEL_COLOURS,
    LEVEL_TEXT_COLOURS,
    CategoryRisks,
    HistoryPoint,
    MonthStatus,
    category_svg,
    heat_map_svg,
    history_svg,
    remediation_plan_svg,
)

NS = "{http://www.w3.org/2000/svg}"
THREE = [Level.LOW, Level.MODERATE, Level.HIGH]
FIVE = list(Level)
TODAY = date(2025, 9, 14)


def matrix(scale: list[Level]) -> dict[tuple[Level, Level], Level]:
    """A plausible risk matrix: the cell's level is about the mean of likelihood and impact."""
    n = len(scale)
    return {
        (likelihood, impact): scale[min(n - 1, (i + j + 1) // 2)]
        for i, likelihood in enumerate(scale)
        for j, impact in enumerate(scale)
    }


def parse(svg: str) -> ET.Element:
    assert svg.startswith("<svg"), svg[:80]
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox", ""))
    return root


def texts(svg: str) -> list[str]:
    return ["".join(element.itertext()).strip() for element in parse(svg).iter(f"{NS}text")]


def fills(svg: str) -> set[str]:
    return {
        match.lower()
        for element in parse(svg).iter()
        for match in re.findall(r"fill:\s*(#[0-9a-fA-F]{6})", element.get("style", ""))
    }


def heat_three(unplaced: int = 4) -> str:
    inherent = {(Level.HIGH, Level.HIGH): 3, (Level.MODERATE, Level.HIGH): 5}
    residual = {(Level.LOW, Level.HIGH): 6, (Level.LOW, Level.MODERATE): 2}
    return heat_map_svg(THREE, matrix(THREE), inherent, residual, residual_unplaced=unplaced)


def plan_year() -> str:
    months = [
        MonthStatus(date(2025, m, 1), done=m, planned=2, in_progress=1, overdue=7 if m == 3 else 0)
        for m in range(1, 13)
    ]
    return remediation_plan_svg(months, TODAY)


def history_run() -> str:
    start = date(2025, 1, 6)
    points = [
        HistoryPoint(start + timedelta(days=20 * k), open=10 + k, overdue=k, high=9 - k)
        for k in range(8)
    ]
    return history_svg(points)


def categories() -> str:
    rows = [
        CategoryRisks("warehouse-lake", {Level.HIGH: 4, Level.LOW: 1}),
        CategoryRisks("R&D <lab>", {Level.MODERATE: 2}, unscored=3),
        CategoryRisks("unknown asset", {Level.VERY_HIGH: 1}),
    ]
    return category_svg(rows, THREE)


@pytest.fixture(scope="module")
def heat() -> str:
    return heat_three()


@pytest.fixture(scope="module")
def plan() -> str:
    return plan_year()


@pytest.fixture(scope="module")
def history() -> str:
    return history_run()


@pytest.fixture(scope="module")
def category() -> str:
    return categories()


@pytest.mark.parametrize(
    ("fixture", "render"),
    [("heat", heat_three), ("plan", plan_year), ("history", history_run), ("category", categories)],
)
def test_same_input_gives_the_same_bytes(
    request: pytest.FixtureRequest, fixture: str, render: Callable[[], str]
) -> None:
    first: str = request.getfixturevalue(fixture)
    assert first == render()
    assert "<?xml" not in first and "<!DOCTYPE" not in first
    assert "<dc:date>" not in first and "Matplotlib v" not in first


def test_charts_on_one_page_do_not_repeat_group_ids(heat: str, plan: str) -> None:
    ids = re.findall(r' id="([^"]+)"', heat) + re.findall(r' id="([^"]+)"', plan)
    assert not [i for i in ids if re.fullmatch(r"(figure|axes|patch|text)_\d+", i)]
    assert len(ids) == len(set(ids))


def test_every_level_has_a_fill_and_a_readable_text_colour() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for level in Level:
        lighter, darker = sorted(
            (luminance(LEVEL_COLOURS[level]), luminance(LEVEL_TEXT_COLOURS[level])), reverse=True
        )
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, level


def test_heat_map_shows_titles_counts_and_axes(heat: str) -> None:
    shown = texts(heat)
    assert {"Inherent risk", "Residual risk", "Likelihood", "Impact"} <= set(shown)
    # 3, 5 inherent; 6, 2 residual; empty cells carry no number.
    assert sorted(t for t in shown if t.isdigit()) == ["2", "3", "5", "6"]
    assert "8 risks placed" in shown


def test_heat_map_notes_risks_without_a_residual_level(heat: str) -> None:
    assert any("4 risks off this map" in t for t in texts(heat))
    assert "4 whose residual level fits no cell" in (parse(heat).get("aria-label") or "")
    assert not any("off this map" in t for t in texts(heat_three(unplaced=0)))


def test_heat_map_cells_take_their_level_colour() -> None:
    cells = matrix(FIVE)
    svg = heat_map_svg(FIVE, cells, {(Level.VERY_HIGH, Level.VERY_HIGH): 12}, {})
    assert {LEVEL_COLOURS[level].lower() for level in Level} <= fills(svg)
    assert {"Very low", "Very high", "12"} <= set(texts(svg))


def test_plan_labels_months_today_and_statuses(plan: str) -> None:
    shown = texts(plan)
    assert {"Jan 2025", "today", "Remediation items by due month"} <= set(shown)
    assert {"Done", "Planned", "In progress", "Overdue"} <= set(shown)
    # Statuses with no items stay out of the legend.
    assert "Deferred" not in shown and "Accepted" not in shown
    assert "#c0392b" in fills(plan)
    assert "7 overdue" in (parse(plan).get("aria-label") or "")


def test_plan_thins_month_labels_over_three_years() -> None:
    months = [
        MonthStatus(date(2024 + m // 12, m % 12 + 1, 1), planned=1 + m % 3) for m in range(36)
    ]
    shown = texts(remediation_plan_svg(months, date(2025, 6, 20)))
    labels = [t for t in shown if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t)]
    assert 4 <= len(labels) <= 9
    assert "Jan 2024" in labels and "Jan 2026" in labels


def test_plan_without_items_says_so() -> None:
    assert "No dated remediation items" in texts(remediation_plan_svg([], TODAY))


def test_history_draws_three_series(history: str) -> None:
    shown = texts(history)
    legend = {"Open remediation items", "Overdue remediation items", "High and very high risks"}
    assert legend <= set(shown)
    assert "8 commits from 2025-01-06" in (parse(history).get("aria-label") or "")


def test_history_with_one_commit_or_none() -> None:
    single = history_svg([HistoryPoint(date(2025, 1, 5), open=3, overdue=1, high=2)])
    assert "5 Jan 2025" in texts(single)
    assert "No history: the workspace has no commits yet" in texts(history_svg([]))


def test_category_rows_keep_the_callers_order_and_totals(category: str) -> None:
    placed = [
        ("".join(e.itertext()).strip(), float(e.get("y", "0")))
        for e in parse(category).iter(f"{NS}text")
    ]
    rows = {"warehouse-lake": 5, "R&D <lab>": 5, "unknown asset": 1}
    heights = [y for text, y in placed if text in rows]
    assert [text for text, _ in placed if text in rows] == list(rows)
    assert heights == sorted(heights)
    for (label, total), y in zip(rows.items(), heights, strict=True):
        at_bar_end = [text for text, other in placed if abs(other - y) < 3 and text.isdigit()]
        assert at_bar_end == [str(total)], label
    # A level outside the 3-level scale still counts, and unscored risks get their own colour.
    assert {"Very high", "No residual level"} <= {text for text, _ in placed}


def test_category_without_rows_says_so() -> None:
    assert "No risks on inventoried assets" in texts(category_svg([], THREE))


def test_importing_the_module_leaves_matplotlib_unloaded() -> None:
    code = "import sys, hipaa_sra.report.charts; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
