"""The risk matrix a methodology in `sra.yaml` selects, or exactly why it selects none.

Here rather than in scoring because the loader reports an unusable methodology as a
finding on sra.yaml, and the loader sits below scoring.
"""

from __future__ import annotations

from ..errors import SraError
from ..model import Manifest, MatrixName, Methodology
from .matrices import RiskMatrix, builtin_matrices, matrix_names, risk_matrix
from .scales import scale_levels


class MethodologyError(SraError, ValueError):
    """`sra.yaml`'s methodology names no usable matrix; says which field and what to write.

    A `ValueError` too, for callers that caught it as one before it joined `SraError`.
    """

    def __init__(self, field: str, message: str, hint: str) -> None:
        self.field = field
        """The key under `methodology` at fault, e.g. `matrix` or `custom_matrix`."""
        self.message = message
        self.hint = hint
        super().__init__(f"{message} ({hint})")


def matrix_known(manifest: Manifest) -> bool:
    """Every setting of sra.yaml that picks the risk matrix could be read.

    A custom table that could not be read matters only when the matrix is `custom`.
    """
    if manifest.is_unknown("methodology"):
        return False
    method = manifest.methodology
    if method.is_unknown("levels", "matrix"):
        return False
    return not (method.matrix is MatrixName.CUSTOM and method.is_unknown("custom_matrix"))


def manifest_matrix(manifest: Manifest | None) -> RiskMatrix:
    """The matrix `sra.yaml` selects; `MethodologyError` when there is none to score with.

    None is chosen in place of a guess: when sra.yaml did not load, or a setting that picks
    the matrix could not be read, the defaults are not what the workspace wrote, and scoring
    with them would mislabel every row of a workspace that chose otherwise.
    """
    if manifest is None:
        raise MethodologyError(
            "",
            "sra.yaml did not load, so the methodology to score with is unknown",
            "run `sra validate` and fix sra.yaml",
        )
    if manifest.is_unknown("methodology"):
        raise MethodologyError(
            "",
            "`methodology` could not be read, so no risk matrix applies",
            "fix `methodology` as its own finding says",
        )
    return methodology_matrix(manifest.methodology)


def methodology_matrix(methodology: Methodology) -> RiskMatrix:
    """The likelihood x impact matrix a methodology selects; `MethodologyError` if unusable."""
    levels, matrix = methodology.levels, methodology.matrix
    if levels is None or matrix is None:  # written but unreadable (the loader reported it)
        unread = "levels" if levels is None else "matrix"
        raise MethodologyError(
            unread,
            f"`methodology.{unread}` could not be read, so no risk matrix applies",
            f"fix `methodology.{unread}` as its own finding says",
        )
    names = ", ".join(scale_levels(levels))
    if matrix is MatrixName.CUSTOM:
        if methodology.is_unknown("custom_matrix"):  # see `matrix_known`
            raise MethodologyError(
                "custom_matrix",
                "`methodology.custom_matrix` could not be read in full, so no risk matrix applies",
                "fix `methodology.custom_matrix` as its own finding says",
            )
        if methodology.custom_matrix is None:
            raise MethodologyError(
                "matrix",
                "`methodology.matrix` is custom but `methodology.custom_matrix` is missing; "
                f"expected rows of likelihood -> {{impact: risk level}} over {names}",
                f"add `custom_matrix`, or choose a built-in matrix: {', '.join(matrix_names())}",
            )
        try:
            return RiskMatrix.from_table(methodology.custom_matrix, levels)
        except ValueError as exc:
            raise MethodologyError(
                "custom_matrix",
                f"`methodology.custom_matrix` is not a complete {levels}-level matrix: {exc}",
                f"write all {levels * levels} cells: each of {names} as likelihood, mapping "
                f"each of {names} as impact to one of {names}",
            ) from None
    name = matrix.value
    try:
        return risk_matrix(name, levels)
    except ValueError:
        defined = sorted(m.levels for m in builtin_matrices() if m.name == name)
        others = [m.name for m in builtin_matrices() if m.levels == levels]
        raise MethodologyError(
            "matrix",
            f"`methodology.matrix` is {name}, which is defined for "
            f"{' or '.join(map(str, defined))} levels only, but `methodology.levels` is {levels}",
            f"set `levels: {defined[0]}`, or choose a matrix with {levels} levels: "
            + ", ".join([*others, MatrixName.CUSTOM.value]),
        ) from None
