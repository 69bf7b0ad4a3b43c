"""`sra quantify` results as text tables, a versioned JSON document, or RFC 4180 CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from ..quantify import Quantification
from ..quantify.labels import one_in, source, usd
from ..quantify.simulate import RiskResult, Stats
from .terminal import inert

SCHEMA_VERSION = 1
"""Of the JSON document; bumped when a key is removed or changes meaning."""

CSV_FIELDS = (
    "id",
    "source",
    "inherent_mean",
    "inherent_p50",
    "inherent_p90",
    "inherent_p99",
    "residual_mean",
    "residual_p50",
    "residual_p90",
    "residual_p99",
    "after_plan_mean",
    "share_of_residual",
    "notes",
)
"""The CSV header: one row per quantified risk, largest mean residual loss first."""

TOP = 10
"""Contributors the text output lists."""


def stats_dict(stats: Stats) -> dict[str, float]:
    """Mean and percentiles, rounded to whole dollars."""
    return {key: round(getattr(stats, key)) for key in ("mean", "p50", "p90", "p99")}


def quantify_dict(q: Quantification, as_of: date | None = None) -> dict[str, Any]:
    """The whole result as JSON-ready data (what `--format json` prints)."""
    p = q.portfolio
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": as_of.isoformat() if as_of else None,
        "currency": "USD",
        "years": q.years,
        "seed": q.seed,
        "portfolio": {
            "inherent": stats_dict(p.inherent),
            "residual": stats_dict(p.residual),
            "after_plan": stats_dict(p.after_plan),
            "exceedance": [
                {
                    "probability": pt.probability,
                    "inherent": round(pt.inherent),
                    "residual": round(pt.residual),
                    "after_plan": round(pt.after_plan),
                }
                for pt in p.table
            ],
            "curve": [
                {
                    "probability": round(pt.probability, 8),
                    "inherent": round(pt.inherent),
                    "residual": round(pt.residual),
                    "after_plan": round(pt.after_plan),
                }
                for pt in p.curve
            ],
        },
        "risks": [_risk_dict(q, r) for r in q.top],
        "skipped": [{"id": rid, "reason": why} for rid, why in q.skipped],
        "open_remediation_without_estimate": q.unestimated,
        "calibration": {
            "frequency": {
                lvl.value: q.calibration.frequency[lvl].describe("per year")
                for lvl in q.calibration.scale
            },
            "magnitude": {
                lvl.value: q.calibration.magnitude[lvl].describe("USD")
                for lvl in q.calibration.scale
            },
            "defaulted": list(q.calibration.defaulted),
        },
    }


def _risk_dict(q: Quantification, r: RiskResult) -> dict[str, Any]:
    return {
        "id": r.input.risk_id,
        "source": source(r),
        "inherent": stats_dict(r.inherent),
        "residual": stats_dict(r.residual),
        "after_plan": stats_dict(r.after_plan),
        "share_of_residual": round(q.share(r), 6),
        "remediation": [
            {
                "index": red.item.index,
                "control": red.item.label,
                "expected_reduction": round(red.mean_reduction),
            }
            for red in r.reductions
        ],
        "notes": list(r.input.notes),
    }


def quantify_json(q: Quantification, as_of: date | None = None) -> str:
    """The JSON document, indented."""
    return json.dumps(quantify_dict(q, as_of), indent=2, ensure_ascii=False)


def quantify_csv(q: Quantification) -> str:
    """One CSV row per quantified risk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for r in q.top:
        writer.writerow(
            [
                r.input.risk_id,
                source(r),
                *(round(getattr(r.inherent, k)) for k in ("mean", "p50", "p90", "p99")),
                *(round(getattr(r.residual, k)) for k in ("mean", "p50", "p90", "p99")),
                round(r.after_plan.mean),
                f"{q.share(r):.6f}",
                "; ".join(r.input.notes),
            ]
        )
    return buffer.getvalue()


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]], right_from: int) -> list[str]:
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
        for i, h in enumerate(headers)
    ]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i >= right_from else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(headers), *(line(row) for row in rows)]


def quantify_text(q: Quantification, as_of: date | None = None) -> str:
    """Portfolio, loss exceedance, top contributors, remediation value, then every risk."""
    p = q.portfolio
    when = f" as of {as_of.isoformat()}" if as_of else ""
    out = [
        f"Annual loss in USD{when}, {q.years:,} simulated years (seed {q.seed}), "
        f"{len(q.risks):,} risk(s) quantified",
        "",
    ]
    out += _table(
        ("register", "mean", "P50", "P90", "P99"),
        [
            (name, *(usd(getattr(s, k)) for k in ("mean", "p50", "p90", "p99")))
            for name, s in (
                ("inherent", p.inherent),
                ("residual", p.residual),
                ("after plan", p.after_plan),
            )
        ],
        1,
    )
    out += ["", "Loss exceedance (annual loss exceeded with this probability)"]
    out += _table(
        ("probability", "once in", "inherent", "residual", "after plan"),
        [
            (
                f"{pt.probability:g}",
                one_in(pt.probability),
                usd(pt.inherent),
                usd(pt.residual),
                usd(pt.after_plan),
            )
            for pt in p.table
        ],
        1,
    )
    if q.risks:
        out += _risk_tables(q)
    else:
        out += [
            "",
            "No risk could be quantified: the register is empty, or no risk has an "
            "estimate or a likelihood and impact on the methodology's scale.",
        ]
    notes = [(r.input.risk_id, note) for r in q.risks for note in r.input.notes]
    notes += [(rid, f"not quantified: {why}") for rid, why in q.skipped]
    if q.calibration.defaulted:
        notes.append(
            (
                "sra.yaml",
                "calibration rows from the defaults: " + ", ".join(q.calibration.defaulted),
            )
        )
    if notes:
        out += ["", "Notes"]
        out += [f"  {inert(rid)}: {inert(note)}" for rid, note in notes]
    return "\n".join(out) + "\n"


def _risk_tables(q: Quantification) -> list[str]:
    """Top contributors, remediation value and every risk."""
    out = ["", "Top contributors (mean residual annual loss)"]
    out += _table(
        ("risk", "source", "residual mean", "share", "P99"),
        [
            (
                inert(r.input.risk_id),
                source(r),
                usd(r.residual.mean),
                f"{q.share(r):.1%}",
                usd(r.residual.p99),
            )
            for r in q.top[:TOP]
        ],
        2,
    )
    reductions = sorted(
        ((r, red) for r in q.risks for red in r.reductions),
        key=lambda pair: -pair[1].mean_reduction,
    )
    out += ["", "Planned remediation: expected reduction in annual loss"]
    if reductions:
        out += _table(
            ("risk", "remediation", "reduction"),
            [
                (inert(r.input.risk_id), inert(_clip(red.item.label)), usd(red.mean_reduction))
                for r, red in reductions
            ],
            2,
        )
    if q.unestimated:
        out.append(
            f"{q.unestimated:,} open remediation item(s) have no estimated effect: give "
            "one under the risk's `quant.planned`."
        )
    out += ["", "Every risk (largest mean residual loss first)"]
    out += _table(
        ("risk", "source", "inherent mean", "residual mean", "P50", "P90", "P99"),
        [
            (
                inert(r.input.risk_id),
                source(r),
                usd(r.inherent.mean),
                *(usd(getattr(r.residual, k)) for k in ("mean", "p50", "p90", "p99")),
            )
            for r in q.top
        ],
        2,
    )
    return out


def _clip(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
