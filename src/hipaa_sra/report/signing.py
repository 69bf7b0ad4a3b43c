"""The report's closing sections: findings, sign-off (with its banner) and review history."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..analysis.digest import DigestDiff
from ..analysis.signoff_status import SignoffState
from ..findings import Location, Severity
from ..history import NOT_MEASURED, Commit
from ..model import Signoff
from ..scoring import HIGH_LEVELS
from ..signoff import RoleReport
from .charts import HistoryPoint, history_svg
from .document import Banner, BannerKind, Cell, CellValue, Figure, Section, Table, Tone
from .inputs import MISSING, ReportInputs, plural

_SEVERITY_TONE = {Severity.ERROR: Tone.BAD, Severity.WARNING: Tone.WARN, Severity.INFO: Tone.MUTED}
_STATE_TONE = {
    SignoffState.SIGNED: Tone.GOOD,
    SignoffState.INVALID: Tone.BAD,
    SignoffState.STALE: Tone.BAD,
    SignoffState.UNSIGNED: Tone.BAD,
}
_STATE_TEXT = {
    SignoffState.SIGNED: "signed",
    SignoffState.INVALID: "signature does not hold",
    SignoffState.STALE: "changed since sign-off",
    SignoffState.UNSIGNED: "not signed",
}


def findings_section(i: ReportInputs) -> Section:
    """Findings: what the auditor's rules flag in the workspace, most severe first."""
    report = i.lint
    summary = report.summary()
    facts = (
        ("Errors", f"{summary['error']:,}"),
        ("Warnings", f"{summary['warning']:,}"),
        ("Info", f"{summary['info']:,}"),
        ("Waived (with reason, approver and expiry)", f"{summary['waived']:,}"),
        ("Rules run", f"{len(report.rules):,}"),
    )
    per_rule = Counter((f.code, f.name, f.severity) for f in report.findings)
    by_rule = i.table(
        "findings-by-rule",
        "Findings by rule",
        ("Rule", "Name", "Severity", "Findings"),
        (
            (code, name, Cell(sev.value, _SEVERITY_TONE[sev]), f"{n:,}")
            for (code, name, sev), n in sorted(
                per_rule.items(), key=lambda kv: (-kv[0][2].rank, kv[0][0])
            )
        ),
        empty="No findings.",
        whole=True,
    )
    ordered = sorted(report.findings, key=lambda f: -f.severity.rank)  # stable: keeps file order
    root = i.ws.root.resolve()
    rows = (
        (
            Cell(f.severity.value, _SEVERITY_TONE[f.severity]),
            Cell(f.code, None, (f.name,)),
            f.object_id or MISSING,
            _where(f.location, root),
            f.message,
        )
        for f in ordered
    )
    table = i.table(
        "findings",
        "Findings",
        ("Severity", "Rule", "Record", "Where", "Finding"),
        rows,
        empty="The rules found nothing to report.",
        order="errors first, then warnings, then info",
    )
    paragraphs = (
        f"The {len(report.rules)} rules of `sra lint` check the workspace as an auditor would, "
        f"as of {i.today.isoformat()}. `sra explain <rule>` gives each rule's rationale and fix.",
    )
    return Section("findings", "Findings", paragraphs, facts, tables=(by_rule, table))


def _where(location: Location, root: Path) -> str:
    """`file:line:col` relative to the workspace: the document outlives the checkout it ran in."""
    try:
        shown = Path(location.file).resolve().relative_to(root).as_posix()
    except ValueError:
        shown = location.file
    return f"{shown}:{location.line}:{location.column}"


def signoff_banner(i: ReportInputs) -> Banner:
    """SIGNED, NOT SIGNED or CHANGED SINCE SIGN-OFF, with one line per required role."""
    roles = i.verification.roles
    lines = tuple(_role_line(role) for role in roles)
    if not roles:
        return Banner(
            BannerKind.NOT_SIGNED,
            "NOT SIGNED",
            ("sra.yaml `signoff.required_roles` names no role that must sign.",),
        )
    if i.verification.complete:
        return Banner(BannerKind.SIGNED, "SIGNED", lines)
    if any(role.state is SignoffState.STALE for role in roles):
        return Banner(BannerKind.CHANGED, "CHANGED SINCE SIGN-OFF", lines)
    return Banner(BannerKind.NOT_SIGNED, "NOT SIGNED", lines)


