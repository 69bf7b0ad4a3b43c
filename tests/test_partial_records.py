"""Partial records: one broken field never costs the findings about anything else.

The property: in a workspace rich in findings (tests/fixtures/partial, whose first record of
each kind writes every field), break one field at a time with a value of the wrong type and
lint. Every finding of the valid run that is not about that field is still reported, and
the only new finding is the schema finding on that field. Where a rule legitimately needs the
broken field, `DEPENDS` says so, with the reason.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from hipaa_sra.catalog import risk_matrix
from hipaa_sra.interop.oscal import assessment_results, poam
from hipaa_sra.loading import check_workspace, load_workspace
from hipaa_sra.loading.partial import shape
from hipaa_sra.model import (
    Answer,
    Asset,
    Control,
    Flow,
    Manifest,
    Policy,
    Risk,
    Signoff,
    Training,
    Vendor,
)
from hipaa_sra.report import build_report, render_markdown
from hipaa_sra.rules import lint
from hipaa_sra.schedule.events import calendar_events
from hipaa_sra.scoring import MethodologyError, score_risks

RICH = Path(__file__).parent / "fixtures" / "partial"
TODAY = date(2026, 11, 22)
FieldPath = tuple[str | int, ...]

KINDS: dict[str, tuple[str, type[BaseModel]]] = {
    "sra.yaml": ("sra.yaml", Manifest),
    "assets": ("inventory/assets.yaml", Asset),
    "flows": ("flows/flows.yaml", Flow),
    "vendors": ("vendors/vendors.yaml", Vendor),
    "controls": ("controls/controls.yaml", Control),
    "risks": ("register/risks.yaml", Risk),
    "signoffs": ("signoffs/signoffs.yaml", Signoff),
    "answers": ("assessment/answers.yaml", Answer),
    "policies": ("policies/policies.yaml", Policy),
    "training": ("training/training.yaml", Training),
}
"""Kind -> its file in the fixture and the model of its records (the first one is broken)."""

SCHEMA = frozenset({"SRA001", "SRA002", "SRA003"})
AGGREGATE = "SRA501"
"""OCR's elements sum up the whole workspace: each element found in the valid run must still
be found, but its list of reasons may lose the record whose field is unreadable."""


@dataclass(frozen=True, order=True)
class Seen:
    """A finding as a user sees it."""

    code: str
    file: str
    line: int
    column: int
    object_id: str | None
    severity: str
    message: str


def findings(root: Path) -> set[Seen]:
    """What `sra lint` reports on the workspace at `root`, waived findings left out."""
    report = lint(load_workspace(root, use_cache=False), TODAY)
    return {
        Seen(
            f.code,
            Path(f.location.file).resolve().relative_to(root.resolve()).as_posix(),
            f.location.line,
            f.location.column,
            f.object_id,
            f.severity.value,
            f.message,
        )
        for f in report.findings
    }


def _record(kind: str) -> tuple[type[BaseModel], Any]:
    file, model = KINDS[kind]
    data = yaml.safe_load((RICH / file).read_text(encoding="utf-8"))
    return model, data if kind == "sra.yaml" else data[0]


def _fields(model: type[BaseModel], data: Any, prefix: FieldPath = ()) -> list[FieldPath]:
    """Every field of `model` written in `data`: nested sections and first list items too."""
    out: list[FieldPath] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in data:
            continue
        out.append((*prefix, key))
        kind, inner = shape(info.annotation)
        value = data[key]
        if kind == "model" and isinstance(value, dict):
            out += _fields(inner, value, (*prefix, key))
        elif kind == "seq" and value and isinstance(value[0], dict):
            out += _fields(shape(inner)[1], value[0], (*prefix, key, 0))
    return out


def _unwritten(model: type[BaseModel], data: Any, prefix: str = "") -> list[str]:
    """Fields of `model` the data does not write (recursively)."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in data:
            out.append(prefix + key)
            continue
        kind, inner = shape(info.annotation)
        if kind == "model" and isinstance(data[key], dict):
            out += _unwritten(inner, data[key], f"{prefix}{key}.")
        elif kind == "seq" and data[key] and isinstance(data[key][0], dict):
            out += _unwritten(shape(inner)[1], data[key][0], f"{prefix}{key}[0].")
    return out


