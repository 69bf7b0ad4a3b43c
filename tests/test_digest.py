"""The content digest (stable under form, changed by content) and sign-off status built on it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from conftest import MANIFEST, write_files
from hipaa_sra.analysis.digest import (
    digest_diff,
    object_digests,
    record_digest,
    same_digest,
    workspace_digest,
)
from hipaa_sra.analysis.signoff_status import (
    SignoffState,
    last_review,
    last_signoff,
    signoff_status,
)
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Unusable, Workspace

Make = Callable[..., Path]

RISKS = """\
- id: RR-1
  asset: db
  threat: Credential theft
  vuln: Long-lived passwords
  likelihood: low
  impact: moderate
  remediation:
    - {control: Rotate passwords, owner: bob, due: 2026-12-01}
- id: RR-2
  asset: db
  threat: Lost laptop
  vuln: No disk encryption
  likelihood: moderate
  impact: high
"""

# The same content as RISKS: other key order, quoting, flow style, comments, a default
# written out (`status: planned`), a level synonym, and RR-2 moved to its own file.
RISKS_REWRITTEN = {
    "register/a.yaml": """\
# The register, rewritten by hand.
- impact: "moderate"   # quoted now
  likelihood: LOW
  vuln: 'Long-lived passwords'
  threat: Credential theft
  asset: db
  id: RR-1
  remediation:
    - control: Rotate passwords
      status: planned
      due: 2026-12-01
      owner: bob
""",
    "register/more/b.yaml": """\
- {id: RR-2, asset: db, threat: Lost laptop, vuln: No disk encryption, likelihood: medium,
   impact: high}
