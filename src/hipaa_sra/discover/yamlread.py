"""Safe YAML for templates and manifests: CloudFormation short forms, no aliases, positions.

`!Ref x` becomes `{"Ref": "x"}`, `!GetAtt a.b` becomes `{"Fn::GetAtt": ["a", "b"]}` and
every other `!Name` becomes `{"Fn::Name": ...}`, as CloudFormation itself reads them.
Aliases are refused: neither CloudFormation nor Kubernetes needs them, and refusing them
rules out exponential expansion ("billion laughs") by construction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DiscoveryError

# The pure-Python loader: the alias check below hooks its composer, which libyaml's does not
# call. Templates and manifests are small, so speed does not matter here.
_BASE: Any = yaml.SafeLoader


class _Loader(_BASE):  # type: ignore[misc]
    """Safe loading plus CloudFormation's short-form intrinsic functions."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            mark = event.start_mark
            raise _AliasRefused(mark.line + 1, mark.column + 1)
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line, self.column = line, column


def _intrinsic(loader: Any, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else "Condition" if suffix == "Condition" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _intrinsic)


def load_documents(path: Path, text: str) -> list[Any]:
    """Every document of a YAML stream; `DiscoveryError` with the position when not YAML."""
    try:
        return list(yaml.load_all(text, Loader=_Loader))
    except _AliasRefused as exc:
        raise DiscoveryError(
            path,
            "YAML aliases (`*name`) are not accepted in templates and manifests",
            exc.line,
            exc.column,
            hint="write the value out in full",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise DiscoveryError(
            path, f"not valid YAML: {exc.problem or exc.context}", line, column
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise DiscoveryError(path, f"not valid YAML: {exc}") from None
