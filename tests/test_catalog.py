"""The bundled reference catalog: HIPAA counts, NIST tables, NPRM cadences, `sra catalog`."""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from hipaa_sra.catalog import (
    FIVE_LEVELS,
    THREE_LEVELS,
    RiskMatrix,
    builtin_matrices,
    catalog_data,
    hipaa_counts,
    hipaa_entries,
    hipaa_entry,
    hipaa_specs,
    matrix_names,
    normalize_citation,
    nprm_profile,
    overall_likelihood,
    overall_likelihood_table,
    risk_matrix,
    risk_score,
    scale_descriptions,
    semi_quantitative,
    suggest_citation,
)
from hipaa_sra.catalog.loader import Record, document
from hipaa_sra.cli.catalog import catalog_command
from hipaa_sra.errors import CatalogError
from hipaa_sra.model.base import Level

VL, L, M, H, VH = FIVE_LEVELS

# --------------------------------------------------------------------------- HIPAA catalog


def test_totals_match_the_regulation() -> None:
    counts = hipaa_counts()
    assert len(hipaa_entries()) == 68
    assert (counts.standards, counts.specifications) == (22, 46)
    assert (counts.required, counts.addressable) == (24, 22)
    assert str(counts) == (
        "22 standards, 46 implementation specifications (24 required, 22 addressable)"
    )


@pytest.mark.parametrize(
    ("section", "standards", "specs", "required", "addressable"),
    [
        ("164.308", 9, 21, 10, 11),
        ("164.310", 4, 8, 2, 6),
        ("164.312", 5, 7, 2, 5),
        ("164.314", 2, 7, 7, 0),
        ("164.316", 2, 3, 3, 0),
    ],
)
def test_counts_per_section(section, standards, specs, required, addressable) -> None:
    counts = hipaa_counts(e for e in hipaa_entries() if e.section == section)
    assert (counts.standards, counts.specifications) == (standards, specs)
    assert (counts.required, counts.addressable) == (required, addressable)


def test_appendix_a_covers_the_three_safeguard_sections_only() -> None:
    in_matrix = [e for e in hipaa_entries() if e.appendix_a]
    counts = hipaa_counts(in_matrix)
    assert (counts.standards, counts.specifications, counts.required, counts.addressable) == (
        18,
        36,
        14,
        22,
    )
    assert {e.section for e in in_matrix} == {"164.308", "164.310", "164.312"}


def test_safeguard_families_follow_the_sections() -> None:
    families = {(e.section, e.safeguard) for e in hipaa_entries()}
    assert families == {
        ("164.308", "administrative"),
        ("164.310", "physical"),
        ("164.312", "technical"),
        ("164.314", "organizational"),
        ("164.316", "documentation"),
    }


def test_self_specifying_standards_are_required_and_mappable() -> None:
    self_specifying = [e.citation for e in hipaa_entries() if e.self_specifying]
    assert self_specifying == [
        "164.308(a)(2)",
        "164.308(a)(8)",
        "164.310(b)",
        "164.310(c)",
        "164.312(b)",
        "164.312(d)",
        "164.316(a)",
    ]
    audit = hipaa_entry("164.312(b)")
    assert audit is not None and audit.is_standard and audit.is_required and audit.is_mappable


def test_specs_are_what_a_control_can_map_to() -> None:
    specs = hipaa_specs()
    assert len(specs) == 46 + 7
    citations = {e.citation for e in specs}
    assert "164.312(b)" in citations  # self-specifying standard
    assert "164.312(a)(2)(iv)" in citations
    assert "164.312(a)(1)" not in citations  # a standard with specifications of its own
    assert sum(e.is_required for e in specs) == 24 + 7
    encryption = hipaa_entry("164.312(a)(2)(iv)")
    assert encryption is not None and not encryption.is_required


