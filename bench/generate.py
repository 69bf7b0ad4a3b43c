"""Seeded synthetic hipaa-sra workspace generator for the benchmarks.

    python bench/generate.py --size small|1k|10k|enterprise --seed 42 --out DIR

Writes `DIR/sra.yaml` and `inventory/`, `flows/`, `vendors/`, `controls/`, `register/`,
each kind split across many files of a few hundred records, as a real monorepo would keep
them. Every record is valid against the models in `hipaa_sra.model` and every reference
resolves, so `sra validate` on the result finds no errors. Output is a pure function of
(size, seed): the same arguments give byte-identical files. Records are written from
string templates (no YAML library), so the enterprise workspace takes seconds. The `seed`
size is another shape, the article's register and nothing else: see bench/seed_shape.py.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from random import Random

# --------------------------------------------------------------------------- sizes


@dataclass(frozen=True)
class Profile:
    """Record counts of a workspace size, and about how many records go in one file."""

    people: int
    assets: int
    flows: int
    vendors: int
    controls: int
    risks: int
    per_file: dict[str, int]
    shape: str = "full"
    """`full`: every kind, every reference resolving; `seed`: only the article's register."""

    def counts(self) -> dict[str, int]:
        """Records per kind, keyed like `Workspace.counts()`."""
        return {
            "assets": self.assets,
            "flows": self.flows,
            "vendors": self.vendors,
            "controls": self.controls,
            "risks": self.risks,
        }


SIZES: dict[str, Profile] = {
    "small": Profile(
        people=12,
        assets=30,
        flows=50,
        vendors=5,
        controls=40,
        risks=100,
        per_file={"assets": 10, "flows": 25, "vendors": 5, "controls": 20, "risks": 25},
    ),
    "enterprise": Profile(
        people=300,
        assets=10_000,
        flows=100_000,
        vendors=200,
        controls=20_000,
        risks=50_000,
        per_file={"assets": 400, "flows": 650, "vendors": 50, "controls": 250, "risks": 500},
    ),
    # The enterprise proportions (per risk: 0.2 assets, 2 flows, 0.4 controls) at 1k and 10k
    # risks, the sizes the PDF report bench measures.
    "1k": Profile(
        people=20,
        assets=200,
        flows=2_000,
        vendors=10,
        controls=400,
        risks=1_000,
        per_file={"assets": 100, "flows": 400, "vendors": 10, "controls": 100, "risks": 250},
    ),
    "10k": Profile(
        people=60,
        assets=2_000,
        flows=20_000,
        vendors=40,
        controls=4_000,
        risks=10_000,
        per_file={"assets": 400, "flows": 650, "vendors": 50, "controls": 250, "risks": 500},
    ),
    "seed": Profile(
        people=12,
        assets=0,
        flows=0,
        vendors=0,
        controls=0,
        risks=50_000,
        per_file={"risks": 1000},
        shape="seed",
    ),
}
"""The workspace sizes; `per_file` is the mean file length (files vary from 0.5x to 1.5x,
except in the seed shape, whose register files all hold exactly `per_file` rows)."""

FOLDERS = {
    "assets": "inventory",
    "flows": "flows",
    "vendors": "vendors",
    "controls": "controls",
    "risks": "register",
}
"""Folder of each kind, as `hipaa_sra.model.KINDS` defines them."""

MAX_PER_FILE = 1000

# --------------------------------------------------------------------------- vocabulary

