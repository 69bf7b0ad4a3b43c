"""`sra signoff` and `sra verify`: records, reformat stability, tampering, SSH signatures."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import Run
from hipaa_sra.analysis.digest import object_digests, workspace_digest
from hipaa_sra.analysis.signoff_status import (
    SignatureCheck,
    SignoffState,
    signed_payload,
    signoff_status,
)
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Signoff, SignoffPolicy, Workspace
from hipaa_sra.signoff import render_record, sign_payload

BASE = Path(__file__).parent / "rules" / "base"
TODAY = "2026-11-22"
ALICE = ("compliance-officer", "Alice Reyes", "alice@example.test")
BOB = ("engineering-owner", "Bob Okafor", "bob@example.test")
HAS_SSH = shutil.which("ssh-keygen") is not None
needs_ssh = pytest.mark.skipif(not HAS_SSH, reason="ssh-keygen is not installed")

Sra = Callable[..., Run]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A clean workspace (every rule passes on TODAY once signed) at ./sra."""
    target = tmp_path / "sra"
    shutil.copytree(BASE, target)
    return target


def signoff(
    sra: Sra, who: tuple[str, str, str], *extra: str, now: str = f"{TODAY}T10:00:00+00:00"
) -> Run:
    role, name, email = who
    return sra("signoff", "--role", role, "--name", name, "--email", email, "--now", now, *extra)


def lint_signoffs(sra: Sra) -> Run:
    return sra("lint", "--select", "signoff-missing", "--today", TODAY, "--no-cache")


def sign_both(sra: Sra, *extra_alice: str, extra_bob: tuple[str, ...] = ()) -> None:
    assert signoff(sra, ALICE, *extra_alice).exit_code == 0
    assert signoff(sra, BOB, *extra_bob, now=f"{TODAY}T11:30:00-05:00").exit_code == 0


def records(root: Path) -> list[Path]:
    return sorted((root / "signoffs").glob("*.yaml"))


def one_line_refusal(run: Run) -> str:
    assert run.exit_code == 2, run.stdout + run.stderr
    assert run.stderr.strip().count("\n") == 0, run.stderr
    return run.stderr


# --- sign and verify -------------------------------------------------------------------


def test_signing_both_roles_verifies_and_lint_agrees(root: Path, sra: Sra) -> None:
    assert sra("verify").exit_code == 1
    sign_both(sra)
    assert len(records(root)) == 2 and len(list((root / "signoffs").glob("*.json"))) == 1
    run = sra("verify")
    assert run.exit_code == 0, run.stdout
    assert "verified: every required role signed the current content" in run.stdout
    assert lint_signoffs(sra).exit_code == 0
    report = json.loads(sra("verify", "--format", "json").stdout)
    assert report["complete"] is True
    assert [r["state"] for r in report["roles"]] == ["signed", "signed"]


def test_the_record_is_what_verify_reads(root: Path, sra: Sra) -> None:
    signoff(sra, ALICE)
    (path,) = records(root)
    assert path.name.startswith(f"{TODAY}-compliance-officer-")
    written = yaml.safe_load(path.read_text())
    assert len(written) == 1
    record = written[0]
    assert record["digest"] == workspace_digest(load_workspace(root, use_cache=False))
    assert (root / "signoffs" / record["objects"]).is_file()
    assert "signature" not in record


def test_reformatting_and_moving_records_keeps_the_signoff(root: Path, sra: Sra) -> None:
    sign_both(sra)
    risks = yaml.safe_load((root / "register/risks.yaml").read_text())
    reordered = [dict(reversed(list(risk.items()))) for risk in risks]
    (root / "register/risks.yaml").write_text(
        "# Rewritten by hand: re-indented, keys reversed, comments added.\n"
        + yaml.safe_dump(reordered[:-1], indent=4, sort_keys=False)
    )
    (root / "register/more").mkdir()
    (root / "register/more/moved.yaml").write_text(
        "# RR-6 lives here now\n" + yaml.safe_dump(reordered[-1:], default_flow_style=True)
    )
    # Both sign-offs merged into one file, the originals removed.
    merged = [yaml.safe_load(path.read_text())[0] for path in records(root)]
    for path in records(root):
        path.unlink()
    (root / "signoffs/all.yaml").write_text(yaml.safe_dump(merged, sort_keys=True))
    run = sra("verify")
    assert run.exit_code == 0, run.stdout
    assert lint_signoffs(sra).exit_code == 0