def _wrong_value(model: type[BaseModel], path: FieldPath) -> str:
    """A number where a list, mapping or section belongs; an empty mapping where one value does."""
    current: Any = model
    kind = "model"
    for part in path:
        if isinstance(part, int):
            continue
        name = next(n for n, i in current.model_fields.items() if (i.alias or n) == part)
        kind, inner = shape(current.model_fields[name].annotation)
        current = shape(inner)[1] if kind == "seq" else inner
    return "7" if kind in ("seq", "map", "model") else "{}"


def break_field(text: str, path: FieldPath, value: str) -> tuple[str, range]:
    """`text` with `value` written for the field at `path`, and the lines the field spans.

    The key's line gets the new value and any further lines of the old value become
    comments, so every other line keeps its number.
    """
    node: Any = yaml.compose(text)
    key_node: Any = None
    for part in path:
        if isinstance(part, int):
            node = node.value[part]
            continue
        key_node, node = next((k, v) for k, v in node.value if k.value == part)
    lines = text.split("\n")
    first, end = key_node.start_mark.line, node.end_mark
    # A block value ends where the next key starts: that line is not part of it.
    last = max(first, end.line - (0 if lines[end.line][: end.column].strip() else 1))
    lines[first] = f"{lines[first][: key_node.start_mark.column]}{key_node.value}: {value}"
    for index in range(first + 1, last + 1):
        lines[index] = "#" + lines[index]
    return "\n".join(lines), range(first + 1, last + 2)


def _dotted(path: FieldPath) -> str:
    return ".".join(part for part in path if isinstance(part, str))


CASES = [(kind, path) for kind in KINDS for path in _fields(*_record(kind))]


@cache
def _valid_run() -> frozenset[Seen]:
    return frozenset(findings(RICH))


def test_the_rich_record_of_each_kind_writes_every_field() -> None:
    # A field the fixture does not write would never be broken: a new model field must be
    # added to tests/fixtures/partial too.
    for kind in KINDS:
        assert _unwritten(*_record(kind)) == [], kind


MATRIX = frozenset({"SRA102", "SRA106", "SRA107"})
INTERVALS = frozenset(
    {"SRA101", "SRA110", "SRA205", "SRA208", "SRA503", "SRA306", "SRA403", "SRA506"}
)
"""Rules that count from a review interval of sra.yaml."""
QUESTIONNAIRE = frozenset({"SRA402", "SRA403", "SRA404"})
"""Rules that compare levels through the methodology's matrix."""
IN_SCOPE = frozenset({"SRA201", "SRA203", "SRA204", "SRA302", "SRA303", "SRA304", "SRA305"})
"""Rules whose reach an asset's ePHI status decides."""
BY_STATUS = frozenset({"SRA103", "SRA104", "SRA105", "SRA108"})
"""Remediation rules that apply by the item's status and name the item by its text."""