DOMAINS = (
    "patient-portal",
    "ehr",
    "billing",
    "claims",
    "scheduling",
    "pharmacy",
    "lab",
    "imaging",
    "telehealth",
    "analytics",
    "identity",
    "messaging",
    "payments",
    "care-mgmt",
    "referrals",
    "intake",
    "records",
    "notifications",
    "reporting",
    "platform",
)
ENVIRONMENTS = (
    ("production", "prod"),
    ("production", "prod"),
    ("production", "prod"),
    ("staging", "stg"),
    ("development", "dev"),
    ("disaster-recovery", "dr"),
)
STORES = (
    "database",
    "replica",
    "snapshot-backup",
    "warehouse-lake",
    "object-storage",
    "search-index",
    "cache",
)
CATEGORIES = (
    *STORES,
    "service",
    "worker",
    "scheduled-job",
    "notebook-script",
    "internal-api",
    "public-api",
    "webhook",
    "third-party-api",
    "sftp-batch",
    "email",
    "identity-provider",
    "mfa",
    "service-auth",
    "break-glass",
    "audit-log",
    "siem",
    "workstation",
    "bastion",
    "mobile-kiosk",
    "third-party",
)
# Relative frequency of each category after the first of each: services and stores dominate.
CATEGORY_WEIGHTS = (
    10,
    5,
    4,
    2,
    5,
    3,
    4,
    14,
    8,
    5,
    2,
    8,
    4,
    3,
    3,
    2,
    2,
    1,
    1,
    2,
    1,
    2,
    1,
    3,
    1,
    1,
    2,
)
CATEGORY_NOUN = {
    "database": "Postgres",
    "replica": "read replica",
    "snapshot-backup": "nightly snapshots",
    "warehouse-lake": "analytics warehouse",
    "object-storage": "S3 bucket",
    "search-index": "OpenSearch index",
    "cache": "Redis cache",
    "service": "API service",
    "worker": "queue worker",
    "scheduled-job": "nightly export job",
    "notebook-script": "analyst notebooks",
    "internal-api": "internal gRPC API",
    "public-api": "public REST API",
    "webhook": "webhook receiver",
    "third-party-api": "partner API client",
    "sftp-batch": "SFTP batch drop",
    "email": "transactional email",
    "identity-provider": "Okta tenant",
    "mfa": "MFA service",
    "service-auth": "service mesh identity",
    "break-glass": "break-glass accounts",
    "audit-log": "audit log pipeline",
    "siem": "SIEM",
    "workstation": "engineer laptops",
    "bastion": "SSH bastion",
    "mobile-kiosk": "check-in kiosks",
    "third-party": "hosted SaaS",
}
PROTOCOLS = {
    "database": ("postgres", "IAM role"),
    "replica": ("postgres", "IAM role"),
    "snapshot-backup": ("s3", "IAM role"),
    "warehouse-lake": ("jdbc", "OIDC"),
    "object-storage": ("s3", "IAM role"),
    "search-index": ("https", "mTLS"),
    "cache": ("redis", "password"),
    "internal-api": ("grpc", "mTLS"),
    "public-api": ("https", "OIDC"),
    "webhook": ("https", "HMAC signature"),
    "third-party-api": ("https", "API key"),
    "sftp-batch": ("sftp", "SSH key"),
    "email": ("smtp", "SMTP AUTH"),
    "siem": ("syslog-tls", "mTLS"),
    "audit-log": ("kafka", "mTLS"),
}
DEFAULT_PROTOCOL = ("https", "mTLS")

FIRST_NAMES = (
    "Avery",
    "Jordan",
    "Priya",
    "Mateo",
    "Chen",
    "Fatima",
    "Olu",
    "Sofia",
    "Noah",
    "Aisha",
    "Kenji",
    "Zoë",
    "José",
    "Hannah",
    "Ravi",
    "Ingrid",
    "Malik",
    "Lucía",
    "Tomasz",
    "Grace",
)
LAST_NAMES = (
    "Kim",
    "Patel",
    "García",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Haddad",
    "Silva",
    "Johnson",
    "Kowalski",
    "Tanaka",
    "Müller",
    "Brown",
    "Reyes",
    "Ivanova",
    "Chen",
    "Mensah",
    "Larsen",
)
TITLES = (
    "Security Engineer",
    "Site Reliability Engineer",
    "Staff Engineer",
    "Engineering Manager",
    "Data Engineer",
    "Privacy Analyst",
    "IT Operations Lead",
    "Platform Engineer",
)