def test_a_changed_value_and_an_added_asset_are_named(root: Path, sra: Sra) -> None:
    sign_both(sra)
    risks = root / "register/risks.yaml"
    risks.write_text(
        risks.read_text().replace(
            "vuln: Long-lived database passwords", "vuln: Long-lived database passwords, shared"
        )
    )
    with (root / "inventory/assets.yaml").open("a") as handle:
        handle.write("- {id: new-db, name: New DB, category: database, ephi: absent}\n")
    run = sra("verify")
    assert run.exit_code == 1
    assert "  risks/RR-1 changed\n" in run.stdout
    assert "  assets/new-db added\n" in run.stdout
    assert run.stdout.count("stale:") == 2
    assert lint_signoffs(sra).exit_code == 1
    roles = json.loads(sra("verify", "--format", "json").stdout)["roles"]
    assert roles[0]["changes"] == {
        "added": ["assets/new-db"],
        "removed": [],
        "changed": ["risks/RR-1"],
    }


def test_a_tampered_record_digest_is_not_signed(root: Path, sra: Sra) -> None:
    sign_both(sra)
    path = records(root)[0]
    text = path.read_text()
    path.write_text(re.sub(r"sha256:[0-9a-f]{8}", "sha256:00000000", text, count=1))
    assert sra("verify").exit_code == 1
    assert lint_signoffs(sra).exit_code == 1


def test_a_tampered_object_file_is_not_trusted(root: Path, sra: Sra) -> None:
    sign_both(sra)
    (objects,) = (root / "signoffs").glob("*.json")
    risks = root / "register/risks.yaml"
    risks.write_text(risks.read_text().replace("likelihood: low", "likelihood: high", 1))
    # Hide the change: make the stored map say RR-1 always had its new digest.
    current = load_workspace(root, use_cache=False)
    document = json.loads(objects.read_text())
    document["objects"] = object_digests(current)
    document["digest"] = workspace_digest(current)
    objects.write_text(json.dumps(document))
    run = sra("verify")
    assert run.exit_code == 1
    assert "not trusted" in run.stdout and "changed\n" not in run.stdout


def test_a_tampered_object_file_alone_does_not_void_a_current_signoff(root: Path, sra: Sra) -> None:
    # The object map only explains changes; the record's digest (and signature) is what counts.
    sign_both(sra)
    (objects,) = (root / "signoffs").glob("*.json")
    objects.write_text("{}")
    assert sra("verify").exit_code == 0
    assert lint_signoffs(sra).exit_code == 0


def test_signing_twice_never_overwrites(root: Path, sra: Sra) -> None:
    signoff(sra, ALICE)
    first = records(root)[0]
    before = first.read_bytes()
    assert signoff(sra, ALICE).exit_code == 0
    assert len(records(root)) == 2 and first.read_bytes() == before
    assert any(path.stem.endswith("-2") for path in records(root))


# --- refusals ----------------------------------------------------------------------------


def test_refuses_to_sign_a_file_that_does_not_parse(root: Path, sra: Sra) -> None:
    risks = root / "register/risks.yaml"
    risks.write_text(risks.read_text() + "- id: [unclosed\n")
    err = one_line_refusal(signoff(sra, ALICE))
    assert "risks.yaml" in err
    assert not (root / "signoffs").exists()


def test_refuses_an_unknown_role_and_names_the_known_ones(root: Path, sra: Sra) -> None:
    err = one_line_refusal(signoff(sra, ("ceo", "Alice Reyes", "alice@example.test")))
    assert "unknown role `ceo`" in err and "compliance-officer, engineering-owner" in err


def test_refuses_a_signer_who_does_not_hold_the_role(root: Path, sra: Sra) -> None:
    err = one_line_refusal(signoff(sra, ("compliance-officer", "Bob Okafor", "bob@example.test")))
    assert "does not hold the role `compliance-officer`" in err and "Alice Reyes" in err


def test_people_without_email_are_matched_by_name(workspace: Callable[..., Path], sra: Sra) -> None:
    workspace()  # the shared manifest: people with roles but no emails
    accept = ("--accept-findings", "an empty test workspace")
    assert signoff(sra, ("compliance-officer", "Alice", "a@example.test"), *accept).exit_code == 0
    one_line_refusal(signoff(sra, ("compliance-officer", "Mallory", "a@example.test"), *accept))


def test_now_must_carry_a_zone(root: Path, sra: Sra) -> None:
    run = signoff(sra, ALICE, now="2026-11-22T10:00:00")
    assert run.exit_code == 2 and "no zone" in run.stderr


# --- the shared status logic --------------------------------------------------------------


