"""The editing path: each operation rewrites only what it changes; bad changes are refused."""

from __future__ import annotations

import csv
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hipaa_sra.cli import cli
from hipaa_sra.editing import (
    MANIFEST,
    Add,
    Append,
    EditError,
    Ref,
    Remove,
    Replace,
    Set,
    apply_changes,
)
from hipaa_sra.loading import load_workspace
from hipaa_sra.model import Risk

BASE = Path(__file__).parent / "rules" / "base"

MANIFEST_TEXT = """\
# The manifest.
organization:
  name: Test Clinic
  entity_type: covered-entity   # or business-associate

methodology:
  levels: 3                 # 3 or 5
people:
  - id: alice
    name: Alice
    roles: [compliance-officer]
  # Bob signs for engineering
  - id: bob
    name: Bob
    roles: [engineering-owner]
"""

RISKS = """\
# yaml-language-server: $schema=../.schema/risks.schema.json
# The register: one row per risk.

- id: RR-1
  asset: api
  threat: Credential stuffing   # seen in 2025
  vuln: No rate limit
  likelihood: moderate  # raised after the pen test
  impact: high
  current_controls: [CTL-MFA, "text, with comma"]
  remediation:
    - control: Rate limiting
      owner: bob
      due: 2026-12-01
      status: planned
    # the second item waits for budget
    - {control: WAF, status: deferred, rationale: budget}

# Backups
- id: RR-2
  asset: db
  threat: |
    Snapshot shared
    # not a comment: text
  vuln: Sharing allowed
  likelihood: low
  impact: moderate
  # reviewed with the DBA
- id: RR-3
  asset: db
  threat: t
  vuln: v
  likelihood: low
  impact: low
"""

ASSETS = """\
- id: api
  name: Public API
  category: public-api
  ephi: present
  owner: bob
- id: db
  name: Primary database
  category: database
  ephi: present
"""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "sra"
    (root / "register").mkdir(parents=True)
    (root / "inventory").mkdir()
    (root / "sra.yaml").write_text(MANIFEST_TEXT)
    (root / "register" / "risks.yaml").write_text(RISKS)
    (root / "inventory" / "assets.yaml").write_text(ASSETS)
    return root


def risks(root: Path) -> str:
    return (root / "register" / "risks.yaml").read_text()


def test_set_rewrites_one_value_and_keeps_its_end_of_line_comment(ws: Path) -> None:
    result = apply_changes(ws, [Set(Ref("risks", "RR-1"), ("likelihood",), "high")])
    assert risks(ws) == RISKS.replace("likelihood: moderate  #", "likelihood: high  #")
    assert result.files == (ws / "register" / "risks.yaml",)
    assert result.changes == ("set risks RR-1 likelihood",)
    assert load_workspace(ws, use_cache=False).risk_by_id["RR-1"].likelihood.value == "high"


def test_a_flow_style_item_on_the_path_is_rewritten_alone_in_flow_style(ws: Path) -> None:
    apply_changes(ws, [Set(Ref("risks", "RR-1"), ("remediation", 1, "status"), "planned")])
    assert risks(ws) == RISKS.replace("status: deferred", "status: planned")


def test_new_keys_go_where_the_model_orders_them(ws: Path) -> None:
    apply_changes(
        ws,
        [
            Set(Ref("risks", "RR-2"), ("ephi_present",), True),
            Set(Ref("risks", "RR-3"), ("residual_risk",), "low"),
            Set(Ref("assets", "db"), ("attributes", "mfa"), True),
        ],
    )
    assert risks(ws) == RISKS.replace(
        "  asset: db\n  threat: |", "  asset: db\n  ephi_present: true\n  threat: |"
    ).replace("  impact: low\n", "  impact: low\n  residual_risk: low\n")
    assets = (ws / "inventory" / "assets.yaml").read_text()
    assert assets == ASSETS + "  attributes:\n    mfa: true\n"