THREATS = (
    "Compromise of the {noun} role via credential theft",
    "Ransomware encrypts the {noun} and its attached volumes",
    "Insider with standing access exports records from the {noun}",
    "Misconfigured access policy exposes the {noun} to the internet",
    "Phishing of an engineer with access to the {noun}",
    "Unpatched dependency in the {noun} is exploited remotely",
    "Accidental deletion of data held by the {noun}",
    "Regional cloud outage makes the {noun} unavailable",
    "Log data from the {noun} leaks ePHI to a low-trust system",
    "Stolen session token replayed against the {noun}",
    "Supply-chain compromise of a build step that deploys the {noun}",
    "SQL injection through an input handled by the {noun}",
)
VULNS = (
    "Role retains SELECT on patient tables; credentials rotated quarterly only",
    "Backups share the account and KMS key of the primary",
    "No alerting on bulk reads above the normal daily volume",
    "Security group allows 0.0.0.0/0 on the admin port in one region",
    "Workforce MFA allows SMS fallback for this application",
    "Container base image is 9 months old with known high CVEs",
    "Delete protection is off and object versioning is disabled",
    "Single-region deployment with no tested failover runbook",
    "Request bodies are logged at debug level in production",
    "Tokens are valid for 24h and are not bound to the client",
    "CI runners have write access to production deploy keys",
    "Legacy report endpoint builds queries by string concatenation",
)
CURRENT_CONTROL_TEXT = (
    "OIDC-issued short-lived tokens, max 1h",
    "Row-level security on patient_records.patient_id",
    "Audit log to SIEM, 90-day retention",
    "Quarterly access review signed off in Jira (SEC-1024)",
    "KMS encryption at rest, key rotation yearly",
    "WAF managed rules on the public load balancer",
    "Weekly Trivy scan of images in CI, results in Security Hub",
    "Daily snapshots copied to a second account, restore tested monthly",
)
REMEDIATIONS = (
    "Extend SIEM retention to 365d for 2026 NPRM compliance",
    "Move the role to short-lived credentials issued by the broker",
    "Enable delete protection and object versioning",
    "Remove SMS fallback and enforce phishing-resistant MFA",
    "Rebuild the image on the hardened base and pin digests",
    "Add anomaly alerting on bulk reads and exports",
    "Split backups into a separate account with its own key",
    "Document and test regional failover twice a year",
    "Redact request bodies in production logs",
    "Parameterize the legacy report queries and add a SAST gate",
)
HIPAA_BY_THEME = {
    "access": ("164.312(a)(1)", "164.312(a)(2)(i)", "164.308(a)(4)(ii)(B)"),
    "audit": ("164.312(b)", "164.308(a)(1)(ii)(D)"),
    "integrity": ("164.312(c)(1)", "164.312(c)(2)"),
    "auth": ("164.312(d)",),
    "transit": ("164.312(e)(1)", "164.312(e)(2)(ii)"),
    "rest": ("164.312(a)(2)(iv)",),
    "contingency": ("164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"),
    "risk": ("164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(B)"),
}
THEMES = tuple(HIPAA_BY_THEME)
THREAT_SOURCES = ("adversarial", "adversarial", "accidental", "structural", "environmental")

# (name, safeguard, citations, cadence every or "", evidence what, how verified, location)
CONTROL_TEMPLATES = (
    (
        "Encryption at rest with KMS",
        "technical",
        ("164.312(a)(2)(iv)",),
        "",
        "Storage encryption enabled with customer-managed keys",
        "AWS Config rule",
        "s3://evidence/{d}/kms-config.json",
    ),
    (
        "Audit log review",
        "administrative",
        ("164.312(b)", "164.308(a)(1)(ii)(D)"),
        "weekly",
        "Weekly review of privileged access events",
        "Reviewer sign-off in the ticket",
        "https://jira.example.org/browse/SEC-{n}",
    ),
    (
        "Workforce MFA",
        "technical",
        ("164.312(d)",),
        "",
        "Okta policy requires WebAuthn for every user",
        "Okta policy export",
        "s3://evidence/{d}/okta-policy.json",
    ),
    (
        "TLS 1.2+ in transit",
        "technical",
        ("164.312(e)(1)", "164.312(e)(2)(ii)"),
        "",
        "Listeners allow only TLS 1.2 and 1.3",
        "testssl.sh scan in CI",
        "ci://pipelines/{d}/tls-scan",
    ),
    (
        "Backups with tested restore",
        "administrative",
        ("164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"),
        "monthly",
        "Restore of the latest snapshot into an isolated account",
        "Restore drill",
        "https://wiki.example.org/dr/{d}",
    ),
    (
        "Vulnerability scanning",
        "technical",
        ("164.308(a)(1)(ii)(A)", "164.308(a)(1)(ii)(B)"),
        "30d",
        "Authenticated scan with no open criticals",
        "Scanner report",
        "s3://evidence/{d}/vuln-scan.pdf",
    ),
    (
        "Security awareness training",
        "administrative",
        ("164.308(a)(5)(i)", "164.308(a)(5)(ii)(A)"),
        "annually",
        "Completion report for all workforce members",
        "LMS export",
        "https://lms.example.org/reports/{n}",
    ),
    (
        "Facility access controls",
        "physical",
        ("164.310(a)(1)", "164.310(a)(2)(iii)"),
        "quarterly",
        "Badge access list matches HR roster",
        "Access list reconciliation",
        "https://wiki.example.org/facilities/{d}",
    ),
    (
        "Workstation security",
        "physical",
        ("164.310(b)", "164.310(c)"),
        "",
        "Disk encryption and screen lock enforced by MDM",
        "MDM compliance report",
        "s3://evidence/{d}/mdm.csv",
    ),
    (
        "Media disposal",
        "physical",
        ("164.310(d)(1)", "164.310(d)(2)(i)"),
        "",
        "Certificates of destruction for retired drives",
        "Vendor certificate",
        "legal/destruction/{n}.pdf",
    ),
    (
        "Quarterly access review",
        "administrative",
        ("164.308(a)(4)(ii)(C)", "164.312(a)(1)"),
        "quarterly",
        "Access of every user to ePHI systems reviewed",
        "Manager attestation",
        "https://jira.example.org/browse/IAM-{n}",
    ),
    (
        "Automatic logoff",
        "technical",
        ("164.312(a)(2)(iii)",),
        "",
        "Idle sessions end after 15 minutes",
        "Configuration test",
        "ci://pipelines/{d}/session-test",
    ),
    (
        "Integrity checksums",
        "technical",
        ("164.312(c)(1)", "164.312(c)(2)"),
        "",
        "Object checksums verified on read",
        "Unit and integration tests",
        "ci://pipelines/{d}/integrity",
    ),
    (
        "Incident response",
        "administrative",
        ("164.308(a)(6)(i)", "164.308(a)(6)(ii)"),
        "semiannually",
        "Tabletop exercise with engineering and compliance",
        "Exercise report",
        "https://wiki.example.org/ir/{d}",
    ),
    (
        "Tokenization keeps ePHI out",
        "technical",
        ("164.308(a)(1)(ii)(B)",),
        "",
        "Only tokens, never identifiers, reach this system",
        "Data scan with no matches",
        "s3://evidence/{d}/dlp-scan.json",
    ),
    (
        "Business associate management",
        "administrative",
        ("164.308(b)(1)", "164.314(a)(1)"),
        "annually",
        "BAA on file for every vendor with ePHI",
        "Contract register review",
        "legal/baa/register-{n}.xlsx",
    ),
)
SCOPING_TEMPLATE = 14
"""Index of the control template used by `scoped_out_by`."""

