"""Sign-off records: who signed the SRA, in which role, when, and the digest of what they signed."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from .base import SraModel, Text


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
