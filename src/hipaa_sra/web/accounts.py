"""Managing users (the Users page): invite, link to a person, deactivate, reset MFA, unlock.

Every change is recorded in the audit trail with the administrator who made it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest

from . import audit
from .links import create_link
from .mfa import has_confirmed_totp, reset_mfa
from .models import Account, LinkPurpose


class AccountError(Exception):
    """A change an administrator may not make (it would lock everyone out)."""


@dataclass(frozen=True)
class UserRow:
    """One row of the Users page."""

    user: User
    person_id: str
    person_name: str | None
    """The linked person's name, None when the id is not (or no longer) in sra.yaml."""
    enrolled: bool


def _account(user: User) -> Account:
    account, _ = Account.objects.get_or_create(user=user)
    return account


def invite(
    request: HttpRequest, *, username: str, email: str, person_id: str, admin: bool
) -> tuple[User, str]:
    """Create an inactive account and its one-time invitation token (shown once)."""
    with transaction.atomic():
        user = User.objects.create_user(username, email, None, is_active=False, is_superuser=admin)
        Account.objects.create(user=user, person_id=person_id)
        token = create_link(LinkPurpose.INVITE, user=user)
        audit.record(
            request,
            "user.invited",
            object=f"user:{username}",
            detail={"person": person_id, "admin": admin, "email": email},
        )
    return user, token


def reinvite(request: HttpRequest, user: User) -> str:
    """A new invitation link for a user who has not accepted yet (the old one stops working)."""
    token = create_link(LinkPurpose.INVITE, user=user)
    audit.record(request, "user.reinvited", object=f"user:{user.username}")
    return token


def password_reset_link(request: HttpRequest, user: User) -> str:
    """A one-time link (one hour) with which the user chooses a new password."""
    if not user.is_active:
        raise AccountError(f"{user.username} is deactivated; activate the account first.")
    token = create_link(LinkPurpose.INVITE, user=user)
    audit.record(request, "user.password-reset-link", object=f"user:{user.username}")
    return token


def link_person(request: HttpRequest, user: User, person_id: str) -> None:
    """Link the account to a person in sra.yaml `people` (empty: unlink)."""
    account = _account(user)
    before = account.person_id
    account.person_id = person_id
    account.save(update_fields=["person_id"])
    audit.record(
        request,
        "user.linked",
        object=f"user:{user.username}",
        detail={"from": before, "to": person_id},
    )


def _other_active_admins(user: User) -> bool:
    return User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()


def set_active(request: HttpRequest, user: User, active: bool) -> None:
    """Deactivate (sign-in refused, sessions end) or reactivate an account."""
    if not active and user.is_superuser and not _other_active_admins(user):
        raise AccountError(
            "This is the only active administrator; make another user an administrator first."
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _end_sessions(user)
    audit.record(
        request, "user.activated" if active else "user.deactivated", object=f"user:{user.username}"
    )


def set_admin(request: HttpRequest, user: User, admin: bool) -> None:
    """Make the user an administrator, or no longer one."""
    if not admin and not _other_active_admins(user):
        raise AccountError(
            "This is the only active administrator; make another user an administrator first."
        )
    user.is_superuser = admin
    user.save(update_fields=["is_superuser"])
    audit.record(
        request,
        "user.admin-granted" if admin else "user.admin-revoked",
        object=f"user:{user.username}",
    )


def reset_user_mfa(request: HttpRequest, user: User) -> None:
    """Remove the user's authenticator and backup codes; the next sign-in enrols afresh."""
    reset_mfa(user)
    _end_sessions(user)
    audit.record(request, "user.mfa-reset", object=f"user:{user.username}")


def unlock(request: HttpRequest, user: User) -> int:
    """Clear the failed sign-ins that locked the user name; returns how many were cleared."""
    from axes.utils import reset

    cleared = int(reset(username=user.username))
    audit.record(
        request,
        "user.unlocked",
        object=f"user:{user.username}",
        detail={"failures_cleared": cleared},
    )
    return cleared


def _end_sessions(user: User) -> None:
    """Delete every session of the user (a deactivated or reset user is signed out now)."""
    from django.contrib.sessions.models import Session

    key = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.iterator()
        if session.get_decoded().get("_auth_user_id") == key
    ]
    Session.objects.filter(pk__in=stale).delete()


def user_rows(names: dict[str, str]) -> list[UserRow]:
    """Every user with the linked person's name (`names`: person id -> name)."""
    rows = []
    for user in User.objects.order_by("username").select_related("sra_account"):
        account = getattr(user, "sra_account", None)
        person = account.person_id if account is not None else ""
        rows.append(
            UserRow(user, person, names.get(person) if person else None, has_confirmed_totp(user))
        )
    return rows
