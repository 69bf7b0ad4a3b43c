"""The validate cache: an unchanged workspace from one entry (and its text from another), and
each file's positions, so that a warm run places its findings unparsed where a cold run does.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hipaa_sra.loading import check_workspace, load_workspace
from hipaa_sra.loading import load as load_module
from hipaa_sra.loading import positions as positions_module
from hipaa_sra.loading.cache import CACHE_DIR, Cache
from hipaa_sra.loading.load import store_positions
from hipaa_sra.loading.workspace_key import snapshot, snapshot_key, workspace_keys

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


def _forget_results(root: Path) -> None:
    """Delete the whole-workspace results, so that a run goes through each file's entries."""
    for entry in (root / CACHE_DIR).rglob("*.validate"):
        entry.unlink()


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
    _forget_results(root)
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
    _forget_results(root)
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
    assert any((root / CACHE_DIR).rglob(key.name))  # one file's: an entry of its own
    cache.put(key, entry)
    _forget_results(root)
    assert _placed(check_workspace(root)) == cold


def test_an_unchanged_workspace_is_validated_from_one_entry(workspace, monkeypatch) -> None:
    root = workspace({"inventory/assets.yaml": ASSETS, "register/risks.yaml": RISKS})
    cold = check_workspace(root, use_cache=False)
    assert check_workspace(root) == cold

    def refuse(*args: Any) -> None:
        raise AssertionError("a file was loaded")

    monkeypatch.setattr(load_module, "_take", refuse)
    assert check_workspace(root) == cold
    (root / "register" / "risks.yaml").write_text(RISKS + RISKS.replace("R-", "S-"))
    with pytest.raises(AssertionError, match="a file was loaded"):
        check_workspace(root)


@pytest.mark.parametrize(
    "entry",
    [None, "text", ((), (), ((1, 2),)), ((("risks", "x"),), (), ()), ((), (), (("X",) * 8,))],
    ids=["none", "text", "short-row", "counts", "severity"],
)
def test_a_validate_entry_of_another_shape_is_a_miss(workspace, entry: Any) -> None:
    root = workspace({"register/risks.yaml": RISKS})
    cold = check_workspace(root, use_cache=False)
    check_workspace(root)
    read = snapshot(root)
    assert read is not None
    cache = Cache(root)
    key = snapshot_key(cache, read, "validate")
    assert cache.get(key) is not None
    cache.put(key, entry)
    assert check_workspace(root) == cold


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


BROKEN = RISKS + "  colour: red\n"  # an unknown field: an error, so exit code 1


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_prints_from_the_cache_what_it_prints_without(sra, workspace, fmt: str) -> None:
    root = workspace({"register/risks.yaml": BROKEN})
    args = ("validate", "--workspace", str(root), "--format", fmt)
    cold = sra(*args, "--no-cache")
    assert cold.exit_code == 1 and "unknown-field" in cold.stdout
    assert sra(*args) == cold
    assert len(list((root / CACHE_DIR).rglob(f"*.validate.{fmt}"))) == 1
    assert sra(*args) == cold  # from the stored text
    (root / "register" / "risks.yaml").write_text(RISKS)
    clean = sra(*args)
    assert clean.exit_code == 0 and clean == sra(*args, "--no-cache")


@pytest.mark.parametrize("entry", [None, "text", ("text", 1), (1, True), ("a", "b", "c")])
def test_a_rendered_validate_entry_of_another_shape_is_a_miss(sra, workspace, entry: Any) -> None:
    root = workspace({"register/risks.yaml": BROKEN})
    args = ("validate", "--workspace", str(root))
    cold = sra(*args, "--no-cache")
    sra(*args)
    read = snapshot(root)
    assert read is not None
    cache = Cache(root)
    key = snapshot_key(cache, read, "validate").variant("text")
    assert cache.get(key) is not None
    cache.put(key, entry)
    assert sra(*args) == cold


def test_a_load_after_the_snapshot_is_released_reads_the_files_as_they_are(workspace) -> None:
    # A lint whose stored result proves unusable lets the snapshot's bytes go and loads the
    # files again: a file saved meanwhile must be loaded as saved, never from the summary
    # stored under the bytes the snapshot held.
    root = workspace({"inventory/assets.yaml": ASSETS, "register/risks.yaml": RISKS})
    check_workspace(root)  # every file's summary is stored
    read, keys = workspace_keys(Cache(root), root, date(2026, 11, 22), "lint", [])
    assert read is not None and keys is not None
    risks = root / "register" / "risks.yaml"
    risks.write_text(RISKS.replace("asset: nowhere", "asset: db"), encoding="utf-8")
    read.release()
    loaded = load_workspace(root, read=read)
    assert [f.object_id for f in loaded.findings if f.code == "SRA005"] == []
    assert loaded.risk_by_id["R-3"].asset == "db"
