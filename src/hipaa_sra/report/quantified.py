"""The report's "Quantified risk" section: annual loss in USD and the loss exceedance curve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..quantify import DEFAULT_SEED, Quantification, quantify, shared_years
from ..quantify.labels import one_in, short_usd, source, usd
from .document import Cell, Figure, Section, Table, Tone
from .inputs import ReportInputs, plural
from .svg import GRID, render_svg

if TYPE_CHECKING:
    from matplotlib.figure import Figure as MplFigure

    from ..quantify.simulate import CurvePoint

TOP = 10

_STATES = (
    ("Inherent", "#9e2a2b", (0, (5, 2))),
    ("Residual", "#3d6ea5", "-"),
    ("After planned remediation", "#4f8a5b", (0, (1, 1.5))),
)


def quantified_section(i: ReportInputs) -> Section:
    """Quantified risk: what the register could cost per year, and what the plan saves."""
    title = "Quantified risk"
    q = quantify(i.ws, years=shared_years(len(i.ws.risks)), seed=DEFAULT_SEED)
    p = q.portfolio
    own = sum(1 for r in q.risks if r.input.own)
    paragraphs = [
        "Annual loss in USD, simulated over "
        f"{q.years:,} years (seed {q.seed}) with FAIR's model: each year, each risk's loss "
        "event frequency times its loss magnitude, drawn from PERT or lognormal estimates. "
        f"{plural(own, 'risk')} {'carries its' if own == 1 else 'carry their'} own estimate "
        "(`quant:`); the others are priced from the calibration table by likelihood and "
        "impact. Percentiles read as: in 9 years out of 10 the loss stays below P90.",
    ]
    if q.skipped:
        paragraphs.append(
            f"{plural(len(q.skipped), 'risk')} could not be quantified: "
            + "; ".join(f"{rid} ({why})" for rid, why in q.skipped[:5])
            + ("; ..." if len(q.skipped) > 5 else "")
            + "."
        )
    facts: list[tuple[str, str]] = [
        ("Mean annual loss, inherent", usd(p.inherent.mean)),
        ("Mean annual loss, residual", usd(p.residual.mean)),
        ("Mean annual loss after planned remediation", usd(p.after_plan.mean)),
    ]
    worst = next((pt for pt in p.table if pt.probability == 0.01), None)
    if worst is not None:
        facts.append(("Residual annual loss exceeded 1 year in 100", usd(worst.residual)))
    figures = (
        Figure(
            "loss-exceedance",
            "Loss exceedance curve of the register",
            loss_exceedance_svg(p.curve, planned=p.after_plan != p.residual),
        ),
    )
    tables = (
        _exceedance_table(i, q),
        _top_table(i, q),
        _remediation_table(i, q),
        _risk_table(i, q),
    )
    notes = _notes(q)
    if (missing := _unestimated(q)) is not None:
        notes = (missing, *notes)
    return Section(
        "quantified-risk", title, tuple(paragraphs), tuple(facts), figures, tables, notes
    )


def _exceedance_table(i: ReportInputs, q: Quantification) -> Table:
    return i.table(
        "loss-exceedance",
        "Annual loss exceeded with a given probability (USD)",
        ("Probability", "Once in", "Inherent", "Residual", "After plan"),
        (
            (
                f"{pt.probability:g}",
                one_in(pt.probability),
                usd(pt.inherent),
                usd(pt.residual),
                usd(pt.after_plan),
            )
            for pt in q.portfolio.table
        ),
        empty="Too few simulated years.",
        whole=True,
    )


def _top_table(i: ReportInputs, q: Quantification) -> Table:
    return i.table(
        "top-contributors",
        "Top contributors to the residual annual loss (USD)",
        ("Risk", "Source", "Mean", "Share", "P90", "P99"),
        (
            (
                r.input.risk_id,
                source(r),
                usd(r.residual.mean),
                f"{q.share(r):.1%}",
                usd(r.residual.p90),
                usd(r.residual.p99),
            )
            for r in q.top[:TOP]
        ),
        empty="No risk could be quantified.",
        whole=True,
    )


def _remediation_table(i: ReportInputs, q: Quantification) -> Table:
    pairs = sorted(
        ((r, red) for r in q.risks for red in r.reductions),
        key=lambda pair: (-pair[1].mean_reduction, pair[0].input.risk_id),
    )
    return i.table(
        "remediation-value",
        "Expected reduction in annual loss of each planned remediation",
        ("Risk", "Remediation", "Residual mean (USD)", "Expected reduction (USD)"),
        (
            (
                r.input.risk_id,
                red.item.label,
                usd(r.residual.mean),
                Cell(usd(red.mean_reduction), Tone.GOOD if red.mean_reduction > 0 else None),
            )
            for r, red in pairs
        ),
        empty="No open remediation item has an estimated effect (`quant.planned`).",
        order="largest reduction first",
    )


def _unestimated(q: Quantification) -> str | None:
    if not q.unestimated:
        return None
    verb = "has" if q.unestimated == 1 else "have"
    return (
        f"{plural(q.unestimated, 'open remediation item')} {verb} no estimated effect on "
        "the annual loss; a risk's `quant.planned` gives one."
    )


def _risk_table(i: ReportInputs, q: Quantification) -> Table:
    return i.table(
        "quantified-risks",
        "Annual loss of every risk, inherent and residual (USD)",
        ("Risk", "Source", "Inherent mean", "Residual mean", "P50", "P90", "P99"),
        (
            (
                r.input.risk_id,
                source(r),
                usd(r.inherent.mean),
                usd(r.residual.mean),
                usd(r.residual.p50),
                usd(r.residual.p90),
                usd(r.residual.p99),
            )
            for r in q.top
        ),
        empty="No risk could be quantified.",
        order="largest mean residual loss first",
    )


def _notes(q: Quantification) -> tuple[str, ...]:
    notes = []
    fallbacks = [r for r in q.risks if r.input.notes]
    if fallbacks:
        shown = "; ".join(f"{r.input.risk_id}: {r.input.notes[0]}" for r in fallbacks[:5])
        notes.append(
            f"{plural(len(fallbacks), 'risk')} use the calibration for part of an "
            f"estimate that could not be used ({shown}); see `sra lint`."
        )
    if q.calibration.defaulted:
        notes.append(
            "Calibration rows from the tool's defaults: " + ", ".join(q.calibration.defaulted) + "."
        )
    notes.append(
        "Risks are simulated as independent; each risk's draws depend only on the "
        "seed and its id. `sra quantify` prints the same figures with more years."
    )
    return tuple(notes)


def loss_exceedance_svg(curve: Sequence[CurvePoint], *, planned: bool) -> str:
    """Annual loss (log axis) against the probability of exceeding it in a year (log axis)."""
    title = "Loss exceedance: annual loss and the chance of exceeding it"
    states = _STATES if planned else _STATES[:2]

    def build(fig: MplFigure) -> None:
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

        ax = fig.subplots()
        probabilities = [pt.probability for pt in curve]
        for (name, colour, style), attr in zip(
            states, ("inherent", "residual", "after_plan"), strict=False
        ):
            losses = [max(getattr(pt, attr), 1.0) for pt in curve]
            ax.plot(losses, probabilities, color=colour, ls=style, lw=1.6, label=name)
        ax.set_xscale("log")
        ax.set_yscale("log")
        # Ticks at 1, 2 and 5 of each decade: a register's losses often span less than one.
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: short_usd(v)))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:g}%"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.grid(axis="both", which="major", color=GRID, lw=0.6)
        ax.set_xlabel("Annual loss (USD)")
        ax.set_ylabel("Probability of exceeding it in a year")
        ax.set_title(title)
        ax.legend(loc="lower left")

    if not curve:
        label = f"{title}: nothing to draw"
    else:
        last = curve[-1]
        label = (
            f"{title}; residual {short_usd(curve[0].residual)} at 1 in 2 years, "
            f"{short_usd(last.residual)} at {one_in(last.probability)}"
        )
    return render_svg(build, (6.7, 3.4), label, "loss-exceedance")