VENDOR_KINDS = (
    ("Cloud hosting", "stores", ("Compute and managed databases",)),
    ("E-fax gateway", "processes", ("Inbound and outbound fax",)),
    ("SMS and voice", "conduit", ("Appointment reminders by SMS",)),
    ("Clearinghouse", "processes", ("Claims submission", "Eligibility checks")),
    ("Transcription", "processes", ("Dictation transcription",)),
    ("Observability SaaS", "stores", ("Logs", "Traces")),
    ("Email delivery", "conduit", ("Transactional email",)),
    ("Design agency", "none", ("Marketing site design",)),
    ("Payroll", "none", ("Workforce payroll",)),
    ("Data warehouse SaaS", "stores", ("Analytics warehouse",)),
)
VENDOR_NAMES = (
    "Acme",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Vandelay",
    "Wonka",
    "Gringotts",
    "Oscorp",
    "Aperture",
)

BASE = date(2026, 9, 1).toordinal()
"""Generated dates are spread around this fixed day, so output never depends on the clock."""
WRAP = 56

# Likelihood x impact -> inherent risk: NIST SP 800-30 Rev. 1 Table I-2 projected to three
# levels, the default matrix of a 3-level workspace.
LEVELS = ("low", "moderate", "high")
MATRIX = {
    "high": {"low": "low", "moderate": "moderate", "high": "high"},
    "moderate": {"low": "low", "moderate": "moderate", "high": "moderate"},
    "low": {"low": "low", "moderate": "low", "high": "low"},
}


# --------------------------------------------------------------------------- helpers


def _day(offset: int) -> str:
    """The date `offset` days after BASE, as YYYY-MM-DD."""
    return date.fromordinal(BASE + offset).isoformat()


_PAST = tuple(_day(-k) for k in range(400))
_FUTURE = tuple(_day(k) for k in range(1, 400))


def _dq(text: str, indent: int, wrap: bool) -> str:
    """`text` as a double-quoted scalar, folded over lines at `indent` when `wrap` (as pasted)."""
    if not wrap or len(text) <= WRAP:
        return f'"{text}"'
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > WRAP:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return '"' + ("\n" + " " * indent).join(lines) + '"'


@dataclass(frozen=True, slots=True)
class AssetPlan:
    """What later kinds need to know about an asset before it is written."""

    id: str
    domain: str
    env: str
    category: str
    ephi: str | None
    noun: str


