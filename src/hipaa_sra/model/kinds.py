"""The file kinds of a workspace: which folder holds which record model."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of workspace file: its folder and the model of each record in it."""

    name: str
    """Plural name used in counts, JSON keys and `--kinds`."""
    folder: str
    home: str
    """Where `model` is defined: `<module of hipaa_sra.model>:<class>`.

    Named, not imported: finding a workspace's files and answering from the cache need the
    kinds but not pydantic's models, whose import is most of an unchanged run's time.
    """
    has_ids: bool = True
    partial: bool = True
    """A record with invalid fields is kept with them unknown; else it is reported and dropped
    (sign-offs: a broken one must never count as a signature)."""
    singular: str = ""
    """How messages name one record; default: the name without its final s."""

    @property
    def model(self) -> type[BaseModel]:
        """The model of each record in the kind's files (imported on first use)."""
        module, _, name = self.home.partition(":")
        model: type[BaseModel] = getattr(import_module(f"hipaa_sra.model.{module}"), name)
        return model

    @property
    def noun(self) -> str:
        """One record of the kind, as messages name it: `risk`, `policy`, `training record`."""
        return self.singular or self.name.removesuffix("s")


MANIFEST_FILE = "sra.yaml"

KINDS: tuple[Kind, ...] = (
    Kind("assets", "inventory", "assets:Asset"),
    Kind("flows", "flows", "flows:Flow"),
    Kind("vendors", "vendors", "vendors:Vendor"),
    Kind("controls", "controls", "controls:Control"),
    Kind("risks", "register", "risks:Risk"),
    Kind("signoffs", "signoffs", "signoffs:Signoff", has_ids=False, partial=False),
    Kind("answers", "assessment", "assessment:Answer"),
    Kind("policies", "policies", "policies:Policy", singular="policy"),
    Kind("training", "training", "training:Training", singular="training record"),
)
"""Record kinds in load order; each folder holds YAML files that are lists of records."""

KIND_BY_FOLDER = {kind.folder: kind for kind in KINDS}
KIND_BY_NAME = {kind.name: kind for kind in KINDS}