def test_ids_and_citations_are_unique_and_canonical() -> None:
    entries = hipaa_entries()
    assert len({e.id for e in entries}) == len({e.citation for e in entries}) == 68
    for entry in entries:
        assert normalize_citation(entry.citation) == entry.citation
        assert hipaa_entry(entry.citation) is entry
        assert hipaa_entry(entry.id) is entry


def test_names_keep_the_printed_and_or_difference() -> None:
    administrative, organizational = hipaa_entry("164.308(b)(1)"), hipaa_entry("164.314(a)(1)")
    assert administrative is not None and organizational is not None
    assert administrative.name == "Business associate contracts and other arrangements"
    assert organizational.name == "Business associate contracts or other arrangements"


@pytest.mark.parametrize(
    "written",
    [
        "164.312(a)(2)(iv)",
        "45 CFR 164.312(a)(2)(iv)",
        "§164.312(a)(2)(iv)",
        "§ 164.312(a)(2)(iv)",
        "45 C.F.R. § 164.312 (a) (2) (iv)",
        "45 CFR §164.312(a)(2)(IV)",
        "  164.312(a)(2)(iv).",
    ],
)
def test_common_written_forms_resolve(written: str) -> None:
    assert normalize_citation(written) == "164.312(a)(2)(iv)"
    entry = hipaa_entry(written)
    assert entry is not None and entry.name == "Encryption and decryption"


def test_paragraph_case_follows_the_cfr_levels() -> None:
    assert normalize_citation("164.308(A)(1)(II)(a)") == "164.308(a)(1)(ii)(A)"


def test_standard_without_its_i_resolves_to_the_standard() -> None:
    entry = hipaa_entry("164.308(a)(1)")
    assert entry is not None and entry.citation == "164.308(a)(1)(i)" and entry.is_standard
    # Adding "(i)" would reach a specification here, which is not what was written.
    assert hipaa_entry("164.310(a)(2)") is None


@pytest.mark.parametrize(
    ("written", "suggestion"),
    [
        ("164.308(b)(4)", "164.308(b)(3)"),  # renumbered by the 2013 Omnibus Rule
        ("45 CFR § 164.308(b)(4)", "164.308(b)(3)"),
        ("164.308(b)(2)", "164.308(b)(1)"),  # printed as part of the standard
        ("164.310(a)(2)", "164.310(a)(2)(i)"),
        ("164.312(a)(2)(v)", "164.312(a)(2)(iv)"),
        ("164.312(a)(2)(iv)", None),  # nothing to correct
        ("164.308", None),
        ("not a citation", None),
    ],
)
def test_suggest_citation(written: str, suggestion: str | None) -> None:
    assert suggest_citation(written) == suggestion
    assert hipaa_entry(written) is None or suggestion is None


# --------------------------------------------------------------------------- NIST tables


@pytest.mark.parametrize(
    ("likelihood", "impact", "risk"),
    [
        (M, H, M),
        (H, VH, VH),
        (VL, H, L),
        (VH, VL, VL),
        (L, VH, M),
        (VH, L, L),
        (M, VH, H),
        (L, M, L),
    ],
)
def test_nist_i2_cells(likelihood: Level, impact: Level, risk: Level) -> None:
    assert risk_matrix("nist-800-30r1", 5).level(likelihood, impact) is risk


# Typed from the research notes, independently of the YAML: rows are likelihood (or, for
# G-5, initiation) from very-high down, columns very-low .. very-high.
I2_ROWS = {
    "very-high": "VL L M H VH",
    "high": "VL L M H VH",
    "moderate": "VL L M M H",
    "low": "VL L L L M",
    "very-low": "VL VL VL L L",
}
G5_ROWS = {
    "very-high": "L M H VH VH",
    "high": "L M M H VH",
    "moderate": "L L M M H",
    "low": "VL L L M M",
    "very-low": "VL VL L L L",
}
_ABBREV = dict(zip(["VL", "L", "M", "H", "VH"], FIVE_LEVELS, strict=True))


