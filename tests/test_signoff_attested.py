"""A sign-off records what the signer saw: the lint summary, printed, stored and signed."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import Run
from hipaa_sra.analysis.digest import workspace_digest
from hipaa_sra.analysis.signoff_status import signed_payload
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Signoff
from hipaa_sra.signoff import render_record, sign_payload

BASE = Path(__file__).parent / "rules" / "base"
TODAY = "2026-11-22"
ALICE = ("compliance-officer", "Alice Reyes", "alice@example.test")
BOB = ("engineering-owner", "Bob Okafor", "bob@example.test")
REASON = "RR-1 is re-scored at the December review; the residual is accepted until then"
needs_ssh = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed"
)

Sra = Callable[..., Run]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A clean workspace (every rule passes on TODAY once signed) at ./sra."""
    target = tmp_path / "sra"
    shutil.copytree(BASE, target)
    return target


def signoff(sra: Sra, who: tuple[str, str, str], *extra: str) -> Run:
    role, name, email = who
    return sra(
        "signoff",
        "--role",
        role,
        "--name",
        name,
        "--email",
        email,
        "--now",
        f"{TODAY}T10:00:00+00:00",
        *extra,
    )


def records(root: Path) -> list[Path]:
    return sorted((root / "signoffs").glob("*.yaml"))


def written(root: Path) -> dict[str, Any]:
    (path,) = records(root)
    record: dict[str, Any] = yaml.safe_load(path.read_text())[0]
    return record


def open_an_error(root: Path) -> None:
    """RR-1's residual risk above its inherent risk: SRA107, an error."""
    risks = root / "register/risks.yaml"
    risks.write_text(risks.read_text().replace("residual_risk: low", "residual_risk: moderate", 1))


def report_markdown(sra: Sra) -> str:
    run = sra(
        "report", "--format", "md", "--out", "-", "--today", TODAY, "--no-history", "--no-cache"
    )
    assert run.exit_code == 0, run.stderr
    return run.stdout


def test_a_clean_workspace_is_signed_with_its_summary(root: Path, sra: Sra) -> None:
    run = signoff(sra, ALICE)
    assert run.exit_code == 0, run.stderr
    # SRA501 (two OCR elements: not signed, never reviewed) are the only findings; the
    # sign-off rules themselves are left out.
    assert run.stdout.startswith(
        f"Lint as of {TODAY} (sign-off rules left out): 0 errors, 2 warnings, 0 info, 0 waived\n"
    )
    assert "Open errors" not in run.stdout
    assert written(root)["attested"] == {
        "today": date(2026, 11, 22),
        "errors": 0,
        "warnings": 2,
        "info": 0,
        "waived": 0,
    }
    assert signoff(sra, BOB).exit_code == 0
    assert sra("verify").exit_code == 0


def test_open_errors_are_refused_without_acceptance(root: Path, sra: Sra) -> None:
    open_an_error(root)
    run = signoff(sra, ALICE)
    assert run.exit_code == 1
    assert "1 error, " in run.stdout.splitlines()[0]
    assert "Open errors:\n  SRA107 residual-exceeds-inherent RR-1 (" in run.stdout
    assert "1 error is open" in run.stderr and "--accept-findings" in run.stderr
    assert not (root / "signoffs").exists()


def test_accepted_errors_and_the_reason_are_recorded(root: Path, sra: Sra) -> None:
    open_an_error(root)
    run = signoff(sra, ALICE, "--accept-findings", REASON)
    assert run.exit_code == 0, run.stderr
    attested = written(root)["attested"]
    assert attested["errors"] == 1 and attested["accepted"] == REASON
    assert attested["open_errors"] == [{"rule": "SRA107", "object": "RR-1"}]
    assert load_workspace(root, use_cache=False).signoffs[0].attested is not None


def test_blank_acceptance_is_a_usage_error(root: Path, sra: Sra) -> None:
    open_an_error(root)
    run = signoff(sra, ALICE, "--accept-findings", "  ")
    assert run.exit_code == 2 and "must not be blank" in run.stderr


def test_acceptance_without_open_errors_is_not_recorded(root: Path, sra: Sra) -> None:
    run = signoff(sra, ALICE, "--accept-findings", REASON)
    assert run.exit_code == 0 and "had nothing to accept" in run.stderr
    assert "accepted" not in written(root)["attested"]


def test_the_summary_is_taken_as_of_today_with_waivers_counted(root: Path, sra: Sra) -> None:
    risks = root / "register/risks.yaml"
    risks.write_text(
        risks.read_text().replace(
            "- id: RR-2\n",
            "- id: RR-2\n  waivers:\n    - {rule: SRA101, reason: Reviewed with "
            "RR-1 in January, approved_by: alice, until: 2028-12-31}\n",
            1,
        )
    )
    run = signoff(sra, ALICE, "--today", "2028-01-01")
    assert run.exit_code == 0, run.stderr
    attested = written(root)["attested"]
    assert attested["today"] == date(2028, 1, 1) and attested["errors"] == 0
    assert attested["waived"] == 1 and attested["warnings"] > 2 and attested["info"] > 0
    assert run.stdout.startswith(
        f"Lint as of 2028-01-01 (sign-off rules left out): 0 errors, "
        f"{attested['warnings']} warnings, {attested['info']} info, "
        "1 waived"
    )


