"""History: the commits that touched the workspace, and what changed between two of them.

The difference is `sra diff`'s (`history.diff_refs`): risks added, removed and re-scored,
remediation items added, closed and removed. Revisions are chosen from the listed commits
only, so nothing a request sends reaches git but a commit id git itself printed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from ...git import GitError
from ...history import (
    Commit,
    Repository,
    RiskDiff,
    diff_refs,
    open_repository,
)
from ...history.git import workspace_commits
from .. import reading
from ..permissions import Permission, requires

LISTED = 200
"""Newest commits the page lists and offers for comparison."""
KEEP_DIFFS = 8
"""Differences kept per process: commit ids never change, so a cached one is always right."""

_diffs: OrderedDict[tuple[str, str, str], RiskDiff] = OrderedDict()
_lock = threading.Lock()


def _diff(repo: Repository, old: str, new: str) -> RiskDiff:
    key = (str(repo.root), old, new)
    with _lock:
        found = _diffs.get(key)
    if found is None:
        found = diff_refs(repo, old, new)
        with _lock:
            _diffs[key] = found
            while len(_diffs) > KEEP_DIFFS:
                _diffs.popitem(last=False)
    return found


@requires(Permission.READ)
def history_view(request: HttpRequest) -> HttpResponse:
    """The commits, newest first; with `a` and `b` chosen, the register's changes between them."""
    root = reading.current_workspace(request).root
    try:
        repo = open_repository(root)
    except GitError as exc:
        return render(request, "web/history/index.html", {"problem": str(exc)})
    commits: list[Commit] = workspace_commits(repo, limit=LISTED)
    known = {commit.sha: commit for commit in commits}
    old, new = request.GET.get("a", ""), request.GET.get("b", "")
    diff, problem = None, None
    if old or new:
        if old not in known or new not in known:
            problem = "Choose both revisions from the list of commits."
        else:
            try:
                diff = _diff(repo, old, new)
            except GitError as exc:  # the workspace does not load at one of them
                problem = str(exc)
    default_a = commits[1].sha if len(commits) > 1 else (commits[0].sha if commits else "")
    return render(
        request,
        "web/history/index.html",
        {
            "commits": commits,
            "diff": diff,
            "problem": problem,
            "repo": repo,
            "a": old or default_a,
            "b": new or (commits[0].sha if commits else ""),
        },
    )


urlpatterns = [
    path("history/", history_view, name="history"),
]
