"""What the readers tell the run about a source table, and the policy checked against it."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from .policy import Action, Problem
from .policy_load import LoadedPolicy

KEY_ACTIONS = frozenset({Action.KEEP, Action.SURROGATE, Action.PSEUDONYMIZE})
"""Actions a primary or foreign key column may take: the copy's joins must still match."""


@dataclass(frozen=True)
class SourceTable:
    """A table as read: its name in the policy, its columns' types, its key columns."""

    name: str
    schema: pl.Schema
    keys: frozenset[str] = frozenset()
    references: tuple[tuple[str, str, str], ...] = ()
    """Foreign keys, one column each: (column, referenced table, referenced column)."""


def check_policy(loaded: LoadedPolicy, tables: Sequence[SourceTable]) -> None:
    """Raise one LoadError naming every table or column the policy and the source disagree on."""
    policy = loaded.policy
    found: list[Problem] = []
    names = {t.name for t in tables}
    for table in tables:
        spec = policy.tables.get(table.name)
        if spec is None:
            close = difflib.get_close_matches(table.name, list(policy.tables), 1)
            found.append(
                (
                    ("tables",),
                    f"the source has table `{table.name}`, which the policy "
                    "does not list; every table needs its columns' actions (or "
                    "`drop: true`)",
                    f"is `{close[0]}` meant to be `{table.name}`?"
                    if close
                    else "re-run --init-policy, or add it",
                )
            )
            continue
        if spec.drop:
            continue
        columns = table.schema.names()
        for column, rule in spec.columns.items():
            loc = ("tables", table.name, "columns", column)
            if column not in columns:
                close = difflib.get_close_matches(column, columns, 1)
                found.append(
                    (
                        loc,
                        f"table `{table.name}` has no column `{column}`",
                        f"did you mean `{close[0]}`?" if close else None,
                    )
                )
            elif column in table.keys and rule.action not in KEY_ACTIONS:
                found.append(
                    (
                        (*loc, "action"),
                        f"column `{column}` of `{table.name}` is a "
                        f"primary or foreign key; {rule.action} would break the joins",
                        "use surrogate (with the same domain on both sides) or keep",
                    )
                )
    found.extend(_joins(loaded, tables))
    for name in policy.tables:
        if name not in names:
            close = difflib.get_close_matches(name, sorted(names), 1)
            found.append(
                (
                    ("tables", name),
                    f"the source has no table `{name}`",
                    f"did you mean `{close[0]}`?" if close else None,
                )
            )
    if found:
        raise loaded.error(found)


def _joins(loaded: LoadedPolicy, tables: Sequence[SourceTable]) -> list[Problem]:
    """A foreign key and the key it references must be replaced alike, or joins break."""
    policy = loaded.policy
    found: list[Problem] = []
    for table in tables:
        spec = policy.tables.get(table.name)
        for column, parent, ref in table.references:
            other = policy.tables.get(parent)
            if spec is None or other is None or spec.drop:
                continue
            if other.drop:
                found.append(
                    (
                        ("tables", table.name),
                        f"table `{table.name}` references "
                        f"`{parent}`, which the policy drops; its foreign key would "
                        "point nowhere",
                        f"drop `{table.name}` too, or copy `{parent}`",
                    )
                )
                break
            mine, theirs = spec.columns.get(column), other.columns.get(ref)
            if mine is None or theirs is None:
                continue
            same = mine.action == theirs.action and (
                mine.action is Action.KEEP or mine.domain_of(column) == theirs.domain_of(ref)
            )
            if not same:
                found.append(
                    (
                        ("tables", table.name, "columns", column),
                        f"column `{column}` of `{table.name}` references `{parent}.{ref}`, "
                        f"which the policy treats differently ({theirs.action}, domain "
                        f"`{theirs.domain_of(ref)}`); the copy's rows would not join",
                        f"give both the same action and `domain: {theirs.domain_of(ref)}`",
                    )
                )
    return found
