"""Reading a policy file: YAML through the workspace parser, errors at `path:line:col`."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import LoadError
from ..loading.parse import parse_yaml
from ..loading.positions import SourceMap
from ..loading.read import read_file
from .policy import Loc, Policy, Problem, Rule, TablePolicy, problems


@dataclass(frozen=True)
class LoadedPolicy:
    """A valid policy, the file it came from, its digest, and where each key is written."""

    policy: Policy
    path: str
    digest: str
    """`sha256:` of the file's bytes: the record names exactly the policy that was applied."""
    source_map: SourceMap

    def error(self, found: Sequence[Problem]) -> LoadError:
        """One error naming every problem at its line and column."""
        return LoadError.combine([_at(self.path, self.source_map, p) for p in found])


def _at(path: str, source_map: SourceMap, problem: Problem) -> LoadError:
    loc, message, hint = problem
    line, column = source_map.position(tuple(loc))
    return LoadError(path, message, line, column, hint)


def _model_at(loc: Loc) -> type[BaseModel]:
    """The model whose field a pydantic error location ends in."""
    if len(loc) >= 5:
        return Rule
    if len(loc) >= 3:
        return TablePolicy
    return Policy


def _explain(error: Any, data: Any) -> Problem:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        fields = list(_model_at(loc).model_fields)
        close = difflib.get_close_matches(str(loc[-1]), fields, 1)
        return (
            loc,
            f"unknown field `{loc[-1]}`; expected one of {', '.join(fields)}",
            f"did you mean `{close[0]}`?" if close else None,
        )
    if kind == "missing":
        return loc, f"missing field `{loc[-1]}`", None
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
        close = difflib.get_close_matches(str(error.get("input")), options, 1)
        return (
            loc,
            f"`{error.get('input')}` is not allowed here; expected {expected}",
            f"did you mean `{close[0]}`?" if close else None,
        )
    return loc, f"{loc[-1]}: {error['msg']}", None


def load_policy(path: Path) -> LoadedPolicy:
    """The policy at `path`; `LoadError` naming every problem with its position."""
    shown = str(path)
    data = read_file(path, shown)
    value = parse_yaml(data, shown)
    source_map = SourceMap(data, value)
    if not isinstance(value, dict):
        raise LoadError(
            shown,
            "a policy is a mapping with `profile:` and `tables:`",
            1,
            1,
            "start from `sra deidentify --init-policy SOURCE`",
        )
    try:
        policy = Policy.model_validate(value)
    except ValidationError as exc:
        found = [_explain(e, value) for e in exc.errors()]
        raise LoadError.combine([_at(shown, source_map, p) for p in found]) from None
    loaded = LoadedPolicy(policy, shown, "sha256:" + hashlib.sha256(data).hexdigest(), source_map)
    wrong = problems(policy)
    if wrong:
        raise loaded.error(wrong)
    return loaded
