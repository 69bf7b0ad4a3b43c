"""A workspace that cannot be loaded is shown as a page naming the file and line, not a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ...errors import LoadError, WorkspaceError


class WorkspaceErrorMiddleware:
    """Renders `WorkspaceError`s (unparsable YAML, no sra.yaml) as a 503 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """The response of the rest of the chain."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """The error page for a workspace that does not load; None for anything else."""
        if not isinstance(exception, WorkspaceError):
            return None
        lines = (
            exception.render() if isinstance(exception, LoadError) else str(exception)
        ).splitlines()
        return render(request, "web/workspace_error.html", {"problems": lines}, status=503)
