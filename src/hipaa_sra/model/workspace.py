"""`Workspace`: the loaded whole, with indexes by id and the way back to source lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from ..findings import Finding, Location
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


class Locator(Protocol):
    """Finds where a record, or a field inside it, was written."""

    def locate(self, record: BaseModel, path: tuple[str | int, ...] = ()) -> Location:
        """Position of `record` (or of `path` inside it) in its file."""
        ...

    def file_of(self, record: BaseModel) -> str | None:
        """The file `record` was loaded from, without locating it (None if not from a file)."""
        ...


@dataclass(frozen=True)
class Unusable:
    """Part of a file that no model could take: an invalid field, an unknown key, a bad item.

    The loader keeps the rest of the record (a partial record); what it could not use is kept
    here, raw, so that nothing a person wrote is hidden: the digest covers it, and a change to
    it changes what a sign-off signed.
    """

    file: str
    """Path of the file relative to the workspace root (stable wherever `sra` runs from)."""
    key: str
    """The record it belongs to: `<kind>/<id>`, `<kind>/<file>#<index>` without an id, or
    `sra.yaml`."""
    path: tuple[str | int, ...]
    """Where inside the record (empty: the whole item)."""
    value: Any
    """The value as parsed from YAML."""


@dataclass(frozen=True)
class Workspace:
    """Every record of a workspace, validated, with id indexes and a source map."""

    root: Path
    manifest: Manifest | None
    assets: tuple[Asset, ...] = ()
    flows: tuple[Flow, ...] = ()
    vendors: tuple[Vendor, ...] = ()
    controls: tuple[Control, ...] = ()
    risks: tuple[Risk, ...] = ()
    signoffs: tuple[Signoff, ...] = ()
    answers: tuple[Answer, ...] = ()
    """Answers to the safeguards questionnaire (assessment/)."""
    policies: tuple[Policy, ...] = ()
    training: tuple[Training, ...] = ()
    findings: tuple[Finding, ...] = ()
    """Problems found while loading: schema, duplicate ids, dangling references."""
    files: tuple[str, ...] = ()
    """Workspace-relative paths of every file loaded."""
    unusable: tuple[Unusable, ...] = ()
    """Raw parts of records that failed validation; the loader reports each as a finding."""
    unnamed: Mapping[int, str] = field(default_factory=dict, repr=False, compare=False)
    """Keys (`<kind>/<file>#<n>`) of the records kept without a valid id, by `id()`."""
    locator: Locator | None = field(default=None, repr=False, compare=False)

    # Records without a valid id are in the tuples above but in none of these indexes.
    asset_by_id: Mapping[str, Asset] = field(default_factory=dict, repr=False, compare=False)
    flow_by_id: Mapping[str, Flow] = field(default_factory=dict, repr=False, compare=False)
    vendor_by_id: Mapping[str, Vendor] = field(default_factory=dict, repr=False, compare=False)
    control_by_id: Mapping[str, Control] = field(default_factory=dict, repr=False, compare=False)
    risk_by_id: Mapping[str, Risk] = field(default_factory=dict, repr=False, compare=False)
    answer_by_id: Mapping[str, Answer] = field(default_factory=dict, repr=False, compare=False)
    policy_by_id: Mapping[str, Policy] = field(default_factory=dict, repr=False, compare=False)

    def locate(self, record: BaseModel, path: tuple[str | int, ...] = ()) -> Location:
        """Where `record` (or a field of it, by `path`) was written."""
        if self.locator is None:
            return Location("sra.yaml")
        return self.locator.locate(record, path)

    def file_of(self, record: BaseModel) -> str | None:
        """The file `record` was loaded from (None if unknown), without locating it in the file."""
        return None if self.locator is None else self.locator.file_of(record)

    def record_key(self, kind: str, record: BaseModel) -> str:
        """`<kind>/<id>`, or for a record without a valid id `<kind>/<file>#<n>` (1-based).

        The same keys as `Unusable.key`, so a partial record and its unusable parts meet.
        """
        record_id = getattr(record, "id", None)
        if record_id is not None:
            return f"{kind}/{record_id}"
        return self.unnamed.get(id(record), f"{kind}/#?")

    def counts(self) -> dict[str, int]:
        """Number of records per kind."""
        return {
            "assets": len(self.assets),
            "flows": len(self.flows),
            "vendors": len(self.vendors),
            "controls": len(self.controls),
            "risks": len(self.risks),
            "signoffs": len(self.signoffs),
            "answers": len(self.answers),
            "policies": len(self.policies),
            "training": len(self.training),
        }