def test_the_verifier_runs_only_when_signatures_are_configured(root: Path) -> None:
    manifest = load_workspace(root, use_cache=False).manifest
    assert manifest is not None
    digest = workspace_digest(Workspace(root=root, manifest=manifest))
    record = Signoff(
        role=ALICE[0],
        name=ALICE[1],
        email=ALICE[2],
        signed_at="2026-11-22T10:00:00+00:00",
        digest=digest,
        signature="-----BEGIN SSH SIGNATURE-----\nx\n-----END SSH SIGNATURE-----",
    )
    called: list[Path] = []

    def verifier(signoff: Signoff, allowed: Path) -> SignatureCheck:
        called.append(allowed)
        return SignatureCheck(allowed.name == "good", "rejected")

    # Signed, but no allowed-signers file to check it against: it must not count.
    ws = Workspace(root=root, manifest=manifest, signoffs=(record,))
    role = signoff_status(ws, digest, verifier).roles[0]
    assert role.state is SignoffState.INVALID and "allowed-signers" in (role.problem or "")
    assert called == []
    for name, state in (("good", SignoffState.SIGNED), ("bad", SignoffState.INVALID)):
        configured = manifest.model_copy(update={"signoff": SignoffPolicy(allowed_signers=name)})
        ws = Workspace(root=root, manifest=configured, signoffs=(record,))
        digest = workspace_digest(ws)
        ws = Workspace(
            root=root, manifest=configured, signoffs=(record.model_copy(update={"digest": digest}),)
        )
        assert signoff_status(ws, digest, verifier).roles[0].state is state
    assert called == [root / "good", root / "bad"]


def test_payload_quotes_values_so_lines_cannot_be_forged() -> None:
    record = Signoff(
        role="r",
        name='Eve\ndigest "sha256:00"',
        email="e@x",
        signed_at="2026-11-22T10:00:00-05:00",
        digest="SHA256:AB",
    )
    lines = signed_payload(record).decode().splitlines()
    assert lines[1] == 'digest "sha256:ab"'
    assert sum(line.startswith("digest") for line in lines) == 1
    assert 'signed_at "2026-11-22T15:00:00+00:00"' in lines


# --- SSH signatures -----------------------------------------------------------------------


def keygen(directory: Path, name: str) -> Path:
    key = directory / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
        check=True,
        timeout=30,
    )
    return key


def allowed_line(email: str, key: Path) -> str:
    kind, blob = Path(f"{key}.pub").read_text().split()[:2]
    return f'{email} namespaces="hipaa-sra" {kind} {blob}\n'


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: keygen(folder, name) for name in ("alice", "bob", "mallory")}


def require_ssh(root: Path, keys: dict[str, Path], alice: str = "alice") -> None:
    (root / "allowed_signers").write_text(
        allowed_line(ALICE[2], keys[alice]) + allowed_line(BOB[2], keys["bob"])
    )
    with (root / "sra.yaml").open("a") as handle:
        handle.write("signoff:\n  allowed_signers: allowed_signers\n")


@needs_ssh
def test_ssh_signed_signoffs_verify(root: Path, sra: Sra, keys: dict[str, Path]) -> None:
    require_ssh(root, keys)
    sign_both(sra, "--ssh-key", str(keys["alice"]), extra_bob=("--ssh-key", str(keys["bob"])))
    record = yaml.safe_load(records(root)[0].read_text())[0]
    assert record["signature"].startswith("-----BEGIN SSH SIGNATURE-----")
    assert record["key"].startswith("SHA256:")
    run = sra("verify")
    assert run.exit_code == 0, run.stdout
    assert "with SSH key SHA256:" in run.stdout
    assert lint_signoffs(sra).exit_code == 0
    # Re-zoning the timestamp names the same moment: still the signed payload.
    path = records(root)[0]
    path.write_text(
        path.read_text().replace(
            f"signed_at: {TODAY}T10:00:00+00:00", f"signed_at: {TODAY}T05:00:00-05:00"
        )
    )
    assert sra("verify").exit_code == 0


@needs_ssh
def test_a_key_not_listed_for_the_email_is_refused_at_signing(
    root: Path, sra: Sra, keys: dict[str, Path]
) -> None:
    require_ssh(root, keys)
    err = one_line_refusal(signoff(sra, ALICE, "--ssh-key", str(keys["mallory"])))
    assert "does not verify" in err
    assert records(root) == []


@needs_ssh
def test_wrong_key_or_tampered_signature_is_invalid(
    root: Path, sra: Sra, keys: dict[str, Path]
) -> None:
    require_ssh(root, keys)
    sign_both(sra, "--ssh-key", str(keys["alice"]), extra_bob=("--ssh-key", str(keys["bob"])))
    # Alice's line now lists Mallory's key: her signature no longer verifies.
    (root / "allowed_signers").write_text(
        allowed_line(ALICE[2], keys["mallory"]) + allowed_line(BOB[2], keys["bob"])
    )
    run = sra("verify")
    assert run.exit_code == 1 and "compliance-officer: invalid:" in run.stdout
    assert lint_signoffs(sra).exit_code == 1
    # Bob's signature, one character changed.
    bob = records(root)[1]
    lines = bob.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if "BEGIN SSH SIGNATURE" in line) + 2
    lines[at] = lines[at][:12] + ("A" if lines[at][12] != "A" else "B") + lines[at][13:]
    bob.write_text("\n".join(lines) + "\n")
    run = sra("verify")
    assert "engineering-owner: invalid:" in run.stdout and run.exit_code == 1


