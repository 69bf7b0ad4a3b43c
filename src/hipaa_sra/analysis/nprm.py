"""Readiness for the 2025 Security Rule NPRM (90 FR 898): PROPOSED, NOT LAW, item by item.

Each proposed cadence or requirement is judged from the workspace as of a given day:
`ready` when the data shows it is met, `gap` when the data shows it is not (or that the
record the NPRM would require is missing), `not-assessed` when the workspace has no field
that could show it either way. The last is never rounded up to ready: a related control is
named as a pointer, not as proof. Intervals come from the bundled NPRM profile, never from
literals, so a corrected profile number changes every verdict with it.

The cadences a time-based lint rule checks are not listed here: every rule whose declared
`Interval` has an NPRM cadence brings its item, judged on the records of the rule's
`Renewal`, so adding such a rule adds its item. The other items the lint rules check
(SRA209, SRA302, SRA303) use the same predicates, so `sra lint` and the report never
disagree about which record falls short. Everything is one pass over the records plus the
shared indexes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import partial
from typing import Any

from ..catalog import NprmCadence, hipaa_entry, nprm_profile
from ..model import Asset, Control, Evidence, Workspace
from ..rules.registry import RULES
from .exposure import needs_mfa, stores_data
from .facts import Facts
from .intervals import Renewal
from .ocr import listing
from .signoff_status import last_review


class Readiness(StrEnum):
    """How far the workspace shows one proposed item is met."""

    READY = "ready"
    GAP = "gap"
    NOT_ASSESSED = "not-assessed"


@dataclass(frozen=True)
class NprmItem:
    """One proposed requirement and where the workspace stands on it."""

    key: str
    """The profile's cadence key, or `mfa`, `encryption_at_rest`, `encryption_in_transit`."""
    group: str
    """Report section: inventory and analysis, technical safeguards, testing and audits, ..."""
    requirement: str
    """The proposed requirement in plain words."""
    citation: str
    """Paragraph of the proposed text, e.g. `proposed 164.312(h)(2)`."""
    confidence: str
    """How well the requirement is backed: verified, secondary or unverified."""
    status: Readiness
    reasons: tuple[str, ...]
    """What is missing (gap) or what to document (not-assessed); empty when ready."""
    evidence: tuple[str, ...] = ()
    """What shows it (ready), or a related control worth checking (not-assessed)."""


@dataclass(frozen=True)
class NprmReadiness:
    """Every NPRM item in report order, under the profile's PROPOSED (not law) label."""

    label: str
    items: tuple[NprmItem, ...]

    def count(self, status: Readiness) -> int:
        """How many items are in `status`."""
        return sum(item.status is status for item in self.items)

    def item(self, key: str) -> NprmItem:
        """The item named `key` (KeyError for an unknown one)."""
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)


@dataclass(frozen=True)
class EvidenceMapping:
    """Which current-rule citations carry the evidence for one dated NPRM activity."""

    citations: tuple[str, ...]
    """Catalog citations; a control citing any of them (in any spelling) counts."""
    activity: str
    """The activity the evidence must record, e.g. `contingency plan test`."""
    interval: str
    """NPRM cadence key whose value is the allowed age of that evidence, in days."""


EVIDENCE_MAP: Mapping[str, EvidenceMapping] = {
    # Evaluation is the current rule's periodic technical and nontechnical assessment.
    "compliance_audit": EvidenceMapping(("164.308(a)(8)",), "compliance audit", "compliance_audit"),
    # The standard counts too: an IR plan control is often cited as "164.308(a)(6)".
    "ir_plan_test": EvidenceMapping(
        ("164.308(a)(6)(ii)", "164.308(a)(6)(i)"), "incident response plan test", "ir_plan_test"
    ),
    "contingency_test": EvidenceMapping(
        ("164.308(a)(7)(ii)(D)",), "contingency plan test", "contingency_test"
    ),
    # The standard only: it is the training program. (A) reminders would let a monthly
    # phishing email pass for annual training; (B)-(D) are malware, log-in and password
    # safeguards whose evidence says nothing about training.
    "training_refresh": EvidenceMapping(
        ("164.308(a)(5)(i)",), "security awareness training", "training_refresh"
    ),
    # 72 hours is a capability, not an interval: a tested DR plan is the closest record of
    # it, held to the contingency-test interval (and the evidence says to check the hours).
    "restore_hours": EvidenceMapping(
        ("164.308(a)(7)(ii)(D)", "164.308(a)(7)(ii)(B)"),
        "restore or failover test",
        "contingency_test",
    ),
}
"""NPRM key -> the current-rule citations whose control evidence shows it was done."""