def test_append_to_a_flow_list_and_to_a_block_list(ws: Path) -> None:
    apply_changes(
        ws,
        [
            Append(Ref("risks", "RR-1"), ("current_controls",), "CTL-LOG"),
            Append(
                Ref("risks", "RR-1"), ("remediation",), {"control": "Lockout", "status": "planned"}
            ),
        ],
    )
    risk = load_workspace(ws, use_cache=False).risk_by_id["RR-1"]
    assert risk.current_controls == ("CTL-MFA", "text, with comma", "CTL-LOG")
    assert [item.control for item in risk.remediation] == ["Rate limiting", "WAF", "Lockout"]
    text = risks(ws)
    assert "  current_controls: [CTL-MFA, 'text, with comma', CTL-LOG]\n" in text
    assert text.replace("  current_controls: [CTL-MFA, 'text, with comma', CTL-LOG]\n", "") == (
        RISKS.replace('  current_controls: [CTL-MFA, "text, with comma"]\n', "").replace(
            "rationale: budget}\n",
            "rationale: budget}\n    - control: Lockout\n      status: planned\n",
        )
    )


def test_remove_takes_a_fields_own_lines_and_leaves_the_next_ones_comment(ws: Path) -> None:
    apply_changes(ws, [Remove(Ref("risks", "RR-1"), ("remediation", 0))])
    assert risks(ws) == RISKS.replace(
        "    - control: Rate limiting\n      owner: bob\n      due: 2026-12-01\n"
        "      status: planned\n",
        "",
    )


def test_removing_the_last_item_of_a_list_removes_its_key(ws: Path) -> None:
    apply_changes(
        ws,
        [
            Remove(Ref("risks", "RR-1"), ("remediation", 1)),
            Remove(Ref("risks", "RR-1"), ("remediation", 0)),
        ],
    )
    text = risks(ws)
    assert "remediation" not in text and "budget" not in text
    assert text.startswith(RISKS[: RISKS.index("  remediation:")])
    assert text.endswith(RISKS[RISKS.index("\n# Backups") :])


def test_remove_a_record_keeps_every_comment_that_is_not_its_own(ws: Path) -> None:
    apply_changes(ws, [Remove(Ref("risks", "RR-2"))])
    start = RISKS.index("- id: RR-2")
    end = RISKS.index("- id: RR-3")
    assert risks(ws) == RISKS[:start] + RISKS[end:]  # "  # reviewed with the DBA" was RR-2's
    assert "# Backups" in risks(ws)
    assert set(load_workspace(ws, use_cache=False).risk_by_id) == {"RR-1", "RR-3"}


def test_add_to_a_new_file_gives_it_the_schema_line(ws: Path) -> None:
    record = {
        "id": "RR-9",
        "asset": "api",
        "threat": "t",
        "vuln": "v",
        "likelihood": "low",
        "impact": "low",
    }
    result = apply_changes(ws, [Add("risks", record, "register/2026/new.yaml", "Added by hand.")])
    path = ws / "register" / "2026" / "new.yaml"
    assert result.changes == ("add risks RR-9 to register/2026/new.yaml",)
    assert path.read_text() == (
        "# yaml-language-server: $schema=../../.schema/risks.schema.json\n# Added by hand.\n"
        "- id: RR-9\n  asset: api\n  threat: t\n  vuln: v\n  likelihood: low\n  impact: low\n"
    )
    assert risks(ws) == RISKS
    assert "RR-9" in load_workspace(ws, use_cache=False).risk_by_id


def test_add_appends_after_the_last_record_and_into_an_empty_list(ws: Path) -> None:
    (ws / "register" / "risks.yaml").write_text(RISKS + "# end of register\n")
    (ws / "inventory" / "more.yaml").write_text("# More assets\n[]\n")
    risk = Risk(id="RR-4", asset="db", threat="t", vuln="v", likelihood="low", impact="low")
    apply_changes(
        ws,
        [
            Add("risks", risk, "register/risks.yaml"),
            Add(
                "assets", {"id": "vpn", "name": "VPN", "category": "bastion"}, "inventory/more.yaml"
            ),
        ],
    )
    new = "- id: RR-4\n  asset: db\n  threat: t\n  vuln: v\n  likelihood: low\n  impact: low\n"
    assert risks(ws) == RISKS + new + "# end of register\n"
    more = (ws / "inventory" / "more.yaml").read_text()
    assert more == "# More assets\n- id: vpn\n  name: VPN\n  category: bastion\n"
    assert {"api", "db", "vpn"} == set(load_workspace(ws, use_cache=False).asset_by_id)


