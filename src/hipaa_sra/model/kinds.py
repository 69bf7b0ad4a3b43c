"""The file kinds of a workspace: which folder holds which record model."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from .assessment import Answer
from .assets import Asset
from .controls import Control
from .flows import Flow
from .manifest import Manifest
from .policies import Policy
from .risks import Risk
from .signoffs import Signoff
from .training import Training
from .vendors import Vendor


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of workspace file: its folder and the model of each record in it."""

    name: str
    """Plural name used in counts, JSON keys and `--kinds`."""
    folder: str
    model: type[BaseModel]
    has_ids: bool = True
    partial: bool = True
    """A record with invalid fields is kept with them unknown; else it is reported and dropped
    (sign-offs: a broken one must never count as a signature)."""
    singular: str = ""
    """How messages name one record; default: the name without its final s."""

    @property
    def noun(self) -> str:
        """One record of the kind, as messages name it: `risk`, `policy`, `training record`."""
        return self.singular or self.name.removesuffix("s")


MANIFEST_FILE = "sra.yaml"

KINDS: tuple[Kind, ...] = (
    Kind("assets", "inventory", Asset),
    Kind("flows", "flows", Flow),
    Kind("vendors", "vendors", Vendor),
    Kind("controls", "controls", Control),
    Kind("risks", "register", Risk),
    Kind("signoffs", "signoffs", Signoff, has_ids=False, partial=False),
    Kind("answers", "assessment", Answer),
    Kind("policies", "policies", Policy, singular="policy"),
    Kind("training", "training", Training, singular="training record"),
)
"""Record kinds in load order; each folder holds YAML files that are lists of records."""

KIND_BY_FOLDER = {kind.folder: kind for kind in KINDS}
KIND_BY_NAME = {kind.name: kind for kind in KINDS}
MANIFEST_MODEL = Manifest
