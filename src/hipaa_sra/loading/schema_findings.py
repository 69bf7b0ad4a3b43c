"""Schema findings in words: what a pydantic error says about a field, and what was expected.

The loader and the editing path report the same problem the same way, so both word it here.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from .partial import shape
from .positions import Path
from .problems import INVALID_VALUE, MISSING_FIELD, UNKNOWN_FIELD, Problem


@dataclass(frozen=True, slots=True)
class Pending:
    """A finding whose position is still a path inside its file."""

    code: str
    path: Path
    message: str
    object_id: str | None


def describe(value: Any) -> str:
    """A YAML value as a message shows it: its kind for collections, else the text, cut short."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The nested model that the field path `loc` points into, for did-you-mean lists."""
    current: type[BaseModel] | None = model
    in_map = False
    for part in loc:
        if current is None:
            return None
        if isinstance(part, int) or in_map:
            in_map = False  # a list position or a mapping's key: the same model inside
            continue
        found = None
        for name, info in current.model_fields.items():
            if part in (name, info.alias):
                found = _inner_model(info.annotation)
                in_map = shape(info.annotation)[0] == "map"
                break
        current = found
    return current


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType, tuple, list, dict, typing.Annotated):
        for arg in typing.get_args(annotation):
            inner = _inner_model(arg)
            if inner is not None:
                return inner
    return None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def field_name(loc: tuple[Any, ...]) -> str:
    """A field path as people write it: `remediation[0].due`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_findings(
    model: type[BaseModel],
    error: ValidationError,
    where: str,
    object_id: str | None,
    prefix: Path,
    note: Callable[[tuple[Any, ...]], str] | None = None,
) -> list[Pending]:
    """One finding per pydantic error, with what was expected and a suggestion when obvious.

    `note` adds to an invalid value's message what it costs (sra.yaml says what is ignored).
    """
    pending: list[Pending] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        name = field_name(loc)
        problem: Problem
        if kind == "extra_forbidden":
            problem = UNKNOWN_FIELD
            parent = _model_at(model, loc[:-1])
            keys = _keys_of(parent) if parent else []
            key = str(loc[-1])
            message = (
                f"{where}: unknown field `{name}`{_did_you_mean(key, keys)}; "
                f"expected one of {', '.join(keys)}"
            )
        elif kind == "missing":
            problem = MISSING_FIELD
            message = f"{where}: missing required field `{name}`"
        else:
            problem = INVALID_VALUE
            message = f"{where}: `{name}` is {describe(item.get('input'))}; {_expected(item)}"
            if note is not None:
                message += note(loc)
        pending.append(Pending(problem.code, prefix + loc, message, object_id))
    return pending


def _expected(item: Any) -> str:
    ctx = item.get("ctx") or {}
    expected = ctx.get("expected")
    if item["type"] in ("enum", "literal_error") and expected:
        choices = [part.strip(" '") for part in str(expected).replace(" or ", ",").split(",")]
        choices = [c for c in choices if c]
        hint = _did_you_mean(str(item.get("input")), choices)
        return f"expected one of {', '.join(choices)}{hint}"
    message = str(item["msg"])
    message = message.removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else "invalid value"