_PATCH = (
    "the workspace records no patch timelines; document the deadline of {v} for %s "
    "patches in a control (e.g. vulnerability management, citing 164.308(a)(1)(ii)(B)) "
    "with evidence of time to patch"
)
_UNJUDGED: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "patch_critical_days": (_PATCH % "critical", ()),
    "patch_high_days": (_PATCH % "high-risk", ()),
    "access_termination_hours": (
        "the workspace records no access-termination times; document that access ends within "
        "{v} of departure in a control citing 164.308(a)(3)(ii)(C), with evidence "
        "such as deprovisioning timestamps",
        ("164.308(a)(3)(ii)(C)",),
    ),
    "access_change_notice_hours": (
        "the workspace records no notices to other covered entities or business associates; "
        "document the notice within {v} of access changes (e.g. in BAA terms and a control "
        "citing 164.308(b)(1)) with evidence of notices sent",
        (),
    ),
    "training_initial_days": (
        "the workspace records no per-person training dates; document training within {v} "
        "of granting access in a control citing 164.308(a)(5)(i), with evidence such as "
        "LMS completions compared with access grants",
        ("164.308(a)(5)(i)",),
    ),
}
"""Cadences no workspace field can show: what to document, and citations of related controls."""


@dataclass(frozen=True)
class _Verdict:
    status: Readiness
    reasons: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()


def _ready(*evidence: str) -> _Verdict:
    return _Verdict(Readiness.READY, (), evidence)


def _gap(*reasons: str) -> _Verdict:
    return _Verdict(Readiness.GAP, reasons)


def _unassessed(*reasons: str) -> _Verdict:
    return _Verdict(Readiness.NOT_ASSESSED, reasons)


def _verdict(gaps: list[str], evidence: str, unread: list[str] | None = None) -> _Verdict:
    """A gap if any; else, if a value it turns on could not be read, not assessed; else ready."""
    if gaps:
        return _gap(*gaps)
    if unread:
        return _unassessed(
            listing(
                unread,
                "record holds a value that could not be read",
                "records hold values that could not be read",
            )
            + " (see its lint finding)"
        )
    return _ready(evidence)


def _named(ids: list[str], one: str, many: str) -> list[str]:
    return [listing(ids, one, many)] if ids else []


_NO_EPHI = "no asset is marked as holding ePHI (`ephi: present` or `possible`)"