DEPENDS: dict[tuple[str, str], frozenset[str]] = {
    # The matrix and the review intervals are chosen by these settings: with one unreadable,
    # rules that need it say nothing rather than use a default nobody wrote.
    ("sra.yaml", "methodology"): MATRIX | INTERVALS,
    ("sra.yaml", "methodology.levels"): MATRIX,
    ("sra.yaml", "methodology.matrix"): MATRIX,
    ("sra.yaml", "methodology.review_intervals"): INTERVALS,
    ("sra.yaml", "methodology.review_intervals.register_days"): frozenset({"SRA101"}),
    ("sra.yaml", "methodology.review_intervals.inventory_days"): frozenset({"SRA205"}),
    ("sra.yaml", "methodology.review_intervals.evidence_days"): frozenset({"SRA110"}),
    ("sra.yaml", "methodology.review_intervals.vendor_days"): frozenset({"SRA208"}),
    ("sra.yaml", "methodology.review_intervals.review_days"): frozenset({"SRA503"}),
    ("sra.yaml", "methodology.review_intervals.policy_days"): frozenset({"SRA506"}),
    ("sra.yaml", "methodology.review_intervals.training_days"): frozenset({"SRA306"}),
    ("sra.yaml", "methodology.review_intervals.answer_days"): frozenset({"SRA403"}),
    # A person who cannot be read may be the one a reference names, and may hold a role.
    # Nor can anyone be said to lack training.
    ("sra.yaml", "people"): frozenset({"SRA005", "SRA502", "SRA307"}),
    ("sra.yaml", "people.id"): frozenset({"SRA005", "SRA307"}),
    ("sra.yaml", "people.roles"): frozenset({"SRA307"}),
    # Who must sign, and whether a signature is required, are unknown.
    ("sra.yaml", "signoff"): frozenset({"SRA502"}),
    ("sra.yaml", "signoff.required_roles"): frozenset({"SRA502"}),
    # Configured severities and selections no longer apply (SRA304 is re-graded there).
    ("sra.yaml", "rules"): frozenset({"SRA304", "SRA011"}),
    ("sra.yaml", "rules.severity"): frozenset({"SRA304"}),
    ("sra.yaml", "rules.ignore"): frozenset({"SRA011"}),
    # A decision that cannot be read may be the one an addressable specification lacks.
    ("sra.yaml", "decisions"): frozenset({"SRA401"}),
    ("sra.yaml", "decisions.spec"): frozenset({"SRA401"}),
    ("assets", "category"): IN_SCOPE | {"SRA301"},
    ("assets", "ephi"): IN_SCOPE,
    ("assets", "attributes.internet_facing"): frozenset({"SRA305"}),
    ("vendors", "ephi_exposure"): frozenset({"SRA206", "SRA207", "SRA208"}),
    # An unreadable citation may be the one each uncovered specification lacks.
    # ... and the control an answer's contradiction names.
    ("controls", "hipaa"): frozenset({"SRA401", "SRA404"}),
    ("controls", "id"): frozenset({"SRA404"}),
    # A risk whose asset cannot be read may be the one an ePHI asset lacks.
    ("risks", "asset"): frozenset({"SRA201"}),
    ("risks", "likelihood"): MATRIX,
    ("risks", "impact"): MATRIX,
    ("risks", "inherent_risk"): frozenset({"SRA102", "SRA107"}),
    ("risks", "residual_risk"): frozenset({"SRA102", "SRA107"}),
    ("risks", "remediation.control"): BY_STATUS,
    ("risks", "remediation.status"): BY_STATUS,
    # An answer that cannot be read is no answer: the open questions and contradictions move.
    ("answers", "id"): QUESTIONNAIRE,
    ("answers", "answer"): QUESTIONNAIRE,
    ("answers", "evidence"): QUESTIONNAIRE,
    ("answers", "evidence.control"): QUESTIONNAIRE,
    ("answers", "date"): QUESTIONNAIRE,
    # An unreadable policy may be the one a standard lacks, or one that meets a specification.
    ("policies", "id"): frozenset({"SRA401"}),
    ("policies", "hipaa"): frozenset({"SRA401", "SRA504"}),
    ("policies", "status"): frozenset({"SRA401", "SRA504", "SRA505", "SRA506"}),
    ("policies", "approved"): frozenset({"SRA401", "SRA505", "SRA506"}),
    ("policies", "approved_by"): frozenset({"SRA401", "SRA505"}),
    ("policies", "review_days"): frozenset({"SRA506"}),
    # Whom a record names decides who is trained; naming both is reported on `group`.
    ("training", "person"): frozenset({"SRA001", "SRA306", "SRA307"}),
    ("training", "group"): frozenset({"SRA306", "SRA307"}),
    ("training", "course"): frozenset({"SRA306"}),
    ("training", "completed"): frozenset({"SRA306"}),
    ("training", "interval_days"): frozenset({"SRA306"}),
}
"""(kind, field) -> rules whose findings may change when that field cannot be read."""

