"""Sign-off integrity: every byte counts, no cache is trusted, a key signs only for its holder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from conftest import Run
from hipaa_sra.analysis.digest import workspace_digest
from hipaa_sra.analysis.signers import matches_principals
from hipaa_sra.analysis.signoff_status import signed_payload
from hipaa_sra.loading import load_workspace
from hipaa_sra.loading.cache import CACHE_DIR, Cache
from hipaa_sra.model import Signoff
from hipaa_sra.signoff import render_record, sign_payload
from hipaa_sra.ssh.allowed_signers import fingerprint, listings
from test_signoff import ALICE, BOB, TODAY, Sra, needs_ssh, signoff
from test_signoff import root as root  # the fixture: a clean workspace at ./sra

NEW_RISK = """\
- id: RR-99
  asset: pg-primary
  threat: Insider exports the patient table
  vuln: No alert on bulk reads
  likelihood: low
  impact: moderate
  inherent_risk: low
  residual_risk: low
  last_reviewed: 2026-10-01
"""


def sign_both(sra: Sra, alice: tuple[str, ...] = (), bob: tuple[str, ...] = ()) -> None:
    for who, extra in ((ALICE, alice), (BOB, bob)):
        run = signoff(sra, who, *extra)
        assert run.exit_code == 0, run.stdout + run.stderr


def lint_signoffs(sra: Sra) -> Run:
    return sra("lint", "--select", "signoff-missing", "--today", TODAY, "--no-cache")


def report_markdown(sra: Sra) -> str:
    run = sra(
        "report", "--format", "md", "--out", "-", "--today", TODAY, "--no-history", "--no-cache"
    )
    assert run.exit_code == 0, run.stderr
    return run.stdout


# --- every byte counts ----------------------------------------------------------------------


def test_a_new_risk_with_an_unknown_key_voids_both_signoffs(root: Path, sra: Sra) -> None:
    sign_both(sra)
    assert sra("verify").exit_code == 0
    assert "✅ **SIGNED**" in report_markdown(sra)
    with (root / "register/risks.yaml").open("a") as handle:
        handle.write(NEW_RISK + "  severity_note: decided in the hallway\n")
    run = sra("verify")
    assert run.exit_code == 1, run.stdout
    assert "verified: every" not in run.stdout
    assert "  risks/RR-99 added" in run.stdout
    lint = lint_signoffs(sra)
    assert lint.exit_code == 1 and lint.stdout.count("SRA502") == 2, lint.stdout
    document = report_markdown(sra)
    assert "**CHANGED SINCE SIGN-OFF**" in document and "✅ **SIGNED**" not in document


def test_changing_only_an_unknown_key_voids_the_signoff(root: Path, sra: Sra) -> None:
    # Signed with the unknown key accepted; editing nothing but its value is a change.
    with (root / "register/risks.yaml").open("a") as handle:
        handle.write(NEW_RISK + "  severity_note: decided in the hallway\n")
    accept = ("--accept-findings", "the note is kept until the schema has a field for it")
    sign_both(sra, accept, accept)
    assert sra("verify").exit_code == 0
    path = root / "register/risks.yaml"
    path.write_text(path.read_text().replace("in the hallway", "by email"))
    run = sra("verify")
    assert run.exit_code == 1 and "  risks/RR-99 changed" in run.stdout, run.stdout


def test_a_file_that_does_not_parse_is_never_verified(root: Path, sra: Sra) -> None:
    sign_both(sra)
    with (root / "register/risks.yaml").open("a") as handle:
        handle.write("- id: RR-100\n  threat: [unclosed\n")
    run = sra("verify")
    assert run.exit_code == 2
    assert "verified" not in run.stdout and "register/risks.yaml" in run.stderr


# --- never the cache ------------------------------------------------------------------------


@pytest.fixture
def cache_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every key the load or lint cache is asked for while enabled (the real cache runs)."""
    asked: list[str] = []
    real = Cache.get

    def get(self: Cache, key: str) -> object:
        if self.enabled:
            asked.append(key)
        return real(self, key)

    monkeypatch.setattr(Cache, "get", get)
    yield asked


def _entries(root: Path) -> dict[Path, bytes]:
    return {path: path.read_bytes() for path in (root / CACHE_DIR).rglob("*") if path.is_file()}


def _cache_everything(root: Path, sra: Sra) -> dict[Path, bytes]:
    """Fill the cache as everyday commands do, and return its entries."""
    load_workspace(root)
    assert sra("validate").exit_code in (0, 1)
    assert sra("lint", "--today", TODAY).exit_code in (0, 1)
    return _entries(root)


