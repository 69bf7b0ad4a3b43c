"""The policy file: every problem at its line and column, and what each profile refuses."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipaa_sra.deid import Profile, load_policy
from hipaa_sra.errors import LoadError

from .data import POLICY, SHIFTED, clinic, write_files
from .test_files import run


def _load(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    with pytest.raises(LoadError) as caught:
        load_policy(path)
    return [e.render().replace(str(path), "policy.yaml") for e in caught.value.errors]


def test_the_example_policies_load(tmp_path: Path) -> None:
    for text, profile in ((POLICY, Profile.SAFE_HARBOR), (SHIFTED, Profile.LIMITED_DATA_SET)):
        path = tmp_path / "policy.yaml"
        path.write_text(text)
        assert load_policy(path).policy.profile is profile


def test_safe_harbor_refuses_pseudonymize_and_a_kept_name(tmp_path: Path) -> None:
    text = POLICY.replace(
        "full_name: {action: redact, type: name}", "full_name: {action: keep, type: name}"
    ).replace(
        "medicare_id: {action: redact, type: health-plan-id}",
        "medicare_id: {action: pseudonymize, type: health-plan-id}",
    )
    errors = _load(tmp_path, text)
    assert errors[0].startswith(
        "policy.yaml:6:19: column `full_name` holds `name`, a Safe "
        "Harbor identifier, and the policy keeps it"
    )
    assert errors[1].startswith(
        "policy.yaml:14:21: column `medicare_id`: pseudonymize is "
        "refused under the safe-harbor profile"
    )
    assert "164.514(c)" in errors[1] and "use surrogate" in errors[1]
    # The same choices are a limited data set's to make only for what it may keep.
    limited = text.replace("profile: safe-harbor", "profile: limited-data-set")
    assert [e.split(": ", 1)[1][:40] for e in _load(tmp_path, limited)] == [
        "column `full_name` holds `name`, which a"
    ]


def test_actions_that_do_not_fit_their_type(tmp_path: Path) -> None:
    text = POLICY.replace(
        "phone: {action: redact, type: phone}", "phone: {action: generalize, type: phone}"
    ).replace(
        "admit_date: {action: generalize, type: date}",
        "admit_date: {action: date-shift, type: date}",
    )
    errors = _load(tmp_path, text.replace("profile: safe-harbor", "profile: limited-data-set"))
    assert errors == [
        "policy.yaml:12:15: generalize does not fit `type: phone`: it turns dates into years, "
        "ZIP codes into three digits and ages over 89 into 90+ (use redact, drop or surrogate)",
        "policy.yaml:20:20: date-shift needs `subject:`, the column naming the person whose dates "
        "move together (add `subject: patient_id`, the person's column)",
    ]


def test_typos_get_a_suggestion_and_a_position(tmp_path: Path) -> None:
    errors = _load(
        tmp_path,
        "profile: safe-harbour\ntables:\n  t:\n    columns:\n"
        "      a: {action: redcat}\n      b: {action: keep, domian: x}\n",
    )
    assert errors[0].startswith("policy.yaml:1:1: `safe-harbour` is not allowed here")
    assert "did you mean `safe-harbor`?" in errors[0]
    assert errors[1].startswith("policy.yaml:5:11: `redcat` is not allowed here")
    assert "did you mean `redact`?" in errors[1]
    assert errors[2].startswith("policy.yaml:6:25: unknown field `domian`")
    assert "did you mean `domain`?" in errors[2]


def test_unknown_tables_and_columns_are_named_before_anything_is_written(tmp_path: Path) -> None:
    source = write_files(clinic(patients=20), tmp_path / "export", "csv")
    text = POLICY.replace("      sex: keep\n", "      gender: keep\n").replace(
        "  notes:\n", "  note:\n"
    )
    (tmp_path / "policy.yaml").write_text(text)
    code, _, stderr = run(
        "--from",
        str(source),
        "--to",
        str(tmp_path / "out"),
        "--policy",
        str(tmp_path / "policy.yaml"),
        "--mapping-store",
        str(tmp_path / "map.sqlite"),
    )
    assert code == 2
    lines = stderr.replace(str(tmp_path) + "/", "").splitlines()
    assert lines == [
        "policy.yaml:2:1: the source has table `notes`, which the policy does not list; every "
        "table needs its columns' actions (or `drop: true`) (is `note` meant to be `notes`?)",
        "policy.yaml:15:7: table `patients` has no column `gender`",
        "policy.yaml:24:3: the source has no table `note` (did you mean `notes`?)",
    ]
    assert not (tmp_path / "out").exists() and not (tmp_path / "map.sqlite").exists()


def test_a_policy_that_is_not_yaml_or_not_a_mapping(tmp_path: Path) -> None:
    assert _load(tmp_path, "profile: [safe-harbor\n")[0].startswith("policy.yaml:")
    assert _load(tmp_path, "- a\n- b\n") == [
        "policy.yaml:1:1: a policy is a mapping with `profile:` and `tables:` (start from "
        "`sra deidentify --init-policy SOURCE`)"
    ]


@given(st.text(alphabet=st.sampled_from("abc:{}[] -\n'\"#&*!|>%@`"), max_size=80))
def test_any_text_is_a_policy_or_a_positioned_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "policy.yaml"
        path.write_text(text)
        try:
            load_policy(path)
        except LoadError as exc:
            assert all(e.line >= 1 and e.column >= 1 for e in exc.errors)