WAIVED = {
    "sra.yaml": "SRA503",
    "assets": "SRA302",
    "flows": "SRA209",
    "vendors": "SRA208",
    "controls": "SRA110",
    "risks": "SRA104",
    "answers": "SRA403",
    "policies": "SRA506",
    "training": "SRA306",
}
"""The rule each kind's first waiver silences: an unreadable waiver silences nothing."""


def _allowed(kind: str, dotted: str) -> frozenset[str]:
    if kind == "signoffs":
        # The exception: an invalid sign-off is dropped, so it never counts as a signature.
        return frozenset({"SRA502"})
    if dotted.startswith("waivers"):
        return frozenset({WAIVED[kind]})
    return DEPENDS.get((kind, dotted), frozenset())


def _span(text: str, index: int) -> range:
    node = yaml.compose(text).value[index]
    return range(node.start_mark.line + 1, node.end_mark.line + 1)


@pytest.mark.parametrize(
    ("kind", "path"), CASES, ids=[f"{kind}:{_dotted(path)}" for kind, path in CASES]
)
def test_one_broken_field_keeps_every_other_finding(
    kind: str, path: FieldPath, tmp_path: Path
) -> None:
    file, model = KINDS[kind]
    root = shutil.copytree(RICH, tmp_path / "sra")
    text = (root / file).read_text(encoding="utf-8")
    where = path if kind == "sra.yaml" else (0, *path)
    broken, lines = break_field(text, where, _wrong_value(model, path))
    (root / file).write_text(broken, encoding="utf-8")
    before, after = _valid_run(), findings(root)

    def on_field(f: Seen) -> bool:
        return f.file == file and f.line in lines

    assert any(on_field(f) and f.code in SCHEMA for f in after), "no finding on the field"
    allowed = _allowed(kind, _dotted(path))
    elements = {(f.code, f.object_id) for f in after if f.code == AGGREGATE}
    lost = {
        f
        for f in before - after
        if not on_field(f)
        and f.code not in allowed
        and not (f.code == AGGREGATE and (f.code, f.object_id) in elements)
    }
    new = {
        f
        for f in after - before
        if not (on_field(f) and f.code in SCHEMA) and f.code not in allowed and f.code != AGGREGATE
    }
    if path == ("id",):
        # Without a valid id the record is still analysed, under no id: its findings stay
        # where they were, its waivers (tied to the id) no longer apply, and what referred
        # to it by that id now refers to nothing.
        old_id = yaml.safe_load(text)[0].get("id")
        record = _span(text, 0)
        places = {(f.code, f.file, f.line, f.column) for f in after}
        lost = {
            f
            for f in lost
            if not (f.object_id == old_id and (f.code, f.file, f.line, f.column) in places)
        }
        new = {
            f
            for f in new
            if not (
                (f.file == file and f.line in record)
                or (f.code == "SRA005" and f"`{old_id}`" in f.message)
            )
        }
    assert not lost, "findings lost:\n" + "\n".join(map(str, sorted(lost)))
    assert not new, "findings added:\n" + "\n".join(map(str, sorted(new)))


