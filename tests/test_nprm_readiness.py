"""NPRM readiness: each proposed item ready, a gap, or not assessed, from workspace data."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from hipaa_sra.analysis.nprm import EVIDENCE_MAP, NprmItem, Readiness, nprm_readiness
from hipaa_sra.catalog import hipaa_entry, nprm_profile
from hipaa_sra.loading import load_workspace
from hipaa_sra.rules import Selection, lint

Make = Callable[..., Path]
EXAMPLE = Path(__file__).parents[1] / "src/hipaa_sra/examples/telehealth"
TODAY = date(2026, 11, 22)
READY, GAP, NOT_ASSESSED = Readiness.READY, Readiness.GAP, Readiness.NOT_ASSESSED

API = (
    "- {id: api, name: API, category: public-api, ephi: present, last_reviewed: 2026-10-01, "
    "attributes: {mfa: true, internet_facing: true, last_vulnerability_scan: 2026-10-01, "
    "last_penetration_test: 2026-04-01}}\n"
)
DB = (
    "- {id: db, name: DB, category: database, ephi: present, last_reviewed: 2026-10-01, "
    "attributes: {mfa: true, encryption_at_rest: true, "
    "last_vulnerability_scan: 2026-10-01}}\n"
)
FLOW = "- {id: F1, from: api, to: db, ephi: true, encrypted_in_transit: true}\n"
VENDOR = (
    "- {id: aws, name: AWS, ephi_exposure: stores, last_verified: 2026-06-01, "
    "baa: {status: executed, executed: 2025-01-01}}\n"
)


def control(cid: str, cite: str, day: str | None = "2026-09-01") -> str:
    dated = f", date: {day}" if day else ""
    return (
        f'- {{id: {cid}, name: {cid}, safeguard: administrative, hipaa: ["{cite}"], '
        f"evidence: [{{what: {cid} record, how_verified: reviewed{dated}, "
        f"location: evidence/{cid}.pdf}}]}}\n"
    )


CONTROLS = (
    control("ctl-eval", "164.308(a)(8)")
    + control("ctl-ir", "164.308(a)(6)(ii)")
    + control("ctl-dr-test", "164.308(a)(7)(ii)(D)")
    + control("ctl-training", "164.308(a)(5)(i)")
)


def signoff(when: str = "2026-11-01T10:00:00+00:00") -> str:
    return (
        f"- {{role: compliance-officer, name: A, email: a@x.test, signed_at: '{when}', "
        "digest: 'sha256:0'}\n"
    )


BASE = {
    "inventory/a.yaml": API + DB,
    "flows/f.yaml": FLOW,
    "vendors/v.yaml": VENDOR,
    "controls/c.yaml": CONTROLS,
    "signoffs/s.yaml": signoff(),
}
UNJUDGED = (
    "patch_critical_days",
    "patch_high_days",
    "access_termination_hours",
    "access_change_notice_hours",
    "training_initial_days",
)


def items(root: Path, today: date = TODAY) -> dict[str, NprmItem]:
    found = nprm_readiness(load_workspace(root, use_cache=False), today)
    return {item.key: item for item in found.items}


def changed(make: Make, **files: str) -> dict[str, NprmItem]:
    """The base workspace with some files replaced (`inventory_a` -> `inventory/a.yaml`)."""
    return items(make({**BASE, **{k.replace("_", "/", 1) + ".yaml": v for k, v in files.items()}}))


def test_clean_workspace_is_ready_wherever_the_data_can_show_it(workspace: Make) -> None:
    found = nprm_readiness(load_workspace(workspace(BASE), use_cache=False), TODAY)
    problems = [
        (i.key, i.reasons)
        for i in found.items
        if i.status is not (NOT_ASSESSED if i.key in UNJUDGED else READY)
    ]
    assert problems == []
    assert found.label.startswith("PROPOSED (not law): HHS NPRM 90 FR 898")
    assert (found.count(READY), found.count(GAP), found.count(NOT_ASSESSED)) == (13, 0, 5)
    assert all(not i.reasons and i.evidence for i in found.items if i.status is READY)
    assert found.item("vuln_scan").evidence == (
        "all 2 ePHI assets that are run by the organization scanned within 182 days "
        "(oldest 2026-10-01)",
    )


def test_every_cadence_appears_once_in_report_order() -> None:
    found = nprm_readiness(load_workspace(EXAMPLE, use_cache=False), TODAY)
    keys = [item.key for item in found.items]
    cadences = {cadence.key for cadence in nprm_profile().cadences}
    assert sorted(keys) == sorted(cadences | {"mfa", "encryption_at_rest", "encryption_in_transit"})
    groups = [item.group for item in found.items]
    assert groups == sorted(groups, key=groups.index)  # each section is contiguous
    assert found.item("vuln_scan").citation == "proposed 164.312(h)(2)"
    assert found.item("vuln_scan").confidence == "verified"
    assert found.item("patch_high_days").confidence == "unverified"


GAPS = [
    (
        "inventory_review",
        {"inventory_a": API + DB.replace("2026-10-01, attr", "2025-11-01, attr")},
        "1 asset was last reviewed over 365 days ago: db",
    ),
    (
        "inventory_review",
        {"inventory_a": API + DB.replace(" last_reviewed: 2026-10-01,", "")},
        "1 asset records no `last_reviewed`: db",
    ),
    (
        "risk_analysis_review",
        {"signoffs_s": signoff("2025-11-01T10:00:00+00:00")},
        "last review (sign-off by a required role) 2025-11-01, 386 days ago; the NPRM asks for one "
        "every 365 days",
    ),
    (
        "mfa",
        {"inventory_a": API + DB.replace("mfa: true", "mfa: false")},
        "1 ePHI asset has `mfa: false`: db",
    ),
    (
        "encryption_at_rest",
        {"inventory_a": API + DB.replace("encryption_at_rest: true, ", "")},
        "1 ePHI asset does not record `attributes.encryption_at_rest`: db",
    ),
    (
        "encryption_in_transit",
        {"flows_f": FLOW.replace("true}", "false}")},
        "1 ePHI flow is unencrypted (`encrypted_in_transit: false`): F1",
    ),
    (
        "encryption_in_transit",
        {"flows_f": FLOW.replace(", encrypted_in_transit: true", "")},
        "1 ePHI flow does not record `encrypted_in_transit`: F1",
    ),
    (
        "vuln_scan",
        {"inventory_a": API + DB.replace("scan: 2026-10-01", "scan: 2026-05-23")},
        "1 ePHI asset was last scanned over 182 days ago: db",
    ),
    (
        "pentest",
        {"inventory_a": API.replace(", last_penetration_test: 2026-04-01", "") + DB},
        "1 ePHI asset records no `attributes.last_penetration_test`: api",
    ),
    (
        "ba_verification",
        {"vendors_v": VENDOR.replace("2026-06-01", "2025-11-01")},
        "1 business associate was last verified over 365 days ago: aws",
    ),
    (
        "compliance_audit",
        {"controls_c": CONTROLS.replace("(a)(8)", "(a)(1)(ii)(A)")},
        "no control cites 164.308(a)(8); map the control that records the compliance audit to it, "
        "with the compliance audit as dated evidence",
    ),
    (
        "ir_plan_test",
        {"controls_c": control("ctl-ir", "164.308(a)(6)(ii)", "2025-11-01")},
        "newest incident response plan test evidence is ctl-ir (164.308(a)(6)(ii)), 2025-11-01: "
        "ctl-ir record, 386 days ago; the NPRM asks for one every 365 days",
    ),
    (
        "contingency_test",
        {"controls_c": control("ctl-dr-test", "164.308(a)(7)(ii)(D)", None)},
        "1 control cites 164.308(a)(7)(ii)(D) but records no dated evidence on or before "
        "2026-11-22: ctl-dr-test; record the latest contingency plan test as evidence",
    ),
    # Evidence dated after `today` did not exist yet.
    (
        "contingency_test",
        {"controls_c": control("ctl-dr-test", "164.308(a)(7)(ii)(D)", "2026-12-01")},
        "1 control cites 164.308(a)(7)(ii)(D) but records no dated evidence on or before "
        "2026-11-22: ctl-dr-test; record the latest contingency plan test as evidence",
    ),
    (
        "restore_hours",
        {"controls_c": control("ctl-dr", "164.308(a)(7)(ii)(A)")},
        "no control cites 164.308(a)(7)(ii)(D) or 164.308(a)(7)(ii)(B); map the control that "
        "records the restore or failover test to it, with the restore or failover test as dated "
        "evidence",
    ),
    # Fresh security reminders are not training: (a)(5)(ii)(A) does not count.
    (
        "training_refresh",
        {"controls_c": control("ctl-phish", "164.308(a)(5)(ii)(A)")},
        "no control cites 164.308(a)(5)(i); map the control that records the security awareness "
        "training to it, with the security awareness training as dated evidence",
    ),
]


@pytest.mark.parametrize(("key", "files", "reason"), GAPS, ids=[g[0] for g in GAPS])
def test_one_change_makes_one_gap(
    workspace: Make, key: str, files: dict[str, str], reason: str
) -> None:
    found = changed(workspace, **files)
    assert (found[key].status, found[key].reasons, found[key].evidence) == (GAP, (reason,), ())


def test_no_signoff_is_a_gap(workspace: Make) -> None:
    found = items(workspace({k: v for k, v in BASE.items() if not k.startswith("signoffs")}))
    assert found["risk_analysis_review"].status is GAP
    assert found["risk_analysis_review"].reasons[0].startswith("no review recorded")


READY_VARIANTS = [
    # The interval is inclusive: scanned exactly 182 days ago is still within it.
    (
        "vuln_scan",
        {"inventory_a": API + DB.replace("scan: 2026-10-01", "scan: 2026-05-24")},
        "all 2 ePHI assets that are run by the organization scanned within 182 days "
        "(oldest 2026-05-24)",
    ),
    # A standard cited without "(i)", with the "45 CFR" prefix, still finds its controls.
    (
        "ir_plan_test",
        {"controls_c": control("ctl-ir", "45 CFR 164.308(a)(6)")},
        "ctl-ir (164.308(a)(6)(i)), 2026-09-01: ctl-ir record",
    ),
    (
        "contingency_test",
        {"controls_c": control("ctl-dr-test", "164.308(a)(7)(ii)(d)")},
        "ctl-dr-test (164.308(a)(7)(ii)(D)), 2026-09-01: ctl-dr-test record",
    ),
    (
        "restore_hours",
        {"controls_c": control("ctl-dr", "164.308(a)(7)(ii)(B)", "2026-03-01")},
        "ctl-dr (164.308(a)(7)(ii)(B)), 2026-03-01: ctl-dr record",
    ),
    # A conduit is not a business associate, so its stale verification does not count.
    (
        "ba_verification",
        {
            "vendors_v": VENDOR + "- {id: isp, name: ISP, ephi_exposure: conduit, "
            "last_verified: 2020-01-01}\n"
        },
        "all 1 business associates verified within 365 days (oldest 2026-06-01)",
    ),
]


@pytest.mark.parametrize(
    ("key", "files", "shown"), READY_VARIANTS, ids=[v[0] for v in READY_VARIANTS]
)
def test_ready_variants(workspace: Make, key: str, files: dict[str, str], shown: str) -> None:
    found = changed(workspace, **files)
    assert found[key].status is READY
    assert found[key].evidence[0] == shown


def test_newest_evidence_wins_and_restore_carries_a_caveat(workspace: Make) -> None:
    old = control("ctl-dr-test", "164.308(a)(7)(ii)(D)", "2024-01-01")
    found = changed(workspace, controls_c=old + control("ctl-dr", "164.308(a)(7)(ii)(B)"))
    assert found["restore_hours"].evidence == (
        "ctl-dr (164.308(a)(7)(ii)(B)), 2026-09-01: ctl-dr record",
        "the workspace records no restore times; confirm this shows critical systems restored "
        "within 72 hours",
    )
    assert found["contingency_test"].status is GAP


def test_unjudged_items_stay_not_assessed_and_point_at_current_related_controls(
    workspace: Make,
) -> None:
    offboarding = control("ctl-offboard", "164.308(a)(3)(ii)(C)", "2026-11-20")
    found = changed(workspace, controls_c=CONTROLS + offboarding)
    item = found["access_termination_hours"]
    assert item.status is NOT_ASSESSED
    assert "ends within 1 hour of departure" in item.reasons[0]
    assert item.evidence == (
        "related: ctl-offboard has current evidence (2026-11-20); it does not show the deadline "
        "is met",
    )
    assert "deadline of 15 days for critical patches" in found["patch_critical_days"].reasons[0]
    stale = changed(
        workspace, controls_c=control("ctl-offboard", "164.308(a)(3)(ii)(C)", "2024-01-01")
    )
    assert stale["access_termination_hours"].evidence == ()
    assert {stale[key].status for key in UNJUDGED} == {NOT_ASSESSED}


def test_empty_populations_are_not_assessed_not_ready(workspace: Make) -> None:
    found = changed(
        workspace,
        inventory_a=API.replace("present", "absent") + DB.replace("present", "absent"),
        flows_f="[]\n",
        vendors_v="[]\n",
    )
    for key in (
        "mfa",
        "encryption_at_rest",
        "vuln_scan",
        "pentest",
        "encryption_in_transit",
        "ba_verification",
    ):
        assert found[key].status is NOT_ASSESSED, key
    assert found["inventory_review"].status is READY  # absent assets are still inventoried


def test_empty_inventory_is_a_gap(workspace: Make) -> None:
    found = items(workspace({"signoffs/s.yaml": signoff()}))
    assert found["inventory_review"].reasons == ("the inventory (inventory/) lists no assets",)
    assert found["mfa"].reasons == (
        "no asset is marked as holding ePHI (`ephi: present` or `possible`)",
    )


def test_long_lists_name_five_ids(workspace: Make) -> None:
    many = "".join(f"- {{id: w{i}, name: W, category: worker, ephi: present}}\n" for i in range(7))
    found = changed(workspace, inventory_a=API + DB + many)
    assert found["inventory_review"].reasons == (
        "7 assets record no `last_reviewed`: w0, w1, w2, w3, w4 (and 2 more)",
    )


# Records chosen to exercise every branch of the lint rules' predicates.
MIXED = {
    "inventory/a.yaml": API
    + DB
    + "".join(
        f"- {{id: {aid}, name: X, category: {cat}, ephi: {ephi}, last_reviewed: "
        f"{'2025-01-01' if aid == 'gone' else '2026-10-01'}, attributes: {{{attrs}}}}}\n"
        for aid, cat, ephi, attrs in (
            ("worker", "worker", "present", "last_vulnerability_scan: 2025-01-01"),
            ("saas", "third-party", "present", "mfa: false, internet_facing: true"),
            ("hook", "webhook", "possible", "last_penetration_test: 2024-01-01"),
            ("snap", "snapshot-backup", "present", "encryption_at_rest: false"),
            ("laptop", "workstation", "present", "mfa: true, encryption_at_rest: true"),
            ("mail", "email", "present", "internet_facing: false"),
            ("gone", "cache", "absent", "mfa: false"),
        )
    ),
    "flows/f.yaml": FLOW + "- {id: F2, from: api, to: db, ephi: true}\n"
    "- {id: F3, from: db, to: api, ephi: false, encrypted_in_transit: false}\n",
    "vendors/v.yaml": VENDOR.replace("2026-06-01", "2024-06-01")
    + "- {id: nov, name: N, ephi_exposure: processes}\n"
    + "- {id: pipe, name: P, ephi_exposure: conduit}\n",
}
RULE_OF = {
    "SRA205": "inventory_review",
    "SRA208": "ba_verification",
    "SRA209": "encryption_in_transit",
    "SRA302": "mfa",
    "SRA303": "encryption_at_rest",
    "SRA304": "vuln_scan",
    "SRA305": "pentest",
}


def test_gaps_name_exactly_the_records_the_lint_rules_flag(workspace: Make) -> None:
    ws = load_workspace(workspace(MIXED), use_cache=False)
    flagged: dict[str, set[str]] = {key: set() for key in RULE_OF.values()}
    for finding in lint(ws, TODAY, Selection(select=tuple(RULE_OF))).findings:
        flagged[RULE_OF[finding.code]].add(str(finding.object_id))
    named = {
        item.key: {i for reason in item.reasons for i in re.split(r", ", reason.split(": ")[-1])}
        for item in nprm_readiness(ws, TODAY).items
        if item.key in flagged
    }
    assert named == flagged
    assert all(flagged.values())  # every rule fired, so the comparison means something


def test_bundled_example() -> None:
    found = items(EXAMPLE)
    status = {key: item.status for key, item in found.items()}
    # No signoffs/ directory: the SRA was never signed.
    assert status["risk_analysis_review"] is GAP
    # flows/messaging-and-partners.yaml: plain SMTP to the relay, encrypted_in_transit: false.
    assert found["encryption_in_transit"].reasons == (
        "1 ePHI flow is unencrypted (`encrypted_in_transit: false`): "
        "flow-notifications-to-email-relay",
    )
    # vendors/saas-and-partners.yaml: labbridge stores ePHI, last verified 2025-03-18.
    assert found["ba_verification"].reasons == (
        "1 business associate was last verified over 365 days ago: labbridge",
    )
    # inventory/compute-and-transit.yaml: the SFTP drop records no `mfa`.
    assert found["mfa"].reasons == (
        "1 ePHI asset does not record `attributes.mfa`: partner-sftp-drop",
    )
    # controls/administrative.yaml: evaluation 2026-04-30, DR game day 2026-09-17.
    audit, test = found["compliance_audit"].evidence[0], found["contingency_test"].evidence[0]
    assert audit.startswith("ctl-annual-evaluation (164.308(a)(8)), 2026-04-30")
    assert test.startswith("ctl-dr-testing (164.308(a)(7)(ii)(D)), 2026-09-17")
    assert status["encryption_at_rest"] is READY
    assert status["inventory_review"] is READY
    assert found["access_termination_hours"].status is NOT_ASSESSED
    assert found["access_termination_hours"].evidence[0].startswith("related: ctl-offboarding")


def test_evidence_map_cites_catalog_entries() -> None:
    for key, mapping in EVIDENCE_MAP.items():
        assert key in {c.key for c in nprm_profile().cadences}
        for citation in mapping.citations:
            entry = hipaa_entry(citation)
            assert entry is not None and entry.citation == citation
