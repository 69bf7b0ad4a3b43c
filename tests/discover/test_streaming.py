"""Large plans are streamed: the streaming reader gives exactly what the whole-file one does."""

from __future__ import annotations

from pathlib import Path

import pytest

from hipaa_sra.discover import Discovery, DiscoveryError, mapping_table
from hipaa_sra.discover.normalise import add_input
from hipaa_sra.discover.terraform import first_key, read_plan, read_state

from .conftest import IAC

TERRAFORM_JSON = sorted(
    path
    for path in IAC.rglob("*")
    if path.suffix in (".json", ".tfstate")
    and path.is_file()
    and first_key(path) in ("format_version", "version")
    and "invalid" not in path.parts
)


def _read(path: Path, whole_limit: int) -> Discovery:
    table = mapping_table()
    reader = read_plan if first_key(path) == "format_version" else read_state
    if reader is read_plan:
        kind, version, resources = read_plan(
            path, table.wanted.__contains__, table.referencing.__contains__, whole_limit=whole_limit
        )
    else:
        kind, version, resources = read_state(path, whole_limit=whole_limit)
    found = Discovery()
    add_input(found, str(path), kind, version, resources, table)
    return found


def test_every_fixture_is_a_terraform_json_case() -> None:
    assert len(TERRAFORM_JSON) >= 15


@pytest.mark.parametrize("path", TERRAFORM_JSON, ids=lambda p: str(p.relative_to(IAC)))
def test_streamed_equals_whole(path: Path) -> None:
    whole, streamed = _read(path, 1 << 30), _read(path, 0)
    assert streamed.stores == whole.stores  # dataclass equality: every field and fact
    assert (streamed.keys, streamed.other_resources, streamed.flows, streamed.inputs) == (
        whole.keys,
        whole.other_resources,
        whole.flows,
        whole.inputs,
    )


def test_streamed_invalid_plan_is_located() -> None:
    path = IAC / "terraform-json/testdata/invalid/plan.json"
    with pytest.raises(DiscoveryError) as caught:
        _read(path, 0)
    assert caught.value.line == 676