def test_every_scalar_field_can_be_unknown() -> None:
    # A field whose type cannot hold None would make a partial record impossible to build
    # honestly; lists, mappings and sections are emptied or made unknown instead.
    def scalars(model: type[BaseModel], seen: set[type[BaseModel]]) -> list[str]:
        out = []
        for name, info in model.model_fields.items():
            kind, inner = shape(info.annotation)
            if kind == "model" and inner not in seen:
                seen.add(inner)
                out += scalars(inner, seen)
            elif kind == "seq" and shape(inner)[0] == "model":
                out += scalars(shape(inner)[1], seen)
            elif kind == "scalar" and type(None) not in getattr(info.annotation, "__args__", ()):
                out.append(f"{model.__name__}.{name}")
        return out

    for model in (Manifest, Asset, Flow, Vendor, Control, Risk, Answer, Policy, Training):
        assert scalars(model, set()) == [], model.__name__


# Held-out cases: each mistake used to drop a whole record or the whole sra.yaml.

ASSETS = """\
- id: db
  name: Patient database
  category: database
  ephi: present
- id: audit
  name: Audit log
  category: audit-log
  ephi: present
"""


def _lint(root: Path) -> list[Any]:
    return list(lint(load_workspace(root, use_cache=False), TODAY).findings)


def test_a_mistyped_due_date_keeps_the_vague_control_finding(workspace) -> None:
    root = workspace(
        {
            "inventory/a.yaml": ASSETS,
            "register/r.yaml": """\
- id: RR-1
  asset: db
  threat: Ransomware
  vuln: Unpatched host
  likelihood: moderate
  impact: high
  current_controls: [We have DLP]
  remediation:
    - control: Patch the host
      owner: alice
      due: 2027-02-30
      status: planned
""",
        }
    )
    found = _lint(root)
    vague = [f for f in found if f.name == "control-without-evidence" and f.object_id == "RR-1"]
    assert len(vague) == 1 and "We have DLP" in vague[0].message
    [bad_date] = [f for f in found if f.name == "invalid-value"]
    assert bad_date.location.line == 11 and "2027-02-30 is not a calendar date" in bad_date.message
    # The date is unreadable, not missing: no "has no due date" on top of the real problem.
    assert not [f for f in found if f.name == "remediation-without-due-date"]


def test_a_backup_with_a_mistyped_category_is_not_a_missing_backup(workspace) -> None:
    root = workspace(
        {
            "inventory/a.yaml": ASSETS
            + """\
- id: nightly
  name: Nightly snapshots
  category: snapshot-backups
  ephi: present
"""
        }
    )
    found = _lint(root)
    [typo] = [f for f in found if f.name == "invalid-value"]
    assert "(did you mean `snapshot-backup`?)" in typo.message
    # Any category could be the one the unreadable value meant, so none is called missing.
    assert not [f for f in found if f.name == "missing-inventory-category"]
    nightly = load_workspace(root, use_cache=False).asset_by_id["nightly"]
    assert nightly.category is None and nightly.is_unknown("category")
    assert nightly.name == "Nightly snapshots"


@pytest.mark.parametrize(
    "typo",
    [
        "safeguard: administrativ",
        "assets: audit",
        "cadence: {reviewer: alice, every: fortnightly, runbook: r.md}",
    ],
)
def test_a_typo_in_the_log_review_control_keeps_it_reviewing(workspace, typo: str) -> None:
    control = """\
- id: CTL-LOG
  name: Weekly log review
  safeguard: administrative
  assets: [audit]
  cadence: {reviewer: alice, every: weekly, runbook: r.md}
"""
    key = typo.split(":")[0]
    line = next(line for line in control.splitlines() if line.strip().startswith(key))
    root = workspace(
        {"inventory/a.yaml": ASSETS, "controls/c.yaml": control.replace(line, f"  {typo}")}
    )
    found = _lint(root)
    [typo_finding] = [f for f in found if f.code in SCHEMA]
    assert typo_finding.location.file.endswith("c.yaml") and typo_finding.location.line == (
        control.splitlines().index(line) + 1
    )
    assert not [f for f in found if f.name == "audit-log-without-review-cadence"]