def test_old_records_without_the_block_load_and_verify(root: Path, sra: Sra) -> None:
    digest = workspace_digest(load_workspace(root, use_cache=False))
    (root / "signoffs").mkdir()
    for role, name, email in (ALICE, BOB):
        (root / "signoffs" / f"{role}.yaml").write_text(
            f"- role: {role}\n  name: {name}\n  email: {email}\n"
            f"  signed_at: {TODAY}T09:00:00+00:00\n  digest: '{digest}'\n"
        )
    assert sra("verify").exit_code == 0
    document = report_markdown(sra)
    assert "### What each signer saw" in document and "not recorded" in document


def test_the_report_shows_what_each_signer_saw(root: Path, sra: Sra) -> None:
    open_an_error(root)
    assert signoff(sra, ALICE, "--accept-findings", REASON).exit_code == 0
    assert signoff(sra, BOB, "--accept-findings", "as Alice said").exit_code == 0
    document = report_markdown(sra)
    section = document.split("### What each signer saw", 1)[1].split("\n## ", 1)[0]
    rows = [
        line
        for line in section.splitlines()
        if line.startswith("| compliance-officer") or line.startswith("| engineering-owner")
    ]
    assert len(rows) == 2
    assert f"| {TODAY} | **1** | 2 | 0 | 0 |" in rows[0]
    assert "SRA107 RR-1" in rows[0] and f"accepted: {REASON}" in rows[0]
    assert "accepted: as Alice said" in rows[1]


# --- the signature covers the block -----------------------------------------------------------


def keygen(directory: Path, name: str) -> Path:
    key = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
        check=True,
        timeout=30,
    )
    return key


@pytest.fixture
def ssh_root(root: Path, tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """`root`, requiring SSH signatures from Alice's and Bob's keys."""
    (tmp_path / "keys").mkdir()
    keys = {name: keygen(tmp_path / "keys", name) for name in ("alice", "bob")}
    lines = [
        f'{email} namespaces="hipaa-sra" '
        + " ".join(Path(f"{keys[who]}.pub").read_text().split()[:2])
        for who, email in (("alice", ALICE[2]), ("bob", BOB[2]))
    ]
    (root / "allowed_signers").write_text("\n".join(lines) + "\n")
    with (root / "sra.yaml").open("a") as handle:
        handle.write("signoff:\n  allowed_signers: allowed_signers\n")
    return root, keys


def _drop_block(text: str) -> str:
    """The record without its `attested` block: it then reads as an old record."""
    head, rest = text.split("  attested:\n")
    return head + "  signature: |" + rest.split("  signature: |")[1]


@needs_ssh
@pytest.mark.parametrize(
    "tamper",
    [
        lambda text: text.replace("    errors: 1\n", "    errors: 0\n"),
        lambda text: text.replace('object: "RR-1"}', 'object: "RR-2"}'),
        lambda text: text.replace(REASON, "the auditor agreed"),
        _drop_block,
    ],
    ids=["count", "open-error", "reason", "block-removed"],
)
def test_editing_what_was_attested_voids_the_signature(
    ssh_root: tuple[Path, dict[str, Path]], sra: Sra, tamper: Callable[[str], str]
) -> None:
    root, keys = ssh_root
    open_an_error(root)
    assert (
        signoff(sra, ALICE, "--ssh-key", str(keys["alice"]), "--accept-findings", REASON).exit_code
        == 0
    )
    assert (
        signoff(sra, BOB, "--ssh-key", str(keys["bob"]), "--accept-findings", REASON).exit_code == 0
    )
    assert sra("verify").exit_code == 0
    path = records(root)[0]
    text = path.read_text()
    assert tamper(text) != text
    path.write_text(tamper(text))
    run = sra("verify")
    assert run.exit_code == 1 and "compliance-officer: invalid:" in run.stdout, run.stdout


@needs_ssh
def test_an_old_ssh_signed_record_without_the_block_still_verifies(
    ssh_root: tuple[Path, dict[str, Path]], sra: Sra
) -> None:
    root, keys = ssh_root
    digest = workspace_digest(load_workspace(root, use_cache=False))
    (root / "signoffs").mkdir()
    for (role, name, email), key in ((ALICE, keys["alice"]), (BOB, keys["bob"])):
        record = Signoff(
            role=role, name=name, email=email, digest=digest, signed_at=f"{TODAY}T09:00:00+00:00"
        )
        assert b"attested" not in signed_payload(record)  # the payload of old records
        signed = record.model_copy(update={"signature": sign_payload(signed_payload(record), key)})
        (root / "signoffs" / f"{role}.yaml").write_text(render_record(signed))
    run = sra("verify")
    assert run.exit_code == 0, run.stdout
