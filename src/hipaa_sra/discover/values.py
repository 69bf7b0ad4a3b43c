"""Attribute values as the readers produce them: plain JSON-like data plus `UNKNOWN`.

A value the input does not fix (Terraform's "known after apply", an HCL expression, a
CloudFormation intrinsic function) is `UNKNOWN`; it is never guessed.
"""

from __future__ import annotations

from typing import Any, Final


class _Unknown:
    """The one value standing for "the input does not fix this"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
"""A value decided only when the infrastructure is applied or deployed."""


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""Returned by `lookup` when the path is not stated at all (absent or null)."""


def lookup(values: Any, path: str) -> Any:
    """The value at a dotted `path` (`a.b.0.c`), `UNKNOWN`, or `MISSING` when not stated.

    Readers produce plain `dict`s and `list`s (checked as such: the abstract `Mapping`
    check costs more than the rest of the lookup on a large plan).

    A list met with a name segment stands for its first element: Terraform writes a nested
    block as a list of one mapping.
    """
    current = values
    for segment in path.split("."):
        if current is UNKNOWN:
            return UNKNOWN
        while isinstance(current, list) and not segment.isdigit():
            if not current:
                return MISSING
            current = current[0]
        if isinstance(current, list):
            index = int(segment)
            if index >= len(current):
                return MISSING
            current = current[index]
        elif isinstance(current, dict):
            if segment not in current:
                return MISSING
            current = current[segment]
        else:
            return MISSING
        if current is None:
            return MISSING
    return current


def overlay(known: Any, unknown: Any) -> Any:
    """`known` with `UNKNOWN` wherever Terraform's `after_unknown` tree says `true`."""
    if unknown is True:
        return UNKNOWN
    if isinstance(unknown, dict) and isinstance(known, dict):
        merged = dict(known)
        for key, flag in unknown.items():
            merged[key] = overlay(known.get(key), flag)
        return merged
    if isinstance(unknown, dict) and known is None:
        return {key: overlay(None, flag) for key, flag in unknown.items()}
    if isinstance(unknown, list) and isinstance(known, list):
        return [
            overlay(item, unknown[n] if n < len(unknown) else False) for n, item in enumerate(known)
        ]
    if isinstance(unknown, list) and known is None and unknown:
        return [overlay(None, flag) for flag in unknown]
    return known
