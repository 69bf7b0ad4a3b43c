"""Edits in the web app: each lands in the YAML, byte-exact elsewhere, and in a git commit."""

from __future__ import annotations

import hashlib
import html
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.files.uploadedfile import SimpleUploadedFile

from hipaa_sra.cli import cli
from hipaa_sra.editing import Ref, Set, apply_changes
from hipaa_sra.loading import load_workspace

from .conftest import TODAY, WebUser, totp_code

RISK = "RR-2026-001"
RISK_FILE = "register/clinical-platform.yaml"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def git_log(workspace: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "log", "-1", *args], cwd=workspace, check=True, capture_output=True, text=True
    ).stdout


def form_of(client: Any, url: str) -> dict[str, str]:
    """The values a browser would post back from the page at `url`."""
    return values_of(client.get(url).content.decode())


def values_of(page: str) -> dict[str, str]:
    """Every input, select and textarea of a page, as a browser would post them."""
    values = {
        m[0]: html.unescape(m[1])
        for m in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
    }
    for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = html.unescape(body).strip("\n")
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body) or re.search(
            r'<option value="([^"]*)"', body
        )  # a browser posts the first option by default
        values[name] = chosen.group(1) if chosen else ""
    values.pop("csrfmiddlewaretoken", None)
    return values


def _others_unchanged(before: str, after: str, changed: str, now: str) -> None:
    assert after == before.replace(changed, now, 1)


