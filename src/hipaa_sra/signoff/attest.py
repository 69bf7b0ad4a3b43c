"""What a signer saw: the lint summary `sra signoff` prints, records in the sign-off, and signs.

The rules run on the workspace `sra signoff` loaded (never from the cache), as of the
signer's `--today`, with the configuration in sra.yaml. The two sign-off rules are left
out: `signoff-missing` and `review-overdue` speak about the very sign-off being made,
so the first signer would otherwise always see the second role's sign-off as an open error.
Every other error stays open in the record, as (rule, object), and signing over open
errors takes an explicit acceptance with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..errors import SraError
from ..findings import Severity
from ..model import Workspace
from ..model.signoffs import Attested, OpenError
from ..rules import LintReport, Selection, lint

SIGNOFF_RULES = ("SRA502", "SRA503")
"""`signoff-missing` and `review-overdue`: left out, since signing is what answers them."""
TEXT_ERROR_LIMIT = 50
"""Open errors listed in the printed summary; the record keeps them all."""


class OpenFindings(SraError):
    """Errors are open and the signer did not accept them with `--accept-findings`."""


@dataclass(frozen=True)
class Attestation:
    """The lint run a signer saw, and its summary as it goes into the record."""

    report: LintReport
    attested: Attested


def attest(ws: Workspace, today: date, accepted: str | None = None) -> Attestation:
    """Lint `ws` as of `today` (sign-off rules left out) and summarise it for the record.

    `accepted` (the reason given with `--accept-findings`) is recorded only when errors
    are open: there is nothing to accept otherwise.
    """
    report = lint(ws, today, Selection(ignore=SIGNOFF_RULES))
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    open_errors = sorted((f.code, f.object_id or "") for f in errors)
    attested = Attested(
        today=today,
        errors=len(errors),
        warnings=report.count(Severity.WARNING),
        info=report.count(Severity.INFO),
        waived=report.waived,
        open_errors=tuple(OpenError(rule=code, object=oid or None) for code, oid in open_errors),
        accepted=accepted if errors else None,
    )
    return Attestation(report, attested)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def summary_line(attested: Attested) -> str:
    """`2 errors, 3 warnings, 0 info, 1 waived`."""
    return (
        f"{_plural(attested.errors, 'error')}, {_plural(attested.warnings, 'warning')}, "
        f"{attested.info:,} info, {attested.waived:,} waived"
    )


def attestation_text(attestation: Attestation, limit: int = TEXT_ERROR_LIMIT) -> str:
    """The summary a signer reads before signing: counts, then each open error."""
    attested = attestation.attested
    lines = [
        f"Lint as of {attested.today.isoformat()} (sign-off rules left out): "
        f"{summary_line(attested)}"
    ]
    errors = [f for f in attestation.report.findings if f.severity is Severity.ERROR]
    if errors:
        lines.append("Open errors:")
        lines += [
            f"  {f.code} {f.name} {f.object_id or '(workspace)'} ({f.location})"
            for f in errors[:limit]
        ]
        if len(errors) > limit:
            lines.append(
                f"  ... and {len(errors) - limit:,} more (`sra lint` lists them all; "
                "the sign-off records them all)"
            )
    return "\n".join(lines)


def check_accepted(attested: Attested) -> None:
    """Raise `OpenFindings` when errors are open and the signer did not accept them."""
    if attested.errors and not attested.accepted:
        raise OpenFindings(
            f"{_plural(attested.errors, 'error')} {'is' if attested.errors == 1 else 'are'} "
            "open (listed above); a sign-off over them "
            "attests that the analysis is acceptable with them open. Fix them and sign "
            'again, or sign anyway with --accept-findings "REASON" (the reason and the '
            "open errors are recorded in the sign-off)"
        )