def test_add_keeps_the_files_blank_line_between_records(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(BASE, root)
    text = (root / "register" / "risks.yaml").read_text().replace("\n- id:", "\n\n- id:")
    (root / "register" / "risks.yaml").write_text(text)
    apply_changes(
        root,
        [
            Add(
                "risks",
                {
                    "id": "RR-9",
                    "asset": "api",
                    "threat": "t",
                    "vuln": "v",
                    "likelihood": "low",
                    "impact": "low",
                },
                "register/risks.yaml",
            )
        ],
    )
    assert (root / "register" / "risks.yaml").read_text().startswith(text + "\n- id: RR-9\n")


def test_removing_a_record_between_blank_lines_leaves_one_blank_line(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(BASE, root)
    path = root / "register" / "risks.yaml"
    text = path.read_text().replace("\n- id:", "\n\n- id:")
    path.write_text(text)
    first, second, third = (text.index(f"- id: RR-{n}") for n in (1, 2, 3))
    apply_changes(root, [Remove(Ref("risks", "RR-2"))])
    assert path.read_text() == text[:second] + text[third:]
    apply_changes(root, [Remove(Ref("risks", "RR-1"))])
    assert path.read_text() == text[third:]
    assert first == 0


def test_sra_yaml_entries_are_added_changed_and_removed_in_place(ws: Path) -> None:
    waiver = {
        "rule": "SRA101",
        "reason": "Annual review moved",
        "approved_by": "alice",
        "until": "2027-01-31",
    }
    decision = {"spec": "164.312(a)(2)(iv)", "decision": "implemented", "controls": ["CTL-1"]}
    result = apply_changes(
        ws,
        [
            Set(MANIFEST, ("methodology", "levels"), 5),
            Append(MANIFEST, ("people",), {"id": "carol", "name": "Carol", "roles": ["auditor"]}),
            Remove(MANIFEST, ("people", 0)),
            Append(MANIFEST, ("decisions",), decision),
            Append(MANIFEST, ("waivers",), waiver),
        ],
    )
    assert (ws / "sra.yaml").read_text() == MANIFEST_TEXT.replace(
        "levels: 3                 #", "levels: 5                 #"
    ).replace("  - id: alice\n    name: Alice\n    roles: [compliance-officer]\n", "") + (
        "  - id: carol\n    name: Carol\n    roles:\n      - auditor\n"
        "decisions:\n  - spec: 164.312(a)(2)(iv)\n    decision: implemented\n    controls:\n"
        "      - CTL-1\n"
        "waivers:\n  - rule: SRA101\n    reason: Annual review moved\n    approved_by: alice\n"
        "    until: 2027-01-31\n"
    )
    assert result.changes[-1] == "add to sra.yaml waivers"
    manifest = load_workspace(ws, use_cache=False).manifest
    assert manifest is not None and manifest.methodology.levels == 5
    assert [p.id for p in manifest.people] == ["bob", "carol"]
    assert manifest.waivers[0].approved_by == "alice"


def test_replace_rewrites_only_the_keys_that_differ(ws: Path) -> None:
    before = load_workspace(ws, use_cache=False).risk_by_id["RR-1"]
    same = apply_changes(ws, [Replace(Ref("risks", "RR-1"), before)])
    assert same.files == () and risks(ws) == RISKS
    changed = before.model_copy(update={"threat": "Password spraying"})
    result = apply_changes(ws, [Replace(Ref("risks", "RR-1"), changed)])
    assert result.changes == ("update risks RR-1: threat",)
    assert risks(ws) == RISKS.replace("Credential stuffing   #", "Password spraying   #")


def test_replace_of_sra_yaml_rewrites_only_what_differs(ws: Path) -> None:
    manifest = load_workspace(ws, use_cache=False).manifest
    assert manifest is not None
    bob = manifest.people[1].model_copy(update={"email": "bob@example.org"})
    new = manifest.model_copy(update={"scope": "Everything.", "people": (manifest.people[0], bob)})
    result = apply_changes(ws, [Replace(MANIFEST, new)])
    assert result.changes == ("update sra.yaml: scope, people",)
    assert (ws / "sra.yaml").read_text() == MANIFEST_TEXT.replace(
        "\nmethodology:", "scope: Everything.\n\nmethodology:"
    ).replace("    name: Bob\n", "    name: Bob\n    email: bob@example.org\n")


def test_replace_never_touches_what_the_record_could_not_read(ws: Path) -> None:
    path = ws / "register" / "risks.yaml"
    path.write_text(
        RISKS.replace(
            "likelihood: low\n  impact: low", "likelihood: sky-high\n  impact: low\n  colour: red"
        )
    )
    partial = load_workspace(ws, use_cache=False).risk_by_id["RR-3"]
    assert partial.unknown == {"likelihood"}
    apply_changes(ws, [Replace(Ref("risks", "RR-3"), partial.model_copy(update={"vuln": "w"}))])
    # A model built by a caller (no `unknown`) against a record the model rejects as a whole.
    whole = Risk(id="RR-3", asset="db", threat="t", vuln="w", likelihood="low", impact="high")
    result = apply_changes(ws, [Replace(Ref("risks", "RR-3"), whole)])
    assert result.changes == ("update risks RR-3: likelihood, impact",)
    assert risks(ws) == RISKS.replace(
        "vuln: v\n  likelihood: low\n  impact: low",
        "vuln: w\n  likelihood: low\n  impact: high\n  colour: red",
    )


def test_an_invalid_value_is_refused_in_the_loaders_words_and_nothing_is_written(
    ws: Path, tmp_path: Path
) -> None:
    with pytest.raises(EditError) as caught:
        apply_changes(
            ws,
            [
                Set(Ref("risks", "RR-3"), ("likelihood",), "sky-high"),
                Set(Ref("assets", "db"), ("name",), "Renamed"),
            ],
        )
    assert risks(ws) == RISKS and "Renamed" not in (ws / "inventory" / "assets.yaml").read_text()
    # The same value written by hand: the loader's finding is the refusal's problem.
    copy = tmp_path / "copy"
    shutil.copytree(ws, copy)
    bad = RISKS.replace("likelihood: low\n  impact: low", "likelihood: sky-high\n  impact: low")
    (copy / "register" / "risks.yaml").write_text(bad)
    finding = next(
        f
        for f in load_workspace(copy, use_cache=False).findings
        if f.object_id == "RR-3" and f.name == "invalid-value"
    )
    position = f":{finding.location.line}:{finding.location.column}: {finding.message}"
    assert caught.value.problems == (f"{ws / 'register' / 'risks.yaml'}{position}",)
    assert str(caught.value).startswith("not written: the change would leave 1 problem\n")


def test_a_problem_already_there_does_not_block_an_unrelated_edit(ws: Path) -> None:
    (ws / "register" / "risks.yaml").write_text(RISKS + "  colour: red\n")
    apply_changes(ws, [Set(Ref("risks", "RR-3"), ("threat",), "Phishing")])
    assert risks(ws) == RISKS.replace("threat: t\n", "threat: Phishing\n") + "  colour: red\n"
    with pytest.raises(EditError, match="missing required field `vuln`"):
        apply_changes(ws, [Remove(Ref("risks", "RR-3"), ("vuln",))])


def test_ids_stay_unique_across_the_workspace(ws: Path) -> None:
    record = {
        "id": "api",
        "asset": "api",
        "threat": "t",
        "vuln": "v",
        "likelihood": "low",
        "impact": "low",
    }
    with pytest.raises(EditError, match=r"id `api` is taken: asset `api` is defined in"):
        apply_changes(ws, [Add("risks", record)])
    with pytest.raises(EditError, match="id `RR-1` is taken"):
        apply_changes(ws, [Set(Ref("risks", "RR-3"), ("id",), "RR-1")])
    apply_changes(ws, [Remove(Ref("risks", "RR-1")), Set(Ref("risks", "RR-3"), ("id",), "RR-1")])
    assert set(load_workspace(ws, use_cache=False).risk_by_id) == {"RR-1", "RR-2"}


def test_changes_that_name_nothing_are_refused(ws: Path) -> None:
    with pytest.raises(EditError, match="risks RR-404: no such record"):
        apply_changes(ws, [Set(Ref("risks", "RR-404"), ("threat",), "x")])
    with pytest.raises(EditError, match="'bogus' is not a kind of record"):
        apply_changes(ws, [Remove(Ref("bogus", "x"))])
    with pytest.raises(EditError, match="risks are read from the folder register/ only"):
        apply_changes(ws, [Add("risks", {"id": "X"}, "inventory/x.yaml")])
    with pytest.raises(EditError, match="the loader skips names starting with a dot"):
        apply_changes(ws, [Add("risks", {"id": "X"}, "register/.hidden.yaml")])
    with pytest.raises(EditError, match="would leave the record empty"):
        apply_changes(
            ws,
            [
                Remove(Ref("assets", "db"), ("ephi",)),
                Remove(Ref("assets", "db"), ("category",)),
                Remove(Ref("assets", "db"), ("name",)),
                Remove(Ref("assets", "db"), ("id",)),
            ],
        )
    assert risks(ws) == RISKS


def test_a_file_over_the_loaders_size_limit_is_refused_before_rendering(ws: Path) -> None:
    with pytest.raises(EditError) as caught:
        apply_changes(ws, [Set(Ref("risks", "RR-1"), ("threat",), "x" * (25 * 1024 * 1024))])
    assert "the limit is 20 MB" in caught.value.problems[0]
    assert risks(ws) == RISKS


@pytest.mark.parametrize(
    "text",
    [
        "first line\n\tindented with a tab\nlast",
        "  leading spaces\nsecond",
        "trailing \nspace",
        "nul \x00 and bell \x07",
        "line\rfeed",
        "a: b # c",
        "- not a list",
        "'quoted'",
        "yes",
        "2026-01-01",
        "0x1F",
        ".inf",
        "~",
        "é€😀 \u2028 separator",
    ],
)
def test_any_text_is_written_so_that_the_loader_reads_it_back_unchanged(
    ws: Path, text: str
) -> None:
    apply_changes(ws, [Set(Ref("risks", "RR-3"), ("threat",), text)])
    assert load_workspace(ws, use_cache=False).risk_by_id["RR-3"].threat == text
    assert risks(ws).startswith(RISKS[: RISKS.index("- id: RR-3")])


def test_import_of_a_multi_line_cell_with_a_tab_led_line_leaves_a_workspace_that_loads(
    ws: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "risks.csv"
    with sheet.open("w", newline="") as handle:
        csv.writer(handle).writerows([["id", "threat"], ["RR-3", "Phishing\n\twith a tab\nend"]])
    result = CliRunner().invoke(cli, ["import", str(sheet), "-w", str(ws), "--apply"])
    assert result.exit_code == 0, result.output
    assert load_workspace(ws, use_cache=False).risk_by_id["RR-3"].threat == (
        "Phishing\n\twith a tab\nend"
    )
    assert '  threat: "Phishing\\n\\twith a tab\\nend"\n' in risks(ws)


def test_a_linked_file_is_edited_where_it_is_and_the_link_stays(ws: Path) -> None:
    shared = ws / ".shared"  # the loader skips it; only the link is read
    shared.mkdir()
    (ws / "register" / "risks.yaml").rename(shared / "risks.yaml")
    (ws / "register" / "risks.yaml").symlink_to("../.shared/risks.yaml")
    apply_changes(ws, [Set(Ref("risks", "RR-1"), ("impact",), "low")])
    assert (ws / "register" / "risks.yaml").is_symlink()
    assert (shared / "risks.yaml").read_text() == RISKS.replace("impact: high", "impact: low")


@pytest.mark.parametrize("start", ["", "---\n", "%YAML 1.1\n---\n"])
def test_unusual_layouts_are_edited_in_place(ws: Path, start: str) -> None:
    body = (
        "# c\n- id: A\n  asset: db\n  threat: |\n    - not an item\n\n    # nor a comment\n"
        "  vuln: plain text\n   - over two lines\n  likelihood: low\n  impact: low\n"
        "-   id: B\n    asset: db\n    threat: t\n    vuln: v\n    likelihood: low\n"
        "    impact: low\n"
    )
    path = ws / "register" / "odd.yaml"
    path.write_text(start + body)
    apply_changes(ws, [Set(Ref("risks", "B"), ("threat",), "changed"), Remove(Ref("risks", "A"))])
    assert path.read_text() == start + (
        "# c\n-   id: B\n    asset: db\n    threat: changed\n    vuln: v\n    likelihood: low\n"
        "    impact: low\n"
    )


def test_crlf_files_keep_their_line_breaks(ws: Path) -> None:
    path = ws / "register" / "risks.yaml"
    path.write_bytes(RISKS.replace("\n", "\r\n").encode())
    apply_changes(ws, [Set(Ref("risks", "RR-1"), ("impact",), "low")])
    assert (
        path.read_bytes()
        == RISKS.replace("impact: high", "impact: low").replace("\n", "\r\n").encode()
    )


# The property: any sequence of edits leaves every record it did not touch byte-identical,
# and every file loadable; a refused edit writes nothing at all.

_LEVELS = ("low", "moderate", "high")
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24)
_IDS = ("RR-1", "RR-2", "RR-3")
_EDITS = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(_IDS), st.sampled_from(("threat", "vuln")), _TEXT),
    st.tuples(
        st.just("set"),
        st.sampled_from(_IDS),
        st.sampled_from(("likelihood", "impact", "residual_risk")),
        st.sampled_from(_LEVELS),
    ),
    st.tuples(
        st.just("set"),
        st.sampled_from(_IDS),
        st.just("last_reviewed"),
        st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    ),
    st.tuples(st.just("append"), st.sampled_from(_IDS), st.just("remediation"), _TEXT),
    st.tuples(st.just("append"), st.sampled_from(_IDS), st.just("current_controls"), _TEXT),
    st.tuples(
        st.just("drop"),
        st.sampled_from(_IDS),
        st.sampled_from(("residual_risk", "current_controls", "remediation")),
        st.none(),
    ),
    st.tuples(st.just("remove"), st.sampled_from(_IDS), st.none(), st.none()),
    st.tuples(
        st.just("add"),
        st.sampled_from(("register/risks.yaml", "register/new.yaml")),
        st.none(),
        _TEXT,
    ),
    st.tuples(st.just("email"), st.sampled_from(("alice", "bob")), st.none(), _TEXT),
)