def _forge(root: Path, sra: Sra, edit: Callable[[], None]) -> None:
    """After `edit`, make every new cache entry hold what the pre-edit entry of its kind held.

    A plausible forgery: the entry for the edited file's new bytes says what its old bytes
    said, so a reader that trusted the cache would see the signed content again.
    """
    risks = root / "register/risks.yaml"
    text = risks.read_text()
    risks.unlink()
    without = _cache_everything(root, sra)
    risks.write_text(text)
    before = {p: d for p, d in _cache_everything(root, sra).items() if p not in without}
    edit()
    after = {p: d for p, d in _cache_everything(root, sra).items() if p not in before}
    after = {p: d for p, d in after.items() if p not in without}
    forged = 0
    for path in after:
        old = [d for p, d in before.items() if p.suffixes[-1:] == path.suffixes[-1:]]
        if old:
            path.write_bytes(old[0])
            forged += 1
    assert forged, "no cache entry to forge"


def test_verify_never_reads_the_cache(root: Path, sra: Sra, cache_reads: list[str]) -> None:
    sign_both(sra)
    risks = root / "register/risks.yaml"

    def edit() -> None:
        risks.write_text(risks.read_text().replace("likelihood: low", "likelihood: high", 1))

    _forge(root, sra, edit)
    cache_reads.clear()
    run = sra("verify")
    assert cache_reads == []
    assert run.exit_code == 1 and "  risks/RR-1 changed" in run.stdout, run.stdout
    assert workspace_digest(load_workspace(root, use_cache=False)) in run.stdout


def test_signoff_never_reads_the_cache(root: Path, sra: Sra, cache_reads: list[str]) -> None:
    risks = root / "register/risks.yaml"

    def edit() -> None:
        # A high risk with no remediation: an error the forged cache would hide.
        risks.write_text(
            risks.read_text().replace(
                "likelihood: low\n  impact: moderate\n  inherent_risk: low\n  current_controls:"
                " [CTL-ACCESS]\n  residual_risk: low",
                "likelihood: high\n  impact: high\n  inherent_risk: high\n  current_controls:"
                " [CTL-ACCESS]\n  residual_risk: high",
                1,
            )
        )

    _forge(root, sra, edit)
    cache_reads.clear()
    run = signoff(sra, ALICE)
    assert cache_reads == []
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "RR-1" in run.stdout and "not signed" in run.stderr
    accepted = signoff(sra, ALICE, "--accept-findings", "remediation is being planned")
    assert accepted.exit_code == 0 and cache_reads == []
    (record,) = (root / "signoffs").glob("*.yaml")
    written = yaml.safe_load(record.read_text())[0]
    assert written["digest"] == workspace_digest(load_workspace(root, use_cache=False))
    assert {"rule": "SRA102", "object": "RR-1"} in written["attested"]["open_errors"]


# --- a key signs only for its holder ---------------------------------------------------------


def keygen(directory: Path, name: str) -> Path:
    key = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
        check=True,
        timeout=30,
    )
    return key


def public(key: Path) -> str:
    return " ".join(Path(f"{key}.pub").read_text().split()[:2])


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: keygen(folder, name) for name in ("alice", "bob", "mallory")}


def require_ssh(root: Path, lines: str) -> None:
    (root / "allowed_signers").write_text(lines)
    with (root / "sra.yaml").open("a") as handle:
        handle.write("signoff:\n  allowed_signers: allowed_signers\n")


def plant(root: Path, who: tuple[str, str, str], key: Path, name: str) -> None:
    """Write a sign-off by hand over the current content, SSH-signed with `key`."""
    role, signer, email = who
    record = Signoff(
        role=role,
        name=signer,
        email=email,
        signed_at=f"{TODAY}T12:00:00+00:00",
        digest=workspace_digest(load_workspace(root, use_cache=False)),
    )
    record = record.model_copy(update={"signature": sign_payload(signed_payload(record), key)})
    (root / "signoffs").mkdir(exist_ok=True)
    (root / "signoffs" / name).write_text(render_record(record))


@needs_ssh
def test_an_engineering_owner_cannot_sign_as_compliance_officer(
    root: Path, sra: Sra, keys: dict[str, Path]
) -> None:
    ns = 'namespaces="hipaa-sra"'
    require_ssh(
        root, f"{ALICE[2]} {ns} {public(keys['alice'])}\n{BOB[2]} {ns} {public(keys['bob'])}\n"
    )
    bob_as_officer = ("compliance-officer", BOB[1], BOB[2])
    run = signoff(sra, bob_as_officer, "--ssh-key", str(keys["bob"]))
    assert run.exit_code == 2 and "does not hold the role `compliance-officer`" in run.stderr
    assert not (root / "signoffs").exists()
    # Written by hand instead: Bob's own, valid signature, for a role he does not hold.
    plant(root, bob_as_officer, keys["bob"], "bob-as-officer.yaml")
    assert signoff(sra, BOB, "--ssh-key", str(keys["bob"])).exit_code == 0
    run = sra("verify")
    assert run.exit_code == 1, run.stdout
    assert "compliance-officer: invalid:" in run.stdout
    assert "does not hold the role `compliance-officer`" in run.stdout
    assert lint_signoffs(sra).exit_code == 1


