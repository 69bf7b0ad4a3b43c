"""`Facts`: indexes over a loaded workspace, built once on first use and shared by every rule.

Rules must stay linear in the size of the workspace; they get there by asking these
indexes ("risks on asset X", "controls citing 164.312(b)") instead of scanning lists.

A partial record (see `loading.partial`) is indexed by what is known of it: a risk whose
`asset` is unknown is on no asset, a control without a valid id is in no id index. A check
that concludes from an absence across records ("no risk names this asset") first asks
`known_everywhere`, since the unknown value might have been the one that was missing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TypeVar, cast

from pydantic import BaseModel

from ..catalog import RiskMatrix, normalize_citation
from ..model import (
    AddressableDecision,
    Asset,
    Control,
    EphiStatus,
    Flow,
    Level,
    Manifest,
    Person,
    Risk,
    SraModel,
    Workspace,
)
from ..scoring.levels import EffectiveLevels, effective_levels, is_untreated_high
from ..scoring.matrix import usable_matrix
from .evidence import EvidenceStatus, TextEvidence, control_evidence, read_text_evidence

K = TypeVar("K")
V = TypeVar("V")
D = TypeVar("D")

IN_SCOPE = frozenset({EphiStatus.PRESENT, EphiStatus.POSSIBLE})
"""ePHI statuses that put an asset in scope (`possible` counts until shown otherwise)."""


def _group(pairs: list[tuple[K, V]]) -> dict[K, list[V]]:
    out: dict[K, list[V]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


class Facts:
    """Lazily built indexes over one workspace; every property is computed at most once."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._known: dict[tuple[str, str], bool] = {}
        self._partial: dict[str, tuple[SraModel, ...]] = {}
        self._derived: dict[str, object] = {}
        self._levels: dict[int, EffectiveLevels] = {}

    def known_everywhere(self, kind: str, name: str) -> bool:
        """True if no record of `kind` (`risks`, `assets`...) has field `name` unknown.

        Only then may a check claim that something is absent across the kind.
        """
        key = (kind, name)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = not any(r.is_unknown(name) for r in self.partial(kind))
        return found

    def partial(self, kind: str) -> tuple[SraModel, ...]:
        """The records of `kind` with some field written but unusable, in workspace order.

        Nearly every record is whole: a check that asks which records could not be read
        in one field or another asks these few instead of every record of the kind.
        """
        found = self._partial.get(kind)
        if found is None:
            records: tuple[SraModel, ...] = getattr(self.workspace, kind)
            found = self._partial[kind] = tuple(record for record in records if record.unknown)
        return found

    @cached_property
    def manifest_known(self) -> frozenset[str]:
        """Top-level sra.yaml fields that are known (written validly, or left out)."""
        manifest = self.workspace.manifest
        names = frozenset(Manifest.model_fields)
        return names if manifest is None else names - manifest.unknown

    @cached_property
    def risks_by_asset(self) -> Mapping[str, list[Risk]]:
        """Risks per asset id (a risk whose asset is unknown is on none)."""
        return _group(
            [(risk.asset, risk) for risk in self.workspace.risks if risk.asset is not None]
        )

    @cached_property
    def controls_by_asset(self) -> Mapping[str, list[Control]]:
        """Controls per protected asset id."""
        ws = self.workspace
        return _group([(asset, control) for control in ws.controls for asset in control.assets])

    @cached_property
    def controls_by_citation(self) -> Mapping[str, list[Control]]:
        """Controls per normalized HIPAA citation they claim to meet."""
        pairs = [
            (normalize_citation(citation), control)
            for control in self.workspace.controls
            for citation in control.hipaa
        ]
        return _group(pairs)

    @cached_property
    def flows_by_node(self) -> Mapping[str, list[Flow]]:
        """Flows per asset or vendor id, at either end."""
        flows = self.workspace.flows
        pairs = [(flow.from_, flow) for flow in flows if flow.from_ is not None]
        pairs += [
            (flow.to, flow) for flow in flows if flow.to is not None and flow.to != flow.from_
        ]
        return _group(pairs)

    @cached_property
    def in_scope_assets(self) -> tuple[Asset, ...]:
        """Assets whose ePHI status is present or possible."""
        return tuple(asset for asset in self.workspace.assets if asset.ephi in IN_SCOPE)

    @cached_property
    def people(self) -> Mapping[str, Person]:
        """People of `sra.yaml` by id (people without a valid id are left out)."""
        manifest = self.workspace.manifest
        if manifest is None:
            return {}
        return {person.id: person for person in manifest.people if person.id is not None}

    @cached_property
    def people_complete(self) -> bool:
        """Every person in `sra.yaml` could be read, with id and roles: "nobody" can be said."""
        manifest = self.workspace.manifest
        if manifest is None:
            return True
        return "people" in self.manifest_known and not any(
            person.is_unknown("id", "roles") for person in manifest.people
        )

    @cached_property
    def people_by_role(self) -> Mapping[str, list[Person]]:
        """People of `sra.yaml` per role."""
        return _group([(role, p) for p in self.people.values() for role in p.roles])

    @cached_property
    def decisions(self) -> Mapping[str, AddressableDecision]:
        """Documented decisions on addressable specifications, by normalized citation."""
        manifest = self.workspace.manifest
        if manifest is None:
            return {}
        return {normalize_citation(d.spec): d for d in manifest.decisions if d.spec is not None}

    @cached_property
    def decisions_complete(self) -> bool:
        """Every decision in `sra.yaml` could be read as to which specification it is about."""
        manifest = self.workspace.manifest
        if manifest is None:
            return True
        return "decisions" in self.manifest_known and all(
            d.spec is not None for d in manifest.decisions
        )

    @cached_property
    def matrix(self) -> RiskMatrix | None:
        """The methodology's risk matrix, or None when `sra.yaml` names an unusable one.

        The loader reports an unusable methodology on sra.yaml; rules that need the matrix
        then have nothing to compare with and stay silent rather than guess. So too when a
        setting that picks the matrix could not be read: the defaults are not what was written.
        """
        return usable_matrix(self.workspace)

    def levels(self, risk: Risk) -> EffectiveLevels:
        """The risk's `effective_levels` under the methodology's matrix, worked out once."""
        # Four rules and the OCR elements read a risk's levels: 200,000 matrix lookups for
        # a 50,000-risk register, where one per risk will do.
        found = self._levels.get(id(risk))
        if found is None:
            found = self._levels[id(risk)] = effective_levels(risk, self.matrix)
        return found

    def expected_inherent(self, risk: Risk) -> Level | None:
        """The level the matrix gives for the risk's likelihood and impact, if it can."""
        return self.levels(risk).computed

    def untreated_high(self, risk: Risk) -> bool:
        """`is_untreated_high` under the methodology's matrix."""
        return is_untreated_high(risk, self.matrix, self.levels(risk))

    @cached_property
    def waived_records(self) -> tuple[tuple[BaseModel, str | None], ...]:
        """Records that carry waivers, with their id (None for sra.yaml).

        A record without a valid id is left out: a waiver is tied to findings by the id, and
        a waiver must never silence what it was not written for.
        """
        ws = self.workspace
        out: list[tuple[BaseModel, str | None]] = []
        if ws.manifest is not None and ws.manifest.waivers:
            out.append((ws.manifest, None))
        for kind in (
            ws.assets,
            ws.flows,
            ws.vendors,
            ws.controls,
            ws.risks,
            ws.answers,
            ws.policies,
            ws.training,
        ):
            out.extend(
                (record, record.id) for record in kind if record.waivers and record.id is not None
            )
        return tuple(out)

    def derived(self, key: str, build: Callable[[Facts], D]) -> D:
        """`build(self)`, computed once per key: for analyses built on these facts (coverage)
        that several consumers share, without this module importing them."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return cast(D, self._derived[key])

    @cached_property
    def digest_for_signoffs(self) -> str:
        """The workspace digest, computed once; empty when there is no sign-off to compare it to.

        Hashing every record is the costliest step of a lint on a large workspace, and
        without sign-offs no rule needs the result.
        """
        if not self.workspace.signoffs:
            return ""
        from .digest import workspace_digest

        return workspace_digest(self.workspace)

    def control_status(self, control: Control) -> EvidenceStatus:
        """Completeness and freshness of a control's evidence (memoized per control)."""
        status = self._control_status.get(id(control))
        if status is None:
            status = control_evidence(control, self._evidence_days)
            self._control_status[id(control)] = status
        return status

    def text_evidence(self, text: str) -> TextEvidence:
        """How, when and where a free-text control entry states (memoized per text)."""
        found = self._text_evidence.get(text)
        if found is None:
            found = self._text_evidence[text] = read_text_evidence(text)
        return found

    @cached_property
    def _control_status(self) -> dict[int, EvidenceStatus]:
        return {}  # by id() of the control: a control without a valid id has its own entry

    @cached_property
    def _text_evidence(self) -> dict[str, TextEvidence]:
        return {}

    @cached_property
    def _evidence_days(self) -> int | None:
        """The default evidence refresh interval; None while sra.yaml's value is unknown."""
        manifest = self.workspace.manifest
        return manifest.methodology.review_intervals.evidence_days if manifest else 365
