"""The Django app of the web package (label `sra_web`)."""

from __future__ import annotations

from django.apps import AppConfig


class SraWebConfig(AppConfig):
    """Models, templates and static files of `sra serve`; connects the audit signals."""

    name = "hipaa_sra.web"
    label = "sra_web"
    verbose_name = "hipaa-sra web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Record logins, logouts and failed logins in the audit trail."""
        from .workspace import WorkspaceCache

        self.workspaces = WorkspaceCache()
        """The loaded workspaces of this process, by content version."""
        from . import signals

        signals.connect()
