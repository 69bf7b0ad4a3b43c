"""`sra quantify`: the numbers a user reads, their sources, and their reproducibility."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run
from hipaa_sra.formats.quantify import CSV_FIELDS
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Level
from hipaa_sra.quantify import Dist, Shape, quantify
from hipaa_sra.quantify.calibration import DEFAULT_FREQUENCY, DEFAULT_MAGNITUDE
from hipaa_sra.quantify.draws import ArrayPool, RiskDraws
from hipaa_sra.quantify.inputs import PlannedInput, RiskInput, Scenario
from hipaa_sra.quantify.pert import PertQuantiles
from hipaa_sra.quantify.sampling import Sampler, inverse_normal
from hipaa_sra.quantify.simulate import percentiles, simulate

EXAMPLE = Path(__file__).parent.parent / "src" / "hipaa_sra" / "examples" / "telehealth"

ASSET = """\
- id: db
  name: Patient database
  category: database
  ephi: present
"""


def risk(
    rid: str,
    likelihood: str = "moderate",
    impact: str = "high",
    *,
    inherent: str = "moderate",
    residual: str | None = None,
    quant: str = "",
    remediation: str = "",
) -> str:
    """One register row as YAML."""
    text = (
        f"- id: {rid}\n  asset: db\n  threat: Ransomware\n  vuln: Shared backups\n"
        f"  likelihood: {likelihood}\n  impact: {impact}\n  inherent_risk: {inherent}\n"
    )
    if residual:
        text += f"  residual_risk: {residual}\n"
    return text + remediation + quant


def quantified(
    workspace: Callable[..., Path], rows: str, years: int = 20_000, manifest: str | None = None
) -> dict[str, dict]:
    """Quantify a workspace of `rows`; return each risk's JSON object by id."""
    from hipaa_sra.formats.quantify import quantify_dict

    files = {"inventory/assets.yaml": ASSET, "register/risks.yaml": rows}
    root = workspace(files) if manifest is None else workspace(files, manifest=manifest)
    result = quantify(load_workspace(root, use_cache=False), years=years, seed=1)
    return {r["id"]: r for r in quantify_dict(result)["risks"]}


# ---- sampling: the draws follow the distributions they claim ------------------------------


def test_pert_draws_match_the_analytic_mean_and_percentiles() -> None:
    # Mode at the minimum: PERT is Beta(1, 5), whose quantile is 1 - (1 - p) ** (1 / 5).
    dist = Dist(Shape.PERT, 0.0, 100.0, 0.0)
    bits = np.random.default_rng(3).integers(0, 1 << 32, size=400_000, dtype=np.uint32)
    values = Sampler().draw(dist, bits)
    stats = percentiles(values)
    assert stats.mean == pytest.approx(dist.mean, rel=0.005)
    for got, p in ((stats.p50, 0.5), (stats.p90, 0.9), (stats.p99, 0.99)):
        assert got == pytest.approx(100 * (1 - (1 - p) ** 0.2), rel=0.005)
    assert values.min() >= 0 and values.max() <= 100


def test_symmetric_pert_has_its_mode_as_median_and_the_textbook_mean() -> None:
    dist = Dist(Shape.PERT, 10.0, 50.0, 30.0)
    bits = np.random.default_rng(4).integers(0, 1 << 32, size=200_000, dtype=np.uint32)
    stats = percentiles(Sampler().draw(dist, bits))
    assert stats.p50 == pytest.approx(30.0, rel=0.003)
    assert stats.mean == pytest.approx((10 + 4 * 30 + 50) / 6, rel=0.003)


