"""The seed shape of bench/generate.py: the article's register and nothing else.

    python bench/generate.py --size seed --seed 42 --out DIR

What most teams start with: `sra init`'s minimal workspace (sra.yaml and an empty `[]` file
in every other kind folder) and a register pasted row by row from the article's schema
(/work/shared/reference/seed-register-example.yaml): the same fields in the same order, the
level comments, quoted strings wrapped over lines the way they are pasted, and every
`current_controls` entry free text, never a control id. With no inventory, a risk's
`asset` names a system nobody has written down yet, so it is a warning, as on the article's
own row. Written from string templates like the other shapes; a pure function of the seed.
"""

from __future__ import annotations

from pathlib import Path
from random import Random

from generate import (
    _FUTURE,
    _PAST,
    CATEGORIES,
    CATEGORY_NOUN,
    DOMAINS,
    ENVIRONMENTS,
    FIRST_NAMES,
    LAST_NAMES,
    LEVELS,
    MATRIX,
    REMEDIATIONS,
    THREATS,
    VULNS,
    Profile,
    _ascii,
    _dq,
)

SEED_ASSETS = 240
"""Systems the register names: a few hundred, as a team's first register has."""

EMPTY_FOLDERS = ("inventory", "flows", "vendors", "controls", "assessment", "policies", "training")
"""The kind folders `sra init` writes with an empty `[]` file, besides the register."""

# Free-text safeguards as teams write them: most say what, few say how, when and where.
COMMON_CONTROLS = (
    "OIDC-issued short-lived tokens, max 1h",
    "Row-level security on patient_records.patient_id",
    "Audit log to SIEM, 90-day retention",
    "MFA enforced for all workforce accounts via Okta",
    "KMS encryption at rest, key rotation yearly",
    "TLS 1.2+ on every listener",
    "WAF managed rules on the public load balancer",
    "Least-privilege IAM roles reviewed by the platform team",
    "Daily snapshots copied to a second account",
    "Secrets in AWS Secrets Manager, no static keys in code",
    "Private subnets only; no public IPs on data stores",
    "Dependabot and weekly image rebuilds",
    "Break-glass access requires a second approver",
    "DLP scanning on outbound email",
    "Backups encrypted with a separate KMS key",
    "Session timeout after 15 minutes idle",
)
SPECIFIC_CONTROLS = (
    "Audit log to SIEM, {days}-day retention",
    "Quarterly access review signed off in Jira (SEC-{n})",
    "Pen test by an external firm on {date}, report in s3://evidence/pentest/{n}/",
    "Restore drill on {date}, verified by row counts, evidence in wiki/dr/{n}",
    "MFA enforced via Okta policy OKTA-{n}, verified by policy export {date}",
    "Vulnerability scan {date}, no open criticals; report https://scans.example.org/{n}",
    "Tokens expire after {hours}h; refresh tokens bound to the device",
    "Access to the {domain} database limited to the on-call group",
    "Encryption at rest verified by AWS Config rule on {date}",
    "Alerting on bulk exports above {n} rows per hour",
)
SPECIFIC_SHARE = 0.4
"""Share of entries written for their row (distinct text); the rest repeat a common phrase."""


