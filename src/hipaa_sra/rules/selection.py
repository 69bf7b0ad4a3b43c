"""Which rules a run chooses: apart from the engine, so that a cached answer needs no rule."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Selection:
    """Which rules run: command-line choices on top of `rules:` in sra.yaml."""

    select: tuple[str, ...] = ()
    """Replaces the `select` of sra.yaml when given."""
    ignore: tuple[str, ...] = ()
    """Added to the `ignore` of sra.yaml."""

    @property
    def selectors(self) -> tuple[str, ...]:
        """Every code, prefix or name given, to be checked against the registry."""
        return (*self.select, *self.ignore)
