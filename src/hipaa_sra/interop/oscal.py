"""OSCAL export: the SRA as assessment results and as a plan of action and milestones (POA&M).

Documents are built as plain dicts in OSCAL's JSON form, so exporting needs no OSCAL
library; the tests read them back with compliance-trestle's models, which are generated
from NIST's schemas. Levels travel as characterization facets in the hipaa-sra namespace
(`oscal_ids.NS`): OSCAL defines no HIPAA or NIST SP 800-30 risk-level system of its own.
See docs/oscal.md for the mapping.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..analysis.digest import workspace_digest
from ..dates import add_days
from ..errors import SraError
from ..findings import Finding
from ..model import (
    Control,
    Evidence,
    EvidenceSource,
    Remediation,
    RemediationStatus,
    Risk,
    Workspace,
)
from ..rules import lint
from ..scoring import OPEN_STATUSES, MethodologyError, ScoredRisk, score_risks
from .oscal_ids import (
    NS,
    OWNER_ROLE,
    UNREADABLE,
    UuidMaker,
    compact,
    line,
    metadata,
    organization_name,
    person_uuid,
    prop,
    timestamp,
    token,
    tool_component,
    tool_origin,
)
from .oscal_quant import annual_loss_facets

__all__ = ["EmptyPoam", "assessment_results", "oscal_json", "poam"]

_LIFECYCLE = {
    RemediationStatus.PLANNED: "planned",
    RemediationStatus.IN_PROGRESS: "planned",
    RemediationStatus.DEFERRED: "planned",
    RemediationStatus.DONE: "completed",
    RemediationStatus.ACCEPTED: "completed",
}
_TEST_WORDS = ("test", "scan", "probe", "exercise", "drill", "restore")


class EmptyPoam(SraError):
    """No remediation item is open, and an OSCAL POA&M needs at least one item."""


def oscal_json(document: dict[str, Any]) -> str:
    """An OSCAL document as indented JSON, keys in the order built, ending in a newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def assessment_results(ws: Workspace, today: date) -> dict[str, Any]:
    """The workspace as an OSCAL assessment-results document as of `today`."""
    org = organization_name(ws)
    ids = UuidMaker(org)
    digest = workspace_digest(ws)
    observations, evidence_uuids = _observations(ws, ids, today)
    risks, risk_uuids = _risks(ws, ids, evidence_uuids)
    risk_by_id: dict[str, str] = {}
    for risk, risk_uuid in zip(ws.risks, risk_uuids, strict=True):
        if risk.id is not None:
            risk_by_id.setdefault(risk.id, risk_uuid)
    findings = [
        _finding(finding, ids, risk_by_id, evidence_uuids, ws.root)
        for finding in lint(ws, today).findings
    ]
    result = compact(
        {
            "uuid": ids.of("result", today.isoformat()),
            "title": f"HIPAA Security Risk Analysis as of {today.isoformat()}",
            "description": f"Risk register, `sra lint` findings and control evidence of "
            f"{line(org)}'s HIPAA Security Risk Analysis (45 CFR 164.308(a)(1)(ii)(A)).",
            "start": timestamp(today),
            "props": [prop("workspace-digest", digest)],
            "local-definitions": {
                "assessment-assets": {
                    "components": [tool_component(ids)],
                    "assessment-platforms": [
                        {
                            "uuid": ids.of("platform", "hipaa-sra"),
                            "title": "hipaa-sra",
                            "uses-components": [{"component-uuid": ids.of("tool", "hipaa-sra")}],
                        }
                    ],
                }
            },
            "reviewed-controls": {
                "description": "The HIPAA Security Rule standards and implementation "
                "specifications (45 CFR 164 Subpart C) the workspace's controls map to.",
                "control-selections": [{"include-all": {}}],
            },
            "observations": observations,
            "risks": risks,
            "findings": findings,
        }
    )
    return {
        "assessment-results": {
            # The document UUID changes with content or date, as a new revision should; the
            # UUIDs inside stay with their records so revisions diff cleanly.
            "uuid": ids.of("assessment-results", f"{digest}@{today.isoformat()}"),
            "metadata": metadata(ws, today, f"HIPAA Security Risk Analysis: {org}", digest),
            "import-ap": {
                "href": "sra.yaml",
                "remarks": "OSCAL requires an assessment plan; no OSCAL plan exists for an SRA "
                "kept as code, so this points at the hipaa-sra workspace manifest.",
            },
            "results": [result],
        }
    }


