"""Scoring: which matrix a methodology selects, the levels it gives, and how risks rank."""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import FIXTURES
from hipaa_sra.catalog import builtin_matrices, risk_score, scale_levels
from hipaa_sra.findings import Location
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Level, Methodology, Risk, Workspace
from hipaa_sra.scoring import (
    MethodologyError,
    ScoredRisk,
    expected_level,
    methodology_matrix,
    rank_scored,
    score_risk,
    score_risks,
    usable_matrix,
    workspace_matrix,
)

VL, L, M, H, VH = Level

# NIST SP 800-30 Rev. 1 Table I-2 typed from shared/reference/regulatory-facts.md, section 3,
# independently of the catalog file: rows likelihood VH..VL, columns impact VL..VH.
TABLE_I2 = {
    VH: (VL, L, M, H, VH),
    H: (VL, L, M, H, VH),
    M: (VL, L, M, M, H),
    L: (VL, L, L, L, M),
    VL: (VL, VL, VL, L, L),
}

THREE = {"low": "low", "moderate": "low", "high": "moderate"}
CUSTOM_3 = {
    "low": THREE,
    "moderate": {"low": "low", "moderate": "moderate", "high": "high"},
    "high": {"low": "moderate", "moderate": "high", "high": "high"},
}


def method(**fields: Any) -> Methodology:
    return Methodology.model_validate(fields)


def risk(**fields: Any) -> Risk:
    row = {
        "id": "R-1",
        "asset": "db",
        "threat": "t",
        "vuln": "v",
        "likelihood": "moderate",
        "impact": "high",
    }
    row.update(fields)
    return Risk.model_validate(row)


def scored(**fields: Any) -> ScoredRisk:
    values: dict[str, Any] = {
        "risk_id": "R-1",
        "asset": "db",
        "likelihood": M,
        "impact": H,
        "inherent_stated": None,
        "inherent_computed": M,
        "residual_stated": None,
        "residual": M,
        "residual_source": "inherent",
        "score": 40,
        "inherent_disagrees": False,
        "open_remediation": 0,
        "location": Location("register/r.yaml"),
        "order": 0,
    }
    values.update(fields)
    return ScoredRisk(**values)


# --- matrix selection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "levels", "source"),
    [
        ("nist-800-30r1", 5, "I-2"),
        ("nist-800-30r1", 3, "I-2 (low/moderate/high rows and columns)"),
        ("classic-3x3", 3, "SP 800-30 (2002) Table 3-7"),
    ],
)
def test_builtin_matrix_for_each_valid_choice(name: str, levels: int, source: str) -> None:
    matrix = methodology_matrix(method(matrix=name, levels=levels))
    assert (matrix.name, matrix.levels, matrix.source) == (name, levels, source)
    assert matrix.scale == scale_levels(levels)


def test_default_methodology_is_nist_projected_to_three_levels() -> None:
    matrix = methodology_matrix(Methodology())
    assert (matrix.name, matrix.levels) == ("nist-800-30r1", 3)


def test_classic_3x3_with_five_levels_says_what_to_change() -> None:
    with pytest.raises(MethodologyError) as info:
        methodology_matrix(method(matrix="classic-3x3", levels=5))
    error = info.value
    assert isinstance(error, ValueError)
    assert error.field == "matrix"
    assert "classic-3x3" in error.message and "3 levels only" in error.message
    assert "`methodology.levels` is 5" in error.message
    assert "set `levels: 3`" in error.hint and "nist-800-30r1" in error.hint
    assert "custom" in error.hint


def test_custom_without_a_table_names_the_missing_key() -> None:
    with pytest.raises(MethodologyError) as info:
        methodology_matrix(method(matrix="custom"))
    assert info.value.field == "matrix"
    assert "`methodology.custom_matrix` is missing" in info.value.message
    assert "low, moderate, high" in info.value.message
    assert "nist-800-30r1, classic-3x3" in info.value.hint


def test_custom_table_is_used_with_the_methodology_levels() -> None:
    matrix = methodology_matrix(method(matrix="custom", custom_matrix=CUSTOM_3))
    assert (matrix.name, matrix.source, matrix.levels) == ("custom", "custom", 3)
    assert matrix.level(H, L) is M
    assert matrix.level(L, H) is M
    assert expected_level(risk(likelihood="high", impact="low"), matrix) is M


