"""HIPAA coverage: for every standard and implementation specification, what meets it.

One row per catalog entry (22 standards, 46 implementation specifications), in regulation
order, for the coverage rule (SRA401) and the report's coverage table.

How a specification is met:
- A control *covers* an entry when its `hipaa` list cites that entry. Citations are resolved
  through the catalog, so `45 CFR 164.312(b)`, a standard written without its `(i)`, and
  former numbering such as `164.308(b)(4)` all count.
- A control citing only a standard (`164.308(a)(5)(i)`) does **not** cover the standard's
  implementation specifications: it does not say which of them it implements, and an
  auditor asks spec by spec. It is listed on the standard's row, and the rule's message
  points at it so adding the specification's citation is a one-line fix.
- An addressable specification is also met by a complete documented decision in
  `sra.yaml` `decisions` (164.306(d)(3)): a decision and a rationale, and for `alternative`
  the alternative measure. Status `decided`.
- A required specification or self-specifying standard (treated as required) needs a
  control. The exception are required specifications that apply only to some entities
  (`CONDITIONAL`: clearinghouses, government entities, group health plans): a complete
  decision saying why they do not apply meets them, also as `decided`.
- A standard with implementation specifications takes its status from them: covered when
  all are covered, decided when all are covered or decided, else uncovered.
- A yes answer of the safeguards questionnaire with documented evidence (a control, or what,
  how, when and where) covers the entries its question cites, and an active, approved policy
  citing an administrative, organizational or documentation entry covers it: a written
  procedure is how those are implemented; physical and technical safeguards need more.
- A specification that binds only some entities (`CONDITIONAL`) is `not-applicable` for an
  organization whose `entity_type` it cannot bind (a business associate is no clearinghouse
  component, government entity or group health plan), unless a control claims it.
- Nothing is claimed uncovered on the strength of what could not be read: while a control's
  `hipaa` list, or a decision (which spec, what kind, its rationale), holds an unreadable
  value, an entry nothing readable meets is `unknown`, not `uncovered`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from ..catalog import (
    CONDITIONAL_ENTITY_TYPES,
    CONDITIONAL_SPECS,
    HipaaEntry,
    hipaa_entries,
    hipaa_entry,
    normalize_citation,
)
from ..catalog.questions import Implication, question_by_id
from ..model import AddressableDecision, DecisionKind, PolicyStatus, Workspace
from .facts import Facts
from .questionnaire import entity_type

CONDITIONAL = CONDITIONAL_SPECS


class CoverageStatus(StrEnum):
    """How an entry is met."""

    COVERED = "covered"
    """A mapped control cites it (for a standard: every specification is covered)."""
    DECIDED = "decided"
    """A complete documented decision meets it (addressable, or required but conditional)."""
    NOT_APPLICABLE = "not-applicable"
    """It binds only some entities, and the organization's `entity_type` is not one of them."""
    UNKNOWN = "unknown"
    """Nothing readable meets it, but a citation or decision that could not be read might."""
    UNCOVERED = "uncovered"
    """Nothing meets it yet."""


@dataclass(frozen=True)
class CoverageRow:
    """One standard or implementation specification and what meets it."""

    entry: HipaaEntry
    status: CoverageStatus
    controls: tuple[str, ...]
    """Ids of controls citing this entry, in workspace order."""
    decision: AddressableDecision | None = None
    """The decision documented for it in `sra.yaml`, complete or not."""
    decision_index: int | None = None
    """Position of that decision in `sra.yaml` `decisions`."""
    decision_gaps: tuple[str, ...] = ()
    """Fields the decision lacks (`rationale`, `alternative_measure`)."""
    standard_controls: tuple[str, ...] = ()
    """For a specification: controls that cite only its standard (they do not cover it)."""
    condition: str | None = None
    """For a conditional required specification: to whom it applies."""
    answers: tuple[str, ...] = ()
    """Questionnaire answers (question ids) that say yes to it with documented evidence."""
    policies: tuple[str, ...] = ()
    """Ids of active, approved policies citing it."""

    @property
    def citation(self) -> str:
        """Canonical citation, e.g. `164.312(a)(2)(iv)`."""
        return self.entry.citation

    @property
    def title(self) -> str:
        """Name as printed in the regulation."""
        return self.entry.name

    @property
    def is_requirement(self) -> bool:
        """A control or decision can meet it: a specification or a self-specifying standard."""
        return self.entry.is_mappable

    @property
    def is_required(self) -> bool:
        """Required spec or self-specifying standard (not addressable)."""
        return self.entry.is_required

    @property
    def accepts_decision(self) -> bool:
        """A documented decision can meet it instead of a control."""
        return self.entry.designation == "addressable" or self.condition is not None