class _Gen:
    """One generation run: the random stream and the ids every kind refers to."""

    def __init__(self, profile: Profile, seed: int) -> None:
        self.p = profile
        self.rng = Random(seed)
        self.seed = seed
        self.people = self._people()
        self.person_ids = [person[0] for person in self.people]
        self.control_ids = [f"CTL-{i:05d}" for i in range(1, profile.controls + 1)]
        self.scoping_ids = [
            cid
            for i, cid in enumerate(self.control_ids)
            if i % len(CONTROL_TEMPLATES) == SCOPING_TEMPLATE
        ] or self.control_ids[:1]
        self.assets = self._plan_assets()
        self.vendor_ids = [
            f"vendor.{VENDOR_NAMES[i % len(VENDOR_NAMES)].lower()}-{i + 1:03d}"
            for i in range(profile.vendors)
        ]

    # ------------------------------------------------------------------- plans

    def _people(self) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
        rng = self.rng
        out: list[tuple[str, str, str, str, tuple[str, ...]]] = []
        seen: set[str] = set()
        fixed = (
            (
                "compliance-officer",
                "Dana Whitfield",
                "Privacy and Compliance Officer",
                ("compliance-officer",),
            ),
            (
                "security-eng-lead",
                "Sam Okonkwo",
                "Head of Security Engineering",
                ("engineering-owner", "security-lead"),
            ),
        )
        for pid, name, title, roles in fixed:
            out.append((pid, name, f"{pid}@example.org", title, roles))
            seen.add(pid)
        while len(out) < self.p.people:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            base = f"{_ascii(first)}.{_ascii(last)}".lower()
            pid, n = base, 2
            while pid in seen:
                pid, n = f"{base}{n}", n + 1
            seen.add(pid)
            roles = ("asset-owner",) if rng.random() < 0.7 else ("asset-owner", "reviewer")
            out.append((pid, f"{first} {last}", f"{pid}@example.org", rng.choice(TITLES), roles))
        return out

    def _plan_assets(self) -> list[AssetPlan]:
        rng = self.rng
        out: list[AssetPlan] = []
        for i in range(self.p.assets):
            if i < len(CATEGORIES):
                category = CATEGORIES[i]
            else:
                category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            domain = rng.choice(DOMAINS)
            env, short = rng.choice(ENVIRONMENTS)
            roll = rng.random()
            ephi: str | None
            if category in STORES or category in ("service", "worker", "public-api"):
                ephi = "present" if roll < 0.55 else "possible" if roll < 0.7 else "absent"
            else:
                ephi = "present" if roll < 0.3 else "possible" if roll < 0.4 else "absent"
            if env != "production" and ephi == "present" and rng.random() < 0.7:
                ephi = "absent"
            if rng.random() < 0.02:
                ephi = None
            out.append(
                AssetPlan(
                    f"{domain}.{short}-{category}-{i + 1:05d}",
                    domain,
                    env,
                    category,
                    ephi,
                    f"{domain} {CATEGORY_NOUN[category]}",
                )
            )
        return out

    def _person(self) -> str:
        return self.rng.choice(self.person_ids)

    # ------------------------------------------------------------------- records

    def manifest(self) -> str:
        """The text of sra.yaml."""
        rng = self.rng
        lines = [
            "# Synthetic workspace written by bench/generate.py; do not edit by hand.",
            "organization:",
            f'  name: "Synthetic Health Network {self.seed}"',
            "  entity_type: covered-entity",
            '  description: "A regional provider network with a patient portal,',
            '    telehealth, billing and an analytics platform"',
            "scope: >",
            "  Every production, staging and disaster-recovery system that creates, receives,",
            "  maintains or transmits ePHI for the network, the vendors that do so on its",
            "  behalf, and the workforce endpoints used to administer them.",
            "methodology:",
            "  levels: 3",
            "  matrix: nist-800-30r1",
            "  profile: current",
            "  review_intervals:",
            "    register_days: 365",
            "    evidence_days: 365",
            "people:",
        ]
        for pid, name, email, title, roles in self.people:
            lines += [
                f"  - id: {pid}",
                f'    name: "{name}"',
                f"    email: {email}",
                f'    title: "{title}"',
                f"    roles: [{', '.join(roles)}]",
            ]
        lines += [
            "signoff:",
            "  required_roles:",
            "    - compliance-officer",
            "    - engineering-owner",
            "decisions:",
            '  - spec: "164.312(a)(2)(iv)"',
            "    decision: implemented",
            f"    controls: [{self.control_ids[0]}]",
            "    decided_by: security-eng-lead",
            f"    date: {rng.choice(_PAST)}",
            '  - spec: "164.312(a)(2)(iii)"',
            "    decision: alternative",
            '    rationale: "Kiosks are single-purpose and lock to the check-in app;',
            '      sessions end when the patient taps Done"',
            '    alternative_measure: "Kiosk mode with per-patient sessions"',
            "    decided_by: compliance-officer",
            f"    date: {rng.choice(_PAST)}",
        ]
        return "\n".join(lines) + "\n"

    def asset(self, a: AssetPlan, out: list[str]) -> None:
        """Append one inventory record."""
        rng = self.rng
        ap = out.append
        ap(f"- id: {a.id}\n")
        ap(f'  name: "{a.noun[0].upper()}{a.noun[1:]} ({a.env})"\n')
        ap(f"  category: {a.category}\n")
        if a.ephi is not None:
            ap(f"  ephi: {a.ephi}\n")
        ap(f"  environment: {a.env}\n")
        ap(f"  owner: {self._person()}\n")
        if rng.random() < 0.4:
            text = (
                f"The {a.noun} in {a.env}, run by the {a.domain} team; see the service "
                f"catalog entry for on-call and runbooks"
            )
            ap(f"  description: {_dq(text, 4, rng.random() < 0.5)}\n")
        if a.category in STORES:
            ap("  code_paths:\n")
            ap(f'    - "infra/terraform/{a.domain}/{a.category}/*.tf"\n')
            ap(f'    - "migrations/{a.domain}/**/*.sql"\n')
        elif a.category not in ("workstation", "mobile-kiosk", "third-party"):
            ap("  code_paths:\n")
            ap(f'    - "services/{a.domain}/{a.category}/**"\n')
            if rng.random() < 0.5:
                ap(f'    - "deploy/k8s/{a.domain}/{a.category}*.yaml"\n')
        ap("  attributes:\n")
        sensitive = a.ephi != "absent"
        ap(f"    encryption_at_rest: {_yes(rng, 0.97 if sensitive else 0.8)}\n")
        ap(f"    encryption_in_transit: {_yes(rng, 0.98 if sensitive else 0.85)}\n")
        ap(f"    mfa: {_yes(rng, 0.95 if sensitive else 0.7)}\n")
        ap(f"    audit_logging: {_yes(rng, 0.95 if sensitive else 0.6)}\n")
        if a.category in STORES:
            ap(f"    backups: {_yes(rng, 0.9)}\n")
        ap(f"    internet_facing: {_yes(rng, 0.3 if 'api' in a.category else 0.05)}\n")
        if rng.random() < 0.8:
            ap(f"    last_vulnerability_scan: {rng.choice(_PAST[:150])}\n")
        if rng.random() < 0.5:
            ap(f"    last_penetration_test: {rng.choice(_PAST[:330])}\n")
        if a.ephi == "absent" and a.category in STORES:
            ap(f"  scoped_out_by: {rng.choice(self.scoping_ids)}\n")
        ap(f"  last_reviewed: {rng.choice(_PAST[:300])}\n")
        if rng.random() < 0.02:
            self._waiver(out, "SRA301")

    def _waiver(self, out: list[str], rule: str) -> None:
        ap = out.append
        ap("  waivers:\n")
        ap(f"    - rule: {rule}\n")
        ap('      reason: "Compensating control documented in the exception register;\n')
        ap('        revisit when the platform migration lands"\n')
        ap(f"      approved_by: {self.person_ids[0]}\n")
        ap(f"      until: {self.rng.choice(_FUTURE[30:200])}\n")

    def flow(self, i: int, out: list[str]) -> None:
        """Append one data-flow record."""
        rng = self.rng
        ap = out.append
        src = rng.choice(self.assets)
        if self.vendor_ids and rng.random() < 0.1:
            dst_id, category = rng.choice(self.vendor_ids), "third-party-api"
        else:
            dst = rng.choice(self.assets)
            while dst is src and len(self.assets) > 1:
                dst = rng.choice(self.assets)
            dst_id, category = dst.id, dst.category
        ephi = src.ephi == "present" and rng.random() < 0.7
        protocol, auth = PROTOCOLS.get(category, DEFAULT_PROTOCOL)
        ap(f"- id: FL-{i:06d}\n")
        ap(f"  from: {src.id}\n")
        ap(f"  to: {dst_id}\n")
        ap(f"  ephi: {'true' if ephi else 'false'}\n")
        ap(f"  protocol: {protocol}\n")
        ap(f"  encrypted_in_transit: {'true' if ephi else _yes(rng, 0.9)}\n")
        ap(f"  authentication: {auth}\n")
        if rng.random() < 0.15:
            ap(
                f'  description: "{src.noun} sends {"records" if ephi else "events"} '
                f'to {dst_id} over {protocol}"\n'
            )

    def vendor(self, i: int, out: list[str]) -> None:
        """Append one vendor record."""
        rng = self.rng
        ap = out.append
        kind, exposure, services = VENDOR_KINDS[i % len(VENDOR_KINDS)]
        name = VENDOR_NAMES[i % len(VENDOR_NAMES)]
        ap(f"- id: {self.vendor_ids[i]}\n")
        ap(f'  name: "{name} {kind} {i + 1}"\n')
        ap("  services:\n")
        for service in services:
            ap(f'    - "{service}"\n')
        ap(f"  ephi_exposure: {exposure}\n")
        ap("  baa:\n")
        if exposure == "none":
            ap("    status: not-required\n")
        else:
            signed = rng.randrange(200, 399)
            ap("    status: executed\n")
            ap(f"    executed: {_PAST[signed]}\n")
            if rng.random() < 0.6:
                ap(f"    expires: {_FUTURE[rng.randrange(100, 398)]}\n")
            ap(f'    document: "legal/baa/{self.vendor_ids[i]}.pdf"\n')
        ap(f"  residency: {rng.choice(('US', 'US', 'US', 'US-East', 'EU'))}\n")
        ap(f"  last_verified: {rng.choice(_PAST[:300])}\n")
        ap(f"  owner: {self._person()}\n")
        if rng.random() < 0.5:
            text = (
                f"{name} provides {services[0].lower()} under the master services agreement; "
                "the security questionnaire is refreshed at each renewal"
            )
            ap(f"  description: {_dq(text, 4, True)}\n")

    def control(self, i: int, out: list[str]) -> None:
        """Append one control record."""
        rng = self.rng
        ap = out.append
        name, safeguard, citations, every, what, how, where = CONTROL_TEMPLATES[
            i % len(CONTROL_TEMPLATES)
        ]
        domain = DOMAINS[(i // len(CONTROL_TEMPLATES)) % len(DOMAINS)]
        ap(f"- id: {self.control_ids[i]}\n")
        ap(f'  name: "{name} ({domain} {i // (len(CONTROL_TEMPLATES) * len(DOMAINS)) + 1})"\n')
        ap(f"  safeguard: {safeguard}\n")
        ap("  hipaa:\n")
        for citation in citations:
            ap(f'    - "{citation}"\n')
        if safeguard != "administrative" or rng.random() < 0.5:
            ap("  assets:\n")
            for asset in rng.sample(self.assets, min(len(self.assets), rng.randint(1, 4))):
                ap(f"    - {asset.id}\n")
        ap(f"  owner: {self._person()}\n")
        if rng.random() < 0.3:
            text = (
                f"{name} for the {domain} systems, owned by the {domain} team and reviewed "
                "with the security lead at each periodic review of the SRA"
            )
            ap(f"  description: {_dq(text, 4, True)}\n")
        if every:
            ap("  cadence:\n")
            ap(f"    reviewer: {self._person()}\n")
            ap(f"    every: {every}\n")
            ap(f'    runbook: "https://wiki.example.org/runbooks/{domain}/{i % 97}"\n')
        ap("  evidence:\n")
        for k in range(rng.randint(1, 3)):
            automated = rng.random() < 0.6
            ap(f'    - what: "{what}"\n')
            ap(f'      how_verified: "{how}"\n')
            ap(f"      date: {rng.choice(_PAST[:200])}\n")
            ap(f'      location: "{where.format(d=domain, n=1000 + i * 3 + k)}"\n')
            if rng.random() < 0.5:
                ap(f"      refresh_days: {rng.choice((30, 90, 180, 365))}\n")
            ap(f"      source: {'automated' if automated else 'manual'}\n")

    def risk(self, i: int, out: list[str]) -> None:
        """Append one risk-register row (the seed row's shape plus the optional links)."""
        rng = self.rng
        ap = out.append
        a = rng.choice(self.assets)
        likelihood = rng.choices(LEVELS, (3, 4, 2))[0]
        impact = rng.choices(LEVELS, (2, 4, 4))[0] if a.ephi == "present" else rng.choice(LEVELS)
        inherent = MATRIX[likelihood][impact]
        residual = LEVELS[max(0, LEVELS.index(inherent) - rng.randint(0, 1))]
        wrap = rng.random() < 0.35
        ap(f"- id: RR-2026-{i:05d}\n")
        ap(f"  asset: {a.id}\n")
        if a.ephi is not None:
            ap(f"  ephi_present: {'false' if a.ephi == 'absent' else 'true'}\n")
        ap(f"  threat: {_dq(rng.choice(THREATS).format(noun=a.noun), 4, wrap)}\n")
        ap(f"  vuln: {_dq(rng.choice(VULNS), 4, wrap)}\n")
        if rng.random() < 0.1:
            ap(f"  likelihood: {likelihood} # NIST 800-30: low/moderate/high\n")
            ap(f"  impact: {impact} # NIST 800-30: low/moderate/high\n")
            ap(f"  inherent_risk: {inherent} # likelihood x impact matrix\n")
        else:
            ap(f"  likelihood: {likelihood}\n")
            ap(f"  impact: {impact}\n")
            ap(f"  inherent_risk: {inherent}\n")
        ap("  current_controls:\n")
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.5:
                ap(f"    - {rng.choice(self.control_ids)}\n")
            else:
                ap(f'    - "{rng.choice(CURRENT_CONTROL_TEXT)}"\n')
        ap(f"  residual_risk: {residual}\n")
        items = rng.randint(1, 3) if inherent == "high" else rng.choice((0, 0, 1, 2))
        if items:
            ap("  remediation:\n")
        for _ in range(items):
            status = rng.choices(
                ("planned", "in_progress", "done", "accepted", "deferred"), (4, 4, 3, 1, 1)
            )[0]
            if rng.random() < 0.3:
                ap(f"    - control: {rng.choice(self.control_ids)}\n")
            else:
                text = rng.choice(REMEDIATIONS)
                ap(f"    - control: {_dq(text, 8, rng.random() < 0.5)}\n")
            ap(f"      owner: {self._person()}\n")
            ap(f"      due: {rng.choice(_FUTURE[:360])}\n")
            ap(f"      status: {status}\n")
            if status in ("accepted", "deferred"):
                ap('      rationale: "Cost exceeds the reduction in risk at this level;\n')
                ap('        compensating monitoring is in place"\n')
                ap(f"      approved_by: {self.person_ids[rng.randrange(2)]}\n")
        ap(f"  last_reviewed: {rng.choice(_PAST[:300])}\n")
        if rng.random() < 0.6:
            ap("  hipaa:\n")
            for citation in HIPAA_BY_THEME[rng.choice(THEMES)]:
                ap(f'    - "{citation}"\n')
        if rng.random() < 0.7:
            ap(f"  threat_source: {rng.choice(THREAT_SOURCES)}\n")
        if rng.random() < 0.01:
            self._waiver(out, "SRA101")


def _yes(rng: Random, p: float) -> str:
    """`true` with probability `p`, else `false`."""
    return "true" if rng.random() < p else "false"


_ASCII = str.maketrans({"ë": "e", "é": "e", "í": "i", "ü": "u", "á": "a"})


def _ascii(name: str) -> str:
    """A name folded to ASCII for ids and e-mail addresses."""
    return name.translate(_ASCII)


# --------------------------------------------------------------------------- writing


def _chunks(rng: Random, total: int, mean: int) -> list[int]:
    """File lengths summing to `total`, each between 0.5x and 1.5x `mean` (at most 1,000)."""
    sizes: list[int] = []
    left = total
    while left > 0:
        n = min(left, MAX_PER_FILE, rng.randint(max(1, mean // 2), max(1, mean * 3 // 2)))
        sizes.append(n)
        left -= n
    return sizes


def _write_kind(
    out: Path, gen: _Gen, kind: str, emit: Callable[[int, list[str]], None], start: int = 0
) -> None:
    """Write every record of `kind`, split into files named after the owning team."""
    folder = out / FOLDERS[kind]
    folder.mkdir(parents=True, exist_ok=True)
    total = gen.p.counts()[kind]
    index = 0
    for f, size in enumerate(_chunks(gen.rng, total, gen.p.per_file[kind])):
        name = f"{DOMAINS[f % len(DOMAINS)]}-{f // len(DOMAINS) + 1:03d}.yaml"
        parts = [f"# {FOLDERS[kind]}/{name}: synthetic {kind}, bench/generate.py\n"]
        for _ in range(size):
            emit(index + start, parts)
            index += 1
        (folder / name).write_text("".join(parts), encoding="utf-8", newline="\n")


OWNED = ("sra.yaml", *FOLDERS.values(), "assessment", "policies", "training", ".sra_cache")
"""What `generate` writes (and, with force, replaces) inside the output directory."""


def generate(size: str, seed: int, out: Path, *, force: bool = False) -> None:
    """Write a synthetic workspace of `size` for `seed` into `out` (empty or new, unless force)."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty; pass force=True (--force) to replace it")
        for name in OWNED:
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)
    if SIZES[size].shape == "seed":
        from seed_shape import write_seed  # it reuses this module's vocabulary

        write_seed(SIZES[size], seed, out)
        return
    gen = _Gen(SIZES[size], seed)
    (out / "sra.yaml").write_text(gen.manifest(), encoding="utf-8", newline="\n")
    _write_kind(out, gen, "assets", lambda i, parts: gen.asset(gen.assets[i], parts))
    _write_kind(out, gen, "flows", gen.flow, start=1)
    _write_kind(out, gen, "vendors", gen.vendor)
    _write_kind(out, gen, "controls", gen.control)
    _write_kind(out, gen, "risks", gen.risk, start=1)


def workspace_bytes(root: Path) -> tuple[int, int]:
    """(number of YAML files, total bytes) of a workspace, ignoring hidden directories."""
    files = [
        p
        for p in root.rglob("*.yaml")
        if not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: generate one workspace and say how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--force", action="store_true", help="replace an existing workspace")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        generate(args.size, args.seed, args.out, force=args.force)
    except FileExistsError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    files, size = workspace_bytes(args.out)
    counts = ", ".join(f"{n:,} {kind}" for kind, n in SIZES[args.size].counts().items())
    print(
        f"{args.out}: {files} files, {size / 1e6:.1f} MB ({counts}) in {elapsed:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