def test_custom_table_missing_a_cell_names_the_cell() -> None:
    table = {**CUSTOM_3, "low": {"low": "low", "moderate": "low"}}
    with pytest.raises(MethodologyError) as info:
        methodology_matrix(method(matrix="custom", custom_matrix=table))
    assert info.value.field == "custom_matrix"
    assert "cell likelihood=low, impact=high is missing" in info.value.message
    assert "write all 9 cells" in info.value.hint


def test_custom_table_with_bad_values_names_each_one() -> None:
    table = {
        **CUSTOM_3,
        "moderate": {"low": "low", "moderate": "extreme", "high": "high"},
        "huge": {"low": "high"},
    }
    with pytest.raises(MethodologyError) as info:
        methodology_matrix(method(matrix="custom", custom_matrix=table))
    message = info.value.message
    assert "cell likelihood=moderate, impact=moderate: 'extreme' is not one of" in message
    assert "likelihood 'huge' is not one of low, moderate, high" in message


def test_custom_five_level_table_does_not_fit_three_levels() -> None:
    table = {row.value: {col.value: "low" for col in Level} for row in Level}
    assert methodology_matrix(method(matrix="custom", levels=5, custom_matrix=table)).levels == 5
    with pytest.raises(MethodologyError, match="'very-high' is not one of low, moderate, high"):
        methodology_matrix(method(matrix="custom", levels=3, custom_matrix=table))


def test_workspace_without_a_manifest_has_no_matrix_to_score_with(tmp_path: Path) -> None:
    # Like `sra score`, the library refuses rather than guess the defaults the workspace
    # may not have chosen; analyses that carry on get None from `usable_matrix`.
    ws = Workspace(root=tmp_path, manifest=None)
    with pytest.raises(MethodologyError, match=r"sra\.yaml did not load"):
        workspace_matrix(ws)
    with pytest.raises(MethodologyError, match=r"sra\.yaml did not load"):
        score_risks(ws)
    assert usable_matrix(ws) is None


# --- levels from the matrix -----------------------------------------------------------------


@pytest.mark.parametrize("likelihood", list(Level))
@pytest.mark.parametrize("impact", list(Level))
def test_five_level_matrix_is_table_i2(likelihood: Level, impact: Level) -> None:
    matrix = methodology_matrix(method(levels=5))
    row = risk(likelihood=likelihood.value, impact=impact.value)
    assert expected_level(row, matrix) is TABLE_I2[likelihood][impact.rank]


@pytest.mark.parametrize(
    ("likelihood", "impact", "level"),
    [
        (M, H, M),  # the seed row: stated high, the matrix says moderate
        (H, M, M),
        (H, H, H),
        (L, H, L),
        (M, M, M),
        (L, L, L),
    ],
)
def test_three_level_projection_of_i2(likelihood: Level, impact: Level, level: Level) -> None:
    matrix = methodology_matrix(Methodology())
    assert expected_level(risk(likelihood=likelihood, impact=impact), matrix) is level
    assert TABLE_I2[likelihood][impact.rank] is level


def test_levels_off_the_matrix_scale_give_none() -> None:
    matrix = methodology_matrix(Methodology())
    assert expected_level(risk(likelihood="very-high"), matrix) is None
    assert expected_level(risk(impact="very-low"), matrix) is None


# --- scoring one row ------------------------------------------------------------------------


def test_scored_row_keeps_stated_levels_and_flags_disagreement() -> None:
    row = risk(
        inherent_risk="high",
        residual_risk="moderate",
        remediation=[
            {"control": "a", "status": "planned"},
            {"control": "b", "status": "in_progress"},
            {"control": "c", "status": "deferred"},
            {"control": "d", "status": "done"},
            {"control": "e", "status": "accepted"},
        ],
    )
    where = Location("register/r.yaml", 3, 3)
    result = score_risk(row, methodology_matrix(Methodology()), where, 7)
    assert (result.inherent_stated, result.inherent_computed, result.inherent) == (H, M, H)
    assert result.inherent_disagrees
    assert (result.residual, result.residual_source, result.residual_stated) == (M, "stated", M)
    assert result.score == 40
    assert result.open_remediation == 3
    assert (result.location, result.order) == (where, 7)


