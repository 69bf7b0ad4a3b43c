"""Positions cached per file: a warm run places its findings unparsed, where a cold run does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hipaa_sra.loading import check_workspace, load_workspace
from hipaa_sra.loading import load as load_module
from hipaa_sra.loading import positions as positions_module
from hipaa_sra.loading.cache import CACHE_DIR, Cache
from hipaa_sra.loading.load import store_positions

ASSETS = """\
- id: db
  name: Records database
  category: database
  ephi: present
- id: web
  name: Portal
  category: public-api
  ephi: present
"""
RISKS = """\
- id: R-1
  asset: db
  threat: Ransomware
  vuln: Unpatched host
  likelihood: low
  impact: high
- id: R-2
  threat: Phishing
  vuln: No training
  likelihood: low
  impact: high
  asset: web
- id: R-3
  asset: nowhere
  threat: Theft
  vuln: Laptops unencrypted
  likelihood: low
  impact: low
"""


def _placed(result: Any) -> list[tuple[Any, ...]]:
    return [
        (f.code, f.message, f.location.file, f.location.line, f.location.column)
        for f in result.findings
    ]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Labels of every YAML parse from here on, in the loader and in the source maps."""
    seen: list[str] = []

    def watch(parse: Any) -> Any:
        def parse_yaml(data: bytes, label: str, *args: Any, **kwargs: Any) -> Any:
            seen.append(label)
            return parse(data, label, *args, **kwargs)

        return parse_yaml

    monkeypatch.setattr(load_module, "parse_yaml", watch(load_module.parse_yaml))
    monkeypatch.setattr(positions_module, "parse_yaml", watch(positions_module.parse_yaml))
    return seen


def test_a_warm_validate_places_its_findings_without_parsing(workspace, parses) -> None:
    root = workspace({"inventory/assets.yaml": ASSETS, "register/risks.yaml": RISKS})
    cold = _placed(check_workspace(root, use_cache=False))
    assert any(code == "SRA005" for code, *_ in cold)  # R-3's asset is placed on its line
    assert _placed(check_workspace(root)) == cold
    parses.clear()
    assert _placed(check_workspace(root)) == cold
    assert all(label.endswith("sra.yaml") for label in parses)  # only the manifest, as always


def test_a_finding_another_file_brings_is_placed_as_a_cold_run_places_it(workspace) -> None:
    root = workspace({"inventory/assets.yaml": ASSETS, "register/risks.yaml": RISKS})
    check_workspace(root)
    # R-2's asset is deleted: the unchanged risks file gets a finding at a path never
    # located before, on the line of R-2's `asset:` (its last field).
    assets = root / "inventory" / "assets.yaml"
    assets.write_text(ASSETS.split("- id: web")[0])
    cold = _placed(check_workspace(root, use_cache=False))
    dangling = [(file, line) for code, message, file, line, _ in cold if "`web`" in message]
    assert [(Path(file).name, line) for file, line in dangling] == [("risks.yaml", 12)]
    assert _placed(check_workspace(root)) == cold
    assert _placed(check_workspace(root)) == cold  # from the positions stored with the new one
    assets.write_text(ASSETS)
    assert _placed(check_workspace(root)) == _placed(check_workspace(root, use_cache=False))


@pytest.mark.parametrize(
    "entry",
    [None, ["not", "a", "mapping"], {(0, "asset"): (1,)}, {(0,): ("1", 2)}, {"0": (1, 1)}],
    ids=["none", "list", "short", "text", "key"],
)
def test_a_positions_entry_of_another_shape_is_a_miss(workspace, entry: Any) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    cold = _placed(check_workspace(root, use_cache=False))
    check_workspace(root)
    cache = Cache(root)
    key = cache.key(RISKS.encode(), "register/risks.yaml", "summary").variant("positions")
    assert (root / CACHE_DIR).rglob(key.name)
    cache.put(key, entry)
    assert _placed(check_workspace(root)) == cold


def test_positions_located_after_a_load_are_kept_when_asked(workspace, parses) -> None:
    root = workspace({"inventory/assets.yaml": ASSETS, "register/risks.yaml": RISKS})
    ws = load_workspace(root)
    where = ws.locate(ws.risks[1], ("threat",))
    store_positions(ws)
    parses.clear()
    again = load_workspace(root)
    assert again.locate(again.risks[1], ("threat",)) == where
    assert where.line == 8
    assert all(label.endswith("sra.yaml") for label in parses)


def test_no_positions_are_stored_without_the_cache(workspace, tmp_path: Path) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    check_workspace(root, use_cache=False)
    assert not (root / CACHE_DIR).exists()