def test_one_unknown_key_in_sra_yaml_keeps_the_rest_in_force(workspace) -> None:
    manifest = """\
organization:
  name: Test Clinic
scope: Every system that holds ePHI.
reviewd_by: alice
people:
  - id: alice
    name: Alice
    roles: [compliance-officer]
decisions:
  - spec: 164.312(a)(2)(iii)
    decision: alternative
    rationale: Shared kiosks cannot lock per user.
    alternative_measure: Kiosks return to a PIN screen when idle.
    decided_by: alice
waivers:
  - rule: missing-inventory-category
    reason: The inventory is being rebuilt.
    approved_by: alice
    until: 2027-06-30
"""
    assets = ASSETS + "  owner: mallory\n"
    root = workspace({"inventory/a.yaml": assets}, manifest=manifest)
    found = _lint(root)
    [unknown] = [f for f in found if f.location.file.endswith("sra.yaml") and f.code in SCHEMA]
    assert unknown.name == "unknown-field" and unknown.location.line == 4
    messages = " ".join(f.message for f in found)
    assert "sra.yaml is missing" not in messages
    assert "scope statement missing" not in messages  # the scope is in force
    assert not [f for f in found if f.name == "missing-inventory-category"]  # the waiver too
    assert not [f for f in found if f.object_id == "164.312(a)(2)(iii)"]  # and the decision
    # and the people: an owner who is not one of them is reported.
    assert any("owner `mallory` is not a person" in f.message for f in found)


def test_an_unknown_key_in_a_calibration_row_leaves_sra_yaml_in_force(workspace) -> None:
    # A calibration row is a model inside a mapping (`frequency: {level: estimate}`): a
    # stray key in it is a finding on its line, with the row's own keys as the suggestion.
    manifest = """\
organization: {name: X}
scope: Everything.
methodology:
  calibration:
    frequency:
      moderate: {'0': null}
"""
    found = _lint(workspace(manifest=manifest))
    [unknown] = [f for f in found if f.code in SCHEMA]
    assert (unknown.name, unknown.location.line) == ("unknown-field", 6)
    assert "expected one of distribution, min, most_likely, max" in unknown.message
    assert any(f.name == "calibration-unusable" for f in found)  # the row falls back, and says so
    ws = load_workspace(workspace(manifest=manifest), use_cache=False)
    assert ws.manifest is not None and ws.manifest.scope == "Everything."


def test_a_part_of_sra_yaml_that_cannot_be_used_says_what_is_ignored(workspace) -> None:
    manifest = "organization: {name: X}\npeople: {alice: Alice}\nscope: Everything.\n"
    root = workspace(manifest=manifest)
    found = _lint(root)
    [people] = [f for f in found if f.code in SCHEMA]
    assert people.location.line == 2
    assert people.message.endswith("the whole `people` list is ignored")
    ws = load_workspace(root, use_cache=False)
    assert ws.manifest is not None and ws.manifest.scope == "Everything."
    assert ws.manifest.people == () and ws.manifest.is_unknown("people")
    assert [(u.file, u.key, u.path, u.value) for u in ws.unusable] == [
        ("sra.yaml", "sra.yaml", ("people",), {"alice": "Alice"})
    ]


def test_a_misspelt_key_is_not_taken_for_a_field_left_out(workspace) -> None:
    root = workspace(
        {
            "inventory/a.yaml": ASSETS.replace(
                "  ephi: present\n", "  ephi: present\n  last_reviwed: 2026-10-01\n", 1
            )
        }
    )
    found = _lint(root)
    [typo] = [f for f in found if f.code in SCHEMA]
    assert "(did you mean `last_reviewed`?)" in typo.message
    # db wrote a review date under the wrong key: no "db has no last_reviewed date".
    stale = [f.object_id for f in found if f.name == "stale-inventory"]
    assert stale == ["audit"]


