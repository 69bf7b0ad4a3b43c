"""The register table the web app pages through: filters, orders and pages as a user sees them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipaa_sra.model import Level, Manifest, RemediationStatus, Risk, Workspace
from hipaa_sra.scoring import is_overdue, score_risks
from hipaa_sra.scoring.table import (
    NO_REMEDIATION,
    UNSCORED,
    RegisterQuery,
    RegisterRow,
    SortKey,
    register_table,
    remediation_due,
)

TODAY = date(2026, 3, 1)
OWNERS = ("ana", "bo", "cy")


def risk(risk_id: str, **fields: Any) -> Risk:
    row = {
        "id": risk_id,
        "asset": "db",
        "threat": "t",
        "vuln": "v",
        "likelihood": "moderate",
        "impact": "high",
    }
    row.update(fields)
    return Risk.model_validate(row)


def workspace(rows: list[Risk], levels: int = 3) -> Workspace:
    manifest = Manifest.model_validate(
        {"organization": {"name": "T"}, "methodology": {"levels": levels}}
    )
    return Workspace(
        root=Path("/nonexistent"),
        manifest=manifest,
        risks=tuple(rows),
        risk_by_id={r.id: r for r in rows if r.id},
    )


def item(status: str, due: str | None = None, owner: str | None = None) -> dict[str, Any]:
    return {"control": f"do {status}", "status": status, "due": due, "owner": owner}


def test_rows_come_in_rank_order_with_levels_as_sra_score_gives_them() -> None:
    ws = workspace(
        [
            risk("R-low", likelihood="low", impact="low"),
            risk("R-high", likelihood="high", impact="high", residual_risk="high"),
            risk("R-mid", residual_risk="moderate"),
        ]
    )
    table = register_table(ws, TODAY)
    assert [row.risk_id for row in table.rows] == [s.risk_id for s in score_risks(ws)]
    assert table.rows[0].risk_id == "R-high"
    low = table.row_for("R-low")
    assert low is not None and low.residual is Level.LOW and low.residual_source == "inherent"


def test_filters_by_level_status_owner_asset_and_overdue() -> None:
    ws = workspace(
        [
            risk("R-1", residual_risk="high", remediation=[item("planned", "2026-01-10", "ana")]),
            risk(
                "R-2",
                residual_risk="high",
                asset="api",
                remediation=[item("in_progress", "2026-09-01", "bo")],
            ),
            risk("R-3", residual_risk="low", remediation=[item("done", "2025-01-01", "ana")]),
            risk("R-4", residual_risk="low"),
        ]
    )
    table = register_table(ws, TODAY)

    def ids(**query: Any) -> list[str]:
        return sorted(row.risk_id for row in table.page(RegisterQuery(**query)).rows)

    assert ids(level="high") == ["R-1", "R-2"]
    assert ids(status="planned") == ["R-1"]
    assert ids(status=NO_REMEDIATION) == ["R-4"]
    assert ids(owner="ana") == ["R-1", "R-3"]
    assert ids(asset="api") == ["R-2"]
    assert ids(overdue=True) == ["R-1"]  # the done item of R-3 is late but closed
    assert ids(level="high", owner="ana") == ["R-1"]
    assert ids(level="moderate") == []
    assert table.owners == ("ana", "bo")
    assert table.has_asset("api") and not table.has_asset("nope")


def test_pages_hold_per_page_rows_and_a_page_past_the_end_is_the_last() -> None:
    ws = workspace([risk(f"R-{n:03d}") for n in range(120)])
    table = register_table(ws, TODAY)
    first = table.page(RegisterQuery(sort="id", per_page=50))
    assert (first.total, first.pages, first.first, first.last) == (120, 3, 1, 50)
    assert first.rows[0].risk_id == "R-000"
    last = table.page(RegisterQuery(sort="id", per_page=50, page=99))
    assert last.page == 3 and [r.risk_id for r in last.rows][-1] == "R-119"
    assert len(last.rows) == 20 and (last.first, last.last) == (101, 120)
    reverse = table.page(RegisterQuery(sort="-id", per_page=50))
    assert reverse.rows[0].risk_id == "R-119"


def test_due_order_puts_the_earliest_open_item_first_and_undated_rows_last() -> None:
    ws = workspace(
        [
            risk("R-none"),
            risk("R-late", remediation=[item("planned", "2027-01-01")]),
            risk("R-soon", remediation=[item("planned", "2026-04-01"), item("done", "2020-01-01")]),
        ]
    )
    rows = register_table(ws, TODAY).page(RegisterQuery(sort="due")).rows
    assert [row.risk_id for row in rows] == ["R-soon", "R-late", "R-none"]
    assert rows[0].next_due == date(2026, 4, 1)


def test_remediation_due_marks_what_sra103_calls_overdue() -> None:
    row = risk(
        "R-1",
        remediation=[
            item("planned", "2026-01-01"),
            item("deferred", "2026-01-01"),
            item("in_progress", "2026-12-01"),
        ],
    )
    assert [late for _, late in remediation_due(row, TODAY)] == [True, False, False]


# --- properties: any filters, any order, any page agree with filtering the rows by hand -------

levels = st.sampled_from(["low", "moderate", "high"])
statuses = st.sampled_from([s.value for s in RemediationStatus])
dues = st.sampled_from([None, "2025-06-01", "2026-02-28", "2026-03-01", "2026-08-01"])


@st.composite
def registers(draw: st.DrawFn) -> list[Risk]:
    count = draw(st.integers(0, 16))
    return [
        risk(
            f"R-{n:02d}",
            asset=draw(st.sampled_from(["db", "api"])),
            likelihood=draw(levels),
            impact=draw(levels),
            residual_risk=draw(st.none() | levels),
            last_reviewed=draw(st.none() | st.sampled_from(["2025-01-01", "2026-01-01"])),
            remediation=draw(
                st.lists(
                    st.builds(item, statuses, dues, st.none() | st.sampled_from(OWNERS)), max_size=3
                )
            ),
        )
        for n in range(count)
    ]


def _matches(row: RegisterRow, query: RegisterQuery, risk_of: Risk) -> bool:
    level = row.residual.value if row.residual else UNSCORED
    statuses_of = [i.status.value for i in risk_of.remediation if i.status]
    return (
        (query.level is None or level == query.level)
        and (
            query.status is None
            or query.status in statuses_of
            or (query.status == NO_REMEDIATION and not statuses_of)
        )
        and (query.owner is None or query.owner in [i.owner for i in risk_of.remediation])
        and (query.asset is None or row.asset == query.asset)
        and (not query.overdue or any(is_overdue(i, TODAY) for i in risk_of.remediation))
    )


# Building pydantic records while drawing is slow on a loaded machine; that is not a failure.
RELAXED = settings(suppress_health_check=[HealthCheck.too_slow], max_examples=80)


@RELAXED
@given(
    rows=registers(),
    level=st.none() | levels,
    status=st.none() | statuses,
    owner=st.none() | st.sampled_from(OWNERS),
    asset=st.none() | st.just("api"),
    overdue=st.booleans(),
    sort=st.sampled_from([k.value for k in SortKey]),
    descending=st.booleans(),
    per_page=st.integers(1, 7),
    page=st.integers(1, 6),
)
def test_a_page_is_the_matching_rows_in_order_sliced(
    rows: list[Risk],
    level: str | None,
    status: str | None,
    owner: str | None,
    asset: str | None,
    overdue: bool,
    sort: str,
    descending: bool,
    per_page: int,
    page: int,
) -> None:
    table = register_table(workspace(rows), TODAY)
    query = RegisterQuery(
        level=level,
        status=status,
        owner=owner,
        asset=asset,
        overdue=overdue,
        sort=("-" if descending else "") + sort,
        page=page,
        per_page=per_page,
    )
    by_id = {r.id: r for r in rows}
    order = list(table.order(SortKey(sort)))
    if descending:
        order.reverse()
    expected = [
        table.rows[n] for n in order if _matches(table.rows[n], query, by_id[table.rows[n].risk_id])
    ]
    shown = table.page(query)
    assert shown.total == len(expected)
    start = (shown.page - 1) * per_page
    assert list(shown.rows) == expected[start : start + per_page]
    assert shown.page == min(page, max(1, -(-len(expected) // per_page)))


_KEYS = {
    "id": lambda r: r.risk_id,
    "residual": lambda r: -1 if r.residual is None else r.residual.rank,
    "score": lambda r: -1 if r.score is None else r.score,
    "due": lambda r: (r.next_due is None, r.next_due or date.max),
    "reviewed": lambda r: (r.last_reviewed is not None, r.last_reviewed or date.min),
}


@RELAXED
@given(rows=registers(), sort=st.sampled_from(sorted(_KEYS)))
def test_each_order_is_sorted_by_what_its_column_shows(rows: list[Risk], sort: str) -> None:
    table = register_table(workspace(rows), TODAY)
    shown = [table.rows[n] for n in table.order(SortKey(sort))]
    keys = [_KEYS[sort](row) for row in shown]
    assert keys == sorted(keys)
