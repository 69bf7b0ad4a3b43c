"""The bundled mapping table: valid, every default documented, and its taxonomy in the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from hipaa_sra.discover.mapping import FactSpec, Table, mapping_table, read_fact
from hipaa_sra.discover.values import UNKNOWN
from hipaa_sra.model import CATEGORY_GROUPS, Category, CategoryGroup

DOCS = Path(__file__).resolve().parents[2] / "docs" / "discover.md"


def _shown(value: object) -> str:
    return "true" if value is True else "false" if value is False else str(value)


def test_every_platform_default_is_documented() -> None:
    docs = DOCS.read_text()
    for name, spec in mapping_table().types.items():
        for fact, rule in spec.facts.items():
            if rule.default is not None:
                row = f"| `{name}` | `{fact}` | `{_shown(rule.default)}` |"
                assert row in docs, f"docs/discover.md does not list the default {row}"


def test_every_type_is_named_in_the_docs() -> None:
    docs = DOCS.read_text()
    missing = [name for name in mapping_table().types if f"`{name}`" not in docs]
    assert missing == []


def test_new_categories_have_a_group() -> None:
    assert CATEGORY_GROUPS[Category.VOLUME] is CategoryGroup.DATA_AT_REST
    assert CATEGORY_GROUPS[Category.QUEUE_STREAM] is CategoryGroup.DATA_AT_REST
    assert CATEGORY_GROUPS[Category.SECRETS_STORE] is CategoryGroup.DATA_AT_REST
    assert CATEGORY_GROUPS[Category.FUNCTION] is CategoryGroup.COMPUTE


def test_table_rejects_unknown_facts_and_parents() -> None:
    with pytest.raises(ValidationError, match="unknown facts"):
        Table.model_validate(
            {
                "schema_version": 1,
                "types": {
                    "x": {
                        "platform": "terraform",
                        "category": "database",
                        "facts": {"encrypted": {"paths": ["a"]}},
                    }
                },
            }
        )
    with pytest.raises(ValidationError, match="parent types"):
        Table.model_validate(
            {
                "schema_version": 1,
                "types": {},
                "attachments": {"y": {"parent_types": ["nope"], "parent_attribute": "bucket"}},
            }
        )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"storage_encrypted": True}, (True, True)),
        ({"storage_encrypted": "false"}, (False, True)),
        ({"storage_encrypted": None}, (False, False)),  # not stated: the default
        ({}, (False, False)),
        ({"storage_encrypted": UNKNOWN}, ("unknown", True)),  # known after apply: never a default
    ],
)
def test_read_fact_default_only_when_not_stated(
    values: dict[str, object], expected: tuple[object, bool]
) -> None:
    spec = FactSpec(paths=("storage_encrypted",), default=False)
    assert read_fact(spec, values) == expected