BROKEN_RISKS = """\
- id: RR-1
  asset: db
  threat: Ransomware
  vuln: Unpatched host
  likelihood: sometimes
  impact: high
  colour: red
  remediation:
    - 5
    - control: Patch the host
      due: next week
      status: planned
- just text
- id: not an id!
  asset: db
  threat: Lost laptop
  vuln: No disk encryption
  likelihood: low
  impact: low
  hipaa: [164.312(a)(2)(iv), 7]
"""


def test_what_no_model_could_take_is_kept_raw(workspace) -> None:
    root = workspace(
        {
            "inventory/a.yaml": ASSETS,
            "register/r.yaml": BROKEN_RISKS,
            "signoffs/s.yaml": "- role: compliance-officer\n  name: Alice\n",
        }
    )
    ws = load_workspace(root, use_cache=False)
    assert [(u.file, u.key, u.path, u.value) for u in ws.unusable] == [
        ("register/r.yaml", "risks/RR-1", ("likelihood",), "sometimes"),
        ("register/r.yaml", "risks/RR-1", ("remediation", 0), 5),
        ("register/r.yaml", "risks/RR-1", ("remediation", 1, "due"), "next week"),
        ("register/r.yaml", "risks/RR-1", ("colour",), "red"),
        ("register/r.yaml", "risks/register/r.yaml#2", (), "just text"),
        ("register/r.yaml", "risks/register/r.yaml#3", ("id",), "not an id!"),
        ("register/r.yaml", "risks/register/r.yaml#3", ("hipaa", 1), 7),
        (
            "signoffs/s.yaml",
            "signoffs/signoffs/s.yaml#1",
            (),
            {"role": "compliance-officer", "name": "Alice"},
        ),
    ]
    first, nameless = ws.risks
    assert first.likelihood is None and first.is_unknown("likelihood")
    assert first.threat == "Ransomware" and first.is_unknown("remediation")
    [item] = first.remediation
    assert item.control == "Patch the host" and item.due is None and item.is_unknown("due")
    assert nameless.id is None and nameless.hipaa == ("164.312(a)(2)(iv)",)
    # Kept for the rules that look at it alone, but nothing can refer to it by an id.
    assert list(ws.risk_by_id) == ["RR-1"]
    assert ws.record_key("risks", nameless) == "risks/register/r.yaml#3"
    assert ws.signoffs == ()  # a broken sign-off never counts as a signature


def test_findings_on_a_partial_record_point_at_the_lines_written(workspace) -> None:
    root = workspace({"inventory/a.yaml": ASSETS, "register/r.yaml": BROKEN_RISKS})
    found = {(f.name, f.location.line) for f in _lint(root)}
    # The item at line 10 is the model's first item once the bad one (line 9) is left out.
    assert ("remediation-without-owner", 10) in found
    assert ("invalid-value", 9) in found and ("invalid-value", 11) in found
    assert ("remediation-without-due-date", 10) not in found  # its date is unreadable
    # The risk without a valid id is still checked on its own, and found where it is.
    assert ("stale-review", 14) in found


def test_validate_and_load_agree_and_the_summary_cache_holds(workspace) -> None:
    root = workspace(
        {
            "inventory/a.yaml": ASSETS,
            "register/r.yaml": BROKEN_RISKS,
            "signoffs/s.yaml": "- role: compliance-officer\n  name: Alice\n",
        }
    )
    ws = load_workspace(root, use_cache=False)
    for _ in range(2):  # the second run reads the per-file summaries from the cache
        checked = check_workspace(root)
        assert checked.counts == ws.counts() == {**checked.counts, "risks": 2, "signoffs": 0}
        assert checked.findings == ws.findings


def test_null_is_still_no_value_for_a_required_field(workspace) -> None:
    root = workspace(
        {
            "register/r.yaml": "- id: RR-1\n  asset: db\n  threat: t\n  vuln: v\n"
            "  likelihood:\n  impact: low\n"
        }
    )
    [empty] = [f for f in check_workspace(root).findings if f.code in SCHEMA]
    assert empty.name == "invalid-value" and "`likelihood` is empty" in empty.message