def test_missing_residual_falls_back_to_stated_then_computed_inherent() -> None:
    matrix = methodology_matrix(Methodology())
    stated = score_risk(risk(inherent_risk="high"), matrix, Location("r"))
    assert (stated.residual, stated.residual_source) == (H, "inherent")
    assert stated.residual_stated is None
    computed = score_risk(risk(), matrix, Location("r"))
    assert (computed.residual, computed.residual_source) == (M, "inherent")
    assert not computed.inherent_disagrees


def test_off_scale_row_scores_without_crashing() -> None:
    matrix = methodology_matrix(Methodology())
    result = score_risk(risk(likelihood="very-high", inherent_risk="high"), matrix, Location("r"))
    assert result.inherent_computed is None
    assert not result.inherent_disagrees
    assert (result.inherent, result.residual, result.score) == (H, H, 80)
    bare = score_risk(risk(likelihood="very-high"), matrix, Location("r"))
    assert (bare.inherent, bare.residual) == (None, None)


# --- ranking --------------------------------------------------------------------------------


def workspace_of(rows: list[Risk], tmp_path: Path, **methodology: Any) -> Workspace:
    from hipaa_sra.model import Manifest

    manifest = Manifest.model_validate({"organization": {"name": "T"}, "methodology": methodology})
    return Workspace(root=tmp_path, manifest=manifest, risks=tuple(rows))


def test_ranking_is_residual_then_inherent_then_score_then_id(tmp_path: Path) -> None:
    rows = [
        risk(
            id="low-res",
            likelihood="high",
            impact="high",
            inherent_risk="high",
            residual_risk="low",
        ),
        risk(id="b-mod", likelihood="moderate", impact="moderate", residual_risk="moderate"),
        risk(id="a-mod", likelihood="moderate", impact="moderate", residual_risk="moderate"),
        risk(
            id="mod-inh-high",
            likelihood="moderate",
            impact="high",
            inherent_risk="high",
            residual_risk="moderate",
        ),
        risk(id="mod-score", likelihood="high", impact="moderate", residual_risk="moderate"),
        risk(id="no-res", likelihood="high", impact="high"),
        risk(id="off-scale", likelihood="very-high", impact="high"),
    ]
    ranked = score_risks(workspace_of(rows, tmp_path))
    assert [item.risk_id for item in ranked] == [
        "no-res",
        "mod-inh-high",
        "mod-score",
        "a-mod",
        "b-mod",
        "low-res",
        "off-scale",
    ]
    assert ranked == rank_scored(reversed(ranked))


def test_ties_break_on_score_then_id_then_register_order() -> None:
    items = [
        scored(risk_id="B"),
        scored(risk_id="A", order=2),
        scored(risk_id="A", order=1),
        scored(risk_id="Z", score=64),
        scored(risk_id="0", residual=None),
        scored(risk_id="Y", inherent_stated=H),
    ]
    assert [(item.risk_id, item.order) for item in rank_scored(items)] == [
        ("Y", 0),
        ("Z", 0),
        ("A", 1),
        ("A", 2),
        ("B", 0),
        ("0", 0),
    ]


def test_limit_returns_the_top_of_the_full_ranking(tmp_path: Path) -> None:
    pairs = [("low", "high"), ("high", "high"), ("moderate", "moderate"), ("high", "low")]
    rows = [risk(id=f"R-{i}", likelihood=lik, impact=imp) for i, (lik, imp) in enumerate(pairs)]
    ws = workspace_of(rows, tmp_path)
    full = score_risks(ws)
    assert score_risks(ws, limit=2) == full[:2]
    assert score_risks(ws, limit=10) == full


def test_duplicate_ids_rank_by_register_order(tmp_path: Path) -> None:
    rows = [risk(asset="first"), risk(asset="second")]
    assert [item.asset for item in score_risks(workspace_of(rows, tmp_path))] == [
        "first",
        "second",
    ]


