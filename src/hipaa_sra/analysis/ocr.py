"""The nine elements of OCR's 2010 risk-analysis guidance, each judged from the workspace.

OCR's "Guidance on Risk Analysis Requirements under the HIPAA Security Rule" (July 2010)
lists nine elements every risk analysis should include. Each is computed here as `met`,
`partial` or `missing`, with reasons that say exactly what is absent, so the documentation
rule (SRA501) and the report can show an auditor's completeness checklist. Everything is
one pass over the records (plus the shared indexes) and the output is deterministic:
records are named in workspace order.

A value written but unreadable (a partial record) is never taken for a missing one: a risk
whose `last_reviewed` could not be read is not listed as unreviewed, and an inventory whose
risks' asset references could not all be read does not call an asset unanalysed. Nor is the
element then called met: the reason says what could not be judged, and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import attrgetter

from ..catalog import scale_levels
from ..model import Level, Record, Workspace
from .coverage import CoverageStatus, coverage_rows
from .facts import Facts
from .questionnaire import progress
from .signoff_status import SignoffState, last_review, signoff_status

NAMED = 5
"""How many record ids a reason names before "(and N more)"."""


class ElementStatus(StrEnum):
    """How completely the workspace documents one element."""

    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"


@dataclass(frozen=True)
class OcrElement:
    """One element of the guidance and how the workspace documents it."""

    number: int
    slug: str
    """Stable key, e.g. `scope-of-the-analysis`."""
    name: str
    """The guidance's heading."""
    meaning: str
    """What the guidance asks for, in one line."""
    status: ElementStatus
    reasons: tuple[str, ...] = ()
    """What is missing or incomplete, one sentence each; empty when met."""


def listing(ids: Iterable[str], one: str, many: str) -> str:
    """`"3 ePHI assets have no risk: a, b, c"`: the count, `one` or `many`, at most `NAMED` ids."""
    names = list(ids)
    shown = ", ".join(names[:NAMED])
    more = f" (and {len(names) - NAMED} more)" if len(names) > NAMED else ""
    return f"{len(names)} {one if len(names) == 1 else many}: {shown}{more}"


@dataclass(frozen=True)
class _Inputs:
    ws: Workspace
    today: date
    facts: Facts
    digest: str


_PROOF = "saying how, when and where {} verified"
_OFF_MATRIX = "the matrix does not give for its likelihood and impact"
_REQUIRED_ONE = "required HIPAA specification has no mapped control"
_REQUIRED_MANY = "required HIPAA specifications have no mapped control"

_Found = tuple[list[str], list[str]]
"""(reasons the element is missing, reasons it is partial)."""


def _unread(labels: list[str], what: str) -> list[str]:
    """The reason for records whose `what` could not be read (none when there are none)."""
    if not labels:
        return []
    return [
        listing(labels, f"record's {what} could not be read", f"records' {what} could not be read")
    ]


def _unread_labels(facts: Facts, kind: str, field: str) -> list[str]:
    """Labels of the records of `kind` whose `field` could not be read, in workspace order."""
    return [
        record.label
        for record in facts.partial(kind)
        if isinstance(record, Record) and record.is_unknown(field)
    ]


_CANNOT_JUDGE = "{} cannot be judged: {} could not be read"


def _scope(i: _Inputs) -> _Found:
    manifest, assets = i.ws.manifest, i.ws.assets
    missing: list[str] = []
    partial: list[str] = []
    if manifest is None:
        missing.append("sra.yaml is missing, so there is no scope statement")
    elif manifest.is_unknown("scope"):
        partial.append("the scope statement (`scope` in sra.yaml) could not be read")
    elif not (manifest.scope and manifest.scope.strip()):
        (partial if assets else missing).append("scope statement missing in sra.yaml (`scope`)")
    if not assets:
        missing.append("the inventory (inventory/) lists no assets")
    elif not i.facts.in_scope_assets:
        partial.append("no asset is marked as holding ePHI (`ephi: present` or `possible`)")
    return missing, partial


