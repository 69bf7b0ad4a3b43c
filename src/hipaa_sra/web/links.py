"""One-time links (first-admin setup, invitations): random token, stored hashed, expiring."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from .models import LinkPurpose, OneTimeLink

LINK_LIFETIME = timedelta(hours=1)


class LinkProblem(StrEnum):
    """Why a link cannot be used."""

    UNKNOWN = "This link is not valid. Ask an administrator for a new one."
    USED = "This link was used already; each link works once. Ask for a new one."
    EXPIRED = "This link expired (links work for one hour). Ask for a new one."


def token_hash(token: str) -> str:
    """The SHA-256 of a token, which is all the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_link(
    purpose: LinkPurpose,
    *,
    user: AbstractBaseUser | None = None,
    now: datetime | None = None,
    lifetime: timedelta = LINK_LIFETIME,
) -> str:
    """A new link's token (shown once); any earlier unused link of the same kind is voided."""
    moment = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        earlier = OneTimeLink.objects.filter(purpose=purpose, used_at__isnull=True)
        if user is not None:
            earlier = earlier.filter(user=user)
        earlier.update(used_at=moment)
        OneTimeLink.objects.create(
            purpose=purpose,
            token_hash=token_hash(token),
            user=user,
            created_at=moment,
            expires_at=moment + lifetime,
        )
    return token


def find_link(
    token: str, purpose: LinkPurpose, now: datetime | None = None
) -> OneTimeLink | LinkProblem:
    """The usable link for `token`, or why there is none."""
    link = OneTimeLink.objects.filter(token_hash=token_hash(token), purpose=purpose).first()
    if link is None:
        return LinkProblem.UNKNOWN
    if link.used_at is not None:
        return LinkProblem.USED
    if link.expires_at <= (now or datetime.now(UTC)):
        return LinkProblem.EXPIRED
    return link


def consume(link: OneTimeLink, now: datetime | None = None) -> bool:
    """Mark the link used; False when another request used it first."""
    moment = now or datetime.now(UTC)
    updated = OneTimeLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=moment)
    return updated == 1
