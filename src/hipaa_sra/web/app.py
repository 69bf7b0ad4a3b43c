"""Configure Django from a `WebConfig` and build the WSGI application."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import SraError
from .config import WebConfig
from .settings import build_settings

WSGIApp = Callable[..., Any]


class AlreadyConfigured(SraError):
    """Django was configured for another app in this process; settings are per process."""


def configure(config: WebConfig) -> None:
    """Configure Django's settings from `config` and set up the apps (once per process)."""
    import django
    from django.conf import settings

    if settings.configured:
        if getattr(settings, "SRA_WEB_CONFIG", None) != config:
            raise AlreadyConfigured(
                "the web app is already configured in this process "
                "with another workspace or database"
            )
        return
    settings.configure(**build_settings(config))
    django.setup()


def current_config() -> WebConfig:
    """The configuration of the running app."""
    from django.conf import settings

    config: WebConfig = settings.SRA_WEB_CONFIG
    return config


def migrate(*, verbosity: int = 0) -> None:
    """Create or update the app's database tables."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def make_wsgi_app(config: WebConfig) -> WSGIApp:
    """The app as a WSGI callable for waitress (or any WSGI server)."""
    configure(config)
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()
