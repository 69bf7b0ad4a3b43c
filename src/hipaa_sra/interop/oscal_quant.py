"""`sra quantify` figures as OSCAL characterization facets of each risk (USD per year)."""

from __future__ import annotations

from ..model import Workspace
from ..quantify import DEFAULT_SEED, quantify, shared_years

FACETS = (
    ("annual-loss-inherent-mean-usd", "inherent", "mean"),
    ("annual-loss-residual-mean-usd", "residual", "mean"),
    ("annual-loss-residual-p50-usd", "residual", "p50"),
    ("annual-loss-residual-p90-usd", "residual", "p90"),
    ("annual-loss-residual-p99-usd", "residual", "p99"),
)
"""Facet name, state and statistic: simulated annual loss in whole US dollars."""


def annual_loss_facets(ws: Workspace) -> dict[int, list[tuple[str, str]]]:
    """Per risk (by position in the register): facet names and values, for those quantified."""
    if not ws.risks:
        return {}
    result = quantify(ws, years=shared_years(len(ws.risks)), seed=DEFAULT_SEED)
    facets: dict[int, list[tuple[str, str]]] = {}
    for risk in result.risks:
        values = [
            (name, str(round(getattr(getattr(risk, state), stat)))) for name, state, stat in FACETS
        ]
        values.append(("annual-loss-source", "quant" if risk.input.own else "calibration"))
        values.append(("annual-loss-simulated-years", str(result.years)))
        facets[risk.input.order] = values
    return facets
