"""Evidence rules (SRA109-SRA110): every safeguard says how, when and where it was verified."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from ..findings import Severity, shorten
from ..model import Workspace
from .base import Context, Family, Hit, Rule

_ID_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9._:/@+-]*[-_.:][A-Za-z0-9._:/@+-]*\Z")
"""One word with a separator, such as `CTL-MFA`: meant as a control id, not a sentence."""

_CONTROLS = frozenset({"controls"})
"""What a risk's findings depend on besides the risk: whether its entries name a control."""

_CITE = (
    "45 CFR 164.308(a)(1)(ii)(A); OCR risk analysis guidance (2010), element 4: assess "
    "current security measures; 164.316(b)(1) (documentation)"
)


def _and(parts: tuple[str, ...]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _text_verdict(entry: str, ws: Workspace, ctx: Context) -> str | None:
    """What SRA109 says of a free-text `current_controls` entry after the risk's name, or None."""
    found = ctx.facts.text_evidence(entry)
    if not found.missing:
        return None
    if _ID_LIKE.match(entry):
        if not ctx.facts.known_everywhere("controls", "id"):
            return None  # it may name the control whose id could not be read
        close = difflib.get_close_matches(entry, list(ws.control_by_id), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        return (
            f"current control `{entry}` looks like a control id but no control in controls/ "
            f"has it{hint}; as text it says nothing about how, when or where it was verified"
        )
    return (
        f'current control "{shorten(entry)}" does not say {_and(found.missing)}; write them '
        "into the text or name a control id whose evidence does"
    )


def _control_without_evidence(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    # A register pastes the same safeguards into many rows: each text is judged, and its
    # sentence written, once (on the seed-shaped register this rule was a tenth of a lint).
    verdicts: dict[str, str | None] = {}
    controls = ws.control_by_id
    for risk in ws.risks:
        for index, entry in enumerate(risk.current_controls):
            if entry in controls:
                continue  # judged on the control record itself, once
            if entry in verdicts:
                verdict = verdicts[entry]
            else:
                verdict = verdicts[entry] = _text_verdict(entry, ws, ctx)
            if verdict is not None:
                yield Hit(f"risk `{risk.label}`: {verdict}", risk, ("current_controls", index))
    for control in ws.controls:
        status = ctx.facts.control_status(control)
        if status.complete is False:
            detail = (
                "has no evidence"
                if not control.evidence
                else f"has no evidence entry that records {_and(status.missing)}"
            )
            yield Hit(
                f"control `{control.label}` {detail}",
                control,
                ("evidence",) if control.evidence else (),
            )


def _stale_evidence(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    days = ctx.intervals.evidence_days
    if days is None:  # the interval in sra.yaml could not be read
        return
    for risk in ws.risks:
        for index, entry in enumerate(risk.current_controls):
            if entry in ws.control_by_id:
                continue
            when = ctx.facts.text_evidence(entry).when
            if when is not None and ctx.age(when) > days:
                yield Hit(
                    f'risk `{risk.label}`: current control "{shorten(entry)}" was last verified '
                    f"{when} ({ctx.age(when)} days ago); evidence stays current for {days} days",
                    risk,
                    ("current_controls", index),
                )
    for control in ws.controls:
        status = ctx.facts.control_status(control)
        if status.due is not None and status.latest is not None and status.due < ctx.today:
            index = next(i for i, item in enumerate(control.evidence) if item.date == status.latest)
            yield Hit(
                f"control `{control.label}` was last verified {status.latest} "
                f"({ctx.age(status.latest)} days ago); its evidence was due for refresh "
                f"on {status.due}",
                control,
                ("evidence", index, "date"),
            )


EVIDENCE_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA109",
        record_inputs=_CONTROLS,
        name="control-without-evidence",
        severity=Severity.WARNING,
        family=Family.REGISTER,
        summary="A safeguard is claimed without saying how, when and where it was verified.",
        citation=_CITE,
        rationale=(
            "Auditors do not accept a list of controls; they ask for proof that each one is in "
            "place and working. A free-text control passes when it names how it was verified (a "
            "scan, test, review...), when (a YYYY-MM-DD date) and where the evidence is kept (a "
            'path, URL or ticket): "We have DLP" fails, "AES-256 at rest on RDS, verified by '
            'quarterly CIS scan, last scan 2026-05-12, evidence in /security-evidence/2026-Q2/" '
            "passes. A control record passes when one evidence entry has how_verified, date and "
            "location."
        ),
        fix=(
            "Add the missing parts to the text, or move the control to controls/ with an "
            "`evidence:` list and name its id in `current_controls`."
        ),
        example=(
            '  current_controls:\n    - "AES-256 at rest on RDS, verified by quarterly CIS scan, '
            'last scan 2026-05-12, evidence in /security-evidence/2026-Q2/"\n    - CTL-MFA'
        ),
        check=_control_without_evidence,
    ),
    Rule(
        code="SRA110",
        record_inputs=_CONTROLS,
        name="stale-evidence",
        severity=Severity.WARNING,
        family=Family.REGISTER,
        summary="The latest verification of a safeguard is older than its refresh interval.",
        citation=_CITE + "; 164.306(e) (maintenance)",
        rationale=(
            "Evidence ages: a scan from two years ago says little about today. Each evidence entry "
            "stays current for its `refresh_days`, else `methodology.review_intervals."
            "evidence_days` (default 365); a free-text control's date counts the same way."
        ),
        fix="Verify the control again and record the new date (and where the new evidence is).",
        example=(
            "  evidence:\n    - what: TLS 1.2+ enforced\n      how_verified: SSL Labs scan\n"
            "      date: 2026-10-01\n      location: https://evidence.example/tls\n"
            "      refresh_days: 90"
        ),
        check=_stale_evidence,
    ),
)
"""Evidence rules, part of the register family."""
