"""Progress of a long copy on a terminal: a steady line while polars streams a file, and the
rows the re-scan has read."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType

Say = Callable[[str], None]

EVERY = 2.0
"""Seconds between two progress lines."""


class Ticker:
    """Says what is being done, with the seconds it has taken, every `EVERY` seconds.

    A streamed copy (`sink_csv`, `sink_parquet`) runs inside polars and reports nothing
    until it ends; this keeps a terminal from looking stuck meanwhile.
    """

    def __init__(self, say: Say | None, what: str) -> None:
        self.say = say
        self.what = what
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        start = time.monotonic()
        while not self._stop.wait(EVERY):
            if self.say is not None:
                self.say(f"{self.what} ({time.monotonic() - start:,.0f} s)")

    def __enter__(self) -> Ticker:
        if self.say is not None:
            self.say(self.what)
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def scan_meter(say: Say | None) -> Callable[[int, int], None] | None:
    """A `sra scan` progress callback that says the rows re-scanned, at most every `EVERY` s."""
    if say is None:
        return None
    state = {"rows": 0, "said": 0.0}

    def progress(rows: int, size: int) -> None:
        state["rows"] += rows
        now = time.monotonic()
        if now - state["said"] >= EVERY:
            state["said"] = now
            say(f"re-scanned {int(state['rows']):,} rows")

    return progress
