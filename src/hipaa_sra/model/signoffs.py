"""Sign-off records: who signed the SRA, in which role, when, and the digest of what they signed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from .base import IsoDate, SraModel, Text


class OpenError(SraModel):
    """One error-level finding that was open when the signer signed."""

    rule: Text = Field(description="Rule code, e.g. SRA101.")
    object: str | None = Field(
        None, description="Id of the record the finding is about; absent for workspace-wide ones."
    )


class Attested(SraModel):
    """What `sra lint` said when the signer signed: the state of the analysis they accepted."""

    today: IsoDate = Field(description="The date the rules measured against (`--today`).")
    errors: int = Field(ge=0, description="Error-level findings, sign-off rules left out.")
    warnings: int = Field(ge=0, description="Warning-level findings.")
    info: int = Field(ge=0, description="Info-level findings.")
    waived: int = Field(0, ge=0, description="Findings silenced by a valid waiver.")
    open_errors: tuple[OpenError, ...] = Field(
        (), description="Every open error as (rule, object), sorted; as many as `errors`."
    )
    accepted: str | None = Field(
        None,
        description="Why the signer signed although errors were open (`--accept-findings`).",
    )


class SignoffMethod(StrEnum):
    """How the signer proved who they were."""

    WEB_MFA = "web-mfa"
    """Signed in the web app (`sra serve`) after re-entering password and TOTP code."""


class Signoff(SraModel):
    """One signature over the workspace content as it was when signed."""

    role: Text = Field(description="Signer role, e.g. compliance-officer or engineering-owner.")
    name: Text
    email: Text
    signed_at: datetime = Field(description="When the signature was made (ISO 8601 with zone).")
    digest: Text = Field(description="Canonical digest of the workspace content that was signed.")
    signature: str | None = Field(None, description="SSH signature (armored), when a key was used.")
    statement: str | None = Field(None, description="What the signer attests to.")
    objects: str | None = Field(
        None,
        description="File (in signoffs/) holding the per-record digests of the signed content, "
        "so `sra verify` can name what changed since; trusted only if it hashes to `digest`.",
    )
    key: str | None = Field(
        None, description="Fingerprint (SHA256:...) of the SSH key that made `signature`."
    )
    attested: Attested | None = Field(
        None,
        description="The lint summary the signer saw and signed (`sra signoff` writes it; the "
        "signature covers it). Absent in records written before it existed.",
    )
    method: SignoffMethod | None = Field(
        None,
        description="How the signer was authenticated: `web-mfa` for the web app (with "
        "`web_user` and `audit_entry`); absent for `sra signoff`.",
    )
    web_user: str | None = Field(
        None, description="The web app account that signed (method `web-mfa`)."
    )
    audit_entry: str | None = Field(
        None,
        description="Hash of the web app's audit trail entry recording the signer's "
        "re-authentication (password and TOTP) just before signing (method `web-mfa`).",
    )