def _people(rng: Random, count: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """(id, name, roles): the two people `sra init` writes, the article's owner, and others."""
    out: list[tuple[str, str, tuple[str, ...]]] = [
        ("compliance-officer", "Compliance Officer", ("compliance-officer",)),
        ("engineering-owner", "Engineering Owner", ("engineering-owner",)),
        ("security-eng-lead", "Security Engineering Lead", ("security-lead",)),
    ]
    seen = {pid for pid, _, _ in out}
    while len(out) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        pid = f"{_ascii(first)}.{_ascii(last)}".lower()
        if pid not in seen:
            seen.add(pid)
            out.append((pid, f"{first} {last}", ("asset-owner",)))
    return out


def _manifest(people: list[tuple[str, str, tuple[str, ...]]]) -> str:
    """sra.yaml as `sra init` writes it, with the register's owners among the people."""
    lines = [
        "# Seed-shape workspace written by bench/generate.py; do not edit by hand.",
        "organization:",
        '  name: "Seed Register Health"',
        "  entity_type: covered-entity",
        "",
        "scope: >-",
        "  Every system, service, store, device and vendor that creates, receives,",
        "  maintains or transmits ePHI, in every environment.",
        "",
        "methodology:",
        "  levels: 3",
        "  matrix: nist-800-30r1",
        "  profile: current",
        "",
        "people:",
    ]
    for pid, name, roles in people:
        lines += [f"  - id: {pid}", f"    name: {name}", f"    roles: [{', '.join(roles)}]"]
    lines += [
        "",
        "signoff:",
        "  required_roles: [compliance-officer, engineering-owner]",
    ]
    return "\n".join(lines) + "\n"


def _asset_ids(rng: Random) -> list[tuple[str, str]]:
    """(id, noun) of the systems the register names, shaped like the article's."""
    out: list[tuple[str, str]] = []
    for i in range(SEED_ASSETS):
        category = rng.choice(CATEGORIES)
        domain = rng.choice(DOMAINS)
        short = rng.choice(ENVIRONMENTS)[1]
        out.append(
            (
                f"{domain.replace('-', '_')}.{short}-{category}-{i + 1:03d}",
                f"{domain} {CATEGORY_NOUN[category]}",
            )
        )
    return out


def _control_text(rng: Random) -> str:
    """One free-text `current_controls` entry."""
    if rng.random() >= SPECIFIC_SHARE:
        return rng.choice(COMMON_CONTROLS)
    return rng.choice(SPECIFIC_CONTROLS).format(
        days=rng.choice((30, 90, 180, 365, 400)),
        n=rng.randrange(100, 100_000),
        date=rng.choice(_PAST),
        hours=rng.choice((1, 4, 8, 12, 24)),
        domain=rng.choice(DOMAINS),
    )


def _risk(
    rng: Random, i: int, assets: list[tuple[str, str]], owners: list[str], out: list[str]
) -> None:
    """Append one register row in the article's field order."""
    ap = out.append
    asset, noun = rng.choice(assets)
    likelihood = rng.choices(LEVELS, (3, 4, 2))[0]
    impact = rng.choices(LEVELS, (2, 4, 4))[0]
    inherent = MATRIX[likelihood][impact]
    residual = LEVELS[max(0, LEVELS.index(inherent) - rng.randint(0, 1))]
    wrap = rng.random() < 0.5
    ap(f"- id: RR-2026-{i:05d}\n")
    ap(f"  asset: {asset}\n")
    ap(f"  ephi_present: {'true' if rng.random() < 0.8 else 'false'}\n")
    ap(f"  threat: {_dq(rng.choice(THREATS).format(noun=noun), 4, wrap)}\n")
    ap(f"  vuln: {_dq(rng.choice(VULNS), 4, wrap)}\n")
    if rng.random() < 0.4:  # the article's comments, kept as pasted
        ap(f"  likelihood: {likelihood} # NIST 800-30: low/moderate/high\n")
        ap(f"  impact: {impact} # NIST 800-30: low/moderate/high\n")
        ap(f"  inherent_risk: {inherent} # likelihood x impact matrix\n")
    else:
        ap(f"  likelihood: {likelihood}\n")
        ap(f"  impact: {impact}\n")
        ap(f"  inherent_risk: {inherent}\n")
    ap("  current_controls:\n")
    for _ in range(rng.randint(1, 4)):
        ap(f'    - "{_control_text(rng)}"\n')
    ap(f"  residual_risk: {residual}\n")
    items = rng.randint(1, 2) if inherent == "high" else rng.choice((0, 0, 1))
    if items:
        ap("  remediation:\n")
    for _ in range(items):
        status = rng.choices(("planned", "in_progress", "done", "accepted"), (4, 4, 3, 1))[0]
        ap(f"    - control: {_dq(rng.choice(REMEDIATIONS), 8, rng.random() < 0.5)}\n")
        ap(f"      owner: {rng.choice(owners)}\n")
        ap(f"      due: {rng.choice(_FUTURE[:360])}\n")
        ap(f"      status: {status}\n")
        if status == "accepted":
            ap('      rationale: "Cost exceeds the reduction in risk at this level;\n')
            ap('        compensating monitoring is in place"\n')
            ap("      approved_by: compliance-officer\n")
    ap(f"  last_reviewed: {rng.choice(_PAST[:300])}\n")


def write_seed(profile: Profile, seed: int, out: Path) -> None:
    """Write the seed-shape workspace of `profile` for `seed` into `out` (already empty)."""
    rng = Random(seed)
    people = _people(rng, profile.people)
    (out / "sra.yaml").write_text(_manifest(people), encoding="utf-8", newline="\n")
    for folder in EMPTY_FOLDERS:
        (out / folder).mkdir(parents=True, exist_ok=True)
        text = f"# {folder}/: none yet (the seed register comes first)\n[]\n"
        (out / folder / f"{folder}.yaml").write_text(text, encoding="utf-8", newline="\n")
    assets = _asset_ids(rng)
    owners = [pid for pid, _, _ in people]
    register = out / "register"
    register.mkdir(parents=True, exist_ok=True)
    per_file = profile.per_file["risks"]
    files = -(-profile.risks // per_file)
    for f in range(files):
        name = f"{DOMAINS[f % len(DOMAINS)]}-{f // len(DOMAINS) + 1:03d}.yaml"
        parts = [f"# register/{name}: rows pasted from the seed register schema\n"]
        for i in range(f * per_file, min(profile.risks, (f + 1) * per_file)):
            _risk(rng, i + 1, assets, owners, parts)
        (register / name).write_text("".join(parts), encoding="utf-8", newline="\n")
