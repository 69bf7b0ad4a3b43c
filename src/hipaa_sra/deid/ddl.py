"""Column types and nullability of the copy: what each action does to a database column."""

from __future__ import annotations

from ..scan.types import IdentifierType
from .policy import Action, Rule

NULLABLE = frozenset({Action.REDACT, Action.GENERALIZE, Action.DATE_SHIFT, Action.REDACT_TEXT})
"""Actions that can leave a value empty: the copy's column accepts null."""


def column_type(rule: Rule, declared: str, *, postgres: bool) -> str:
    """The copy's type of a column: the source's, unless the action changes what it holds."""
    if rule.action is Action.GENERALIZE and rule.type is IdentifierType.DATE:
        return "integer" if postgres else "INTEGER"
    if rule.action in (Action.GENERALIZE, Action.PSEUDONYMIZE, Action.REDACT_TEXT):
        return "text" if postgres else "TEXT"
    return declared


def not_null(rule: Rule, declared: bool) -> bool:
    """Whether the copy's column keeps NOT NULL."""
    return declared and rule.action not in NULLABLE


def quote(name: str) -> str:
    """An SQL identifier in double quotes (SQLite and PostgreSQL read it alike)."""
    return '"' + name.replace('"', '""') + '"'


def load_order(tables: list[str], parents: dict[str, set[str]]) -> list[str]:
    """Tables with the ones they reference first, so foreign keys hold as rows arrive."""
    done: list[str] = []
    seen: set[str] = set()

    def visit(name: str, path: frozenset[str]) -> None:
        if name in seen or name in path:
            return  # a cycle: the database's own check will say which row is missing
        for parent in sorted(parents.get(name, ())):
            if parent in tables:
                visit(parent, path | {name})
        seen.add(name)
        done.append(name)

    for table in tables:
        visit(table, frozenset())
    return done