def _data_collection(i: _Inputs) -> _Found:
    ws, facts = i.ws, i.facts
    if not ws.assets:
        return ["no assets recorded in inventory/, so no place ePHI is kept is documented"], []
    partial: list[str] = []
    unknown = [
        asset.label for asset in ws.assets if asset.ephi is None and not asset.is_unknown("ephi")
    ]
    if unknown:
        partial.append(
            listing(unknown, "asset has no `ephi` status", "assets have no `ephi` status")
        )
    partial += _unread(_unread_labels(facts, "assets", "ephi"), "`ephi`")
    if not ws.flows:
        partial.append(
            "no data flows recorded (flows/), so where ePHI is received and "
            "transmitted is not documented"
        )
        return [], partial
    ends_known = facts.known_everywhere("flows", "from_") and facts.known_everywhere("flows", "to")
    if not ends_known:
        partial.append(
            _CANNOT_JUDGE.format(
                "whether every ePHI asset appears in a data flow", "the `from` or `to` of a flow"
            )
        )
    lonely = [
        asset.id
        for asset in facts.in_scope_assets
        if ends_known and asset.id is not None and asset.id not in facts.flows_by_node
    ]
    if lonely:
        partial.append(
            listing(
                lonely, "ePHI asset appears in no data flow", "ePHI assets appear in no data flow"
            )
        )
    return [], partial


def _threats(i: _Inputs) -> _Found:
    if not i.ws.risks:
        return [
            "the register (register/) has no risks, so no threat or vulnerability is documented"
        ], []
    by_asset = i.facts.risks_by_asset
    known = i.facts.known_everywhere("risks", "asset")  # else any asset may be the unread one
    if not known:
        return [], [
            _CANNOT_JUDGE.format("whether every ePHI asset has a risk", "the `asset` of a risk")
        ]
    bare = [
        asset.id
        for asset in i.facts.in_scope_assets
        if asset.id is not None and asset.id not in by_asset
    ]
    return [], [listing(bare, "ePHI asset has no risk", "ePHI assets have no risk")] if bare else []


def _questionnaire(ws: Workspace) -> list[str]:
    """Why the questionnaire, once started, does not yet document every measure."""
    if not ws.answers:
        return []
    done = progress(ws)
    left = done.applicable - done.answered
    return (
        [
            f"the safeguards questionnaire has {left} of {done.applicable} applicable questions "
            "unanswered (`sra assess`)"
        ]
        if left
        else []
    )


def _measures(i: _Inputs) -> _Found:
    ws, facts = i.ws, i.facts
    if (
        not ws.controls
        and not ws.answers
        and not ws.policies
        and not any(
            risk.current_controls or risk.is_unknown("current_controls") for risk in ws.risks
        )
    ):
        return [
            "no controls recorded (controls/), no risk lists `current_controls`, and no "
            "questionnaire answer or policy is recorded"
        ], []
    partial: list[str] = _questionnaire(ws)
    without = [
        risk.label
        for risk in ws.risks
        if not risk.current_controls and not risk.is_unknown("current_controls")
    ]
    if without:
        partial.append(
            listing(without, "risk lists no `current_controls`", "risks list no `current_controls`")
        )
    partial += _unread(_unread_labels(facts, "risks", "current_controls"), "`current_controls`")
    unproven = [c.label for c in ws.controls if facts.control_status(c).complete is False]
    if unproven:
        partial.append(
            listing(
                unproven,
                "control lacks evidence " + _PROOF.format("it was"),
                "controls lack evidence " + _PROOF.format("they were"),
            )
        )
    partial += _unread(
        [c.label for c in ws.controls if facts.control_status(c).complete is None], "evidence"
    )
    required = [
        row.citation
        for row in coverage_rows(facts)
        if row.is_requirement and row.is_required and row.status is CoverageStatus.UNCOVERED
    ]
    if required:
        partial.append(listing(required, _REQUIRED_ONE, _REQUIRED_MANY))
    if any(row.status is CoverageStatus.UNKNOWN for row in coverage_rows(facts)):
        partial.append(
            _CANNOT_JUDGE.format(
                "whether every HIPAA specification is met",
                "a control's `hipaa` citation or a decision",
            )
        )
    return [], partial