def poam(ws: Workspace, today: date) -> dict[str, Any]:
    """Open remediation items as an OSCAL plan-of-action-and-milestones document."""
    org = organization_name(ws)
    ids = UuidMaker(org)
    digest = workspace_digest(ws)
    risks, risk_uuids = _risks(ws, ids, {})
    items: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for index, (risk, risk_doc) in enumerate(zip(ws.risks, risks, strict=True)):
        open_items = [
            (key, rem) for key, rem in _remediation_keys(risk) if rem.status in OPEN_STATUSES
        ]
        if open_items:
            kept.append(risk_doc)
        for key, rem in open_items:
            items.append(_poam_item(risk, rem, key, ids, risk_uuids[index]))
    if not items:
        raise EmptyPoam(
            "no remediation item is planned, in progress or deferred; an OSCAL POA&M needs "
            "at least one poam-item, so there is nothing to export"
        )
    return {
        "plan-of-action-and-milestones": {
            "uuid": ids.of("poam", f"{digest}@{today.isoformat()}"),
            "metadata": metadata(
                ws, today, f"HIPAA SRA plan of action and milestones: {org}", digest
            ),
            "system-id": {
                "identifier-type": "https://ietf.org/rfc/rfc4122",
                "id": ids.of("system", org),
            },
            "local-definitions": {"components": [tool_component(ids)]},
            "risks": kept,
            "poam-items": items,
        }
    }


def _poam_item(
    risk: Risk, rem: Remediation, key: str, ids: UuidMaker, risk_uuid: str
) -> dict[str, Any]:
    props = [prop("risk-id", risk.label), prop("status", _value(rem.status))]
    if rem.owner:
        props.append(prop("owner", rem.owner))
    if rem.due is not None:
        props.append(prop("due", rem.due.isoformat()))
    return compact(
        {
            "uuid": ids.of("poam-item", key),
            "title": line(rem.control),
            "description": f"{rem.control}\n\nRemediates risk {risk.id} on asset {risk.asset}: "
            f"{risk.threat} (vulnerability: {risk.vuln}).",
            "props": props,
            "related-risks": [{"risk-uuid": risk_uuid}],
            "remarks": rem.rationale,
            "origins": [tool_origin(ids)],
        }
    )


def _remediation_keys(risk: Risk) -> list[tuple[str, Remediation]]:
    # Keyed by the safeguard text rather than position, so reordering items keeps UUIDs.
    seen: dict[str, int] = {}
    out = []
    for rem in risk.remediation:
        base = f"{risk.id}/{rem.control}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append((f"{base}/{n}", rem))
    return out


def _scored(ws: Workspace) -> dict[int, ScoredRisk]:
    try:
        return {scored.order: scored for scored in score_risks(ws)}
    except MethodologyError:
        # An unusable custom matrix is a lint finding; export the levels as stated.
        return {}


RiskDocs = tuple[list[dict[str, Any]], list[str]]


def _risks(ws: Workspace, ids: UuidMaker, evidence_uuids: dict[str, list[str]]) -> RiskDocs:
    scored = _scored(ws)
    losses = annual_loss_facets(ws)
    docs: list[dict[str, Any]] = []
    uuids: list[str] = []
    for index, risk in enumerate(ws.risks):
        risk_uuid = ids.new("risk", risk.label)
        uuids.append(risk_uuid)
        doc = _risk(ws, risk, risk_uuid, scored.get(index), ids, evidence_uuids)
        if index in losses:  # `sra quantify`'s figures join the levels' characterization
            doc["characterizations"][0]["facets"] += [
                {"name": name, "system": NS, "value": value} for name, value in losses[index]
            ]
        docs.append(doc)
    return docs, uuids


