"""Progress of a command that runs in stages: one line each on standard error, with the time
spent, and a clock that ticks while a long stage gives no other sign of life."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType


class Stages:
    """`with Stages("sra report") as stages: stages.start("laying out")`; silent when off.

    `after`: seconds into the run before the first line appears, so that a command that is
    usually quick (a lint of a small workspace) prints nothing unless it runs long.
    """

    def __init__(self, command: str, *, enabled: bool, after: float = 0.0) -> None:
        self.command = command
        self.enabled = enabled
        self._label = ""
        self._began = 0.0
        self._quiet_until = time.monotonic() + after
        self._shown = False
        """Whether the stage under way has printed its line."""
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self, label: str) -> None:
        """End the stage under way (if any) and start `label`."""
        if not self.enabled:
            return
        self._finish()
        self._label, self._began = label, time.monotonic()
        self._shown = False
        if self._began >= self._quiet_until:
            self._show()
        self._stop.clear()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def say(self, text: str) -> None:
        """A message on standard error, on its own line whether or not progress is shown."""
        self._finish()
        sys.stderr.write(f"{text}\n")
        sys.stderr.flush()

    def _tick(self) -> None:
        # Layout of a long PDF is one call that reports nothing for minutes: a clock says
        # it is still working.
        first = 1.0 if self._shown else max(self._quiet_until - time.monotonic(), 0.0)
        if self._stop.wait(first):
            return
        self._show()
        while not self._stop.wait(1.0):
            self._show()

    def _show(self, end: str = "") -> None:
        seconds = time.monotonic() - self._began
        with self._lock:
            self._shown = True
            sys.stderr.write(f"\r{self.command}: {self._label} ({seconds:.0f} s){end}")
            sys.stderr.flush()

    def _finish(self) -> None:
        if self._ticker is None:
            return
        self._stop.set()
        self._ticker.join()
        self._ticker = None
        if self._shown:
            self._show("\n")

    def __enter__(self) -> Stages:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._finish()


QUICK_COMMAND_HELP = (
    "Progress on standard error (default: on a terminal, once a run has taken a second)."
)


def quick_command_stages(command: str, progress: bool | None) -> Stages:
    """The stages of a command that is usually quick, as `--progress/--no-progress` ask.

    Unasked, on a terminal only and not before the run has taken a second, so that a
    cached or small run prints nothing; `--progress` shows every stage at once.
    """
    if progress is None:
        return Stages(command, enabled=sys.stderr.isatty(), after=1.0)
    return Stages(command, enabled=progress)
