"""The change-management gate: changed paths -> touched assets -> the consultation required.

`run_gate` takes a change (git `base...head`, or a list of paths), finds the assets whose
`code_paths` the change touches, and decides for each one with ePHI present or possible
whether the change consulted the risk analysis: by editing workspace records that concern
the asset, or by an `SRA-Reviewed:` commit trailer naming it. See docs/gate.md.
"""

from .changes import DEFAULT_BASES, Revisions, read_paths
from .consult import AssetDecision, GateResult, TrailerCheck, decide, run_gate
from .errors import GateError
from .match import AssetMatcher, normalize_path
from .trailers import TRAILER_KEY, Trailer, parse_trailer, suggested_trailer

__all__ = [
    "DEFAULT_BASES",
    "TRAILER_KEY",
    "AssetDecision",
    "AssetMatcher",
    "GateError",
    "GateResult",
    "Revisions",
    "Trailer",
    "TrailerCheck",
    "decide",
    "normalize_path",
    "parse_trailer",
    "read_paths",
    "run_gate",
    "suggested_trailer",
]
