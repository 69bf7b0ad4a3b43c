"""Terraform plan JSON (`terraform show -json`, format 0.1 to 1.x) and state (version 4).

Plans and states are streamed with ijson: one resource is in memory at a time, so a 500 MB
plan reads in bounded memory. A plan's `configuration` (small: it grows with the code, not
with the instances) is read in a second pass for the references between resources.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import ijson

from .errors import DiscoveryError
from .model import InputKind, Platform, Resource
from .source import json_error, open_utf8
from .values import overlay

_PLAN_MAJOR = {"0": 1, "1": 0}
"""Plan format majors read, each with its lowest minor (0.1 is Terraform 0.12's first)."""

_REF = re.compile(
    r"^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)"
)
_NOT_RESOURCES = frozenset(
    {"var", "local", "module", "data", "each", "count", "path", "terraform", "self"}
)
_INDEX = re.compile(r"\[[^\]]*\]$")
_BUFFER = 1 << 18
WHOLE_LIMIT = 64 * 1024 * 1024
"""Plans and states up to this size are parsed at once (about 6x the file in memory); larger
ones are streamed, so memory stays bounded whatever the size of the file."""


def first_key(path: Path) -> str | None:
    """The first key of a JSON object file: `format_version` for plans, `version` for states."""
    with open_utf8(path) as stream:
        head = stream.read(4096)
    match = re.match(rb'\s*\{\s*"([^"]{1,64})"', head)
    return match.group(1).decode("utf-8", "replace") if match else None


def read_plan(
    path: Path,
    wanted: Callable[[str], bool] = lambda _: True,
    referencing: Callable[[str], bool] = lambda _: True,
    *,
    whole_limit: int = WHOLE_LIMIT,
) -> tuple[InputKind, str | None, Iterator[Resource]]:
    """Kind, format version and resources of a `terraform show -json` file (plan or state).

    Only resources whose type is `wanted` get their values, and only `referencing` types
    their references; the others are counted, by address and type (most of a plan is IAM
    and network plumbing). Files up to `whole_limit` bytes are parsed at once, larger ones
    streamed.
    """
    document = _document(path, whole_limit)
    version = document.scalar("format_version")
    if not isinstance(version, str) or not _supported(version):
        raise DiscoveryError(
            path,
            f"Terraform JSON format_version {version!r} is not supported",
            hint="this version reads plan formats 0.1 to 1.x",
        )
    config = document.scalar("configuration") or {}
    refs = _References(config if isinstance(config, dict) else {})
    changes = _changes(document.items("resource_changes"), refs, wanted, referencing)
    first = next(changes, None)
    if first is not None:
        return InputKind.TERRAFORM_PLAN, version, _chain(first, changes)
    state = document.scalar("values")
    values = state or document.scalar("planned_values")
    if isinstance(values, dict):
        kind = InputKind.TERRAFORM_STATE if state else InputKind.TERRAFORM_PLAN
        return kind, version, _module_values(values.get("root_module") or {}, refs)
    return InputKind.TERRAFORM_PLAN, version, iter(())


def read_state(
    path: Path,
    *,
    whole_limit: int = WHOLE_LIMIT,
) -> tuple[InputKind, str | None, Iterator[Resource]]:
    """Kind, version and resources of a `terraform.tfstate` (version 4, Terraform 0.12+)."""
    document = _document(path, whole_limit)
    version = document.scalar("version")
    if version != 4:
        raise DiscoveryError(
            path,
            f"Terraform state version {version!r} is not supported",
            hint="this version reads state version 4 (Terraform 0.12 and "
            "later); `terraform show -json` output also works",
        )
    return InputKind.TERRAFORM_STATE, "4", _state_resources(document.items("resources"))


class _Whole:
    """A document parsed at once (the C `json` parser: fastest while it fits in memory)."""

    def __init__(self, data: Any) -> None:
        self._data = data if isinstance(data, dict) else {}

    def scalar(self, key: str) -> Any:
        return self._data.get(key)

    def items(self, key: str) -> Iterator[Any]:
        value = self._data.get(key)
        return iter(value) if isinstance(value, list) else iter(())


class _Stream:
    """A document streamed with ijson: one item in memory at a time, one pass per key."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def scalar(self, key: str) -> Any:
        return _scalar(self._path, key)

    def items(self, key: str) -> Iterator[Any]:
        return _items(self._path, f"{key}.item")


def _document(path: Path, whole_limit: int) -> _Whole | _Stream:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DiscoveryError(path, f"cannot be read: {exc.strerror or exc}") from None
    if size > whole_limit:
        return _Stream(path)
    with open_utf8(path) as stream:
        data = stream.read()
    try:
        return _Whole(json.loads(data))
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise json_error(path, exc) from None


def _supported(version: str) -> bool:
    major, _, minor = version.partition(".")
    return major in _PLAN_MAJOR and minor.isdigit() and int(minor) >= _PLAN_MAJOR[major]


def _chain(first: Resource, rest: Iterator[Resource]) -> Iterator[Resource]:
    yield first
    yield from rest


def _scalar(path: Path, prefix: str) -> Any:
    """The value at a top-level key, or None; stops reading once found."""
    try:
        with open_utf8(path) as stream:
            for value in ijson.items(stream, prefix, use_float=True, buf_size=_BUFFER):
                return value
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        raise json_error(path, exc) from None
    return None


def _items(path: Path, prefix: str) -> Iterator[Any]:
    try:
        with open_utf8(path) as stream:
            yield from ijson.items(stream, prefix, use_float=True, buf_size=_BUFFER)
    except (ijson.JSONError, UnicodeDecodeError, ValueError) as exc:
        raise json_error(path, exc) from None


_ACTIONS = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("read",): "read",
    ("no-op",): "no-op",
    ("create", "delete"): "replace",
    ("delete", "create"): "replace",
}


def _changes(
    items: Iterator[Any],
    refs: _References,
    wanted: Callable[[str], bool],
    referencing: Callable[[str], bool],
) -> Iterator[Resource]:
    for change in items:
        if not isinstance(change, dict) or change.get("mode", "managed") != "managed":
            continue
        body = change.get("change") or {}
        actions = tuple(body.get("actions") or ())
        action = _ACTIONS.get(actions, "-".join(actions) or None)
        address, rtype = str(change.get("address", "")), str(change.get("type", ""))
        module = str(change.get("module_address") or "")
        if not wanted(rtype):
            yield Resource(Platform.TERRAFORM, address, rtype, {}, module, {}, action)
            continue
        if action == "delete":
            values: Any = body.get("before") or {}
        else:
            values = overlay(body.get("after"), body.get("after_unknown") or {})
        yield Resource(
            Platform.TERRAFORM,
            address,
            rtype,
            values if isinstance(values, dict) else {},
            module,
            refs.of(module, rtype, str(change.get("name", ""))) if referencing(rtype) else {},
            action,
        )


def _module_values(module: Mapping[str, Any], refs: _References) -> Iterator[Resource]:
    for item in module.get("resources") or ():
        if item.get("mode", "managed") != "managed":
            continue
        address, rtype = str(item.get("address", "")), str(item.get("type", ""))
        scope = str(module.get("address") or "")
        yield Resource(
            Platform.TERRAFORM,
            address,
            rtype,
            item.get("values") or {},
            scope,
            refs.of(scope, rtype, str(item.get("name", ""))),
        )
    for child in module.get("child_modules") or ():
        yield from _module_values(child, refs)


def _state_resources(items: Iterator[Any]) -> Iterator[Resource]:
    for item in items:
        if not isinstance(item, Mapping) or item.get("mode", "managed") != "managed":
            continue
        module = str(item.get("module") or "")
        rtype, name = str(item.get("type", "")), str(item.get("name", ""))
        base = f"{module + '.' if module else ''}{rtype}.{name}"
        for instance in item.get("instances") or ():
            key = instance.get("index_key")
            address = base if key is None else f"{base}[{_index(key)}]"
            deps = tuple(_strip(dep) for dep in instance.get("dependencies") or ())
            yield Resource(
                Platform.TERRAFORM,
                address,
                rtype,
                instance.get("attributes") or {},
                module,
                {"*": deps} if deps else {},
            )


def _index(key: object) -> str:
    if isinstance(key, bool) or not isinstance(key, (int, float)):
        return '"' + str(key).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(int(key))


def _strip(address: str) -> str:
    return _INDEX.sub("", address)


def resource_base(address: str) -> str:
    """An address without its final instance key: `module.a.aws_s3_bucket.this`."""
    return _strip(address)


class _References:
    """Resolves a plan's `configuration` references to resource addresses, across modules."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self._resources: dict[tuple[str, str], Mapping[str, Any]] = {}
        self._calls: dict[str, Mapping[str, Any]] = {}
        self._walk(config.get("root_module") or {}, "")

    def _walk(self, module: Mapping[str, Any], path: str) -> None:
        for resource in module.get("resources") or ():
            if isinstance(resource, Mapping) and resource.get("mode", "managed") == "managed":
                key = f"{resource.get('type')}.{resource.get('name')}"
                self._resources[(path, key)] = resource.get("expressions") or {}
        for name, call in (module.get("module_calls") or {}).items():
            child = f"{path + '.' if path else ''}module.{name}"
            self._calls[child] = call.get("expressions") or {}
            self._walk(call.get("module") or {}, child)

    def of(self, module: str, rtype: str, name: str) -> dict[str, tuple[str, ...]]:
        """Top-level attribute -> resource addresses (without instance keys) it refers to."""
        path = _strip_module_keys(module)
        expressions = self._resources.get((path, f"{rtype}.{name}"))
        if not expressions:
            return {}
        out: dict[str, tuple[str, ...]] = {}
        for attribute, expression in expressions.items():
            found = tuple(
                dict.fromkeys(self._resolve(path, ref, 0) for ref in _references(expression))
            )
            found = tuple(ref for ref in found if ref)
            if found:
                out[attribute] = found
        return out

    def _resolve(self, path: str, ref: str, depth: int) -> str:
        head = ref.split(".", 1)[0]
        if head == "var" and depth < 16 and path:
            variable = ref.split(".")[1] if "." in ref else ""
            parent = path.rsplit(".module.", 1)[0] if ".module." in path else ""
            expression = self._calls.get(path, {}).get(variable)
            for inner in _references(expression):
                resolved = self._resolve(parent, inner, depth + 1)
                if resolved:
                    return resolved
            return ""
        if head in _NOT_RESOURCES:
            return ""
        match = _REF.match(ref)
        if not match:
            return ""
        return f"{path + '.' if path else ''}{match.group(2)}.{match.group(3)}"


def _strip_module_keys(module: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", module)


def _references(expression: Any) -> Iterator[str]:
    if isinstance(expression, Mapping):
        for key, value in expression.items():
            if key == "references" and isinstance(value, list):
                yield from (str(ref) for ref in value)
            else:
                yield from _references(value)
    elif isinstance(expression, list):
        for item in expression:
            yield from _references(item)
