"""Accuracy on seeded labelled data with hard negatives: recall >= 0.98, precision >= 0.95."""

from __future__ import annotations

from pathlib import Path

from .accuracy import measure


def _check(results: dict[str, tuple[int, int, int]]) -> None:
    for t, (tp, fn, fp) in results.items():
        if tp + fn:
            assert tp / (tp + fn) >= 0.98, f"{t}: recall {tp}/{tp + fn}"
        if tp + fp:
            assert tp / (tp + fp) >= 0.95, f"{t}: precision {tp}/{tp + fp}"


def test_recall_and_precision_per_type(tmp_path: Path) -> None:
    results = measure(tmp_path, range(100, 106), 400)
    _check(results)
    assert set(results) >= {"ssn", "name", "npi", "age-over-89", "other-id"}


def test_recall_and_precision_without_column_names(tmp_path: Path) -> None:
    _check(measure(tmp_path, range(200, 206), 400, neutral=True))
