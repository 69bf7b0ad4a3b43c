"""The gate's one error: a usage or input problem that stops it before any decision."""

from __future__ import annotations

from ..errors import SraError


class GateError(SraError):
    """The gate cannot run: a bad ref, no git repository, an invalid glob, an unreadable list.

    A subclass of `SraError`, so the command line reports it as one line and exits 2.
    """
