"""Matplotlib figures as inline SVG: fixed settings, text kept as text, the same bytes each run."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

INK = "#222222"
FAINT = "#666666"
GRID = "#e4e4e4"

_RC: Mapping[RcKeyType, Any] = {
    "font.family": ["DejaVu Sans"],
    "font.size": 8,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": "#888888",
    "axes.linewidth": 0.6,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": "#555555",
    "ytick.color": "#555555",
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "legend.frameon": False,
    "legend.fontsize": 7.5,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.bbox": "standard",
    "svg.fonttype": "none",
    "svg.image_inline": True,
}

# Matplotlib's version in Creator would change the bytes on every upgrade; Date on every run.
_METADATA: Mapping[str, Any] = {"Date": None, "Creator": None, "Format": None, "Type": None}
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
# Matplotlib numbers its groups (figure_1, axes_1, ...) per file; two charts on one page would
# repeat them, and duplicate ids are invalid HTML. Nothing references these, so they go.
_GROUP_ID = re.compile(r' id="[A-Za-z][\w.]*_\d+"')


def render_svg(
    build: Callable[[Figure], None], size: tuple[float, float], label: str, salt: str
) -> str:
    """Draw a figure under fixed rc settings and return it as an inline `<svg>` element."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    with matplotlib.rc_context():
        # Start from matplotlib's defaults so a user's matplotlibrc cannot change the bytes.
        matplotlib.rcdefaults()
        # Distinct salts keep clip-path ids of different charts on one page from colliding.
        matplotlib.rcParams.update(_RC)
        matplotlib.rcParams["svg.hashsalt"] = f"hipaa-sra-{salt}"
        fig = Figure(figsize=size, layout=ConstrainedLayoutEngine(h_pad=0.06, w_pad=0.06))
        build(fig)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata=_METADATA)
    svg = _GROUP_ID.sub("", _PROLOGUE.sub("", buffer.getvalue(), count=1))
    attributes = f' role="img" aria-label={quoteattr(label)}'
    svg = svg.replace("<svg", f"<svg{attributes}", 1)
    # A <title> gives browsers a tooltip and screen readers a name even where aria is ignored.
    end = svg.index(">", svg.index("<svg")) + 1
    return f"{svg[:end]}\n <title>{escape(label)}</title>{svg[end:]}"
