"""Shared helpers for the discovery tests: the copied public fixtures and a runner."""

from __future__ import annotations

from pathlib import Path

import pytest

IAC = Path(__file__).resolve().parent.parent / "fixtures" / "iac"
"""Public infrastructure files copied unchanged from their origins (see SOURCES.md there)."""


@pytest.fixture
def iac() -> Path:
    """The root of the copied public fixtures."""
    return IAC
