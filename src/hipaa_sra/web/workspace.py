"""The request's view of the workspace: loaded through the library once per content version.

Loading 50,000 risks takes seconds, so each process keeps the last few loaded versions,
keyed on the size and modification times of every workspace file: an edit, a `git pull` or
a checkout changes the key and the next request loads afresh. Results computed from a
version (lint, scores, coverage, ...) are memoised on it, per `today`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.http import HttpRequest
from django.utils import timezone

from ..loading import find_workspace, load_workspace
from ..loading.discover import scan_workspace
from ..model import Manifest, Workspace

if TYPE_CHECKING:
    from ..analysis.facts import Facts
    from ..rules import LintReport

T = TypeVar("T")

KEEP_VERSIONS = 3
"""Loaded versions kept per process: the current one and a couple still being served."""


def content_key(root: Path) -> str:
    """A key that changes whenever a file the loader reads (or its listing) changes."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(os.fsencode(root.absolute()))
    listing = scan_workspace(root)
    for source in listing.files:
        try:
            st = os.stat(source.path)
        except OSError:
            digest.update(b"\0missing\0" + os.fsencode(source.rel))
            continue
        digest.update(
            f"\0{source.rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}".encode(
                "utf-8", "surrogateescape"
            )
        )
    for stray in listing.strays:
        digest.update(f"\0stray\0{stray.code}\0{stray.shown}".encode("utf-8", "surrogateescape"))
    for error in listing.errors:
        digest.update(f"\0error\0{error}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _stat_key(path: Path) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_size, st.st_mtime_ns)


@dataclass
class WorkspaceVersion:
    """One loaded version of the workspace and what has been computed from it."""

    key: str
    workspace: Workspace
    _memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def root(self) -> Path:
        """The workspace directory."""
        return self.workspace.root

    @property
    def manifest(self) -> Manifest | None:
        """sra.yaml, or None when it could not be read as one."""
        return self.workspace.manifest

    @property
    def title(self) -> str:
        """The organization's name, as the pages' title shows it."""
        org = self.manifest.organization if self.manifest is not None else None
        return org.name if org is not None and org.name else self.root.name

    def derived(self, name: Hashable, compute: Callable[[Workspace], T]) -> T:
        """`compute(workspace)`, computed once for this version under `name`."""
        with self._lock:
            if name in self._memo:
                return cast(T, self._memo[name])
        value = compute(self.workspace)
        with self._lock:
            return cast(T, self._memo.setdefault(name, value))

    @property
    def facts(self) -> Facts:
        """The version's shared indexes (risks by asset, controls' evidence, ...), built once."""
        from ..analysis.facts import Facts

        return self.derived("facts", Facts)

    def lint(self, today: date) -> LintReport:
        """The lint report as of `today` (the same findings `sra lint` prints)."""
        from ..discover.workspace import workspace_discovery
        from ..rules import lint

        def run(ws: Workspace) -> LintReport:
            # With the version's shared indexes: what lint works out about the controls'
            # evidence and the risks' levels, the OCR elements and the calendar read again.
            return lint(ws, today, facts=self.facts, discovery=workspace_discovery(ws))

        return self.derived(("lint", today, self.outside_key()), run)

    def outside_key(self) -> tuple[tuple[str, int, int], ...]:
        """Size and time of the files lint reads besides the YAML: the infrastructure inputs
        of `discovery:` and the allowed-signers file (a changed plan means new findings)."""
        from ..discover.workspace import workspace_inputs

        paths = list(workspace_inputs(self.workspace))
        manifest = self.manifest
        if (
            manifest is not None
            and not manifest.is_unknown("signoff")
            and manifest.signoff.allowed_signers
        ):
            paths.append(self.root / manifest.signoff.allowed_signers)
        files = [f for p in paths for f in (sorted(p.glob("*.tf")) if p.is_dir() else [p])]
        return tuple(_stat_key(f) for f in files)


class WorkspaceCache:
    """The loaded versions of the workspaces this process serves, newest last."""

    def __init__(self, keep: int = KEEP_VERSIONS) -> None:
        self._keep = keep
        self._versions: OrderedDict[str, WorkspaceVersion] = OrderedDict()
        self._lock = threading.Lock()
        self._loading = threading.Lock()

    def get(self, root: Path) -> WorkspaceVersion:
        """The current version of the workspace at `root`, loading it when its files changed."""
        root = find_workspace(root)
        key = content_key(root)
        with self._lock:
            found = self._versions.get(key)
            if found is not None:
                self._versions.move_to_end(key)
                return found
        # One load at a time: concurrent requests for a new version wait for the first.
        with self._loading:
            with self._lock:
                found = self._versions.get(key)
            if found is None:
                found = WorkspaceVersion(key, load_workspace(root))
                with self._lock:
                    self._versions[key] = found
                    while len(self._versions) > self._keep:
                        self._versions.popitem(last=False)
        return found


def current_workspace(request: HttpRequest | None = None) -> WorkspaceVersion:
    """The workspace version this request sees (the same one for the whole request)."""
    if request is not None:
        seen: WorkspaceVersion | None = getattr(request, "_sra_workspace", None)
        if seen is not None:
            return seen
    from django.apps import apps

    from .app import current_config

    cache: WorkspaceCache = apps.get_app_config("sra_web").workspaces  # type: ignore[attr-defined]
    version = cache.get(current_config().workspace)
    if request is not None:
        request._sra_workspace = version  # type: ignore[attr-defined]
    return version


def today(request: HttpRequest | None = None) -> date:
    """The date checks measure against: the configured override, else the request's date."""
    from .app import current_config

    pinned = current_config().today
    return pinned if pinned is not None else timezone.localdate()
