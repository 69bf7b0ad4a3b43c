"""Data flows between assets and vendors: the ePHI surface map."""

from __future__ import annotations

from pydantic import Field

from .base import Record, Ref, Unknowable, Waivers


class Flow(Record):
    """Data moving from one asset or vendor to another."""

    from_: Unknowable[Ref] = Field(alias="from", description="Asset or vendor id the data leaves.")
    to: Unknowable[Ref] = Field(description="Asset or vendor id the data arrives at.")
    ephi: Unknowable[bool] = Field(description="True if any ePHI crosses this flow.")
    protocol: Ref | None = Field(None, description="https, grpc, postgres, sftp, smtp, ...")
    encrypted_in_transit: bool | None = Field(None, description="TLS or equivalent on the wire.")
    authentication: Ref | None = Field(None, description="mTLS, OIDC, API key, IAM role, ...")
    description: str | None = None
    waivers: Waivers = ()
