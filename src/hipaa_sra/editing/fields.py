"""The models seen from a path: which model a mapping holds, its key order, one field's value."""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from functools import cache
from typing import Annotated, Any, Union

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from .changes import FieldPath

UNKNOWN: Any = object()
"""A written value that does not validate: it equals nothing, so it is always rewritten."""


def unwrap(annotation: Any) -> Any:
    """The type inside `Optional[...]` and `Annotated[...]`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _field(model: type[BaseModel], key: str) -> FieldInfo | None:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def annotation_at(model: type[BaseModel] | None, path: FieldPath) -> Any:
    """The type of the value at `path` inside a `model` (None: the model does not say)."""
    current: Any = model
    for part in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str):
                return None
            info = _field(current, part)
            current = None if info is None else unwrap(info.annotation)
        elif typing.get_origin(current) in (tuple, list) and isinstance(part, int):
            current = unwrap(typing.get_args(current)[0])
        elif typing.get_origin(current) is dict and isinstance(part, str):
            current = unwrap(typing.get_args(current)[1])
        else:
            return None
    return current


def model_at(model: type[BaseModel] | None, path: FieldPath) -> type[BaseModel] | None:
    """The model of the mapping at `path` inside a `model` (None: not a model there)."""
    current = annotation_at(model, path)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def dated(annotation: Any, value: Any) -> Any:
    """`value` with `YYYY-MM-DD` text turned into dates where `annotation` has date fields.

    A date is then written unquoted, as people write them; text stays text (and quoted)
    where the model expects text.
    """
    if annotation is date and isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value  # not a calendar date: the model reports it, written as given
    if (
        isinstance(annotation, type)
        and issubclass(annotation, BaseModel)
        and isinstance(value, dict)
    ):
        return {key: dated(annotation_at(annotation, (key,)), item) for key, item in value.items()}
    if typing.get_origin(annotation) in (tuple, list) and isinstance(value, list):
        inner = unwrap(typing.get_args(annotation)[0])
        return [dated(inner, item) for item in value]
    return value


def key_order(model: type[BaseModel] | None) -> tuple[str, ...]:
    """The YAML keys of `model` in declaration order (the order new keys are placed in)."""
    if model is None:
        return ()
    return tuple(info.alias or name for name, info in model.model_fields.items())


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotated: Any = (
        Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    )
    return TypeAdapter(annotated)


def field_value(model: type[BaseModel], name: str, raw: Any) -> Any:
    """The value the model gives field `name` from its written `raw`, or `UNKNOWN`."""
    try:
        return _adapter(model, name).validate_python(raw)
    except (ValidationError, TypeError, ValueError):
        return UNKNOWN