def decision_gaps(decision: AddressableDecision) -> tuple[str, ...]:
    """What a decision lacks to be complete: a rationale, and for `alternative` the measure.

    A part written but unreadable is not a gap: no one can say it is missing.
    """
    gaps = (
        []
        if ((decision.rationale and decision.rationale.strip()) or decision.is_unknown("rationale"))
        else ["rationale"]
    )
    if decision.decision is DecisionKind.ALTERNATIVE and not (
        (decision.alternative_measure and decision.alternative_measure.strip())
        or decision.is_unknown("alternative_measure")
    ):
        gaps.append("alternative_measure")
    return tuple(gaps)


def _unsure(decision: AddressableDecision | None) -> bool:
    """The decision holds an unreadable part that could decide whether it meets its entry."""
    return decision is not None and decision.is_unknown(
        "decision", "rationale", "alternative_measure"
    )


@cache
def _aliases() -> dict[str, str]:
    return {alias: entry.citation for entry in hipaa_entries() for alias in entry.aliases}


def _resolved(citation: str) -> str:
    """The catalog citation a written one means, former numbering included."""
    entry = hipaa_entry(citation)
    if entry is not None:
        return entry.citation
    # Citing 164.308(b)(4) for today's (b)(3) is a spelling problem the citation check
    # reports; the control still implements the specification.
    key = normalize_citation(citation)
    return _aliases().get(key, key)


def _controls_by_entry(facts: Facts) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, controls in facts.controls_by_citation.items():
        ids = out.setdefault(_resolved(key), [])
        ids.extend(control.label for control in controls)
    # Two spellings of one citation (or one control citing both) must not list it twice.
    return {key: list(dict.fromkeys(ids)) for key, ids in out.items()}


def _decisions_by_entry(ws: Workspace) -> dict[str, tuple[int, AddressableDecision]]:
    manifest = ws.manifest
    if manifest is None:
        return {}
    out: dict[str, tuple[int, AddressableDecision]] = {}
    for index, decision in enumerate(manifest.decisions):
        # The first decision on a spec is the one shown; a second is a contradiction for a
        # human to resolve, not something to merge silently.
        if decision.spec is not None:
            out.setdefault(_resolved(decision.spec), (index, decision))
    return out


_ORDER = (
    CoverageStatus.COVERED,
    CoverageStatus.DECIDED,
    CoverageStatus.NOT_APPLICABLE,
    CoverageStatus.UNKNOWN,
    CoverageStatus.UNCOVERED,
)

_POLICY_SAFEGUARDS = frozenset({"administrative", "organizational", "documentation"})
"""Families whose entries a written, approved procedure implements."""


def _answers_by_entry(ws: Workspace) -> dict[str, list[str]]:
    """Citation -> question ids answered yes with documented evidence."""
    questions = question_by_id()
    out: dict[str, list[str]] = {}
    for answer in ws.answers:
        question = questions.get(answer.id or "")
        if question is None or answer.answer is None:
            continue
        if question.implication(answer.answer) is not Implication.YES:
            continue
        if any(item.documented for item in answer.evidence):
            for citation in question.cites:
                out.setdefault(citation, []).append(question.id)
    return out


def _policies_by_entry(ws: Workspace) -> dict[str, list[str]]:
    """Citation -> ids of active, approved policies that cite it."""
    out: dict[str, list[str]] = {}
    for policy in ws.policies:
        if (
            policy.status is not PolicyStatus.ACTIVE
            or policy.id is None
            or policy.approved is None
            or not policy.approved_by
        ):
            continue
        for citation in policy.hipaa:
            out.setdefault(_resolved(citation), []).append(policy.id)
    return out


@dataclass(frozen=True)
class _Evidence:
    """What else than controls and decisions can meet an entry."""

    answers: Mapping[str, list[str]]
    policies: Mapping[str, list[str]]
    entity_type: str | None


def coverage_rows(facts: Facts) -> list[CoverageRow]:
    """The workspace's coverage rows, computed once per `Facts` and shared by its consumers."""
    return facts.derived("coverage", lambda shared: hipaa_coverage(shared.workspace, shared))


def hipaa_coverage(ws: Workspace, facts: Facts | None = None) -> list[CoverageRow]:
    """One row per HIPAA standard and implementation specification, in regulation order."""
    facts = facts or Facts(ws)
    controls = _controls_by_entry(facts)
    decisions = _decisions_by_entry(ws)
    unread = _Unread(not facts.known_everywhere("controls", "hipaa"), not facts.decisions_complete)
    evidence = _Evidence(_answers_by_entry(ws), _policies_by_entry(ws), entity_type(ws))
    entries = hipaa_entries()
    standard_of = _standard_citations(entries)
    rows: dict[str, CoverageRow] = {}
    worst: dict[str, CoverageStatus] = {}
    for entry in entries:
        if entry.is_standard and not entry.self_specifying:
            continue
        row = rows[entry.citation] = _requirement_row(
            entry, controls, decisions, standard_of, unread, evidence
        )
        parent = standard_of.get(entry.citation)
        if parent is None:
            continue
        if row.status is CoverageStatus.NOT_APPLICABLE:
            # A specification that does not bind the organization says nothing about how its
            # standard is met; only a standard all of whose specifications do not bind it is
            # not applicable itself.
            worst.setdefault(parent, row.status)
        elif worst.get(parent) in (None, CoverageStatus.NOT_APPLICABLE):
            worst[parent] = row.status
        else:
            worst[parent] = max(worst[parent], row.status, key=_ORDER.index)
    return [rows.get(entry.citation) or _standard_row(entry, worst, controls) for entry in entries]


