"""Vendors: third parties and subprocessors, with their business associate agreements."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from .base import IsoDate, Record, Ref, Sha256, SraModel, Text, Unknowable, Waivers


class EphiExposure(StrEnum):
    """How a vendor touches ePHI; a `conduit` only transmits it (the conduit exception)."""

    NONE = "none"
    CONDUIT = "conduit"
    PROCESSES = "processes"
    STORES = "stores"


class BaaStatus(StrEnum):
    """Where the business associate agreement stands."""

    EXECUTED = "executed"
    PENDING = "pending"
    NONE = "none"
    NOT_REQUIRED = "not-required"


class Baa(SraModel):
    """A business associate agreement (45 CFR 164.308(b), 164.314(a))."""

    status: Unknowable[BaaStatus]
    executed: IsoDate | None = Field(None, description="Date both parties signed.")
    expires: IsoDate | None = Field(None, description="Date the agreement ends, if it does.")
    document: str | None = Field(None, description="Where the signed copy lives.")
    sha256: Sha256 | None = Field(
        None,
        description="SHA-256 (hex) of the signed copy at `document`, recorded when it "
        "was uploaded (`sra serve`).",
    )


class Vendor(Record):
    """A third party that provides a service, with its ePHI exposure and BAA."""

    name: Unknowable[Text]
    services: tuple[str, ...] = Field((), description="What the vendor does for us.")
    ephi_exposure: Unknowable[EphiExposure] = Field(
        description="none, conduit, processes or stores."
    )
    baa: Baa | None = None
    residency: str | None = Field(None, description="Where the vendor keeps data, e.g. US.")
    last_verified: IsoDate | None = Field(
        None, description="Date the vendor's safeguards were last verified."
    )
    owner: Ref | None = Field(None, description="Person id who manages the relationship.")
    description: str | None = None
    waivers: Waivers = ()