""",
}

ASSETS = "- {id: db, name: Patient DB, category: database, ephi: present}\n"


def load(root: Path) -> Workspace:
    return load_workspace(root, use_cache=False)


HOLDERS = {"compliance-officer": "Alice", "engineering-owner": "Bob", "security-officer": "Sam"}
"""Who holds each role in the manifests below (by name: MANIFEST's people have no email)."""


def sign(root: Path, roles: dict[str, str], digest: str | None = None) -> None:
    """Write sign-offs (role -> signed_at) by the role's holder over the current content."""
    digest = digest or workspace_digest(load(root))
    text = "".join(
        f"- role: {role}\n  name: {HOLDERS[role]}\n  email: {role}@example.test\n"
        f"  signed_at: {when}\n  digest: '{digest}'\n"
        for role, when in roles.items()
    )
    (root / "signoffs").mkdir(exist_ok=True)
    (root / "signoffs" / "signoffs.yaml").write_text(text, encoding="utf-8")


def test_digest_is_sha256_hex_and_keys_name_kind_and_id(workspace: Make) -> None:
    ws = load(workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": RISKS}))
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", workspace_digest(ws))
    assert set(object_digests(ws)) == {"sra.yaml", "assets/db", "risks/RR-1", "risks/RR-2"}


def test_form_does_not_change_the_digest(tmp_path: Path) -> None:
    one = write_files(
        tmp_path / "one",
        {"sra.yaml": MANIFEST, "inventory/a.yaml": ASSETS, "register/r.yaml": RISKS},
    )
    manifest = "# reordered\npeople:\n" + MANIFEST.split("people:\n", 1)[1]
    manifest += "organization: {name: 'Test Clinic'}\n"
    two = write_files(
        tmp_path / "two", {"sra.yaml": manifest, "inventory/x/y.yaml": ASSETS, **RISKS_REWRITTEN}
    )
    first, second = load(one), load(two)
    assert len(first.risks) == len(second.risks) == 2
    assert object_digests(first) == object_digests(second)
    assert workspace_digest(first) == workspace_digest(second)


def test_changed_value_changes_digest_and_diff_names_the_record(workspace: Make) -> None:
    root = workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": RISKS})
    before = load(root)
    (root / "register/r.yaml").write_text(RISKS.replace("impact: high", "impact: moderate"))
    after = load(root)
    assert workspace_digest(before) != workspace_digest(after)
    diff = digest_diff(object_digests(before), object_digests(after))
    assert diff.changed == ("risks/RR-2",)
    assert diff.keys == ("risks/RR-2",) and diff


def test_diff_reports_added_and_removed_records(workspace: Make) -> None:
    root = workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": RISKS})
    before = object_digests(load(root))
    (root / "register/r.yaml").write_text(RISKS.split("- id: RR-2")[0])
    (root / "register/new.yaml").write_text(RISKS.split("- id: RR-2")[0].replace("RR-1", "RR-3"))
    diff = digest_diff(before, object_digests(load(root)))
    assert (diff.added, diff.removed, diff.changed) == (("risks/RR-3",), ("risks/RR-2",), ())
    assert not digest_diff(before, before)


def test_manifest_change_changes_digest(workspace: Make) -> None:
    root = workspace({"inventory/a.yaml": ASSETS})
    before = object_digests(load(root))
    text = (root / "sra.yaml").read_text()
    (root / "sra.yaml").write_text(text + "scope: Everything with ePHI.\n")
    assert digest_diff(before, object_digests(load(root))).changed == ("sra.yaml",)


def test_signoffs_are_not_part_of_the_digest(workspace: Make) -> None:
    root = workspace({"inventory/a.yaml": ASSETS})
    before = workspace_digest(load(root))
    sign(root, {"compliance-officer": "2026-11-20T10:00:00+00:00"})
    ws = load(root)
    assert len(ws.signoffs) == 1
    assert workspace_digest(ws) == before


def test_same_digest_ignores_prefix_and_case() -> None:
    assert same_digest("sha256:ABCdef", "abcdef")
    assert same_digest(" sha256:abc ", "SHA256:ABC")
    assert not same_digest("sha256:abc", "sha256:abd")


def test_duplicate_ids_give_an_order_independent_digest(workspace: Make) -> None:
    root = workspace(
        {"inventory/a.yaml": ASSETS, "inventory/b.yaml": ASSETS.replace("Patient DB", "Other DB")}
    )
    first = workspace_digest(load(root))
    (root / "inventory/a.yaml").rename(root / "inventory/c.yaml")
    assert workspace_digest(load(root)) == first


# Sign-off status


def test_unsigned_workspace_has_every_required_role_unsigned(workspace: Make) -> None:
    ws = load(workspace({"inventory/a.yaml": ASSETS}))
    status = signoff_status(ws, workspace_digest(ws))
    assert [(r.role, r.state) for r in status.roles] == [
        ("compliance-officer", SignoffState.UNSIGNED),
        ("engineering-owner", SignoffState.UNSIGNED),
    ]
    assert not status.complete
    assert last_review(ws) is None and last_signoff(ws) is None


def test_signed_for_current_content_is_complete(workspace: Make) -> None:
    root = workspace({"inventory/a.yaml": ASSETS})
    sign(
        root,
        {
            "compliance-officer": "2026-11-20T10:00:00+00:00",
            "engineering-owner": "2026-11-21T23:30:00-08:00",
        },
    )
    ws = load(root)
    status = signoff_status(ws, workspace_digest(ws))
    assert status.complete
    assert status.in_state(SignoffState.SIGNED) == status.roles
    # The signer's own calendar date, not UTC's.
    assert last_review(ws) == date(2026, 11, 21)


def test_content_changed_since_signing_is_stale_with_its_date(workspace: Make) -> None:
    root = workspace({"inventory/a.yaml": ASSETS})
    sign(root, {"compliance-officer": "2026-11-20T10:00:00+00:00"})
    (root / "inventory/a.yaml").write_text(ASSETS.replace("Patient DB", "Patient database"))
    ws = load(root)
    status = signoff_status(ws, workspace_digest(ws))
    stale, unsigned = status.roles
    assert (stale.role, stale.state, stale.signed_on) == (
        "compliance-officer",
        SignoffState.STALE,
        date(2026, 11, 20),
    )
    assert unsigned.state is SignoffState.UNSIGNED and unsigned.signoff is None


def test_a_current_signature_wins_over_a_newer_stale_one(workspace: Make) -> None:
    root = workspace({"inventory/a.yaml": ASSETS})
    current = workspace_digest(load(root))
    text = "".join(
        f"- {{role: compliance-officer, name: Alice, email: a@x.test, signed_at: '{when}', "
        f"digest: '{digest}'}}\n"
        for when, digest in (
            ("2026-11-01T00:00:00Z", current),
            ("2026-11-10T00:00:00Z", "sha256:00"),
        )
    )
    (root / "signoffs").mkdir()
    (root / "signoffs/s.yaml").write_text(text)
    ws = load(root)
    role = signoff_status(ws, current).roles[0]
    assert role.state is SignoffState.SIGNED and role.signed_on == date(2026, 11, 1)
    assert last_review(ws) == date(2026, 11, 10)


def test_required_roles_come_from_sra_yaml_and_naive_times_do_not_crash(workspace: Make) -> None:
    manifest = MANIFEST + (
        "  - {id: sam, name: Sam, roles: [security-officer]}\n"
        "signoff:\n  required_roles: [security-officer]\n"
    )
    root = workspace({"inventory/a.yaml": ASSETS}, manifest=manifest)
    sign(
        root,
        {
            "security-officer": "2026-11-20T10:00:00",
            "compliance-officer": "2026-11-21T10:00:00+00:00",
        },
    )
    ws = load(root)
    status = signoff_status(ws, workspace_digest(ws))
    assert [(r.role, r.state) for r in status.roles] == [("security-officer", SignoffState.SIGNED)]
    # Only required roles count as a review of the SRA.
    assert last_review(ws) == date(2026, 11, 20)


# What the models could not take (Workspace.unusable) counts as content.


def _with(ws: Workspace, *parts: Unusable) -> Workspace:
    return dataclasses.replace(ws, unusable=parts)


def test_an_unusable_part_changes_the_digest_of_its_record_only(workspace: Make) -> None:
    ws = load(workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": RISKS}))
    broken = _with(ws, Unusable("register/r.yaml", "risks/RR-1", ("owner_team",), "platform"))
    assert workspace_digest(broken) != workspace_digest(ws)
    diff = digest_diff(object_digests(ws), object_digests(broken))
    assert (diff.added, diff.removed, diff.changed) == ((), (), ("risks/RR-1",))
    other = _with(ws, Unusable("register/r.yaml", "risks/RR-1", ("owner_team",), "security"))
    assert digest_diff(object_digests(broken), object_digests(other)).changed == ("risks/RR-1",)


def test_an_unusable_item_without_an_id_gets_a_key_of_its_own(workspace: Make) -> None:
    ws = load(workspace({"inventory/a.yaml": ASSETS}))
    key = "risks/register/r.yaml#2"
    broken = _with(ws, Unusable("register/r.yaml", key, (), "just a string, not a mapping"))
    diff = digest_diff(object_digests(ws), object_digests(broken))
    assert (diff.added, diff.removed, diff.changed) == ((key,), (), ())


def test_unusable_parts_keep_the_digest_stable_under_form(workspace: Make) -> None:
    ws = load(workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": RISKS}))
    first = (
        Unusable("register/r.yaml", "risks/RR-1", ("extra",), {"b": [1, 2], "a": None}),
        Unusable("register/r.yaml", "risks/RR-1", ("remediation", 0, "due"), "2026-13-01"),
    )
    # Parts listed in the other order, a mapping's keys reordered, the record in another
    # file: the same content as written, so the same digest.
    second = (
        Unusable("register/x/y.yaml", "risks/RR-1", ("remediation", 0, "due"), "2026-13-01"),
        Unusable("register/x/y.yaml", "risks/RR-1", ("extra",), {"a": None, "b": [1, 2]}),
    )
    assert workspace_digest(_with(ws, *first)) == workspace_digest(_with(ws, *second))
    # Each of these is another value, so another digest.
    for value in (
        {"a": None, "b": [2, 1]},
        {"a": None, "b": ["1", 2]},
        [["a", None]],
        {"a": None, "b": [1, 2], "c": 0},
    ):
        changed = (Unusable("register/r.yaml", "risks/RR-1", ("extra",), value), first[1])
        assert workspace_digest(_with(ws, *changed)) != workspace_digest(_with(ws, *first))
    # The same value under another path is another part.
    moved = (Unusable("register/r.yaml", "risks/RR-1", ("extra2",), first[0].value), first[1])
    assert workspace_digest(_with(ws, *moved)) != workspace_digest(_with(ws, *first))


def test_values_json_cannot_hold_are_digested_without_error(workspace: Make) -> None:
    ws = load(workspace({"inventory/a.yaml": ASSETS}))
    huge = 10**5000  # past Python's digit limit for int -> str
    odd = {1: "int key", "1": "text key", None: [huge, float("inf")], 2.5: date(2026, 1, 1)}
    one = workspace_digest(_with(ws, Unusable("sra.yaml", "sra.yaml", ("x",), odd)))
    two = workspace_digest(_with(ws, Unusable("sra.yaml", "sra.yaml", ("x",), {**odd, 1: "y"})))
    assert one != two and one != workspace_digest(ws)


def test_a_workspace_without_unusable_parts_keeps_its_old_digest(workspace: Make) -> None:
    # Sign-offs made before unusable parts were digested must stay valid: with none, each
    # key is still the plain record digest.
    ws = load(workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": RISKS}))
    assert ws.unusable == () and ws.manifest is not None
    assert object_digests(ws)["risks/RR-2"] == record_digest("risks/RR-2", ws.risks[1])
    assert object_digests(ws)["sra.yaml"] == record_digest("sra.yaml", ws.manifest)


def test_unusable_parts_of_signoffs_are_not_signed_content(workspace: Make) -> None:
    ws = load(workspace({"inventory/a.yaml": ASSETS}))
    part = Unusable("signoffs/s.yaml", "signoffs/signoffs/s.yaml#0", (), {"role": 1})
    assert workspace_digest(_with(ws, part)) == workspace_digest(ws)
