"""OCR's nine risk-analysis elements, and the documentation rules SRA501-SRA503."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from conftest import MANIFEST
from hipaa_sra.analysis.digest import workspace_digest
from hipaa_sra.analysis.ocr import ELEMENT_SLUGS, ElementStatus, OcrElement, listing, ocr_elements
from hipaa_sra.catalog import hipaa_specs
from hipaa_sra.catalog.questions import policy_standards
from hipaa_sra.findings import Severity
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Workspace
from hipaa_sra.rules import Selection, lint

Make = Callable[..., Path]
TODAY = date(2026, 11, 22)
SCOPED = MANIFEST + "scope: Every system that creates, receives, maintains or transmits ePHI.\n"

ASSETS = """\
- {id: api, name: API, category: public-api, ephi: present}
- {id: db, name: DB, category: database, ephi: present}
"""
FLOWS = "- {id: F1, from: api, to: db, ephi: true, encrypted_in_transit: true}\n"
EVIDENCE = (
    "evidence: [{what: config export, how_verified: CIS scan, date: 2026-10-01, "
    "location: evidence/cis.json}]"
)
REQUIRED = ", ".join(f'"{e.citation}"' for e in hipaa_specs() if e.is_required)
CONTROLS = (
    f"- {{id: c1, name: Program, safeguard: administrative, hipaa: [{REQUIRED}], {EVIDENCE}}}\n"
)


def risk(rid: str, asset: str, extra: str = "") -> str:
    return (
        f"- id: {rid}\n  asset: {asset}\n  threat: Theft\n  vuln: Weak auth\n"
        f"  likelihood: low\n  impact: moderate\n  inherent_risk: low\n  residual_risk: low\n"
        f"  current_controls: [c1]\n  last_reviewed: 2026-10-01\n{extra}"
    )


POLICY_STANDARDS = ", ".join(f'"{citation}"' for citation in policy_standards())
POLICIES = (
    f"- {{id: p1, title: Security policies, hipaa: [{POLICY_STANDARDS}], status: active, "
    "approved_by: alice, approved: 2026-03-01}\n"
)

COMPLETE = {
    "inventory/a.yaml": ASSETS,
    "policies/p.yaml": POLICIES,
    "flows/f.yaml": FLOWS,
    "controls/c.yaml": CONTROLS,
    "register/r.yaml": risk("RR-1", "api") + risk("RR-2", "db"),
}


def load(root: Path) -> Workspace:
    return load_workspace(root, use_cache=False)


def sign(
    root: Path,
    when: str = "2026-11-20T10:00:00+00:00",
    roles: tuple[str, ...] = ("compliance-officer", "engineering-owner"),
) -> None:
    digest = workspace_digest(load(root))
    holders = {"compliance-officer": "Alice", "engineering-owner": "Bob"}  # MANIFEST's people
    (root / "signoffs").mkdir(exist_ok=True)
    (root / "signoffs/s.yaml").write_text(
        "".join(
            f"- {{role: {role}, name: {holders[role]}, email: n@x.test, signed_at: '{when}', "
            f"digest: '{digest}'}}\n"
            for role in roles
        )
    )


def elements(root: Path, today: date = TODAY) -> dict[str, OcrElement]:
    return {element.slug: element for element in ocr_elements(load(root), today)}


def status(root: Path, today: date = TODAY) -> dict[str, str]:
    return {slug: element.status.value for slug, element in elements(root, today).items()}


def test_complete_signed_workspace_meets_all_nine(workspace: Make) -> None:
    root = workspace(COMPLETE, manifest=SCOPED)
    sign(root)
    found = ocr_elements(load(root), TODAY)
    assert [e.number for e in found] == list(range(1, 10))
    assert tuple(e.slug for e in found) == ELEMENT_SLUGS
    assert [(e.slug, e.reasons) for e in found if e.status is not ElementStatus.MET] == []
    assert lint(load(root), TODAY, Selection(select=("SRA5",))).findings == ()


def test_empty_workspace_misses_every_element(workspace: Make) -> None:
    found = elements(workspace())
    assert {e.status for e in found.values()} == {ElementStatus.MISSING}
    assert "the inventory (inventory/) lists no assets" in found["scope-of-the-analysis"].reasons
    assert found["finalize-documentation"].reasons[0].startswith("no sign-off")


def test_scope_statement_missing_is_partial(workspace: Make) -> None:
    root = workspace(COMPLETE)
    element = elements(root)["scope-of-the-analysis"]
    assert element.status is ElementStatus.PARTIAL
    assert element.reasons == ("scope statement missing in sra.yaml (`scope`)",)


def test_data_collection_without_flows_and_with_unknown_status(workspace: Make) -> None:
    files = {
        **COMPLETE,
        "flows/f.yaml": "[]\n",
        "inventory/b.yaml": "- {id: x, name: X, category: cache}\n",
    }
    element = elements(workspace(files, manifest=SCOPED))["data-collection"]
    assert element.status is ElementStatus.PARTIAL
    assert element.reasons == (
        "1 asset has no `ephi` status: x",
        "no data flows recorded (flows/), so where ePHI is received and transmitted is not "
        "documented",
    )


def test_ephi_assets_without_risk_are_listed_with_a_limit(workspace: Make) -> None:
    extra = "".join(
        f"- {{id: s{i}, name: S, category: worker, ephi: possible}}\n" for i in range(7)
    )
    files = {**COMPLETE, "inventory/b.yaml": extra}
    element = elements(workspace(files, manifest=SCOPED))["threats-and-vulnerabilities"]
    assert element.status is ElementStatus.PARTIAL
    assert element.reasons == ("7 ePHI assets have no risk: s0, s1, s2, s3, s4 (and 2 more)",)


def test_current_measures_partial_for_unevidenced_controls_and_uncovered_specs(
    workspace: Make,
) -> None:
    files = {**COMPLETE, "controls/c.yaml": "- {id: c1, name: P, safeguard: technical}\n"}
    element = elements(workspace(files, manifest=SCOPED))["current-security-measures"]
    assert element.status is ElementStatus.PARTIAL
    assert element.reasons[0].startswith("1 control lacks evidence")
    assert element.reasons[1].startswith("31 required HIPAA specifications have no mapped ")


def test_likelihood_and_impact_off_the_scale_are_partial(workspace: Make) -> None:
    odd = risk("RR-3", "db").replace("likelihood: low", "likelihood: very-high")
    root = workspace({**COMPLETE, "register/s.yaml": odd}, manifest=SCOPED)
    found = elements(root)
    assert found["likelihood-of-threat-occurrence"].reasons == (
        "1 risk rates likelihood outside the 3-level scale: RR-3",
    )
    assert found["potential-impact"].status is ElementStatus.MET


def test_level_of_risk_partial_without_inherent_risk_or_remediation(workspace: Make) -> None:
    bare = risk("RR-3", "db").replace("  inherent_risk: low\n", "")
    high = (
        risk("RR-4", "db")
        .replace("impact: moderate", "impact: high")
        .replace("likelihood: low", "likelihood: high")
        .replace("inherent_risk: low", "inherent_risk: high")
        .replace("residual_risk: low", "residual_risk: high")
    )
    root = workspace({**COMPLETE, "register/s.yaml": bare + high}, manifest=SCOPED)
    element = elements(root)["level-of-risk"]
    assert element.status is ElementStatus.PARTIAL
    assert element.reasons == (
        "1 risk has no `inherent_risk`: RR-3",
        "1 high risk has no remediation planned, in progress or accepted: RR-4",
    )


def test_documentation_partial_when_stale_or_one_role_missing(workspace: Make) -> None:
    root = workspace(COMPLETE, manifest=SCOPED)
    sign(root, roles=("compliance-officer",))
    (root / "register/r.yaml").write_text(COMPLETE["register/r.yaml"].replace("Theft", "Loss"))
    element = elements(root)["finalize-documentation"]
    assert element.status is ElementStatus.PARTIAL
    assert element.reasons == (
        "not signed by engineering-owner",
        "compliance-officer signed on 2026-11-20, but the content changed since",
    )


def test_periodic_review_overdue_names_the_date(workspace: Make) -> None:
    root = workspace(COMPLETE, manifest=SCOPED)
    sign(root, when="2024-01-02T09:00:00+00:00")
    element = elements(root, date(2025, 3, 1))["periodic-review"]
    assert element.status is ElementStatus.PARTIAL
    assert element.reasons == ("last review 2024-01-02, over 365 days ago (424 days)",)
    assert elements(root, date(2024, 6, 1))["periodic-review"].status is ElementStatus.MET


def test_result_is_deterministic(workspace: Make) -> None:
    ws = load(workspace({**COMPLETE, "flows/f.yaml": "[]\n"}))
    assert ocr_elements(ws, TODAY) == ocr_elements(ws, TODAY)


def test_listing_counts_and_truncates() -> None:
    assert listing(["a"], "asset is", "assets are") == "1 asset is: a"
    assert listing("abcdefg", "x", "xs") == "7 xs: a, b, c, d, e (and 2 more)"


# The documentation rules on small workspaces


def codes(root: Path, code: str, today: date = TODAY) -> list[tuple[str | None, str]]:
    report = lint(load(root), today, Selection(select=(code,)))
    return [(f.object_id, f.message) for f in report.findings]


def test_sra501_one_warning_per_incomplete_element(workspace: Make) -> None:
    root = workspace(COMPLETE)
    sign(root)
    report = lint(load(root), TODAY, Selection(select=("SRA501",)))
    assert [(f.object_id, f.severity) for f in report.findings] == [
        ("scope-of-the-analysis", Severity.WARNING)
    ]
    assert "Scope of the Analysis" in report.findings[0].message
    assert "scope statement missing" in report.findings[0].message


def test_sra502_names_the_missing_and_the_stale_role(workspace: Make) -> None:
    root = workspace(COMPLETE, manifest=SCOPED)
    sign(root, roles=("compliance-officer",))
    (root / "register/r.yaml").write_text(COMPLETE["register/r.yaml"].replace("Theft", "Loss"))
    found = dict(codes(root, "SRA502"))
    assert set(found) == {"compliance-officer", "engineering-owner"}
    assert "signed on 2026-11-20" in found["compliance-officer"]
    assert "content changed since" in found["compliance-officer"]
    assert "(Bob)" in found["engineering-owner"]
    report = lint(load(root), TODAY, Selection(select=("SRA502",)))
    stale = next(f for f in report.findings if f.object_id == "compliance-officer")
    assert stale.location.file.endswith("s.yaml") and stale.severity is Severity.ERROR


def test_sra502_says_when_no_one_holds_a_required_role(workspace: Make) -> None:
    manifest = SCOPED + "signoff: {required_roles: [compliance-officer, privacy-officer]}\n"
    root = workspace(COMPLETE, manifest=manifest)
    sign(root, roles=("compliance-officer",))
    ((oid, message),) = codes(root, "SRA502")
    assert oid == "privacy-officer" and "no one in sra.yaml `people` holds" in message


def test_sra503_never_reviewed_and_overdue(workspace: Make) -> None:
    root = workspace(COMPLETE, manifest=SCOPED)
    (only,) = codes(root, "SRA503")
    assert only[0] is None and "never been reviewed" in only[1]
    sign(root, when="2025-06-01T12:00:00+00:00")
    (late,) = codes(root, "SRA503")
    assert "2025-06-01 (539 days ago)" in late[1]
    assert codes(root, "SRA503", date(2026, 5, 1)) == []