def _scale(i: _Inputs) -> tuple[int, frozenset[Level]] | None:
    """The methodology's scale; None while `methodology.levels` cannot be read."""
    levels = i.ws.manifest.methodology.levels if i.ws.manifest else 3
    return None if levels is None else (levels, frozenset(scale_levels(levels)))


def _rated(field: str) -> Callable[[_Inputs], _Found]:
    def check(i: _Inputs) -> _Found:
        if not i.ws.risks:
            return [f"the register has no risks, so no {field} is documented"], []
        unread = _unread(_unread_labels(i.facts, "risks", field), f"`{field}`")
        found = _scale(i)
        if found is None:
            return [], [*unread, "the scale (`methodology.levels` in sra.yaml) could not be read"]
        levels, scale = found
        outside = f"outside the {levels}-level scale"
        risks = i.ws.risks
        off = [
            risk.label
            for risk, value in zip(risks, map(attrgetter(field), risks), strict=True)
            if value is not None and value not in scale
        ]
        if off:
            unread.insert(
                0, listing(off, f"risk rates {field} {outside}", f"risks rate {field} {outside}")
            )
        return [], unread

    return check


def _level(i: _Inputs) -> _Found:
    ws, facts = i.ws, i.facts
    if not ws.risks:
        return ["the register has no risks, so no risk level is documented"], []
    partial: list[str] = []
    if facts.matrix is None:
        partial.append(
            "the methodology's risk matrix cannot be used (see `methodology` in sra.yaml)"
        )
    unrated, disagree, untreated, unread = [], [], [], []
    partial_risks = {id(risk) for risk in facts.partial("risks")}
    for risk in ws.risks:
        expected = facts.expected_inherent(risk)
        if risk.inherent_risk is None:
            if not risk.is_unknown("inherent_risk"):
                unrated.append(risk.label)
        elif expected is not None and expected is not risk.inherent_risk:
            disagree.append(risk.label)
        if id(risk) in partial_risks and risk.is_unknown(
            "residual_risk", "inherent_risk", "remediation"
        ):
            unread.append(risk.label)  # the deciding level, or the corrective action
            continue
        if facts.untreated_high(risk):
            untreated.append(risk.label)
    if unrated:
        partial.append(
            listing(unrated, "risk has no `inherent_risk`", "risks have no `inherent_risk`")
        )
    if disagree:
        partial.append(
            listing(
                disagree,
                f"risk has an `inherent_risk` {_OFF_MATRIX}",
                f"risks have an `inherent_risk` {_OFF_MATRIX}",
            )
        )
    if untreated:
        partial.append(
            listing(
                untreated,
                "high risk has no remediation planned, in progress or accepted",
                "high risks have no remediation planned, in progress or accepted",
            )
        )
    partial += _unread(unread, "risk level or corrective action")
    return [], partial


def _documentation(i: _Inputs) -> _Found:
    ws = i.ws
    if ws.manifest is None:
        return ["sra.yaml is missing"], []
    status = signoff_status(ws, i.digest)
    if not status.roles:
        policy = ws.manifest.signoff
        if ws.manifest.is_unknown("signoff") or policy.is_unknown("required_roles"):
            return [], ["who must sign (`signoff.required_roles` in sra.yaml) could not be read"]
        return [], ["sra.yaml `signoff.required_roles` is empty, so no one has to sign"]
    partial: list[str] = []
    stale = status.in_state(SignoffState.STALE)
    unsigned = status.in_state(SignoffState.UNSIGNED)
    if len(unsigned) == len(status.roles):
        roles = ", ".join(role.role for role in unsigned)
        return [f"no sign-off: the analysis is not signed by {roles} (signoffs/)"], []
    if unsigned:
        partial.append("not signed by " + ", ".join(role.role for role in unsigned))
    partial.extend(
        f"{role.role} signed on {role.signed_on}, but the content changed since" for role in stale
    )
    partial.extend(
        f"{role.role}'s sign-off does not count: {role.problem}"
        for role in status.in_state(SignoffState.INVALID)
    )
    people = i.facts.people_by_role
    nobody = [
        role.role for role in status.roles if role.role not in people and i.facts.people_complete
    ]
    if nobody:
        partial.append("no one in sra.yaml `people` holds the required role " + ", ".join(nobody))
    return [], partial