def _risk(
    ws: Workspace,
    risk: Risk,
    risk_uuid: str,
    scored: ScoredRisk | None,
    ids: UuidMaker,
    evidence_uuids: dict[str, list[str]],
) -> dict[str, Any]:
    asset = ws.asset_by_id.get(risk.asset) if risk.asset is not None else None
    asset_name = f"{asset.name} ({risk.asset})" if asset is not None else line(risk.asset)
    inherent = scored.inherent if scored is not None else risk.inherent_risk
    residual = scored.residual if scored is not None else risk.residual_risk
    facets = [
        (name, level.value)
        for name, level in (("likelihood", risk.likelihood), ("impact", risk.impact))
        if level is not None
    ]
    if inherent is not None:
        facets.append(("inherent-risk", inherent.value))
    if residual is not None:
        facets.append(("residual-risk", residual.value))
    if scored is not None and scored.score is not None:
        facets.append(("score", str(scored.score)))
    open_dues = [r.due for r in risk.remediation if r.status in OPEN_STATUSES and r.due]
    done = bool(risk.remediation) and not any(r.status in OPEN_STATUSES for r in risk.remediation)
    props = [prop("risk-id", risk.label), prop("asset", risk.asset)]
    props += [prop("hipaa-citation", citation) for citation in risk.hipaa]
    if risk.threat_source is not None:
        props.append(prop("threat-source", risk.threat_source.value))
    if risk.last_reviewed is not None:
        props.append(prop("last-reviewed", risk.last_reviewed.isoformat()))
    related = [obs for control in risk.current_controls for obs in evidence_uuids.get(control, [])]
    levels = ", ".join(f"{name} {value}" for name, value in facets)
    return compact(
        {
            "uuid": risk_uuid,
            "title": line(risk.threat),
            "description": f"Threat: {risk.threat}\n\nVulnerability: {risk.vuln}",
            "statement": f"{risk.threat} against {asset_name} by exploiting: {risk.vuln}. "
            f"Assessed {levels}.",
            "props": props,
            "status": "closed" if done else "open",
            "origins": [tool_origin(ids)],
            "characterizations": [
                {
                    "origin": tool_origin(ids),
                    "facets": [
                        {"name": name, "system": NS, "value": value} for name, value in facets
                    ],
                }
            ],
            "deadline": timestamp(min(open_dues)) if open_dues else None,
            "remediations": [_response(rem, key, ids) for key, rem in _remediation_keys(risk)],
            "related-observations": [{"observation-uuid": obs} for obs in dict.fromkeys(related)],
        }
    )


def _response(rem: Remediation, key: str, ids: UuidMaker) -> dict[str, Any]:
    role: dict[str, Any] = {"role-id": OWNER_ROLE}
    if rem.owner:
        role["party-uuids"] = [person_uuid(ids, rem.owner)]
    task = compact(
        {
            "uuid": ids.of("milestone", key),
            "type": "milestone",
            "title": line(f"Complete: {rem.control}"),
            "timing": {"on-date": {"date": timestamp(rem.due)}} if rem.due is not None else None,
            "responsible-roles": [role] if rem.owner else None,
            "remarks": None if rem.owner else "No owner is assigned in the register.",
        }
    )
    props = [prop("status", _value(rem.status))]
    if rem.owner:
        props.append(prop("owner", rem.owner))
    if rem.approved_by:
        props.append(prop("approved-by", rem.approved_by))
    return compact(
        {
            "uuid": ids.of("remediation", key),
            "lifecycle": _LIFECYCLE.get(rem.status, "unknown") if rem.status else "unknown",
            "title": line(rem.control),
            "description": rem.control,
            "props": props,
            "origins": [tool_origin(ids)],
            "tasks": [task],
            "remarks": rem.rationale,
        }
    )


