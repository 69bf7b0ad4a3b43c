"""CloudFormation templates (YAML with short-form intrinsics, or JSON).

Values set by intrinsic functions (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...) are `UNKNOWN`,
with one exception: `Fn::If` whose branches agree on a value keeps what they agree on
(encryption chosen between SSE-KMS and AES256 is encryption either way). References
between resources are kept for joins and flows. The stack name in a source key is the
template's file name without its extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .errors import DiscoveryError
from .model import Platform, Resource
from .values import UNKNOWN

_SUB = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def is_template(document: object) -> bool:
    """True if a parsed document looks like a CloudFormation template."""
    return isinstance(document, Mapping) and (
        "AWSTemplateFormatVersion" in document or isinstance(document.get("Resources"), Mapping)
    )


def stack_name(path: Path) -> str:
    """The stack part of a source key: the file name without extension."""
    return path.name.split(".", 1)[0] or path.name


def read_template(path: Path, template: Mapping[str, Any]) -> Iterator[Resource]:
    """The resources of a parsed template."""
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        raise DiscoveryError(path, "not a CloudFormation template: `Resources` is not a mapping")
    stack = stack_name(path)
    for logical_id, body in resources.items():
        if not isinstance(body, Mapping) or not isinstance(body.get("Type"), str):
            raise DiscoveryError(
                path,
                f"resource `{logical_id}` has no `Type`",
                hint="every resource needs `Type: AWS::Service::Resource`",
            )
        properties = body.get("Properties") or {}
        if not isinstance(properties, Mapping):
            properties = {}
        values = {key: resolve(value) for key, value in properties.items()}
        refs = {
            key: found
            for key, value in properties.items()
            if (found := tuple(dict.fromkeys(references(value))))
        }
        yield Resource(Platform.CLOUDFORMATION, str(logical_id), body["Type"], values, stack, refs)


def _intrinsic(value: Mapping[str, Any]) -> str | None:
    if len(value) == 1:
        (key,) = value
        if key == "Ref" or (isinstance(key, str) and key.startswith("Fn::")):
            return str(key)
    return None


def resolve(value: Any) -> Any:
    """A property value with every intrinsic function `UNKNOWN` (agreeing `Fn::If` kept)."""
    if isinstance(value, Mapping):
        function = _intrinsic(value)
        if function == "Fn::If":
            branches = value[function]
            if isinstance(branches, list) and len(branches) == 3:
                return _agree(resolve(branches[1]), resolve(branches[2]))
            return UNKNOWN
        if function is not None:
            return UNKNOWN
        return {key: resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item) for item in value]
    return value


def _agree(first: Any, second: Any) -> Any:
    if first == second:
        return first
    if isinstance(first, Mapping) and isinstance(second, Mapping) and first and second:
        return {
            key: _agree(first[key], second[key]) if key in second else UNKNOWN for key in first
        } | {key: UNKNOWN for key in second if key not in first}
    if isinstance(first, list) and isinstance(second, list) and len(first) == len(second) > 0:
        return [_agree(a, b) for a, b in zip(first, second, strict=True)]
    return UNKNOWN


def references(value: Any) -> Iterator[str]:
    """Logical ids a property value refers to (`Ref`, `Fn::GetAtt`, `${X}` in `Fn::Sub`)."""
    if isinstance(value, Mapping):
        function = _intrinsic(value)
        inner = value.get(function) if function else None
        if function == "Ref" and isinstance(inner, str) and not inner.startswith("AWS::"):
            yield inner
        elif function == "Fn::GetAtt":
            target = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(target, str):
                yield target.split(".", 1)[0]
        elif function == "Fn::Sub":
            text = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(text, str):
                yield from (m.group(1) for m in _SUB.finditer(text))
            if isinstance(inner, list) and len(inner) > 1:
                yield from references(inner[1])
        else:
            for item in value.values():
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
