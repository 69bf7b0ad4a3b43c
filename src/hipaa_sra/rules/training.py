"""Training rules (SRA306-SRA307, controls family): security training, current and for everyone.

45 CFR 164.308(a)(5) asks for a security awareness and training program for all members of
the workforce, management included. Training records (`training/`) name a person, or a group
with its headcount; a group named after a role (`compliance-officer`) covers the people who
hold that role.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..analysis.recurring import latest_training, training_due, training_interval
from ..findings import Severity
from ..model import Workspace
from .base import Context, Family, Hit, Rule


def _overdue(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    for (who, course), record in latest_training(ws).items():
        due, days = training_due(record, ws), training_interval(record, ws)
        if due is not None and due < ctx.today:
            yield Hit(
                f"{who} last completed `{course}` on {record.completed}; it is repeated every "
                f"{days} days and was due {due} ({(ctx.today - due).days:,} days ago); record "
                "the new completion in training/",
                record,
                ("completed",),
            )


def _untrained(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    manifest = ws.manifest
    if manifest is None or not ctx.facts.people_complete:
        return
    if not (
        ctx.facts.known_everywhere("training", "person")
        and ctx.facts.known_everywhere("training", "group")
    ):
        return
    people = {record.person for record in ws.training if record.person}
    groups = {record.group for record in ws.training if record.group}
    for index, person in enumerate(manifest.people):
        if not person.roles or person.id is None or person.id in people:
            continue
        if groups.intersection(person.roles):
            continue
        yield Hit(
            f"`{person.id}` holds the role{'s' if len(person.roles) > 1 else ''} "
            f"{', '.join(person.roles)} but no training record names them; record their "
            "security training in training/ (`person: " + person.id + "`)",
            None,
            ("people", index),
            person.id,
        )


TRAINING_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA306",
        name="training-overdue",
        severity=Severity.WARNING,
        family=Family.CONTROLS,
        summary="A person's or group's latest security training is older than its interval.",
        citation=(
            "45 CFR 164.308(a)(5)(i) (security awareness and training); proposed 164.308(a)(11) "
            "(training at least every 12 months, nprm-2025)"
        ),
        rationale=(
            "Training given once fades, and threats change: phishing, new systems, new policies. "
            "For each person or group and course, the latest completion must fall within its "
            "`interval_days` (default `methodology.review_intervals.training_days`, 365); under "
            "the nprm-2025 profile no interval exceeds the proposed yearly refresher."
        ),
        fix="Record the new completion in training/ (person or group, course, completed date).",
        example=(
            "# training/training.yaml\n- id: tr-2026-alice\n  person: alice\n  course: Security "
            "awareness 2026\n  completed: 2026-02-10\n  interval_days: 365\n  evidence: "
            "lms://completions/2026/alice"
        ),
        check=_overdue,
        nprm_severity=Severity.ERROR,
    ),
    Rule(
        code="SRA307",
        name="workforce-member-without-training",
        severity=Severity.WARNING,
        family=Family.CONTROLS,
        summary="A person with a role in sra.yaml has no security training record.",
        citation=(
            "45 CFR 164.308(a)(5)(i) (training for all members of the workforce, including "
            "management)"
        ),
        rationale=(
            "The people named in the SRA own risks, review logs and sign it; they are the "
            "workforce members an auditor asks about first. A record counts when it names the "
            "person, or a group named after one of their roles."
        ),
        fix=(
            "Add a training record naming the person (`person: <id>`), or a group named after "
            "their role."
        ),
        example=(
            "- id: tr-2026-owners\n  group: engineering-owner\n  headcount: 3\n  course: Secure "
            "engineering 2026\n  completed: 2026-04-01"
        ),
        check=_untrained,
    ),
)
"""Training rules SRA306-SRA307."""