def test_an_edited_risk_lands_in_its_record_only_and_in_a_commit_by_the_editor(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    path = web_workspace / RISK_FILE
    before = path.read_text()
    url = f"/register/edit/{RISK}"
    values = form_of(clients["editor"], url) | {"likelihood": "high"}
    response = clients["editor"].post(url, values)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = path.read_text()
    # The only change: the likelihood line of this risk; comments and other rows untouched.
    _others_unchanged(
        before,
        after,
        "  likelihood: moderate\n  impact: high\n  inherent_risk: moderate\n",
        "  likelihood: high\n  impact: high\n  inherent_risk: moderate\n",
    )
    log = git_log(web_workspace, "--format=%an <%ae>%n%s")
    assert log.splitlines() == [
        "Lucas Moreno <lucas.moreno@example.com>",
        f"sra: update risks {RISK}: likelihood",
    ]
    assert load_workspace(web_workspace).risk_by_id[RISK].likelihood == "high"


def test_a_field_error_is_shown_beside_the_field_in_the_words_of_sra_validate(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    url = f"/register/edit/{RISK}"
    values = form_of(clients["editor"], url) | {"last_reviewed": "2026-02-30"}
    before = (web_workspace / RISK_FILE).read_bytes()
    response = clients["editor"].post(url, values)
    assert response.status_code == 200
    assert (web_workspace / RISK_FILE).read_bytes() == before
    # The loader's own message for the same value written into the file.
    (web_workspace / RISK_FILE).write_text(
        before.decode().replace("  last_reviewed: 2026-10-14\n", "  last_reviewed: 2026-02-30\n", 1)
    )
    said = [
        f.message
        for f in load_workspace(web_workspace).findings
        if f.object_id == RISK and "last_reviewed" in f.message
    ]
    assert said, "the loader reports the bad date"
    page = response.content.decode()
    errors = re.search(r'id="id_last_reviewed-errors"><li>(.*?)</li>', page)
    assert errors is not None and html.unescape(errors.group(1)) == said[0]


def test_a_record_changed_since_the_page_was_loaded_is_not_overwritten(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    url = f"/register/edit/{RISK}"
    values = form_of(clients["editor"], url) | {
        "impact": "moderate",
        "threat": "My careful rewording",
    }
    # Someone else saves the same risk meanwhile (another user, a git pull).
    apply_changes(web_workspace, [Set(Ref("risks", RISK), ("vuln",), "Their new finding")])
    theirs = (web_workspace / RISK_FILE).read_bytes()
    response = clients["editor"].post(url, values)
    assert response.status_code == 409
    assert (web_workspace / RISK_FILE).read_bytes() == theirs
    page = response.content.decode()
    assert "Their new finding" in page and "My careful rewording" in page
    kept = values_of(page)
    assert kept["threat"] == "My careful rewording" and kept["impact"] == "moderate"
    # Saving again, having seen their version, is a decision: yours replaces theirs.
    response = clients["editor"].post(url, kept)
    assert response.status_code == 302
    risk = load_workspace(web_workspace).risk_by_id[RISK]
    assert risk.threat == "My careful rewording" and risk.vuln == values["vuln"]


def test_adding_a_risk_appends_it_and_commits(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    values = {
        "id": "RR-2026-900",
        "asset": "visits-db",
        "threat": "Flood",
        "vuln": "Basement racks",
        "likelihood": "low",
        "impact": "high",
    }
    response = clients["editor"].post("/register/new/", values)
    assert response.status_code == 302
    assert load_workspace(web_workspace).risk_by_id["RR-2026-900"].threat == "Flood"
    assert "sra: add risks RR-2026-900" in git_log(web_workspace, "--format=%s")


def test_a_risk_whose_id_holds_a_slash_is_edited_by_its_url(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    values = {
        "id": "team/RR-7",
        "asset": "visits-db",
        "threat": "Flood",
        "vuln": "Racks",
        "likelihood": "low",
        "impact": "high",
    }
    assert clients["editor"].post("/register/new/", values).status_code == 302
    url = "/register/edit/team/RR-7"
    response = clients["editor"].post(url, form_of(clients["editor"], url) | {"impact": "low"})
    assert response.status_code == 302
    assert load_workspace(web_workspace).risk_by_id["team/RR-7"].impact == "low"


def test_a_duplicate_id_is_refused_in_the_editing_paths_words(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    values = {
        "id": RISK,
        "asset": "a",
        "threat": "t",
        "vuln": "v",
        "likelihood": "low",
        "impact": "low",
    }
    response = clients["editor"].post("/register/new/", values)
    assert response.status_code == 200
    assert f"id `{RISK}` is taken" in html.unescape(response.content.decode())


def test_accepting_a_risk_records_rationale_and_the_approver(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    url = f"/register/accept/{RISK}"
    values = form_of(clients["approver"], url) | {"rationale": "Compensating vault lock"}
    assert clients["approver"].post(url, values).status_code == 302
    item = load_workspace(web_workspace).risk_by_id[RISK].remediation[-1]
    assert (item.status, item.rationale, item.approved_by) == (
        "accepted",
        "Compensating vault lock",
        "priya-raman",
    )
    assert git_log(web_workspace, "--format=%an").strip() == "Priya Raman"


def test_an_acceptance_of_a_risk_changed_meanwhile_asks_again(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    url = f"/register/accept/{RISK}"
    values = form_of(clients["approver"], url) | {"rationale": "Vault lock compensates"}
    apply_changes(web_workspace, [Set(Ref("risks", RISK), ("residual_risk",), "moderate")])
    response = clients["approver"].post(url, values)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this record" in page and "Vault lock compensates" in page
    assert not load_workspace(web_workspace).risk_by_id[RISK].remediation[-1].rationale
    assert clients["approver"].post(url, values_of(page)).status_code == 302
    assert (
        load_workspace(web_workspace).risk_by_id[RISK].remediation[-1].rationale
        == "Vault lock compensates"
    )


def test_evidence_upload_stores_the_file_and_records_its_sha256(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    control = load_workspace(web_workspace).controls[0].id
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    response = clients["editor"].post(
        f"/controls/evidence/{control}",
        {
            "what": "Quarterly access review",
            "how_verified": "review",
            "date": "2026-02-27",
            "document": upload,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = load_workspace(web_workspace).control_by_id[control].evidence[-1]
    digest = hashlib.sha256(PDF).hexdigest()
    assert entry.sha256 == digest and entry.location is not None
    assert re.fullmatch(r"evidence/2026-03-01-[a-z0-9-]+-[0-9a-f]{16}\.pdf", entry.location)
    assert (web_workspace / entry.location).read_bytes() == PDF
    files = git_log(web_workspace, "--name-only", "--format=")
    assert f"sra/{entry.location}" in files
    name = entry.location.split("/")[-1]
    assert (
        f'href="/documents/{name}"'
        in clients["reader"].get(f"/controls/control/{control}").content.decode()
    )
    download = clients["reader"].get(f"/documents/{name}")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03" + b"\x00" * 300, "is not accepted"),
        ("../../sra.yaml", b"organization:\n  name: Evil\n", None),
        ("big.pdf", PDF + b"0" * (26 * 1024 * 1024), "MiB are accepted"),
    ],
)
def test_uploads_are_refused_by_content_and_size_and_never_stored_by_their_name(
    web_app: Any,
    clients: dict[str, Any],
    web_workspace: Path,
    name: str,
    data: bytes,
    said: str | None,
) -> None:
    control = load_workspace(web_workspace).controls[0].id
    manifest = (web_workspace / "sra.yaml").read_bytes()
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    response = clients["editor"].post(
        f"/controls/evidence/{control}", {"what": "x", "document": upload}
    )
    assert (web_workspace / "sra.yaml").read_bytes() == manifest
    assert not (web_workspace.parent / "sra.yaml").exists()
    if said is None:  # text is a document type: it is stored, under a generated name
        stored = load_workspace(web_workspace).control_by_id[control].evidence[-1].location
        assert stored is not None and stored.startswith("evidence/") and stored.endswith(".txt")
        return
    # A body larger than any document is refused before it is read (413).
    assert response.status_code == (413 if len(data) > 25 * 1024 * 1024 else 200)
    assert said in html.unescape(response.content.decode())
    assert not (web_workspace / "evidence").exists()


def test_a_stored_file_is_served_only_by_a_generated_name(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    for name in ("..%2Fsra.yaml", "sra.yaml", "2026-03-01-x-0123456789abcdef.pdf"):
        assert clients["reader"].get(f"/documents/{name}").status_code == 404


def test_baa_dates_and_document(web_app: Any, clients: dict[str, Any], web_workspace: Path) -> None:
    url = "/vendors/baa/faultline"
    values = form_of(clients["editor"], url) | {
        "baa_expires": "2027-09-30",
        "baa_executed": "2025-10-01",
    }
    values["document"] = SimpleUploadedFile("baa.pdf", PDF)  # type: ignore[assignment]
    response = clients["editor"].post(url, values)
    assert response.status_code == 302, response.content.decode()[:3000]
    baa = load_workspace(web_workspace).vendor_by_id["faultline"].baa
    assert baa is not None and str(baa.expires) == "2027-09-30"
    assert baa.sha256 == hashlib.sha256(PDF).hexdigest()
    assert baa.document is not None and (web_workspace / baa.document).read_bytes() == PDF


def _lint_json(workspace: Path) -> dict[str, Any]:
    import json

    result = CliRunner().invoke(
        cli,
        ["lint", "--workspace", str(workspace), "--format", "json", "--today", TODAY.isoformat()],
    )
    return dict(json.loads(result.output))


def test_a_waiver_from_the_web_is_honoured_by_sra_lint(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    def open_baa(report: dict[str, Any]) -> list[Any]:
        return [
            f
            for f in report["findings"]
            if f["rule"] == "SRA207" and f.get("object") == "faultline" and not f["waived"]
        ]

    assert open_baa(_lint_json(web_workspace))
    url = "/findings/waive/SRA207/?object=faultline"
    values = form_of(clients["approver"], url) | {
        "reason": "Renewal signed, countersignature due",
        "until": "2026-04-30",
    }
    response = clients["approver"].post(url, values)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not open_baa(_lint_json(web_workspace))
    waiver = load_workspace(web_workspace).vendor_by_id["faultline"].waivers[-1]
    assert (waiver.rule, waiver.approved_by) == ("SRA207", "priya-raman")


def test_a_waiver_needs_a_future_expiry(web_app: Any, clients: dict[str, Any]) -> None:
    url = "/findings/waive/SRA207/?object=faultline"
    response = clients["approver"].post(
        url, {"object": "faultline", "reason": "r", "until": "2026-02-01"}
    )
    assert "A waiver must end after today (2026-03-01)." in response.content.decode()


def reauthenticate(client: Any, user: WebUser) -> None:
    response = client.post(
        "/reauthenticate/", {"password": user.password, "code": totp_code(user.device), "next": "/"}
    )
    assert response.status_code == 302


def sign_in_web(client: Any, user: WebUser) -> Any:
    reauthenticate(client, user)
    values = form_of(client, "/signoff/sign/") | {"accept_findings": "Known gaps, planned"}
    return client.post("/signoff/sign/", values)


def test_signing_needs_a_fresh_reauthentication(web_app: Any, clients: dict[str, Any]) -> None:
    response = clients["signer"].get("/signoff/sign/")
    assert response.status_code == 302 and response["Location"].startswith("/reauthenticate/")


def test_cli_and_web_signoffs_verify(
    web_app: Any, clients: dict[str, Any], web_users: dict[str, WebUser], web_workspace: Path
) -> None:
    runner = CliRunner()
    signed = runner.invoke(
        cli,
        [
            "signoff",
            "--workspace",
            str(web_workspace),
            "--role",
            "engineering-owner",
            "--name",
            "David Okafor",
            "--email",
            "david.okafor@example.com",
            "--accept-findings",
            "Known gaps",
            "--today",
            TODAY.isoformat(),
        ],
    )
    assert signed.exit_code == 0, signed.output
    assert runner.invoke(cli, ["verify", "--workspace", str(web_workspace)]).exit_code == 1
    response = sign_in_web(clients["signer"], web_users["signer"])
    assert response.status_code == 302, response.content.decode()[:3000]
    verified = runner.invoke(cli, ["verify", "--workspace", str(web_workspace)])
    assert verified.exit_code == 0, verified.output
    assert "in the web app as signer after password and TOTP" in verified.output
    record = next(s for s in load_workspace(web_workspace).signoffs if s.method is not None)
    from hipaa_sra.web.models import AuditEntry

    entry = AuditEntry.objects.get(entry_hash=record.audit_entry)
    assert (entry.action, entry.actor, record.web_user) == ("reauthenticated", "signer", "signer")
    assert AuditEntry.objects.filter(action="signoff", actor="signer").exists()
    assert git_log(web_workspace, "--format=%an").strip() == "Maria Chen"
    from hipaa_sra.web.signoff_proof import check_signoff_proof

    assert check_signoff_proof(record).problem is None
    # A record pointing at another entry (here: the sign-off's own) proves nothing.
    other = AuditEntry.objects.get(action="signoff").entry_hash
    forged = check_signoff_proof(record.model_copy(update={"audit_entry": other}))
    assert forged.problem is not None and "not the signer's re-authentication" in forged.problem
    missing = check_signoff_proof(record.model_copy(update={"audit_entry": "0" * 64}))
    assert missing.problem is not None and "not in this trail" in missing.problem


def test_a_web_mfa_record_without_its_proof_does_not_count(
    web_app: Any, clients: dict[str, Any], web_users: dict[str, WebUser], web_workspace: Path
) -> None:
    assert sign_in_web(clients["signer"], web_users["signer"]).status_code == 302
    record = next((web_workspace / "signoffs").glob("*compliance-officer*.yaml"))
    text = record.read_text()
    record.write_text(re.sub(r'  audit_entry: "[0-9a-f]+"\n', "", text))
    result = CliRunner().invoke(cli, ["verify", "--workspace", str(web_workspace)])
    assert "does not name the account (`web_user`) and the audit trail entry" in result.output


POSTS = [
    f"/register/edit/{RISK}",
    "/register/new/",
    f"/register/accept/{RISK}",
    "/vendors/baa/faultline",
    "/controls/evidence/ctl-mfa-enforcement",
    "/findings/waive/SRA207/?object=faultline",
    "/signoff/sign/",
]


def test_a_read_only_user_is_refused_every_edit(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    before = {p: p.read_bytes() for p in web_workspace.rglob("*.yaml")}
    for url in POSTS:
        assert clients["reader"].get(url).status_code == 403, url
        assert clients["reader"].post(url, {"likelihood": "high"}).status_code == 403, url
    assert {p: p.read_bytes() for p in web_workspace.rglob("*.yaml")} == before


def test_every_edit_is_in_the_audit_trail(web_app: Any, clients: dict[str, Any]) -> None:
    from hipaa_sra.web.models import AuditEntry

    url = f"/register/edit/{RISK}"
    clients["editor"].post(url, form_of(clients["editor"], url) | {"impact": "moderate"})
    entry = AuditEntry.objects.filter(action="risk.edit").get()
    assert (entry.actor, entry.object) == ("editor", f"risk:{RISK}")
    assert f"update risks {RISK}: impact" in entry.detail


def test_a_workspace_outside_git_is_edited_and_audited_not_committed(
    web_app: Any, clients: dict[str, Any], web_workspace: Path
) -> None:
    import shutil

    shutil.rmtree(web_workspace.parent / ".git")
    url = f"/register/edit/{RISK}"
    response = clients["editor"].post(
        url, form_of(clients["editor"], url) | {"impact": "low"}, follow=True
    )
    assert "not committed" in html.unescape(response.content.decode()).lower()
    assert load_workspace(web_workspace).risk_by_id[RISK].impact == "low"