def _beta_cdf(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta function (Lentz's continued fraction), to 1e-13."""
    if x <= 0.0 or x >= 1.0:
        return 0.0 if x <= 0.0 else 1.0
    if x > (a + 1.0) / (a + b + 2.0):
        return 1.0 - _beta_cdf(1.0 - x, b, a)
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    c, d = 1.0, 1.0 / (1.0 - (a + b) * x / (a + 1.0))
    f = d
    for m in range(1, 300):
        for num in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 / (1.0 + num * d)
            c = 1.0 + num / c
            f *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) * f / a


@pytest.mark.parametrize("position", [0.0, 0.0005, 0.002, 0.01, 0.1, 0.37, 0.5, 0.93, 0.999, 1.0])
def test_pert_quantile_tables_are_within_a_tenth_of_a_stratum(position: float) -> None:
    # Modes near an end (the density is steep there) were the tables' weak spot.
    table = PertQuantiles().at(position)
    strata = [*range(16), *range(16, 4080, 7), *range(4080, 4096)]
    a, b = 1 + 4 * position, 5 - 4 * position
    worst = max(abs(_beta_cdf(float(table[i]), a, b) - (i + 0.5) / 4096) for i in strata)
    assert worst * 4096 < 0.1
    assert np.all(np.diff(table) >= 0) and table[0] >= 0 and table[-1] <= 1


def test_lognormal_draws_put_90_percent_between_low_and_high() -> None:
    dist = Dist(Shape.LOGNORMAL, 1_000.0, 100_000.0)
    bits = np.random.default_rng(5).integers(0, 1 << 32, size=400_000, dtype=np.uint32)
    values = Sampler().draw(dist, bits)
    assert np.mean(values < 1_000) == pytest.approx(0.05, abs=0.002)
    assert np.mean(values > 100_000) == pytest.approx(0.05, abs=0.002)
    assert values.mean() == pytest.approx(dist.mean, rel=0.03)


def test_inverse_normal_matches_known_quantiles() -> None:
    z = inverse_normal(np.array([0.5, 0.95, 0.975, 0.001, 1e-9]))
    assert z == pytest.approx([0.0, 1.6448536, 1.9599640, -3.0902323, -5.9978070], abs=1e-6)


# ---- the simulation: reproducible whatever the threads, the block or the order of risks ----


def _risk_input(
    k: int, low: float, mode: float, high: float, *, lognormal: bool = False, planned: bool = False
) -> RiskInput:
    """A risk with a PERT frequency, a control halving it, and optionally a planned item."""
    freq = Dist(Shape.PERT, low, high, mode)
    mag = Dist(Shape.LOGNORMAL, 1e3, 1e6) if lognormal else Dist(Shape.PERT, 1e3, 1e5, 2e4)
    inherent = Scenario(freq, mag)
    residual = Scenario(freq.scaled(0.5), mag)
    after = Scenario(freq.scaled(0.25), mag)
    items = (PlannedInput(0, "Fix", after),) if planned else ()
    return RiskInput(f"R-{k}", k, inherent, residual, after if planned else residual, items, True)


_PERT = st.tuples(st.floats(0.0, 5.0), st.floats(0.0, 1.0), st.floats(0.0, 5.0)).map(
    lambda t: (t[0], t[0] + t[1] * t[2], t[0] + t[2])
)


@settings(max_examples=25, deadline=None)
@given(
    perts=st.lists(_PERT, min_size=1, max_size=40),
    years=st.integers(1, 301),
    threads=st.integers(2, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_any_register_gives_the_same_numbers_on_any_number_of_threads(
    perts: list[tuple[float, float, float]], years: int, threads: int, seed: int
) -> None:
    inputs = [
        _risk_input(k, *pert, lognormal=k % 3 == 0, planned=k % 2 == 0)
        for k, pert in enumerate(perts)
    ]
    one, one_total = simulate(inputs, years, seed, threads=1)
    many, many_total = simulate(inputs, years, seed, threads=threads)
    assert many == one
    assert many_total == one_total
    # The register's mean is its risks' means added up, and no state costs more than before.
    assert one_total.residual.mean == pytest.approx(
        sum(r.residual.mean for r in one), rel=1e-9, abs=1e-9
    )
    for result in one:
        assert result.residual.mean <= result.inherent.mean
        assert result.inherent.p50 <= result.inherent.p90 <= result.inherent.p99


def test_threads_follow_the_cpus_unless_the_machine_is_busy(monkeypatch) -> None:
    from hipaa_sra.quantify import simulate as module

    monkeypatch.setattr(module, "usable_cpus", lambda: 8)
    monkeypatch.setattr(module.os, "getloadavg", lambda: (0.4, 0.3, 0.2))
    assert module.default_threads() == module.MAX_THREADS == 4
    monkeypatch.setattr(module.os, "getloadavg", lambda: (9.0, 7.0, 5.0))
    assert module.default_threads() == 1
    monkeypatch.setattr(module, "usable_cpus", lambda: 2)
    monkeypatch.setattr(module.os, "getloadavg", lambda: (1.5, 1.0, 1.0))
    assert module.default_threads() == 2


def test_a_risk_gets_the_same_numbers_alone_or_after_others_in_its_block() -> None:
    # Arrays are reused from risk to risk: nothing of one may show in the next.
    target = _risk_input(99, 0.1, 0.5, 2.0, lognormal=True, planned=True)
    others = [_risk_input(k, 1.0, 2.0, 8.0, planned=k == 3) for k in range(5)]
    [alone], _ = simulate([target], 5_001, 11)
    *_, after_others = simulate([*others, target], 5_001, 11)[0]
    assert after_others == alone


def test_simulated_means_match_the_exact_pert_product_within_monte_carlo_error() -> None:
    inputs = [_risk_input(k, 0.05 * (k + 1), 0.2 * (k + 1), 0.9 * (k + 1)) for k in range(40)]
    years = 50_000
    results, _ = simulate(inputs, years, 3)
    z = []
    for result in results:
        freq, mag = result.input.inherent.frequency, result.input.inherent.magnitude
        var_f = (freq.mean - freq.low) * (freq.high - freq.mean) / 7  # PERT variance
        var_m = (mag.mean - mag.low) * (mag.high - mag.mean) / 7
        var = var_f * var_m + var_f * mag.mean**2 + var_m * freq.mean**2
        z.append((result.inherent.mean - freq.mean * mag.mean) / (var / years) ** 0.5)
    # 40 standard normal z-scores: RMS near 1, none beyond 4 (a chance of about 0.3%).
    assert max(abs(v) for v in z) < 4
    assert 0.6 < (sum(v * v for v in z) / len(z)) ** 0.5 < 1.4


def test_the_year_words_are_the_generators_32_bit_integers() -> None:
    # Drawn as raw 64-bit outputs for speed; a seed's numbers stay what they always were.
    for years in (1, 2, 7, 10_000):
        entropy = [2026, 17, 0]
        draws = RiskDraws(
            Sampler(), np.random.PCG64(np.random.SeedSequence(entropy)), ArrayPool(years)
        )
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))
        assert np.array_equal(draws.word, rng.integers(0, 1 << 32, size=years, dtype=np.uint32))


# ---- where each number comes from ---------------------------------------------------------


def test_without_a_quant_block_the_calibration_prices_the_risk(workspace) -> None:
    got = quantified(workspace, risk("R-1", "high", "moderate", inherent="moderate"))["R-1"]
    low, mode, high = DEFAULT_FREQUENCY[Level.HIGH]
    m_low, m_mode, m_high = DEFAULT_MAGNITUDE[Level.MODERATE]
    expected = (low + 4 * mode + high) / 6 * (m_low + 4 * m_mode + m_high) / 6
    assert got["source"] == "calibration"
    assert got["inherent"]["mean"] == pytest.approx(expected, rel=0.02)
    assert got["residual"] == got["inherent"]  # no residual_risk stated: nothing removed


def test_residual_level_lowers_the_frequency_by_as_many_levels(workspace) -> None:
    row = risk("R-1", "high", "high", inherent="high", residual="low")
    got = quantified(workspace, row)["R-1"]
    low, mode, high = DEFAULT_FREQUENCY[Level.LOW]
    m = DEFAULT_MAGNITUDE[Level.HIGH]
    expected = (low + 4 * mode + high) / 6 * (m[0] + 4 * m[1] + m[2]) / 6
    assert got["residual"]["mean"] == pytest.approx(expected, rel=0.02)
    assert got["residual"]["mean"] < got["inherent"]["mean"] / 5


def test_own_estimates_and_a_current_reduction_are_used(workspace) -> None:
    quant = (
        "  quant:\n    frequency: {min: 1, most_likely: 2, max: 3}\n"
        "    magnitude: {min: 1000, most_likely: 1000, max: 1000}\n"
        "    current: {reduction: 0.75}\n"
    )
    got = quantified(workspace, risk("R-1", quant=quant))["R-1"]
    assert got["source"] == "quant"
    assert got["inherent"]["mean"] == pytest.approx(2_000, rel=0.01)
    assert got["inherent"]["p50"] == pytest.approx(2_000, rel=0.01)
    # The same draws feed both states, so the reduction shows exactly, not within noise.
    assert got["residual"]["mean"] == pytest.approx(0.25 * got["inherent"]["mean"], abs=1)


def test_a_planned_remediation_reports_its_expected_reduction(workspace) -> None:
    remediation = (
        "  remediation:\n    - control: Separate backup account\n      owner: bob\n"
        "      due: 2027-01-31\n      status: planned\n"
    )
    quant = (
        "  quant:\n    frequency: {min: 0.5, most_likely: 1, max: 2}\n"
        "    magnitude: {distribution: lognormal, low: 10000, high: 500000}\n"
        "    planned:\n      - remediation: separate  backup account\n"
        "        reduction: 0.4\n"
    )
    got = quantified(workspace, risk("R-1", quant=quant, remediation=remediation))["R-1"]
    [item] = got["remediation"]
    assert item["control"] == "Separate backup account"
    assert item["expected_reduction"] == pytest.approx(0.4 * got["residual"]["mean"], abs=2)
    assert got["after_plan"]["mean"] == pytest.approx(0.6 * got["residual"]["mean"], abs=2)


def test_a_bad_quant_block_falls_back_to_the_calibration_and_says_so(workspace) -> None:
    bad = "  quant:\n    frequency: {min: 3, most_likely: 2, max: 1}\n"
    rows = risk("R-1", quant=bad) + risk("R-2")
    got = quantified(workspace, rows)
    assert got["R-1"]["source"] == "calibration"
    assert any("min (3) is above max (1)" in note for note in got["R-1"]["notes"])
    assert any(
        "frequency from the calibration for likelihood moderate" in note
        for note in got["R-1"]["notes"]
    )
    assert got["R-1"]["inherent"]["mean"] == pytest.approx(got["R-2"]["inherent"]["mean"], rel=0.05)


def test_a_missing_calibration_row_uses_the_default_and_says_so(workspace) -> None:
    manifest = (
        "organization:\n  name: T\nmethodology:\n  calibration:\n    frequency:\n"
        "      low: {min: 5, most_likely: 5, max: 5}\n"
    )
    rows = risk("R-1", "low", "low", inherent="low") + risk(
        "R-2", "high", "low", inherent="moderate"
    )
    root = workspace(
        {"inventory/assets.yaml": ASSET, "register/risks.yaml": rows}, manifest=manifest
    )
    result = quantify(load_workspace(root, use_cache=False), years=20_000, seed=1)
    by_id = {r.input.risk_id: r for r in result.risks}
    m_low, m_mode, m_high = DEFAULT_MAGNITUDE[Level.LOW]
    # The written row prices R-1; R-2's likelihood has no row, so the default prices it.
    assert by_id["R-1"].inherent.mean == pytest.approx(
        5 * (m_low + 4 * m_mode + m_high) / 6, rel=0.02
    )
    assert by_id["R-2"].input.inherent.frequency.mode == DEFAULT_FREQUENCY[Level.HIGH][1]
    assert result.calibration.defaulted == ("frequency.moderate", "frequency.high")


# ---- the command ------------------------------------------------------------------------


def test_quantify_on_the_example_prints_every_part(sra: Callable[..., Run]) -> None:
    run = sra(
        "quantify", "-w", str(EXAMPLE), "--years", "5000", "--today", "2026-12-01", "--no-cache"
    )
    assert run.exit_code == 0, run.stderr
    for heading in (
        "Annual loss in USD as of 2026-12-01, 5,000 simulated years (seed 2026)",
        "Loss exceedance",
        "Top contributors",
        "Planned remediation",
        "Every risk",
    ):
        assert heading in run.stdout
    assert "1 in 100 years" in run.stdout


def test_same_seed_same_numbers_other_seed_other_numbers(sra: Callable[..., Run]) -> None:
    args = ("quantify", "-w", str(EXAMPLE), "--years", "2000", "--format", "json", "--no-cache")
    first, again = sra(*args, "--seed", "7"), sra(*args, "--seed", "7")
    other = sra(*args, "--seed", "8")
    assert first.stdout == again.stdout
    assert json.loads(first.stdout)["portfolio"] != json.loads(other.stdout)["portfolio"]


def test_progress_goes_to_stderr_only_when_asked_or_on_a_terminal(sra: Callable[..., Run]) -> None:
    args = ("quantify", "-w", str(EXAMPLE), "--years", "2000", "--format", "csv", "--no-cache")
    quiet, shown = sra(*args), sra(*args, "--progress")
    assert quiet.exit_code == shown.exit_code == 0
    assert "risks simulated" not in quiet.stderr  # not a terminal: nothing said
    last = shown.stderr.rstrip().split("\r")[-1]
    assert re.fullmatch(r"sra quantify: ([\d,]+) of \1 risks simulated \(2,000 years each\)", last)
    assert shown.stdout == quiet.stdout


def test_json_and_csv_carry_the_same_risks(sra: Callable[..., Run], tmp_path: Path) -> None:
    base = ("quantify", "-w", str(EXAMPLE), "--years", "2000", "--no-cache")
    doc = json.loads(sra(*base, "--format", "json").stdout)
    out = tmp_path / "q.csv"
    assert sra(*base, "--format", "csv", "--out", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert tuple(rows[0]) == CSV_FIELDS
    assert [r["id"] for r in rows] == [r["id"] for r in doc["risks"]]
    assert doc["currency"] == "USD" and doc["years"] == 2000
    shares = sum(r["share_of_residual"] for r in doc["risks"])
    assert shares == pytest.approx(1.0, abs=1e-3)
    ps = [p["probability"] for p in doc["portfolio"]["exceedance"]]
    assert ps == sorted(ps, reverse=True) and min(ps) >= 1 / 2000
    losses = [p["residual"] for p in doc["portfolio"]["exceedance"]]
    assert losses == sorted(losses)
    curve = doc["portfolio"]["curve"]
    assert len(curve) == 60 and curve[0]["probability"] == 0.5
    assert curve[-1]["probability"] == pytest.approx(1 / 2000)
    assert [p["inherent"] for p in curve] == sorted(p["inherent"] for p in curve)


def test_out_inside_the_workspace_is_refused(sra: Callable[..., Run], workspace) -> None:
    root = workspace({"inventory/assets.yaml": ASSET, "register/risks.yaml": risk("R-1")})
    run = sra("quantify", "-w", str(root), "--out", str(root / "q.txt"))
    assert run.exit_code == 2
    assert "Traceback" not in run.stderr and not (root / "q.txt").exists()


def test_years_out_of_range_is_a_usage_error(sra: Callable[..., Run]) -> None:
    run = sra("quantify", "-w", str(EXAMPLE), "--years", "0")
    assert run.exit_code == 2 and "Traceback" not in run.stderr


# ---- the numbers in the report and in OSCAL -----------------------------------------------


@pytest.fixture(scope="module")
def example_ws():  # type: ignore[no-untyped-def]
    return load_workspace(EXAMPLE, use_cache=False)


def test_report_section_has_the_curve_and_the_tables(example_ws) -> None:
    from datetime import date

    from hipaa_sra.report import build_report, render_html

    report = build_report(example_ws, date(2026, 11, 22))
    section = report.section("quantified-risk")
    assert section.title == "Quantified risk"
    [figure] = section.figures
    assert figure.svg.startswith("<svg") and "Loss exceedance" in figure.svg
    assert [t.key for t in section.tables] == [
        "loss-exceedance",
        "top-contributors",
        "remediation-value",
        "quantified-risks",
    ]
    [saving] = section.tables[2].rows
    assert saving[0] == "RR-2026-022" and str(saving[1]).startswith("Offer passkeys")
    assert len(section.tables[3].rows) == len(example_ws.risks)
    html = render_html(report)
    assert 'id="quantified-risk"' in html and 'id="figure-loss-exceedance"' in html
    # Same numbers as `sra quantify` with the report's years and seed.
    result = quantify(example_ws, years=20_000, seed=2026)
    facts = dict(section.facts)
    assert facts["Mean annual loss, residual"] == f"{result.portfolio.residual.mean:,.0f}"


def test_oscal_risks_carry_the_annual_loss(example_ws) -> None:
    from datetime import date

    from trestle.oscal.assessment_results import AssessmentResults

    from hipaa_sra.interop.oscal import assessment_results

    doc = assessment_results(example_ws, date(2026, 11, 22))
    risks = AssessmentResults.model_validate(doc["assessment-results"]).results[0].risks or []
    result = quantify(example_ws, years=20_000, seed=2026)
    by_order = {r.input.order: r for r in result.risks}
    assert len(risks) == len(example_ws.risks) == len(by_order)
    for index, risk in enumerate(risks):
        (char,) = risk.characterizations or []
        facets = {f.name: f.value for f in char.facets}
        expected = by_order[index]
        assert facets["annual-loss-residual-p90-usd"] == str(round(expected.residual.p90))
        assert facets["annual-loss-inherent-mean-usd"] == str(round(expected.inherent.mean))
        assert facets["annual-loss-source"] == ("quant" if expected.input.own else "calibration")
        assert facets["annual-loss-simulated-years"] == "20000"


def test_bad_estimates_are_findings_with_positions(sra: Callable[..., Run], workspace) -> None:
    manifest = (
        "organization:\n  name: T\nmethodology:\n  calibration:\n    frequency:\n"
        "      moderate: {min: 0.5, most_likely: 0.2, max: 0.8}\n"
    )
    quant = (
        "  quant:\n"
        "    frequency: {min: 3, most_likely: 2, max: 1}\n"  # line 9
        "    magnitude: {distribution: lognormel, low: 1, high: 9}\n"  # line 10
        "- id: R-2\n  asset: db\n  threat: T\n  vuln: V\n  likelihood: low\n"
        "  impact: low\n  quant:\n    frequency: {min: lots, most_likely: 1, max: 2}\n"
    )
    rows = risk("R-1", quant=quant)
    root = workspace(
        {"inventory/assets.yaml": ASSET, "register/risks.yaml": rows}, manifest=manifest
    )
    run = sra(
        "lint",
        "-w",
        str(root),
        "--select",
        "SRA111,SRA112,SRA001",
        "--no-cache",
        "--today",
        "2026-11-22",
    )
    out = run.stdout
    assert "risks.yaml:9:17:" in out and "min (3) is above max (1)" in out
    assert "risks.yaml:10:17:" in out and "did you mean `lognormal`?" in out
    assert "SRA001" in out and "`quant.frequency.min` is `lots`" in out
    assert "sra.yaml:6:" in out and "most_likely (0.2) is outside min to max" in out
    assert "sra.yaml:5:5:" in out and "no frequency row for likelihood `low`" in out
    assert run.exit_code == 1 and "Traceback" not in run.stderr
    text = sra("quantify", "-w", str(root), "--years", "1000", "--no-cache")
    assert text.exit_code == 0, text.stderr
    assert "R-1: `quant.frequency` cannot be used: min (3) is above max (1)" in text.stdout
    assert "R-2: `quant.frequency` could not be read (see `sra lint`)" in text.stdout
    assert "R-2: frequency from the calibration for likelihood low" in text.stdout
    assert "calibration rows from the defaults: frequency.low, frequency.moderate" in text.stdout


def test_an_empty_register_says_nothing_could_be_quantified(
    sra: Callable[..., Run], workspace
) -> None:
    root = workspace({"inventory/assets.yaml": ASSET})
    run = sra("quantify", "-w", str(root), "--years", "100", "--no-cache")
    assert run.exit_code == 0, run.stderr
    assert "0 risk(s) quantified" in run.stdout and "No risk could be quantified" in run.stdout
    assert "Top contributors" not in run.stdout