@needs_ssh
@pytest.mark.parametrize("listing", ["shared", "pattern"])
def test_a_key_listed_for_more_than_its_holder_does_not_count(
    root: Path, sra: Sra, keys: dict[str, Path], listing: str
) -> None:
    ns = 'namespaces="hipaa-sra"'
    bob = public(keys["bob"])
    if listing == "shared":  # Bob's key is also listed as Alice's
        lines = f"{ALICE[2]},{BOB[2]} {ns} {bob}\n"
    else:  # a key for anyone at the domain, Bob included
        lines = f"{ALICE[2]} {ns} {public(keys['alice'])}\n*@example.test {ns} {bob}\n"
    require_ssh(root, lines)
    # ssh-keygen accepts Bob's key for Alice's address; the sign-off must not.
    run = signoff(sra, ALICE, "--ssh-key", str(keys["bob"]))
    assert run.exit_code == 2 and "also listed in the allowed-signers file for Bob" in run.stderr
    plant(root, ALICE, keys["bob"], "alice-by-bob.yaml")
    run = sra("verify")
    assert run.exit_code == 1 and "compliance-officer: invalid:" in run.stdout, run.stdout
    assert "a key that several people share cannot show who signed" in run.stdout


@needs_ssh
def test_with_ssh_a_holder_needs_an_email(root: Path, sra: Sra, keys: dict[str, Path]) -> None:
    manifest = root / "sra.yaml"
    manifest.write_text(manifest.read_text().replace("    email: alice@example.test\n", ""))
    require_ssh(root, f'{ALICE[2]} namespaces="hipaa-sra" {public(keys["alice"])}\n')
    run = signoff(sra, ALICE, "--ssh-key", str(keys["alice"]))
    assert run.exit_code == 2 and "has no email in sra.yaml `people`" in run.stderr


# --- an unreadable folder -------------------------------------------------------------------


def _without_read_override() -> list[str]:
    """A command prefix under which `chmod 000` stops reads: none needed unless root.

    Root reads any folder through the DAC-override capabilities; `setpriv` (util-linux)
    drops them from the bounding set, so the child is root that mode bits do bind.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: chmod 000 would not stop reads")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def test_an_unreadable_register_folder_is_never_signed_or_verified(root: Path) -> None:
    prefix = _without_read_override()
    folder = root / "register" / "2026"
    folder.mkdir()
    (folder / "more.yaml").write_text(NEW_RISK)

    def sra(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "hipaa_sra", *args, "-w", str(root)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "NO_COLOR": "1"},
        )

    when = ("--now", f"{TODAY}T10:00:00+00:00")
    for role, name, email in (ALICE, BOB):
        signed = sra("signoff", "--role", role, "--name", name, "--email", email, *when)
        assert signed.returncode == 0, signed.stderr
    assert sra("verify").returncode == 0
    folder.chmod(0)
    try:
        validate = sra("validate")
        assert validate.returncode == 2 and "register/2026" in validate.stderr, validate.stderr
        refused = sra("signoff", "--role", ALICE[0], "--name", ALICE[1], "--email", ALICE[2], *when)
        assert refused.returncode == 2 and "register/2026" in refused.stderr, refused.stderr
        assert len(list((root / "signoffs").glob("*.yaml"))) == 2
        verify = sra("verify")
        assert verify.returncode == 2 and "verified" not in verify.stdout, verify.stdout
        assert "register/2026" in verify.stderr
    finally:
        folder.chmod(0o755)


def test_allowed_signers_lines_in_every_form_are_read() -> None:
    blob = "AAAAC3NzaC1lZDI1NTE5AAAAIE1s8cK1p0Hm4yq1G4a1iQ3HqC4lMWXw8m8v7bB2b6o3"
    other = "AAAAC3NzaC1lZDI1NTE5AAAAIHd0b8m3bqZ4yG2s0fO5rYqj9bb8tK8c2n1mQ0J4u9Qw"
    key = fingerprint(blob)
    assert key is not None and key.startswith("SHA256:") and fingerprint("not base64!") is None
    text = "\n".join(
        [
            "# comment",
            f"alice@example.test ssh-ed25519 {blob}",
            f'  "bob@example.test,carol@example.test" namespaces="git,hipaa-sra"'
            f" ssh-ed25519 {blob} c",
            f'dave@example.test valid-after="20240101",namespaces="hipaa-sra" ssh-ed25519 {blob}',
            f"erin@example.test ssh-ed25519 {other}",
            f"frank@example.test cert-authority ssh-ed25519 {other}",
            "broken line",
        ]
    )
    assert listings(text, key) == (
        ("alice@example.test",),
        ("bob@example.test", "carol@example.test"),
        ("dave@example.test",),
    )
    assert matches_principals(("*@example.test", "!bob@example.test"), "alice@example.test")
    assert not matches_principals(("*@example.test", "!bob@example.test"), "bob@example.test")
    assert matches_principals(("?lice@example.test",), "ALICE@example.test")
    assert not matches_principals(("alice@example.test",), "malice@example.test")
