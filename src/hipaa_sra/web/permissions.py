"""Who may do what: permissions, the one mapping from people's roles to them, the decorators.

Every view carries an access declaration (`requires`, `public` or `before_mfa`); a test walks
every URL pattern and fails on a view without one.

| permission | who holds it |
|---|---|
| READ | every active user who has passed the second factor |
| EDIT | a user linked to a person listed in sra.yaml `people` |
| APPROVE | a linked person holding a sign-off role (`signoff.required_roles`) or one of `APPROVING_ROLES` |
| SIGN | a linked person holding a sign-off role (`signoff.required_roles`) |
| ADMIN | a user the first admin (or another admin) made an administrator |
"""  # noqa: E501 (a table)

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from .views.errors import forbidden

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from ..model import Manifest, Person

APPROVING_ROLES = frozenset(
    {"compliance-officer", "privacy-officer", "security-officer", "security-lead"}
)
"""Roles that may accept risks and approve waivers besides the sign-off roles."""

ACCESS_ATTRIBUTE = "sra_access"
"""The attribute every view function carries: a `Permission` or an `Access`."""

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


class Permission(StrEnum):
    """What a user may do in the app."""

    READ = "read"
    EDIT = "edit"
    APPROVE = "approve"
    SIGN = "sign"
    ADMIN = "admin"


class Access(StrEnum):
    """Views open before a user holds any permission."""

    PUBLIC = "public"
    """Anyone: login, setup and invitation links, the second-factor page."""
    BEFORE_MFA = "before-mfa"
    """Signed in with a password, second factor not yet passed or enrolled."""


def person_of(manifest: Manifest | None, person_id: str | None) -> Person | None:
    """The person with `person_id` in the manifest's `people`, if listed."""
    if manifest is None or not person_id:
        return None
    return next((p for p in manifest.people if p.id == person_id), None)


def permissions_for(
    *, is_admin: bool, person: Person | None, manifest: Manifest | None
) -> frozenset[Permission]:
    """The permissions of an active, MFA-verified user: the one place roles map to them."""
    granted = {Permission.READ}
    if is_admin:
        granted.add(Permission.ADMIN)
    if person is not None:
        granted.add(Permission.EDIT)
        roles = set(person.roles)
        signing = set(manifest.signoff.required_roles) if manifest is not None else set()
        if roles & signing:
            granted.update((Permission.SIGN, Permission.APPROVE))
        if roles & APPROVING_ROLES:
            granted.add(Permission.APPROVE)
    return frozenset(granted)


def user_permissions(request: HttpRequest) -> frozenset[Permission]:
    """The permissions of the request's user (none until signed in with the second factor)."""
    cached: frozenset[Permission] | None = getattr(request, "_sra_permissions", None)
    if cached is not None:
        return cached
    user = request.user
    granted: frozenset[Permission] = frozenset()
    if user.is_authenticated and user.is_active and is_verified(user):
        from .workspace import current_workspace

        manifest = current_workspace(request).manifest
        person = person_of(manifest, linked_person_id(user))
        granted = permissions_for(
            is_admin=bool(getattr(user, "is_superuser", False)), person=person, manifest=manifest
        )
    request._sra_permissions = granted  # type: ignore[attr-defined]
    return granted


def linked_person_id(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The id of the person in sra.yaml `people` the user is linked to, if any."""
    account = getattr(user, "sra_account", None)
    if account is None:
        return None
    return str(account.person_id) or None


def is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user passed the second factor in this session (django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check()) if callable(check) else False


def to_login(request: HttpRequest) -> HttpResponseBase:
    """To the sign-in page, then back here; a whole-page redirect for an htmx request."""
    from django.conf import settings
    from django.contrib.auth.views import redirect_to_login
    from django_htmx.http import HttpResponseClientRedirect

    # The header, not request.htmx: the logoff middleware runs before django-htmx's.
    if request.headers.get("HX-Request") != "true":
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    # htmx would swap the sign-in page into a fragment of this page; navigate instead, and
    # come back to the page the user was on, not to the fragment.
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    page = (current.path + (f"?{current.query}" if current.query else "")) or "/"
    return HttpResponseClientRedirect(redirect_to_login(page, settings.LOGIN_URL)["Location"])


def _declare(view: V, access: Permission | Access) -> V:
    setattr(view, ACCESS_ATTRIBUTE, access)
    return view


def requires(permission: Permission) -> Callable[[V], V]:
    """Declare that a view needs `permission`: sign-in with MFA, else 403."""

    def decorate(view: V) -> V:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated or not is_verified(user):
                return to_login(request)
            if permission not in user_permissions(request):
                return forbidden(request, permission)
            return view(request, *args, **kwargs)

        return _declare(cast(V, wrapped), permission)

    return decorate


def public(view: V) -> V:
    """Declare a view open to anyone (login, setup, invitation)."""
    return _declare(view, Access.PUBLIC)


def before_mfa(view: V) -> V:
    """Declare a view for a user signed in by password who has not passed the second factor."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return to_login(request)
        return view(request, *args, **kwargs)

    return _declare(cast(V, wrapped), Access.BEFORE_MFA)


def access_of(view: Callable[..., Any]) -> Permission | Access | None:
    """The access a view declared, or None when it declared none."""
    declared = getattr(view, ACCESS_ATTRIBUTE, None)
    return declared if isinstance(declared, Permission | Access) else None