def _standard_row(
    entry: HipaaEntry, worst: Mapping[str, CoverageStatus], controls: Mapping[str, list[str]]
) -> CoverageRow:
    status = worst.get(entry.citation, CoverageStatus.UNCOVERED)
    return CoverageRow(entry, status, tuple(controls.get(entry.citation, ())))


@dataclass(frozen=True)
class _Unread:
    """What could not be read that might meet an entry."""

    citations: bool
    """A control's `hipaa` list holds an unreadable value."""
    decisions: bool
    """A decision in sra.yaml (or the list) could not be read as to which spec it is about."""


def _requirement_row(
    entry: HipaaEntry,
    controls: Mapping[str, list[str]],
    decisions: Mapping[str, tuple[int, AddressableDecision]],
    standard_of: Mapping[str, str],
    unread: _Unread,
    evidence: _Evidence,
) -> CoverageRow:
    mapped = tuple(controls.get(entry.citation, ()))
    answers = tuple(evidence.answers.get(entry.citation, ()))
    policies = tuple(evidence.policies.get(entry.citation, ()))
    binds = CONDITIONAL_ENTITY_TYPES.get(entry.citation)
    index, decision = decisions.get(entry.citation, (None, None))
    gaps = decision_gaps(decision) if decision is not None else ()
    condition = CONDITIONAL.get(entry.citation)
    if decision is not None:
        kind = decision.decision
        if condition is None and kind is DecisionKind.NOT_APPLICABLE:
            gaps = ("decision", *gaps)  # binds every entity: "does not apply" is no decision
        elif (
            condition is not None
            and entry.designation == "required"
            and kind not in (DecisionKind.NOT_APPLICABLE, DecisionKind.IMPLEMENTED)
        ):
            gaps = ("decision", *gaps)  # required where it applies: never "not reasonable"
    accepts = entry.designation == "addressable" or condition is not None
    if mapped or answers or (policies and entry.safeguard in _POLICY_SAFEGUARDS):
        status = CoverageStatus.COVERED
    elif (
        binds is not None
        and evidence.entity_type is not None
        and (evidence.entity_type not in binds)
    ):
        status = CoverageStatus.NOT_APPLICABLE
    elif accepts and decision is not None and not gaps and not _unsure(decision):
        status = CoverageStatus.DECIDED
    elif unread.citations or (accepts and (unread.decisions or _unsure(decision))):
        status = CoverageStatus.UNKNOWN
    else:
        status = CoverageStatus.UNCOVERED
    parent = standard_of.get(entry.citation)
    return CoverageRow(
        entry,
        status,
        mapped,
        decision,
        index,
        gaps,
        tuple(controls.get(parent, ())) if parent else (),
        condition,
        answers,
        policies,
    )


def _standard_citations(entries: tuple[HipaaEntry, ...]) -> dict[str, str]:
    """Citation of each implementation specification -> citation of its standard."""
    out: dict[str, str] = {}
    current: HipaaEntry | None = None
    for entry in entries:
        # The catalog lists each standard right before its specifications.
        if entry.is_standard:
            current = entry
        elif current is not None and current.standard == entry.standard:
            out[entry.citation] = current.citation
    return out


@dataclass(frozen=True)
class CoverageSummary:
    """Counts of a coverage table, for headlines."""

    covered: int
    decided: int
    unknown: int
    """Met by nothing readable, but an unreadable citation or decision might meet them."""
    uncovered: int
    required_uncovered: int
    """Required specifications and self-specifying standards nothing meets."""
    not_applicable: int = 0
    """Specifications the organization's entity type is not bound by."""

    @property
    def total(self) -> int:
        """Specifications and self-specifying standards counted."""
        return self.covered + self.decided + self.unknown + self.uncovered + self.not_applicable


def coverage_summary(rows: list[CoverageRow]) -> CoverageSummary:
    """Count the requirement rows (specifications and self-specifying standards) by status."""
    counts = dict.fromkeys(CoverageStatus, 0)
    required_uncovered = 0
    for row in rows:
        if row.is_requirement:
            counts[row.status] += 1
            required_uncovered += row.is_required and row.status is CoverageStatus.UNCOVERED
    return CoverageSummary(
        counts[CoverageStatus.COVERED],
        counts[CoverageStatus.DECIDED],
        counts[CoverageStatus.UNKNOWN],
        counts[CoverageStatus.UNCOVERED],
        required_uncovered,
        counts[CoverageStatus.NOT_APPLICABLE],
    )