@pytest.mark.parametrize(
    ("table", "expected"),
    [(lambda: risk_matrix("nist-800-30r1", 5), I2_ROWS), (overall_likelihood_table, G5_ROWS)],
    ids=["I-2", "G-5"],
)
def test_whole_nist_tables(table, expected: dict[str, str]) -> None:
    rows = {
        row: dict(zip(FIVE_LEVELS, (_ABBREV[a] for a in cells.split()), strict=True))
        for row, cells in expected.items()
    }
    assert table().as_rows() == rows


def test_i2_is_a_lookup_not_a_symmetric_product() -> None:
    i2 = risk_matrix("nist-800-30r1", 5)
    assert i2.level(L, VH) is M and i2.level(VH, L) is L
    assert i2.as_rows()["very-high"] == i2.as_rows()["high"]
    assert i2.source == "I-2" and i2.levels == 5


def test_three_level_projection_is_i2_restricted() -> None:
    i2, projected = risk_matrix("nist-800-30r1", 5), risk_matrix("nist-800-30r1", 3)
    assert projected.scale == THREE_LEVELS
    for likelihood in THREE_LEVELS:
        for impact in THREE_LEVELS:
            assert projected.level(likelihood, impact) is i2.level(likelihood, impact)
    assert projected.level(H, M) is M and projected.level(M, H) is M and projected.level(L, H) is L


def test_classic_3x3_cells() -> None:
    classic = risk_matrix("classic-3x3", 3)
    assert classic.as_rows() == {
        "high": {"low": "low", "moderate": "moderate", "high": "high"},
        "moderate": {"low": "low", "moderate": "moderate", "high": "moderate"},
        "low": {"low": "low", "moderate": "low", "high": "low"},
    }


def test_classic_3x3_agrees_with_its_product_rule() -> None:
    path = files("hipaa_sra.catalog").joinpath("data", "nist_800_30.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    [entry] = [m for m in raw["matrices"] if m["name"] == "classic-3x3"]
    rule = entry["derivation"]
    classic = risk_matrix("classic-3x3", 3)
    for likelihood, weight in rule["likelihood_weights"].items():
        for impact, points in rule["impact_weights"].items():
            product = weight * points
            expected = next(lvl for lvl, top in rule["thresholds"].items() if product <= top)
            assert classic.level(Level(likelihood), Level(impact)) == expected


def test_matrix_choice_errors() -> None:
    assert matrix_names() == ("nist-800-30r1", "classic-3x3")
    with pytest.raises(ValueError, match="3 levels only, not 5; for 5 levels use nist-800-30r1"):
        risk_matrix("classic-3x3", 5)
    with pytest.raises(ValueError, match="unknown risk matrix 'fair'"):
        risk_matrix("fair", 3)
    with pytest.raises(ValueError, match="3 or 5 levels, not 4"):
        risk_matrix("nist-800-30r1", 4)
    with pytest.raises(ValueError, match="very-high is not on the 3-level scale of classic-3x3"):
        risk_matrix("classic-3x3", 3).level(VH, L)


GOOD_3X3 = {
    "high": {"low": "moderate", "medium": "high", "high": "high"},
    "moderate": {"low": "low", "moderate": "moderate", "high": "high"},
    "low": {"low": "low", "moderate": "low", "high": "moderate"},
}


def test_custom_matrix_accepts_a_full_table_and_synonyms() -> None:
    matrix = RiskMatrix.from_table(GOOD_3X3, 3)
    assert matrix.level(H, L) is M and matrix.level(H, M) is H and matrix.name == "custom"
    assert matrix.is_monotonic


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["high"].pop("low"), "cell likelihood=high, impact=low is missing"),
        (
            lambda t: t["low"].update(high="severe"),
            "cell likelihood=low, impact=high: 'severe' is not one of low, moderate, high",
        ),
        (
            lambda t: t["low"].update(high="very-high"),
            "cell likelihood=low, impact=high: 'very-high' is not one of",
        ),
        (lambda t: t.update(extreme={}), "likelihood 'extreme' is not one of low, moderate, high"),
        (lambda t: t.pop("moderate"), "cell likelihood=moderate, impact=high is missing"),
        (lambda t: t["low"].update(catastrophic="high"), "impact 'catastrophic' is not one of"),
    ],
)
def test_custom_matrix_names_the_bad_cell(change, message: str) -> None:
    table = {row: dict(columns) for row, columns in GOOD_3X3.items()}
    change(table)
    with pytest.raises(ValueError, match=message):
        RiskMatrix.from_table(table, 3)


