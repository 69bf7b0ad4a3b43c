"""The migrations describe the models as they are (a model change without one fails here)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command


def test_no_model_change_lacks_a_migration(web_app: Any) -> None:
    call_command("makemigrations", "sra_web", check=True, dry_run=True, verbosity=0)