class _Judge:
    """The inputs every item needs, and one method per kind of judgement."""

    def __init__(self, ws: Workspace, today: date, facts: Facts) -> None:
        self.ws, self.today, self.facts = ws, today, facts
        self.profile = nprm_profile()
        self._by_citation = _controls_by_catalog_citation(facts)

    def days(self, key: str) -> int:
        return self.profile.cadence(key).value

    def span(self, key: str) -> str:
        cadence = self.profile.cadence(key)
        return f"{cadence.value} {cadence.unit[:-1] if cadence.value == 1 else cadence.unit}"

    def dated(
        self,
        records: Iterable[tuple[str, date | None, bool]],
        days: int,
        noun: str,
        field: str,
        done: str,
        unread: list[str],
    ) -> tuple[list[str], date | None]:
        """Gaps for never-dated or older-than-`days` records (future dates pass, as in lint).

        Each record is (label, date, whether the date was written but unreadable); the
        unreadable ones are added to `unread` rather than called undated.
        """
        never: list[str] = []
        stale: list[str] = []
        oldest: date | None = None
        for record_id, day, unknown in records:
            if unknown:
                unread.append(record_id)
            elif day is None:
                never.append(record_id)
            elif (self.today - day).days > days:
                stale.append(record_id)
            elif oldest is None or day < oldest:
                oldest = day
        ago = f"last {done} over {days} days ago"
        gaps = _named(never, f"{noun} records no `{field}`", f"{noun}s record no `{field}`")
        gaps += _named(stale, f"{noun} was {ago}", f"{noun}s were {ago}")
        return gaps, oldest

    def renewed(self, renewal: Renewal[Any], key: str) -> _Verdict:
        """Gap for the rule's records never renewed or renewed longer than the cadence ago."""
        population = renewal.records(self.ws)
        if not population:
            return _gap(renewal.none) if renewal.none_is_gap else _unassessed(renewal.none)
        days = self.days(key)
        records = ((record.label, *renewal.last(record)) for record in population)
        unread: list[str] = []
        gaps, oldest = self.dated(records, days, renewal.noun, renewal.field, renewal.done, unread)
        return _verdict(
            gaps,
            f"all {len(population)} {renewal.population} {renewal.done} "
            f"within {days} days (oldest {oldest})",
            unread,
        )

    def risk_analysis(self) -> _Verdict:
        days, last = self.days("risk_analysis_review"), last_review(self.ws)
        if last is None:
            return _gap(
                "no review recorded: no required role has signed the risk analysis "
                "(signoffs/); sign it with `sra signoff`"
            )
        age = (self.today - last).days
        if age > days:
            return _gap(
                f"last review (sign-off by a required role) {last}, {age} days ago; "
                f"the NPRM asks for one every {days} days"
            )
        return _ready(f"signed off by a required role on {last}, {age} days ago")

    def _population(self, chosen: Callable[[Asset], bool]) -> list[Asset]:
        return [asset for asset in self.facts.in_scope_assets if chosen(asset)]

    def attribute(self, chosen: Callable[[Asset], bool], field: str, systems: str) -> _Verdict:
        """Gap for chosen ePHI assets whose flag is not True (the lint rules' `is not True`)."""
        population = self._population(chosen)
        if not population:
            return _unassessed(
                _NO_EPHI if not self.facts.in_scope_assets else f"no ePHI asset is {systems}"
            )
        values = [(a.label, getattr(a.attributes, field)) for a in population]
        false = [asset_id for asset_id, value in values if value is False]
        unread = [a.label for a in population if a.attributes.is_unknown(field)]
        unset = [asset_id for asset_id, value in values if value is None and asset_id not in unread]
        gaps = _named(
            false, f"ePHI asset has `{field}: false`", f"ePHI assets have `{field}: false`"
        )
        gaps += _named(
            unset,
            f"ePHI asset does not record `attributes.{field}`",
            f"ePHI assets do not record `attributes.{field}`",
        )
        return _verdict(
            gaps,
            f"all {len(population)} ePHI assets that are {systems} record `{field}: true`",
            unread,
        )

    def in_transit(self) -> _Verdict:
        flows = [flow for flow in self.ws.flows if flow.ephi]
        if not flows:
            return _unassessed("no flow (flows/) is marked as carrying ePHI (`ephi: true`)")
        clear = [f.label for f in flows if f.encrypted_in_transit is False]
        unread = [f.label for f in flows if f.is_unknown("encrypted_in_transit")]
        unset = [
            f.label
            for f in flows
            if f.encrypted_in_transit is None and not f.is_unknown("encrypted_in_transit")
        ]
        gaps = _named(
            clear,
            "ePHI flow is unencrypted (`encrypted_in_transit: false`)",
            "ePHI flows are unencrypted (`encrypted_in_transit: false`)",
        )
        gaps += _named(
            unset,
            "ePHI flow does not record `encrypted_in_transit`",
            "ePHI flows do not record `encrypted_in_transit`",
        )
        return _verdict(
            gaps, f"all {len(flows)} ePHI flows record `encrypted_in_transit: true`", unread
        )

    def by_evidence(self, key: str) -> _Verdict:
        """The newest evidence date among controls citing the mapped current-rule citations."""
        mapping = EVIDENCE_MAP[key]
        days, cited, activity = (
            self.days(mapping.interval),
            " or ".join(mapping.citations),
            mapping.activity,
        )
        best: tuple[date, Control, str, Evidence] | None = None
        mapped: dict[str, None] = {}
        for citation in mapping.citations:
            for control in self._by_citation.get(citation, ()):
                mapped[control.label] = None
                for item in control.evidence:
                    # Evidence dated after `today` did not exist as of `today`.
                    day = item.date
                    if day is not None and day <= self.today and (best is None or day > best[0]):
                        best = (day, control, citation, item)
        if not mapped:
            return _gap(
                f"no control cites {cited}; map the control that records the "
                f"{activity} to it, with the {activity} as dated evidence"
            )
        if best is None:
            undated = f"dated evidence on or before {self.today}"
            return _gap(
                listing(
                    mapped,
                    f"control cites {cited} but records no {undated}",
                    f"controls cite {cited} but record no {undated}",
                )
                + f"; record the latest {activity} as evidence"
            )
        day, control, citation, item = best
        what = item.what if item.what is not None else "(description unreadable)"
        age, shown = (self.today - day).days, f"{control.label} ({citation}), {day}: {what}"
        if age > days:
            return _gap(
                f"newest {activity} evidence is {shown}, {age} days ago; the NPRM asks "
                f"for one every {days} days"
            )
        if key == "restore_hours":
            return _ready(
                shown,
                "the workspace records no restore times; confirm this shows "
                f"critical systems restored within {self.span(key)}",
            )
        return _ready(shown)

    def unjudged(self, key: str) -> _Verdict:
        """Not assessed, naming related controls with current evidence as pointers only."""
        words, related = _UNJUDGED[key]
        pointers = []
        controls = (c for cite in related for c in self._by_citation.get(cite, ()))
        for control in dict.fromkeys(controls):
            status = self.facts.control_status(control)
            if status.latest is not None and status.due is not None and status.due >= self.today:
                pointers.append(
                    f"related: {control.label} has current evidence ({status.latest}); "
                    "it does not show the deadline is met"
                )
        return _Verdict(Readiness.NOT_ASSESSED, (words.format(v=self.span(key)),), tuple(pointers))