def _role_line(role: RoleReport) -> str:
    signoff = role.signoff
    who = f"{signoff.name} <{signoff.email}>" if signoff else ""
    if role.state is SignoffState.SIGNED and signoff:
        return f"{role.role}: signed by {who} on {signoff.signed_at.date()}."
    if role.state is SignoffState.STALE and signoff:
        changed = _changes(role.changes) if role.changes else "the content changed"
        return f"{role.role}: {who} signed on {signoff.signed_at.date()}, but {changed} since."
    if role.state is SignoffState.INVALID and signoff:
        return f"{role.role}: the sign-off by {who} does not count: {role.problem}."
    return f"{role.role}: not signed."


def _changes(diff: DigestDiff) -> str:
    parts = [
        (len(diff.added), "added"),
        (len(diff.changed), "changed"),
        (len(diff.removed), "removed"),
    ]
    said = [(n, word) for n, word in parts if n]
    if not said:
        return "the content changed"
    total = plural(len(diff.keys), "record")
    if len(said) == 1:
        return f"{total} {said[0][1]}"
    return f"{total} changed ({', '.join(f'{n:,} {word}' for n, word in said)})"


def signoff_section(i: ReportInputs, banner: Banner) -> Section:
    """Sign-off: who must sign, who has, for which content."""
    verification = i.verification
    facts = (
        ("Content digest", verification.digest),
        ("Records covered", f"{verification.records:,}"),
        ("Required roles", ", ".join(role.role for role in verification.roles) or MISSING),
    )
    rows = tuple(_signer_row(role) for role in verification.roles)
    table = i.table(
        "signers",
        "Required sign-offs",
        ("Role", "State", "Signer", "Signed", "Statement"),
        rows,
        empty="No role is required to sign.",
        whole=True,
    )
    tables: tuple[Table, ...] = (table,)
    signed = [(role.role, role.signoff) for role in verification.roles if role.signoff]
    if signed:
        seen = i.table(
            "attested",
            "What each signer saw",
            ("Role", "Signer", "Lint as of", "Errors", "Warnings", "Info", "Waived", "Open errors"),
            (_attested_row(*item) for item in signed),
            whole=True,
        )
        tables = (table, seen)
    paragraphs = [
        "Each signature covers the digest above: a hash of every record, stable under "
        "reformatting and moving records between files. Any later change to a record "
        "invalidates the sign-off until the role signs again (`sra signoff`, checked by "
        "`sra verify`).",
    ]
    for role in verification.roles:
        if role.changes:
            paragraphs.append(f"Changed since {role.role} signed: {_listing(role.changes.keys)}.")
        elif role.changes_unknown:
            paragraphs.append(
                f"What changed since {role.role} signed cannot be listed: {role.changes_unknown}."
            )
    if signed:
        paragraphs.append(
            "Each signer was shown the findings of `sra lint` (the sign-off rules left out) "
            "before signing; the sign-off records the counts and every open error, and its "
            "signature covers them. Errors open at signing were accepted with the reason shown."
        )
    return Section("sign-off", "Sign-off", tuple(paragraphs), facts, tables=tables)


_OPEN_ERRORS_SHOWN = 12


def _attested_row(role: str, signoff: Signoff) -> tuple[CellValue, ...]:
    """What the signer of `role` saw when signing, from the record's `attested` block."""
    who = Cell(signoff.name, None, (signoff.email,))
    seen = signoff.attested
    if seen is None:
        note = Cell(
            "not recorded", Tone.MUTED, ("signed before sign-offs recorded what lint said",)
        )
        return (role, who, note, MISSING, MISSING, MISSING, MISSING, MISSING)
    if seen.errors:
        listed = [
            f"{item.rule} {item.object or '(workspace)'}"
            for item in seen.open_errors[:_OPEN_ERRORS_SHOWN]
        ]
        if len(seen.open_errors) > _OPEN_ERRORS_SHOWN:
            listed.append(f"and {len(seen.open_errors) - _OPEN_ERRORS_SHOWN:,} more")
        reason = (f"accepted: {seen.accepted}",) if seen.accepted else ()
        errors: CellValue = Cell(f"{seen.errors:,} open", Tone.BAD, (*listed, *reason))
    else:
        errors = Cell("none", Tone.GOOD)
    counts = (
        Cell(f"{seen.errors:,}", Tone.BAD if seen.errors else None),
        f"{seen.warnings:,}",
        f"{seen.info:,}",
        f"{seen.waived:,}",
    )
    return (role, who, seen.today.isoformat(), *counts, errors)