@needs_ssh
def test_a_signed_record_moved_to_new_content_is_invalid(
    root: Path, sra: Sra, keys: dict[str, Path]
) -> None:
    require_ssh(root, keys)
    sign_both(sra, "--ssh-key", str(keys["alice"]), extra_bob=("--ssh-key", str(keys["bob"])))
    risks = root / "register/risks.yaml"
    risks.write_text(risks.read_text().replace("likelihood: low", "likelihood: high", 1))
    current = workspace_digest(load_workspace(root, use_cache=False))
    for path in records(root):
        path.write_text(re.sub(r"sha256:[0-9a-f]{64}", current, path.read_text()))
    run = sra("verify")
    assert run.exit_code == 1 and run.stdout.count(": invalid:") == 2
    assert lint_signoffs(sra).exit_code == 1


@needs_ssh
def test_signature_policy_refusals_and_unsigned_records(
    root: Path, sra: Sra, keys: dict[str, Path]
) -> None:
    # Without an allowed-signers file a signature cannot be checked: refused, and a
    # hand-made signed record does not count.
    err = one_line_refusal(signoff(sra, ALICE, "--ssh-key", str(keys["alice"])))
    assert "allowed_signers" in err
    ws = load_workspace(root, use_cache=False)
    record = Signoff(
        role=BOB[0],
        name=BOB[1],
        email=BOB[2],
        signed_at="2026-11-22T10:00:00+00:00",
        digest=workspace_digest(ws),
    )
    record = record.model_copy(
        update={"signature": sign_payload(signed_payload(record), keys["bob"])}
    )
    (root / "signoffs").mkdir()
    (root / "signoffs/bob.yaml").write_text(render_record(record))
    signoff(sra, ALICE)
    run = sra("verify")
    assert run.exit_code == 1 and "engineering-owner: invalid:" in run.stdout
    assert "compliance-officer: signed" in run.stdout
    # With an allowed-signers file, every sign-off must carry a signature.
    require_ssh(root, keys)
    one_line_refusal(signoff(sra, ALICE))
    ws = load_workspace(root, use_cache=False)
    unsigned = record.model_copy(update={"digest": workspace_digest(ws), "signature": None})
    (root / "signoffs/bob.yaml").write_text(render_record(unsigned))
    run = sra("verify")
    assert "engineering-owner: invalid:" in run.stdout and "no SSH signature" in run.stdout


@needs_ssh
def test_missing_ssh_keygen_is_reported(
    root: Path, sra: Sra, keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_ssh(root, keys)
    sign_both(sra, "--ssh-key", str(keys["alice"]), extra_bob=("--ssh-key", str(keys["bob"])))
    monkeypatch.setenv("PATH", str(root / "no-such-dir"))
    run = sra("verify")
    assert run.exit_code == 1 and "ssh-keygen not found" in run.stdout
    err = one_line_refusal(signoff(sra, ALICE, "--ssh-key", str(keys["alice"])))
    assert "ssh-keygen not found" in err


@needs_ssh
def test_cached_lint_follows_a_change_of_the_allowed_signers_file(
    root: Path, sra: Sra, keys: dict[str, Path]
) -> None:
    require_ssh(root, keys)
    sign_both(sra, "--ssh-key", str(keys["alice"]), extra_bob=("--ssh-key", str(keys["bob"])))
    cached = ("lint", "--select", "signoff-missing", "--today", TODAY)
    assert sra(*cached).exit_code == 0  # fills the cache
    # Revoking Bob's key changes no workspace record, only the file sra.yaml names.
    (root / "allowed_signers").write_text(allowed_line(ALICE[2], keys["alice"]))
    run = sra(*cached)
    assert run.exit_code == 1 and "engineering-owner" in run.stdout


def test_escape_sequences_in_names_never_reach_the_terminal(root: Path, sra: Sra) -> None:
    # A name is workspace text: an OSC sequence in it could retitle or script a terminal.
    manifest = root / "sra.yaml"
    manifest.write_text(
        manifest.read_text().replace("name: Alice Reyes", 'name: "Alice\\e]0;owned\\aReyes"')
    )
    run = signoff(
        sra,
        ("compliance-officer", "Alice\x1b]0;owned\x07Reyes", ALICE[2]),
        "--accept-findings",
        "test",
    )
    assert run.exit_code == 0, run.stderr
    verify = sra("verify")
    for text in (run.stdout, run.stderr, verify.stdout, verify.stderr):
        assert "\x1b" not in text and "\x07" not in text
    assert "Alice" in verify.stdout