def test_seed_register_scores_as_the_matrix_says(workspace: Any) -> None:
    root = workspace()
    (root / "register").mkdir()
    shutil.copy(FIXTURES / "seed-register-example.yaml", root / "register" / "seed.yaml")
    [seed] = score_risks(load_workspace(root, use_cache=False))
    assert seed.risk_id == "RR-2026-014"
    assert (seed.likelihood, seed.impact) == (M, H)
    assert (seed.inherent_stated, seed.inherent_computed, seed.inherent_disagrees) == (H, M, True)
    assert (seed.residual, seed.residual_source) == (M, "stated")
    assert (seed.score, seed.open_remediation) == (40, 1)
    assert seed.location.file.endswith("register/seed.yaml")
    assert seed.location.line == 4


# --- properties -----------------------------------------------------------------------------

levels = st.sampled_from(list(Level))
optional_levels = st.none() | levels


@st.composite
def register_rows(draw: st.DrawFn) -> list[Risk]:
    ids = draw(
        st.lists(st.from_regex(r"R-[0-9a-z]{1,4}", fullmatch=True), unique=True, max_size=12)
    )
    return [
        Risk(
            id=risk_id,
            asset=draw(st.sampled_from(["db", "api", "bucket"])),
            threat="t",
            vuln="v",
            likelihood=draw(levels),
            impact=draw(levels),
            inherent_risk=draw(optional_levels),
            residual_risk=draw(optional_levels),
        )
        for risk_id in ids
    ]


@given(rows=register_rows(), data=st.data(), five=st.booleans())
def test_ranking_ignores_input_order(rows: list[Risk], data: st.DataObject, five: bool) -> None:
    root = Path("/nonexistent")
    ranked = score_risks(workspace_of(rows, root, levels=5 if five else 3))
    shuffled = data.draw(st.permutations(rows))
    again = score_risks(workspace_of(shuffled, root, levels=5 if five else 3))
    assert [item.risk_id for item in again] == [item.risk_id for item in ranked]
    # The library's fast ranking and the key on scored rows agree.
    assert rank_scored(data.draw(st.permutations(ranked))) == ranked


@given(rows=register_rows())
def test_ranking_is_ordered_highest_first(rows: list[Risk]) -> None:
    ranked = score_risks(workspace_of(rows, Path("/nonexistent"), levels=5))
    for high, low in pairwise(ranked):
        assert high.rank_key() < low.rank_key()
        if high.residual is not None and low.residual is not None:
            assert high.residual.rank >= low.residual.rank


def _rank(level: Level) -> int:
    return level.rank


@given(likelihood=levels, impact=levels)
def test_score_is_within_0_to_100(likelihood: Level, impact: Level) -> None:
    assert 0 <= risk_score(likelihood, impact) <= 100


@given(a=levels, b=levels, c=levels, d=levels)
def test_score_is_monotone_in_likelihood_and_impact(a: Level, b: Level, c: Level, d: Level) -> None:
    (l1, l2), (i1, i2) = sorted((a, b), key=_rank), sorted((c, d), key=_rank)
    assert risk_score(l1, i1) <= risk_score(l2, i1) <= risk_score(l2, i2)
    assert risk_score(l1, i1) <= risk_score(l1, i2) <= risk_score(l2, i2)


@pytest.mark.parametrize("matrix", builtin_matrices(), ids=lambda m: f"{m.name}-{m.levels}")
def test_every_builtin_cell_is_on_its_scale(matrix: Any) -> None:
    cells = [level for row in matrix.cells for level in row]
    assert len(cells) == matrix.levels**2
    assert set(cells) <= set(matrix.scale)
    assert matrix.is_monotonic


@given(data=st.data(), count=st.sampled_from([3, 5]))
def test_any_complete_custom_table_loads_and_any_gap_is_named(
    data: st.DataObject, count: int
) -> None:
    scale = [level.value for level in scale_levels(count)]
    cell = st.sampled_from(scale)
    table = {row: {col: data.draw(cell) for col in scale} for row in scale}
    matrix = methodology_matrix(method(matrix="custom", levels=count, custom_matrix=table))
    assert all(matrix.level(Level(r), Level(c)).value == table[r][c] for r in scale for c in scale)
    row, col = data.draw(st.sampled_from(scale)), data.draw(st.sampled_from(scale))
    gappy = {
        r: {c: v for c, v in cols.items() if (r, c) != (row, col)} for r, cols in table.items()
    }
    with pytest.raises(MethodologyError, match=f"cell likelihood={row}, impact={col} is missing"):
        methodology_matrix(method(matrix="custom", levels=count, custom_matrix=gappy))