def test_custom_matrix_can_be_non_monotonic_and_says_so() -> None:
    inverted = {row: dict.fromkeys(("low", "moderate", "high"), "low") for row in GOOD_3X3}
    inverted["low"]["low"] = "high"
    assert not RiskMatrix.from_table(inverted, 3).is_monotonic


def test_semi_quantitative_bins_and_values() -> None:
    bins = [(semi_quantitative(lv).bin_low, semi_quantitative(lv).bin_high) for lv in FIVE_LEVELS]
    assert bins == [(0, 4), (5, 20), (21, 79), (80, 95), (96, 100)]
    assert [semi_quantitative(lv).value for lv in FIVE_LEVELS] == [0, 2, 5, 8, 10]
    assert (risk_score(H, H), risk_score(VH, VH), risk_score(VL, VH), risk_score(M, L)) == (
        64,
        100,
        0,
        10,
    )


@pytest.mark.parametrize(
    ("initiation", "adverse", "overall"),
    [(VH, VL, L), (VH, M, H), (H, M, M), (M, VH, H), (L, L, L), (VL, VH, L), (L, VL, VL)],
)
def test_g5_overall_likelihood(initiation: Level, adverse: Level, overall: Level) -> None:
    assert overall_likelihood(initiation, adverse) is overall


def test_scales_are_complete() -> None:
    scales = scale_descriptions()
    assert [s.table for s in scales] == ["G-2", "G-3", "G-4", "H-3", "I-3"]
    for scale in scales:
        assert [lv for lv, _ in scale.descriptions] == list(reversed(FIVE_LEVELS))
    assert "negligible" in scales[3].describe(VL)


levels = st.sampled_from(FIVE_LEVELS)


@given(data=st.data())
def test_every_table_is_monotonic(data: st.DataObject) -> None:
    table = data.draw(st.sampled_from([*builtin_matrices(), overall_likelihood_table()]))
    on_scale = st.sampled_from(table.scale)
    row, column = data.draw(on_scale), data.draw(on_scale)
    higher_row = data.draw(st.sampled_from([lv for lv in table.scale if lv.rank >= row.rank]))
    higher_col = data.draw(st.sampled_from([lv for lv in table.scale if lv.rank >= column.rank]))
    assert table.lookup(row, column).rank <= table.lookup(higher_row, column).rank
    assert table.lookup(row, column).rank <= table.lookup(row, higher_col).rank
    assert table.is_monotonic


@given(likelihood=levels, impact=levels, step=levels)
def test_risk_score_is_bounded_and_monotonic(likelihood: Level, impact: Level, step: Level) -> None:
    score = risk_score(likelihood, impact)
    assert 0 <= score <= 100
    if step.rank >= likelihood.rank:
        assert risk_score(step, impact) >= score
    if step.rank >= impact.rank:
        assert risk_score(likelihood, step) >= score


# --------------------------------------------------------------------------- NPRM profile


def test_nprm_is_labelled_proposed_with_its_citation() -> None:
    profile = nprm_profile()
    assert profile.status == "proposed"
    assert profile.label == "PROPOSED (not law): HHS NPRM 90 FR 898, 2025-01-06"
    assert (profile.rin, profile.published) == ("0945-AA22", date(2025, 1, 6))


