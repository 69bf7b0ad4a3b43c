"""The package's structure: where the version lives, and which way imports point."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hipaa_sra import __version__
from hipaa_sra._version import __version__ as own_version

ROOT = Path(__file__).resolve().parents[1]


def test_version_has_one_home_that_pyproject_agrees_with() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert own_version == project["version"]
    assert __version__ is own_version