def _method(evidence: Evidence) -> str:
    how = (evidence.how_verified or "").lower()
    if evidence.source is EvidenceSource.AUTOMATED or any(w in how for w in _TEST_WORDS):
        return "TEST"
    return "EXAMINE"


def _observations(
    ws: Workspace, ids: UuidMaker, today: date
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    policy_days = ws.manifest.methodology.review_intervals.evidence_days if ws.manifest else 365
    docs: list[dict[str, Any]] = []
    by_control: dict[str, list[str]] = {}
    for control in ws.controls:
        for evidence in control.evidence:
            obs_uuid = ids.new("evidence", f"{control.label}/{evidence.what}")
            by_control.setdefault(control.label, []).append(obs_uuid)
            docs.append(_observation(control, evidence, obs_uuid, policy_days, today))
    return docs, by_control


def _observation(
    control: Control, evidence: Evidence, obs_uuid: str, policy_days: int | None, today: date
) -> dict[str, Any]:
    props = [
        prop("control-id", control.label),
        prop("safeguard", _value(control.safeguard)),
        prop("source", _value(evidence.source)),
    ]
    props += [prop("hipaa-citation", citation) for citation in control.hipaa]
    if evidence.date is None:
        # `collected` is required; an undated entry is reported as collected at export
        # time and flagged, rather than dropped from the record of what was examined.
        props.append(prop("evidence-date", "unknown"))
    collected = evidence.date or today
    refresh = evidence.refresh_days or policy_days  # None: an interval could not be read
    expires = add_days(collected, refresh) if refresh is not None else None
    what = evidence.what if evidence.what is not None else UNREADABLE
    detail = f"Verified by: {evidence.how_verified}." if evidence.how_verified else ""
    return compact(
        {
            "uuid": obs_uuid,
            "title": line(f"{line(control.name)}: {what}"),
            "description": "\n\n".join(part for part in (what, detail) if part),
            "props": props,
            "methods": [_method(evidence)],
            "types": ["control-objective"],
            "relevant-evidence": [
                compact(
                    {
                        "href": evidence.location,
                        "description": what,
                        "remarks": None if evidence.location else "No location is recorded for it.",
                    }
                )
            ],
            "collected": timestamp(collected),
            "expires": timestamp(expires) if evidence.date and expires else None,
        }
    )


def _value(member: StrEnum | None) -> str:
    """An enum member's value, or the unreadable mark for a value that could not be read."""
    return UNREADABLE if member is None else member.value


def _relative(file: str, root: Path) -> str:
    # Workspace-wide findings may carry an absolute path; the export must not depend on
    # where the workspace is checked out.
    path = Path(file)
    for base in (root, root.resolve()):
        if path.is_absolute() and path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.as_posix()


def _finding(
    finding: Finding,
    ids: UuidMaker,
    risk_uuids: dict[str, str],
    evidence_uuids: dict[str, list[str]],
    root: Path,
) -> dict[str, Any]:
    location = finding.location
    subject = finding.object_id or _relative(location.file, root)
    where = f"{_relative(location.file, root)}:{location.line}:{location.column}"
    props = [
        prop("rule-code", finding.code),
        prop("severity", finding.severity.value),
        prop("location", where),
    ]
    if finding.object_id:
        props.append(prop("object-id", finding.object_id))
    risk_uuid = risk_uuids.get(finding.object_id or "")
    observations = evidence_uuids.get(finding.object_id or "", [])
    return compact(
        {
            # Keyed by rule and record, not line, so editing elsewhere in a file keeps the UUID.
            "uuid": ids.new("finding", f"{finding.code}/{subject}"),
            "title": line(f"{finding.code} {finding.name}: {subject}"),
            "description": finding.message,
            "props": props,
            "origins": [tool_origin(ids)],
            "target": {
                "type": "objective-id",
                "target-id": token(finding.name),
                "title": line(f"{finding.code} {finding.name}"),
                "status": {"state": "not-satisfied"},
            },
            "related-observations": [{"observation-uuid": obs} for obs in observations],
            "related-risks": [{"risk-uuid": risk_uuid}] if risk_uuid else None,
        }
    )
