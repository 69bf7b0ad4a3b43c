"""Read the bundled reference files: package resources, the C YAML loader, strictly typed fields."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any, NoReturn

import yaml

from ..errors import CatalogError
from ..model.base import Level

# libyaml is several times faster; PyYAML wheels without it still work, only slower.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_LEVEL_NAMES = tuple(level.value for level in Level)

SCHEMA_VERSION = 1
"""The `schema_version` every bundled data file declares."""


@cache
def document(name: str) -> Record:
    """The top-level mapping of one bundled file in `catalog/data/`, parsed once per process."""
    try:
        raw = files(__package__).joinpath("data", name).read_bytes()
    except OSError as exc:
        raise CatalogError(f"bundled catalog file {name} cannot be read: {exc}") from exc
    try:
        data = yaml.load(raw, Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise CatalogError(f"bundled catalog file {name} is not valid YAML: {exc}") from exc
    top = Record(data, name)
    version = top.integer("schema_version")
    if version != SCHEMA_VERSION:
        raise CatalogError(f"{name}: schema_version {version}, expected {SCHEMA_VERSION}")
    return top


class Record:
    """A mapping read from a data file, with its place in the file for error messages."""

    def __init__(self, data: object, where: str) -> None:
        self.where = where
        if not isinstance(data, dict):
            self.fail(f"expected a mapping, found {type(data).__name__}")
        self.mapping: Mapping[str, Any] = data

    def fail(self, message: str) -> NoReturn:
        """Raise a CatalogError located at this record."""
        raise CatalogError(f"{self.where}: {message}")

    def only(self, *keys: str) -> None:
        """Reject keys outside `keys`, so a typo in the data cannot be silently ignored."""
        unknown = sorted(set(self.mapping) - set(keys))
        if unknown:
            self.fail(f"unknown keys {', '.join(map(str, unknown))}")

    def raw(self, key: str) -> object:
        """The value under `key`; it must be present."""
        if key not in self.mapping:
            self.fail(f"missing `{key}`")
        return self.mapping[key]

    def text(self, key: str) -> str:
        """A non-empty string."""
        value = self.raw(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"`{key}` must be non-empty text")
        return value

    def optional_text(self, key: str) -> str | None:
        """A non-empty string, or None when the key is absent."""
        return self.text(key) if key in self.mapping else None

    def flag(self, key: str) -> bool:
        """A boolean."""
        value = self.raw(key)
        if not isinstance(value, bool):
            self.fail(f"`{key}` must be true or false")
        return value

    def integer(self, key: str) -> int:
        """An integer (booleans are not integers here, whatever Python thinks)."""
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"`{key}` must be an integer")
        return value

    def number(self, key: str) -> float:
        """An integer or a decimal number."""
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"`{key}` must be a number")
        return float(value)

    def day(self, key: str) -> date:
        """A date written YYYY-MM-DD (YAML reads it as a date)."""
        value = self.raw(key)
        if not isinstance(value, date):
            self.fail(f"`{key}` must be a date written YYYY-MM-DD")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings; absent means empty."""
        value = self.mapping.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(f"`{key}` must be a list of text")
        return tuple(value)

    def child(self, key: str) -> Record:
        """The mapping under `key`."""
        return Record(self.raw(key), f"{self.where}: {key}")

    def children(self, key: str) -> tuple[Record, ...]:
        """The list of mappings under `key`."""
        value = self.raw(key)
        if not isinstance(value, list) or not value:
            self.fail(f"`{key}` must be a non-empty list")
        return tuple(Record(item, f"{self.where}: {key}[{i}]") for i, item in enumerate(value))

    def level(self, key: str) -> Level:
        """A canonical level name (the data files never use synonyms)."""
        value = self.raw(key)
        if isinstance(value, str) and value in _LEVEL_NAMES:
            return Level(value)
        self.fail(f"`{key}`: {value!r} is not a level ({', '.join(_LEVEL_NAMES)})")