def test_nprm_cadences() -> None:
    profile = nprm_profile()
    assert (profile.inventory_review, profile.risk_analysis_review) == (365, 365)
    assert (profile.vuln_scan, profile.pentest) == (182, 365)
    assert (profile.patch_critical_days, profile.patch_high_days) == (15, 30)
    assert (profile.access_termination_hours, profile.restore_hours) == (1, 72)
    for cadence in profile.cadences:
        assert getattr(profile, cadence.key) == cadence.value
        assert cadence.unit == ("hours" if cadence.key.endswith("_hours") else "days")
        assert cadence.description
    assert profile.cadence("vuln_scan").citation == "164.312(h)(2)"


# --------------------------------------------------------------------------- loading


def test_malformed_data_raises_catalog_error() -> None:
    with pytest.raises(CatalogError, match="cannot be read"):
        document("no-such-file.yaml")
    with pytest.raises(CatalogError, match="x: `name` must be non-empty text"):
        Record({"name": 3}, "x").text("name")
    with pytest.raises(CatalogError, match="unknown keys typo"):
        Record({"typo": 1}, "x").only("name")
    with pytest.raises(CatalogError, match="expected a mapping"):
        Record([1], "x")


def test_the_c_loader_is_used_when_present() -> None:
    from hipaa_sra.catalog import loader

    assert loader._LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --------------------------------------------------------------------------- sra catalog


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(catalog_command, list(args))
    return result.exit_code, result.output


def test_cli_text_shows_every_part() -> None:
    code, out = run()
    assert code == 0
    assert "22 standards, 46 implementation specifications (24 required, 22 addressable)" in out
    assert "Administrative safeguards (164.308)" in out
    assert "Policies, procedures and documentation (164.316)" in out
    assert "std+R  164.312(b) " in out
    assert "A        164.312(a)(2)(iv)" in out
    assert "Risk matrix nist-800-30r1, 5 levels" in out
    assert "Risk matrix classic-3x3, 3 levels" in out
    assert "PROPOSED (not law): HHS NPRM 90 FR 898, 2025-01-06" in out
    assert all(len(line) <= 100 and line == line.rstrip() for line in out.splitlines())


def test_cli_text_grid_reads_like_nist() -> None:
    code, out = run("nist")
    assert code == 0
    lines = out.splitlines()
    start = lines.index("Risk matrix nist-800-30r1, 5 levels: NIST SP 800-30 Rev. 1 Table I-2")
    assert lines[start + 1].split() == ["likelihood", "\\", "impact", *FIVE_LEVELS]
    moderate_row = ["moderate", "very-low", "low", "moderate", "moderate", "high"]
    assert lines[start + 4].split() == moderate_row
    assert "PROPOSED" not in out and "164.308" not in out


def test_cli_nprm_part_only() -> None:
    code, out = run("nprm")
    assert code == 0
    assert out.startswith("PROPOSED (not law): HHS NPRM 90 FR 898, 2025-01-06\n")
    assert "access_termination_hours    1 hour" in out
    assert "Risk matrix" not in out


def test_cli_json_is_stable_and_complete() -> None:
    code, out = run("--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data == catalog_data()
    assert list(data) == ["schema_version", "hipaa", "nist", "nprm"]
    assert data["schema_version"] == 1
    assert data["hipaa"]["counts"] == {
        "entries": 68,
        "standards": 22,
        "specifications": 46,
        "required": 24,
        "addressable": 22,
    }
    matrices = data["nist"]["matrices"]
    [i2] = [m for m in matrices if m["name"] == "nist-800-30r1" and m["levels"] == 5]
    assert i2["rows"]["moderate"]["high"] == "moderate"
    assert data["nprm"]["status"] == "proposed"
    assert {c["key"]: c["value"] for c in data["nprm"]["cadences"]}["vuln_scan"] == 182


def test_cli_json_single_part() -> None:
    code, out = run("hipaa", "--format", "json")
    assert code == 0
    assert list(json.loads(out)) == ["schema_version", "hipaa"]


def test_cli_rejects_an_unknown_part() -> None:
    code, out = run("iso27001")
    assert code == 2
    assert "iso27001" in out
