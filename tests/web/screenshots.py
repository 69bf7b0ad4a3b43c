"""Screenshots of the app for the documentation, taken by the browser tests.

Off by default (the PNGs are tracked files); `SRA_UPDATE_SCREENSHOTS=1` writes them into
docs/web/, as `SRA_UPDATE_GOLDEN=1` regenerates golden files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parents[2] / "docs" / "web"


def screenshot(page: Any, name: str) -> Path | None:
    """Save the page (a Playwright Page) as docs/web/<name>.png when screenshots are asked for."""
    if os.environ.get("SRA_UPDATE_SCREENSHOTS") != "1":
        return None
    DOCS.mkdir(parents=True, exist_ok=True)
    path = DOCS / f"{name}.png"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(path), full_page=True)
    return path