def _records(text: str) -> dict[str, str]:
    """Each record's own text (an independent reading: `- id:` at column 0 up to the next
    line at column 0)."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("- id: "):
            current = found[line[6:].strip()] = []
        elif line[:1] not in (" ", "\n") or current is None:
            current = None
            continue
        current.append(line)
    return {key: "".join(lines).rstrip("\n") for key, lines in found.items()}


def _change(edit: tuple[str, str, str | None, object], number: int) -> object:
    action, target, name, value = edit
    ref = Ref("risks", target)
    if action == "set":
        assert name is not None
        return Set(ref, (name,), value)
    if action == "append" and name == "remediation":
        return Append(ref, ("remediation",), {"control": value, "status": "planned"})
    if action == "append":
        return Append(ref, ("current_controls",), value)
    if action == "drop":
        assert name is not None
        return Remove(ref, (name,))
    if action == "remove":
        return Remove(ref)
    if action == "add":
        return Add(
            "risks",
            {
                "id": f"NEW-{number}",
                "asset": "api",
                "threat": value,
                "vuln": "v",
                "likelihood": "low",
                "impact": "low",
            },
            target,
        )
    index = 0 if target == "alice" else 1
    return Set(MANIFEST, ("people", index, "email"), value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EDITS, min_size=1, max_size=4))
def test_random_edits_keep_untouched_records_byte_identical_and_files_loadable(
    edits: list[tuple[str, str, str | None, object]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sra"
        (root / "register").mkdir(parents=True)
        (root / "inventory").mkdir()
        (root / "sra.yaml").write_text(MANIFEST_TEXT)
        (root / "register" / "risks.yaml").write_text(RISKS)
        (root / "inventory" / "assets.yaml").write_text(ASSETS)
        original = _records(RISKS)
        touched: set[str] = set()
        for number, edit in enumerate(edits):
            before = {p: p.read_bytes() for p in root.rglob("*.yaml")}
            try:
                apply_changes(root, [_change(edit, number)])  # type: ignore[list-item]
            except EditError as refused:
                # Only an edit of what an earlier one removed may be refused, writing nothing.
                assert "no such record" in refused.summary or "no key" in refused.summary
                assert {p: p.read_bytes() for p in root.rglob("*.yaml")} == before
                continue
            if edit[0] != "email" and edit[0] != "add":
                touched.add(edit[1])
            workspace = load_workspace(root, use_cache=False)
            schema = [f for f in workspace.findings if f.code in ("SRA001", "SRA002", "SRA003")]
            assert schema == []
            if edit[0] == "set" and edit[1] in workspace.risk_by_id:
                value = getattr(workspace.risk_by_id[edit[1]], str(edit[2]))
                assert getattr(value, "value", value) == edit[3]
            now = _records((root / "register" / "risks.yaml").read_text())
            for record_id, text in original.items():
                if record_id not in touched:
                    assert now[record_id] == text
            manifest = (root / "sra.yaml").read_text()
            assert manifest.startswith(MANIFEST_TEXT[: MANIFEST_TEXT.index("people:")])
