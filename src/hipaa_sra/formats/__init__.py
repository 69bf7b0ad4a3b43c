"""Renderers of findings; each returns text and never does I/O."""

from .json import findings_json
from .text import findings_text, summary_line

__all__ = ["findings_json", "findings_text", "summary_line"]