def _periodic(i: _Inputs) -> _Found:
    ws = i.ws
    intervals = ws.manifest.methodology.review_intervals if ws.manifest else None
    # An interval that could not be read (None) measures nothing.
    review_days = intervals.review_days if intervals else 365
    register_days = intervals.register_days if intervals else 365
    last = last_review(ws)
    missing: list[str] = []
    partial: list[str] = []
    if last is None:
        missing.append("no review recorded: no required role has ever signed the analysis")
    elif review_days is None:
        partial.append("the review interval (`review_days` in sra.yaml) could not be read")
    elif (i.today - last).days > review_days:
        partial.append(
            f"last review {last}, over {review_days} days ago ({(i.today - last).days} days)"
        )
    within = f"in the last {register_days} days"
    stale = (
        []
        if register_days is None
        else [
            risk.label
            for risk in ws.risks
            if (risk.last_reviewed is None and not risk.is_unknown("last_reviewed"))
            or (
                risk.last_reviewed is not None
                and (i.today - risk.last_reviewed).days > register_days
            )
        ]
    )
    if stale:
        partial.append(
            listing(stale, f"risk was not reviewed {within}", f"risks were not reviewed {within}")
        )
    if register_days is None:
        partial.append(
            "the register review interval (`register_days` in sra.yaml) could not be read"
        )
    partial += _unread(_unread_labels(i.facts, "risks", "last_reviewed"), "`last_reviewed`")
    return missing, partial


_ELEMENTS: tuple[tuple[str, str, str, Callable[[_Inputs], _Found]], ...] = (
    (
        "scope-of-the-analysis",
        "Scope of the Analysis",
        "All ePHI the organization creates, receives, maintains or transmits, on every medium "
        "and in every location.",
        _scope,
    ),
    (
        "data-collection",
        "Data Collection",
        "Where ePHI is stored, received, maintained or transmitted, found and documented.",
        _data_collection,
    ),
    (
        "threats-and-vulnerabilities",
        "Identify and Document Potential Threats and Vulnerabilities",
        "Reasonably anticipated threats and the vulnerabilities they exploit, for all ePHI.",
        _threats,
    ),
    (
        "current-security-measures",
        "Assess Current Security Measures",
        "The security measures in place, whether they work, and whether those the Rule requires "
        "exist.",
        _measures,
    ),
    (
        "likelihood-of-threat-occurrence",
        "Determine the Likelihood of Threat Occurrence",
        "A likelihood for every threat and vulnerability pair.",
        _rated("likelihood"),
    ),
    (
        "potential-impact",
        "Determine the Potential Impact of Threat Occurrence",
        "The impact if each threat exploits its vulnerability.",
        _rated("impact"),
    ),
    (
        "level-of-risk",
        "Determine the Level of Risk",
        "A risk level from likelihood and impact for every pair, with corrective actions.",
        _level,
    ),
    (
        "finalize-documentation",
        "Finalize Documentation",
        "The analysis documented in writing (164.316(b)(1)) and signed off.",
        _documentation,
    ),
    (
        "periodic-review",
        "Periodic Review and Updates to the Risk Assessment",
        "The analysis reviewed and updated as an ongoing process.",
        _periodic,
    ),
)

ELEMENT_SLUGS: tuple[str, ...] = tuple(slug for slug, *_ in _ELEMENTS)
"""The nine element slugs, in the guidance's order."""


def ocr_elements(
    ws: Workspace, today: date, facts: Facts | None = None, digest: str | None = None
) -> tuple[OcrElement, ...]:
    """The nine OCR elements, each `met`, `partial` or `missing` with reasons, as of `today`."""
    facts = facts or Facts(ws)
    inputs = _Inputs(ws, today, facts, digest or facts.digest_for_signoffs)
    out = []
    for number, (slug, name, meaning, judge) in enumerate(_ELEMENTS, start=1):
        missing, partial = judge(inputs)
        status = (
            ElementStatus.MISSING
            if missing
            else ElementStatus.PARTIAL
            if partial
            else ElementStatus.MET
        )
        out.append(OcrElement(number, slug, name, meaning, status, (*missing, *partial)))
    return tuple(out)
