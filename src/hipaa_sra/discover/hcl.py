"""Terraform HCL directories, for repositories with no plan: python-hcl2, unknowns kept unknown.

Only literal values are facts. Anything computed (`var.x`, `local.y`, a reference, a
function call, a string with `${...}` in it) is `UNKNOWN`: a variable's default may be
overridden at apply time, so it is not evidence. References are kept for joins and flows.
`count` and `for_each` are not expanded: a resource is reported once, by its address in
the configuration (`aws_s3_bucket.data`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .errors import DiscoveryError
from .model import Platform, Resource
from .source import read_text
from .values import UNKNOWN

# A resource type always has a provider prefix (`aws_`, `google_`): `app.tf` inside a
# string literal of an interpolation is not a reference.
_REFERENCE = re.compile(r"(?<![\w.@-])([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)")
_MAX_FILES = 10_000


def hcl_files(directory: Path) -> list[Path]:
    """The `.tf` files of a directory (not its subdirectories: those are other modules)."""
    try:
        files = sorted(p for p in directory.iterdir() if p.suffix == ".tf" and p.is_file())
    except OSError as exc:
        raise DiscoveryError(directory, f"cannot be listed: {exc.strerror or exc}") from None
    if len(files) > _MAX_FILES:
        raise DiscoveryError(directory, f"holds more than {_MAX_FILES} .tf files")
    return files


def read_hcl(paths: list[Path]) -> Iterator[Resource]:
    """The managed resources declared in these `.tf` files."""
    # Imported here: the parser and its grammar cost every `sra lint` a fortieth of a
    # second to import, and only a workspace that reads .tf directories uses them.
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    for path in paths:
        text = read_text(path)
        try:
            document = hcl2.loads(text)
        except UnexpectedInput as exc:
            raise DiscoveryError(
                path,
                f"not valid HCL: {_first_line(exc)}",
                getattr(exc, "line", 1) or 1,
                getattr(exc, "column", 1) or 1,
            ) from None
        except (LarkError, ValueError, RecursionError) as exc:
            raise DiscoveryError(path, f"not valid HCL: {_first_line(exc)}") from None
        for block in document.get("resource") or ():
            for rtype, named in _pairs(block):
                for name, body in _pairs(named):
                    body = body[0] if isinstance(body, list) and body else body
                    if not isinstance(body, Mapping):
                        continue
                    values = {
                        key: literal(value)
                        for key, value in _pairs(body)
                        if key not in ("count", "for_each", "provider", "lifecycle", "depends_on")
                    }
                    refs = {
                        key: found
                        for key, value in _pairs(body)
                        if (found := tuple(dict.fromkeys(references(value))))
                    }
                    yield Resource(Platform.TERRAFORM, f"{rtype}.{name}", rtype, values, "", refs)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _pairs(mapping: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(mapping, Mapping):
        for key, value in mapping.items():
            if not str(key).startswith("__"):
                yield _unquote(str(key)), value


def literal(value: Any) -> Any:
    """A python-hcl2 value as plain data, with every computed part `UNKNOWN`."""
    if isinstance(value, str):
        if "${" in value:
            return UNKNOWN
        if len(value) >= 2 and value[0] == value[-1] == '"':
            return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return value  # heredocs and bare words (`true` is parsed as a bool already)
    if isinstance(value, Mapping):
        return {key: literal(item) for key, item in _pairs(value)}
    if isinstance(value, list):
        return [literal(item) for item in value]
    return value


def references(value: Any) -> Iterator[str]:
    """Resource addresses (`aws_s3_bucket.logs`) an HCL value refers to."""
    if isinstance(value, str):
        if "${" not in value:
            return
        for match in _REFERENCE.finditer(value):
            head, name = match.group(1), match.group(2)
            yield f"{head}.{name}"
    elif isinstance(value, Mapping):
        for _, item in _pairs(value):
            yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)
