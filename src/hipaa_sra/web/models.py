"""The app's own tables: accounts linked to people, one-time links, the audit trail.

Users, MFA devices (django-otp) and sessions are Django's; the workspace is never copied here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Account(models.Model):
    """What the app knows about a user beyond Django's: the person they are in sra.yaml."""

    user: models.OneToOneField[User, User] = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sra_account"
    )
    person_id: models.CharField[str, str] = models.CharField(max_length=200, blank=True, default="")
    """Id of the person in sra.yaml `people`; empty: not linked (read-only)."""
    reauthenticated_at: models.DateTimeField[datetime | None, datetime | None] = (
        models.DateTimeField(null=True, blank=True)
    )
    """Last time the user re-entered password and code (sign-off needs it within minutes)."""

    def __str__(self) -> str:
        return f"{self.user} ({self.person_id or 'not linked'})"


class LinkPurpose(models.TextChoices):
    """What a one-time link lets its holder do."""

    SETUP = "setup", "create the first administrator"
    INVITE = "invite", "accept an invitation"


class OneTimeLink(models.Model):
    """A setup or invitation link: only the token's hash is stored; used once, then void."""

    purpose: models.CharField[str, str] = models.CharField(
        max_length=16, choices=LinkPurpose.choices
    )
    token_hash: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    user: models.ForeignKey[User | None, User | None] = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    """The invited user (None for the setup link, which creates one)."""
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    expires_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    used_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True, blank=True
    )

    def __str__(self) -> str:
        return f"{self.purpose} link, expires {self.expires_at:%Y-%m-%d %H:%M}"


class AppendOnly(Exception):
    """An attempt to change or delete an entry of the audit trail."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Entries can be read and added in bulk, never updated or deleted in bulk."""

    def update(self, **kwargs: Any) -> int:
        """Always refused: the trail is append-only."""
        raise AppendOnly("audit entries cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        """Always refused: the trail is append-only."""
        raise AppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One event of the audit trail; `entry_hash` covers it and the previous entry's hash.

    Rows are only ever inserted: `save` refuses an existing row, `delete` always refuses, and
    database triggers (migration 0002) refuse UPDATE and DELETE from any client.
    """

    seq: models.PositiveBigIntegerField[int, int] = models.PositiveBigIntegerField(unique=True)
    at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    actor: models.CharField[str, str] = models.CharField(max_length=150, blank=True, default="")
    """User name at the time (kept as text: the trail outlives accounts)."""
    person_id: models.CharField[str, str] = models.CharField(max_length=200, blank=True, default="")
    action: models.CharField[str, str] = models.CharField(max_length=64)
    object: models.CharField[str, str] = models.CharField(max_length=500, blank=True, default="")
    detail: models.TextField[str, str] = models.TextField(blank=True, default="{}")
    """Canonical JSON (sorted keys), hashed as stored."""
    ip: models.CharField[str, str] = models.CharField(max_length=64, blank=True, default="")
    prev_hash: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    """The previous entry's hash (64 zeros for the first): unique, so the chain cannot fork."""
    entry_hash: models.CharField[str, str] = models.CharField(max_length=64, unique=True)

    objects: ClassVar[models.Manager[AuditEntry]] = AuditQuerySet.as_manager()

    class Meta:
        ordering = ("seq",)
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert a new entry; an existing one can never be saved again."""
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Always refused: the trail is append-only."""
        raise AppendOnly("audit entries cannot be deleted")
