"""Documentation rules (SRA5xx): OCR's nine elements, sign-off for the current content, review."""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.ocr import ElementStatus, ocr_elements
from ..analysis.signers import display_name
from ..analysis.signoff_status import SignoffState, last_signoff, required_roles, signoff_status
from ..findings import Severity
from ..model import Workspace
from .base import Context, Family, Hit, Rule


def _ocr_incomplete(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for element in ocr_elements(ws, ctx.today, ctx.facts):
        if element.status is not ElementStatus.MET:
            yield Hit(
                f"OCR element {element.number}, {element.name}, is {element.status}: "
                + "; ".join(element.reasons),
                object_id=element.slug,
            )


def _roles_path(ws: Workspace, role: str) -> tuple[str | int, ...]:
    manifest = ws.manifest
    if manifest is None or "signoff" not in manifest.model_fields_set:
        return ()
    policy = manifest.signoff
    if "required_roles" not in policy.model_fields_set:
        return ("signoff",)
    roles = policy.required_roles
    return ("signoff", "required_roles", roles.index(role)) if role in roles else ()


def _signoff_missing(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    status = signoff_status(ws, ctx.facts.digest_for_signoffs)
    holders = ctx.facts.people_by_role
    for role in status.roles:
        if role.state is SignoffState.SIGNED:
            continue
        if role.state is SignoffState.INVALID and role.signoff is not None:
            yield Hit(
                f"`{role.role}` signed the current content on {role.signed_on} "
                f"({role.signoff.name}), but the sign-off does not count: {role.problem}",
                role.signoff,
                ("signature",) if role.signoff.signature else (),
                role.role,
            )
            continue
        if role.state is SignoffState.STALE and role.signoff is not None:
            yield Hit(
                f"`{role.role}` signed on {role.signed_on} ({role.signoff.name}), but the "
                "content changed since; review the changes and sign again (`sra signoff`)",
                role.signoff,
                ("digest",),
                role.role,
            )
            continue
        names = ", ".join(display_name(person) for person in holders.get(role.role, ()))
        nobody = (
            "; no one in sra.yaml `people` holds that role" if ctx.facts.people_complete else ""
        )
        who = f" ({names})" if names else nobody
        yield Hit(
            f"the SRA has no sign-off by the required role `{role.role}`{who}; the role's "
            "holder must review and sign the current content (`sra signoff`)",
            None,
            _roles_path(ws, role.role),
            role.role,
        )


def _review_overdue(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    days = ctx.intervals.review_days
    if days is None:  # the interval in sra.yaml could not be read
        return
    signoff = last_signoff(ws)
    manifest = ws.manifest
    path: tuple[str | int, ...] = (
        ("signoff",) if manifest is not None and "signoff" in manifest.model_fields_set else ()
    )
    if signoff is None:
        roles = ", ".join(required_roles(ws)) or "no role"
        yield Hit(
            f"the SRA has never been reviewed: there is no sign-off by a required role "
            f"({roles}); review it and sign it (`sra signoff`), then at least every {days} days",
            None,
            path,
        )
        return
    last = signoff.signed_at.date()
    age = ctx.age(last)
    if age > days:
        yield Hit(
            f"the last review of the SRA was signed on {last} ({age} days ago); the review "
            f"interval is {days} days (`methodology.review_intervals.review_days`), so a "
            "periodic review is overdue: review the analysis, update it and sign again",
            None,
            path,
        )


DOCUMENTATION_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA501",
        name="ocr-element-incomplete",
        severity=Severity.WARNING,
        family=Family.DOCUMENTATION,
        summary=(
            "One of the nine elements of OCR's risk-analysis guidance is missing or incomplete."
        ),
        citation=(
            "OCR, Guidance on Risk Analysis Requirements under the HIPAA Security Rule (July "
            "2010); 45 CFR 164.308(a)(1)(ii)(A)"
        ),
        rationale=(
            "OCR's guidance names nine elements every risk analysis should include: scope, data "
            "collection, threats and vulnerabilities, current security measures, likelihood, "
            "impact, level of risk, final documentation, and periodic review. In enforcement, "
            "OCR most often finds risk analyses that are incomplete: assets left out, threats "
            "not paired with likelihood and impact, no documentation, no updates. Each finding "
            "names the element and exactly what the workspace lacks for it."
        ),
        fix=(
            "Add what the message lists: the scope statement in sra.yaml, inventory and flows, "
            "a risk for every ePHI asset with likelihood, impact and inherent_risk, controls with "
            "evidence, remediation for high risks, sign-off, and regular review."
        ),
        example=(
            "# sra.yaml\norganization:\n  name: Example Clinic\nscope: >-\n  Every system that "
            "creates, receives, maintains or transmits ePHI: the EHR database,\n  the patient "
            "portal, backups, laptops and the vendors in vendors/."
        ),
        check=_ocr_incomplete,
    ),
    Rule(
        code="SRA502",
        name="signoff-missing",
        severity=Severity.ERROR,
        family=Family.DOCUMENTATION,
        summary="A required role has not signed the SRA, or signed content that has changed since.",
        citation=(
            "45 CFR 164.316(b)(1) (documentation), 164.308(a)(2) (assigned security "
            "responsibility); OCR risk-analysis guidance, Finalize Documentation"
        ),
        rationale=(
            "A risk analysis is the organization's documented assessment, and an auditor asks "
            "who accepted it and when. A sign-off records the digest of the content signed, so "
            "any later change to the inventory, flows, controls, register or sra.yaml makes it "
            "stale: the signed document is no longer the one in the repository. Every role in "
            "`signoff.required_roles` (by default compliance-officer and engineering-owner) must "
            "sign the current content."
        ),
        fix=(
            "Have each required role review the workspace and sign it with `sra signoff`, which "
            "records the current digest in signoffs/."
        ),
        example=(
            "# signoffs/signoffs.yaml\n- role: compliance-officer\n  name: Alice Smith\n"
            "  email: alice@example.com\n  signed_at: 2026-11-20T15:04:00+00:00\n"
            "  digest: sha256:3f1c...\n  statement: I reviewed this risk analysis."
        ),
        check=_signoff_missing,
    ),
    Rule(
        code="SRA503",
        name="review-overdue",
        severity=Severity.WARNING,
        family=Family.DOCUMENTATION,
        summary=(
            "The SRA's last periodic review (its newest sign-off) is older than the review "
            "interval, or it was never reviewed."
        ),
        citation=(
            "45 CFR 164.306(e) (maintenance), 164.316(b)(2)(iii) (updates); OCR risk-analysis "
            "guidance, Periodic Review and Updates"
        ),
        rationale=(
            "The risk analysis is an ongoing process: OCR expects it reviewed and updated as the "
            "environment changes, and the Rule requires documentation to be reviewed "
            "periodically. The date of the newest sign-off by a required role is taken as the "
            "last review; rows' own review dates do not count, since reviewing some risks is not "
            "a review of the analysis. The interval is `methodology.review_intervals.review_days` "
            "(default 365)."
        ),
        fix="Review the analysis, update it, and sign it again with `sra signoff`.",
        example=(
            "# sra.yaml\nmethodology:\n  review_intervals:\n    review_days: 365\n"
            "# signoffs/signoffs.yaml\n- role: compliance-officer\n  name: Alice Smith\n"
            "  email: alice@example.com\n  signed_at: 2026-11-20T15:04:00+00:00\n"
            "  digest: sha256:3f1c..."
        ),
        check=_review_overdue,
    ),
)
"""Documentation rules SRA501-SRA503."""
