"""Discovery rules (SRA2xx): the inventory checked against the infrastructure code.

They report only when the lint has infrastructure inputs (`discovery.inputs` in sra.yaml,
or `sra lint --discovered FILE`): without them there is nothing to compare.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Severity
from ..model import Workspace
from .base import Context, Family, Hit, Rule

_CITE = "45 CFR 164.308(a)(1)(ii)(A) (risk analysis)"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _undeclared(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    if ctx.discovery is None or not ctx.facts.known_everywhere("assets", "sources"):
        return  # an asset whose sources could not be read may be the one that links it
    for store in ctx.discovery.undeclared:
        tagged = f", tagged {store.ephi_reason}" if store.ephi_reason else ""
        yield Hit(
            f"{store.category} `{store.source_key}` ({store.type} in {store.input}{tagged}) is "
            "in the infrastructure but no asset lists it in `sources`; inventory it (`sra "
            "discover --write` proposes an entry) or link an existing asset to it",
            None,
            ("discovery",),
            object_id=store.source_key,
            severity=Severity.ERROR if store.ephi == "present" else None,
        )


def _source_missing(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    if ctx.discovery is None:
        return
    assets = {asset.id: asset for asset in ws.assets if asset.id is not None}
    for item in ctx.discovery.missing:
        asset = assets[item.asset]
        index = asset.sources.index(item.source_key)
        yield Hit(
            f"asset `{item.asset}` links `{item.source_key}`, which no infrastructure input "
            "holds any more; remove the link if the resource is gone (and review the asset), "
            "or fix the key (`sra discover` prints the current ones)",
            asset,
            ("sources", index),
        )


def _contradicted(ws: Workspace, ctx: Context) -> Iterator[Hit]:
    if ctx.discovery is None:
        return
    assets = {asset.id: asset for asset in ws.assets if asset.id is not None}
    for item in ctx.discovery.contradictions:
        yield Hit(
            f"asset `{item.asset}` says `{item.attribute}: {_shown(item.inventory)}`, but "
            f"`{item.source_key}` says {_shown(item.infrastructure)}; fix the infrastructure "
            "or correct the inventory",
            assets[item.asset],
            ("attributes", item.attribute),
        )


DISCOVERY_RULES: tuple[Rule, ...] = (
    Rule(
        code="SRA212",
        name="undeclared-data-store",
        severity=Severity.WARNING,
        family=Family.INVENTORY,
        summary="Infrastructure code defines a data store that no inventory asset links.",
        citation=_CITE + ", element 1: scope (all ePHI the organization maintains)",
        rationale=(
            "The store an inventory forgets (the analytics replica, the snapshot bucket, the log "
            "index) is the one nobody analysed. Infrastructure code lists every store; each must "
            "appear in the inventory. The finding is an error when tags such as "
            "`data-classification: phi` say the store holds PHI."
        ),
        fix=(
            "Add an asset with `sources: [KEY]` (`sra discover --write` proposes one), or add "
            "the key to the `sources` of the asset that already describes the store."
        ),
        example=(
            "- id: visit-exports\n  name: Visit exports bucket\n  category: object-storage\n"
            "  ephi: present\n  sources:\n    - terraform:aws_s3_bucket.visit_exports"
        ),
        check=_undeclared,
    ),
    Rule(
        code="SRA213",
        name="asset-source-missing",
        severity=Severity.WARNING,
        family=Family.INVENTORY,
        summary="An asset links an infrastructure resource that no input holds any more.",
        citation=_CITE + "; 164.308(a)(1)(ii)(B) (risk management: keep the analysis current)",
        rationale=(
            "When infrastructure is removed or renamed, the inventory and the risks on it go "
            "stale silently. Only links into inputs that were read are checked: a link into a "
            "CloudFormation stack or a tool that no input covers is left alone."
        ),
        fix="Remove the link (and review whether the asset still exists), or correct the key.",
        example="  sources:\n    - terraform:module.db.aws_db_instance.patient",
        check=_source_missing,
    ),
    Rule(
        code="SRA214",
        name="attribute-contradicts-infrastructure",
        severity=Severity.ERROR,
        family=Family.INVENTORY,
        summary="An asset's attribute says one thing and the infrastructure code another.",
        citation=_CITE + "; 164.312(a)(2)(iv) (encryption), 164.312(b) (audit controls)",
        rationale=(
            "An inventory that says `encryption_at_rest: true` for a store the plan leaves "
            "unencrypted turns a finding into a false attestation. Compared: encryption_at_rest, "
            "internet_facing (publicly accessible), audit_logging (logging), backups (retention "
            "0 means none) and mfa."
        ),
        fix="Fix the infrastructure so it matches, or correct the attribute.",
        example=(
            "  attributes:\n"
            "    encryption_at_rest: true   # and storage_encrypted = true in Terraform"
        ),
        check=_contradicted,
    ),
)
"""Discovery rules SRA212-SRA214."""