def _listing(keys: tuple[str, ...], limit: int = 12) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit:,} more" if len(keys) > limit else "")


def _signer_row(role: RoleReport) -> tuple[CellValue, ...]:
    signoff = role.signoff
    state = Cell(
        _STATE_TEXT[role.state], _STATE_TONE[role.state], (role.problem,) if role.problem else ()
    )
    if signoff is None:
        holders = ", ".join(role.holders)
        signer: CellValue = Cell(MISSING, None, (f"held by {holders}",) if holders else ())
        return (role.role, state, signer, MISSING, MISSING)
    lines = (signoff.email, *((f"SSH key {role.key}",) if role.key else ()))
    return (
        role.role,
        state,
        Cell(signoff.name, None, lines),
        signoff.signed_at.isoformat(),
        signoff.statement or MISSING,
    )


def _change(commit: Commit) -> CellValue:
    """The commit's subject, with who made it under it."""
    return Cell(commit.subject, None, (commit.author,) if commit.author else ())


def history_section(i: ReportInputs) -> Section:
    """Review history: the workspace's commits with their numbers, and every sign-off made."""
    sign_rows = tuple(
        (s.signed_at.isoformat(), s.role, Cell(s.name, None, (s.email,)), s.digest[:19] + "…")
        for s in sorted(i.ws.signoffs, key=lambda s: s.signed_at.isoformat(), reverse=True)
    )
    signoffs = i.table(
        "signoff-records",
        "Sign-off records",
        ("Signed", "Role", "Signer", "Content digest"),
        sign_rows,
        empty="No one has signed the analysis yet (signoffs/).",
    )
    history = i.history
    if history is None:
        reason = i.history_problem or "the workspace is not in a git repository"
        advice = (
            " Keep the workspace in git and the report lists every commit that changed it."
            if "not in a git repository" in reason
            else ""
        )
        paragraphs = (f"No change history: {reason}.{advice}",)
        return Section("review-history", "Review history", paragraphs, tables=(signoffs,))
    points = []
    rows: list[tuple[CellValue, ...]] = []
    for item in reversed(history.commits):
        commit, snap = item.commit, item.snapshot
        if snap is None:
            rows.append(
                (
                    commit.date.isoformat(),
                    commit.short,
                    _change(commit),
                    Cell(MISSING, Tone.MUTED, (item.problem or "",)),
                    MISSING,
                    MISSING,
                    MISSING,
                )
            )
            continue
        high = sum(snap.residual.get(level.value, 0) for level in HIGH_LEVELS)
        points.append(
            HistoryPoint(commit.date, snap.open_remediation, snap.overdue_remediation, high)
        )
        rows.append(
            (
                commit.date.isoformat(),
                commit.short,
                _change(commit),
                f"{snap.risks:,}",
                f"{high:,}",
                f"{snap.open_remediation:,} ({snap.overdue_remediation:,})",
                f"{snap.findings.get('error', 0):,} / {snap.findings.get('warning', 0):,}",
            )
        )
    commits = i.table(
        "history",
        "Changes to the workspace",
        (
            "Date",
            "Commit",
            "Change",
            "Risks",
            "High",
            "Open (overdue) actions",
            "Errors / warnings",
        ),
        rows,
        empty="No commit has touched the workspace yet.",
        order="newest first",
    )
    figure = Figure(
        "history",
        "Open and overdue corrective actions and high risks at each "
        "commit, each measured as of its own date.",
        history_svg(points[::-1]),
    )
    intro = [
        f"The workspace ({history.repository.label}) in git: "
        f"{plural(len(history.commits), 'commit')} changed it. Each is measured as "
        "of the day it landed, so the table shows how the register was kept at the "
        "time."
    ]
    skipped = sum(1 for item in history.commits if item.problem == NOT_MEASURED)
    if skipped:
        intro.append(
            f"The numbers of {plural(skipped, 'older commit')} are not computed "
            "in this rendering (each means loading and linting the workspace as it "
            "was); `sra history` computes them, and later reports read them from the "
            "cache."
        )
    return Section(
        "review-history",
        "Review history",
        tuple(intro),
        figures=(figure,),
        tables=(commits, signoffs),
    )