def _controls_by_catalog_citation(facts: Facts) -> dict[str, list[Control]]:
    # `controls_by_citation` keys are normalized spellings; resolve them through the catalog
    # as coverage does, so "164.308(a)(6)" finds the standard 164.308(a)(6)(i). Former
    # numbering (catalog aliases) is left out: none of it falls in the mapped citations.
    wanted = {c for m in EVIDENCE_MAP.values() for c in m.citations}
    wanted |= {c for _, related in _UNJUDGED.values() for c in related}
    out: dict[str, list[Control]] = {}
    for key, controls in facts.controls_by_citation.items():
        entry = hipaa_entry(key)
        resolved = entry.citation if entry is not None else key
        if resolved in wanted:
            out.setdefault(resolved, []).extend(controls)
    return {key: list(dict.fromkeys(controls)) for key, controls in out.items()}


_EXTRA: Mapping[str, tuple[str, str, str]] = {
    # The HHS fact sheet names MFA and encryption at rest and in transit as required, with
    # limited exceptions (research notes section 4: [V]); the paragraphs are not confirmed,
    # so encryption gives the notes' 164.312(b) and MFA only the section.
    "mfa": (
        "Require multi-factor authentication for access to relevant electronic "
        "information systems, with limited exceptions.",
        "proposed 164.312 (MFA)",
        "verified",
    ),
    "encryption_at_rest": (
        "Encrypt ePHI at rest, with limited exceptions.",
        "proposed 164.312(b)",
        "verified",
    ),
    "encryption_in_transit": (
        "Encrypt ePHI in transit, with limited exceptions.",
        "proposed 164.312(b)",
        "verified",
    ),
}


_GROUPS = (
    "inventory and analysis",
    "technical safeguards",
    "testing and audits",
    "workforce",
    "vendors",
)
"""Report sections, in order."""


Step = tuple[str, int, Callable[[], _Verdict]]


def _from_rules(j: _Judge) -> list[Step]:
    """An item for each time-based rule's NPRM cadence, judged on the rule's records."""
    steps: list[Step] = []
    for rule in RULES:
        interval = rule.interval
        if interval is None or interval.nprm_cadence is None or interval.renewal is None:
            continue
        key, renewal = interval.nprm_cadence, interval.renewal
        steps.append((key, _GROUPS.index(renewal.section), partial(j.renewed, renewal, key)))
    return steps


def _plan(j: _Judge) -> list[Step]:
    """(key, index into `_GROUPS`, judgement) for every item, in report order.

    In each section the rules' cadences come first, in code order, then the items below.
    """
    ev, un = j.by_evidence, j.unjudged
    own: tuple[Step, ...] = (
        ("risk_analysis_review", 0, j.risk_analysis),
        ("mfa", 1, partial(j.attribute, needs_mfa, "mfa", "systems people sign in to")),
        (
            "encryption_at_rest",
            1,
            partial(j.attribute, stores_data, "encryption_at_rest", "data stores or endpoints"),
        ),
        ("encryption_in_transit", 1, j.in_transit),
        ("patch_critical_days", 1, partial(un, "patch_critical_days")),
        ("patch_high_days", 1, partial(un, "patch_high_days")),
        ("compliance_audit", 2, partial(ev, "compliance_audit")),
        ("ir_plan_test", 2, partial(ev, "ir_plan_test")),
        ("contingency_test", 2, partial(ev, "contingency_test")),
        ("restore_hours", 2, partial(ev, "restore_hours")),
        ("access_termination_hours", 3, partial(un, "access_termination_hours")),
        ("access_change_notice_hours", 3, partial(un, "access_change_notice_hours")),
        ("training_initial_days", 3, partial(un, "training_initial_days")),
        ("training_refresh", 3, partial(ev, "training_refresh")),
    )
    steps = _from_rules(j) + list(own)
    return sorted(steps, key=lambda step: step[1])  # stable: rules first within a section


def nprm_readiness(ws: Workspace, today: date, facts: Facts | None = None) -> NprmReadiness:
    """Every NPRM item judged `ready`, `gap` or `not-assessed` from the workspace as of `today`."""
    judge = _Judge(ws, today, facts or Facts(ws))
    profile = judge.profile
    items = []
    for key, group, run in _plan(judge):
        verdict = run()
        if key in _EXTRA:
            requirement, citation, confidence = _EXTRA[key]
        else:
            cadence: NprmCadence = profile.cadence(key)
            requirement, confidence = cadence.description, cadence.confidence
            citation = f"proposed {cadence.citation}"
        items.append(
            NprmItem(
                key,
                _GROUPS[group],
                requirement,
                citation,
                confidence,
                verdict.status,
                verdict.reasons,
                verdict.evidence,
            )
        )
    return NprmReadiness(profile.label, tuple(items))