def _consumers(root: Path) -> Any:
    """Everything that reads records, run on the workspace: none may raise on unknown values."""
    ws = load_workspace(root, use_cache=False)
    lint(ws, TODAY)
    with contextlib.suppress(MethodologyError):  # `sra score` reports it on its line, exit 2
        score_risks(ws)
    score_risks(ws, risk_matrix("nist-800-30r1", 5))
    calendar_events(ws, TODAY)
    assessment_results(ws, TODAY)
    return ws


@pytest.mark.parametrize("leaves", [False, True], ids=["sections", "leaves"])
def test_every_reader_copes_with_every_field_unreadable(leaves: bool, tmp_path: Path) -> None:
    root = shutil.copytree(RICH, tmp_path / "sra")
    for kind, (file, model) in KINDS.items():
        text = (root / file).read_text(encoding="utf-8")
        fields = _fields(*_record(kind))
        paths = (
            [p for p in fields if not any(q != p and q[: len(p)] == p for q in fields)]
            if leaves
            else [p for p in fields if len(p) == 1]
        )
        for path in paths:
            where = path if kind == "sra.yaml" else (0, *path)
            text, _ = break_field(text, where, _wrong_value(model, path))
        (root / file).write_text(text, encoding="utf-8")
    ws = _consumers(root)
    assert len(ws.risks) == 4 and len(ws.assets) == 7 and ws.signoffs == ()
    report = build_report(ws, TODAY)
    assert "(unreadable)" in render_markdown(report)
    poam(ws, TODAY)


# Keys as people write them: PyYAML dumps an empty or odd key as an explicit `? key` entry,
# which the fast parser does not read (a parser limit, not what this property is about).
_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=6)
corruptions = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 10**6),
        st.floats(allow_nan=False),
        st.text(max_size=12),
        st.dates().map(str),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=6,
)


def _paths(value: Any, prefix: FieldPath = ()) -> list[FieldPath]:
    out: list[FieldPath] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out += [(*prefix, key), *_paths(item, (*prefix, key))]
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += [(*prefix, index), *_paths(item, (*prefix, index))]
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(KINDS)), st.data(), corruptions, st.sampled_from(["set", "drop"]))
def test_random_corruption_of_one_field_loses_no_record(
    kind: str, data: st.DataObject, value: Any, how: str
) -> None:
    file, _ = KINDS[kind]
    original = yaml.safe_load((RICH / file).read_text(encoding="utf-8"))
    records = [original] if kind == "sra.yaml" else original
    index = data.draw(st.integers(0, len(records) - 1))
    path = data.draw(st.sampled_from(_paths(records[index])))
    corrupted = copy.deepcopy(original)
    target = corrupted if kind == "sra.yaml" else corrupted[index]
    for part in path[:-1]:
        target = target[part]
    if how == "drop":
        del target[path[-1]]
    else:
        target[path[-1]] = value
    with tempfile.TemporaryDirectory() as tmp:
        root = shutil.copytree(RICH, Path(tmp) / "sra")
        (root / file).write_text(yaml.safe_dump(corrupted, sort_keys=False), encoding="utf-8")
        ws = _consumers(root)
    before = load_workspace(RICH, use_cache=False)
    assert ws.manifest is not None
    for name in ("assets", "flows", "vendors", "controls", "risks", "signoffs"):
        kept, valid = getattr(ws, name), getattr(before, name)
        if name != kind:
            assert [r.model_dump() for r in kept] == [r.model_dump() for r in valid]
        elif name == "signoffs":  # the exception: a broken sign-off may be dropped, no other
            assert len(kept) >= len(valid) - 1
        else:
            others = [r.model_dump() for i, r in enumerate(kept) if i != index]
            assert len(kept) == len(valid)
            assert others == [r.model_dump() for i, r in enumerate(valid) if i != index]
