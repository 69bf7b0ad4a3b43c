"""A whole new record against what is written: the fewest key-level edits from one to the other.

Values are compared through the model, so a record that says what the file says (even
`medium` written where the model has `moderate`) changes nothing, and a key whose value
is equal stays exactly as written. Fields the record could not read (a partial record's
`unknown`) are never touched: what the user wrote there stays for them to fix.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from .changes import FieldPath
from .fields import UNKNOWN, field_value
from .render import plain
from .splice import DELETE

Edit = tuple[FieldPath, Any]
"""A path inside the record and its new value (`DELETE` to remove it)."""


def _old_model(model: type[BaseModel], raw: dict[str, Any]) -> BaseModel | None:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _empty(value: Any) -> bool:
    return value is None or value == ()


def record_edits(raw: Any, new: BaseModel, path: FieldPath = ()) -> list[Edit]:
    """The edits that turn the written `raw` into `new` (a model of the record's kind)."""
    model = type(new)
    if not isinstance(raw, dict):
        return [(path, plain(new))]
    old = _old_model(model, raw)
    unknown: frozenset[str] = getattr(new, "unknown", frozenset())
    edits: list[Edit] = []
    for name, info in model.model_fields.items():
        if name in unknown:
            continue
        key = info.alias or name
        after = getattr(new, name)
        present = key in raw
        if old is not None:
            before = getattr(old, name)
        elif present:
            before = field_value(model, name, raw[key])
        else:
            before = info.get_default(call_default_factory=True)
        if before is not UNKNOWN and before == after:
            continue
        if _empty(after):
            if present:
                edits.append(((*path, key), DELETE))
            continue
        written = raw.get(key)
        if isinstance(after, BaseModel) and isinstance(written, dict):
            edits.extend(record_edits(written, after, (*path, key)))
        elif (
            isinstance(after, tuple)
            and after
            and all(isinstance(i, BaseModel) for i in after)
            and isinstance(written, list)
        ):
            for index, item in enumerate(after):
                if index < len(written) and isinstance(written[index], dict):
                    edits.extend(record_edits(written[index], item, (*path, key, index)))
                else:
                    edits.append(((*path, key, index), plain(item)))
            edits.extend(
                ((*path, key, index), DELETE) for index in reversed(range(len(after), len(written)))
            )
        else:
            edits.append(((*path, key), plain(after)))
    return edits
