"""Every URL pattern declares its access, and every role is refused what it does not hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from hipaa_sra.model import Manifest, Person
from hipaa_sra.web.permissions import (
    Access,
    Permission,
    access_of,
    permissions_for,
)

from .conftest import ROLES

SAMPLE_ARGUMENTS = {
    "str": "x",
    "int": "1",
    "slug": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _patterns() -> Iterator[tuple[str, Any]]:
    """(example path, view) of every URL pattern the app serves."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                path = re.sub(
                    r"<(?:(\w+):)?\w+>",
                    lambda m: SAMPLE_ARGUMENTS.get(m.group(1) or "str", "x"),
                    route,
                )
                yield "/" + path.lstrip("^").rstrip("$"), pattern.callback

    yield from walk(get_resolver().url_patterns, "")


def _expected(role: str, web_app: Any) -> frozenset[Permission]:
    from hipaa_sra.web.workspace import current_workspace

    manifest = current_workspace().manifest
    person_id, admin = ROLES[role]
    person = next((p for p in manifest.people if p.id == person_id), None) if manifest else None
    return permissions_for(is_admin=admin, person=person, manifest=manifest)


def test_every_view_declares_its_access(web_app: Any) -> None:
    missing = [path for path, view in _patterns() if access_of(view) is None]
    assert missing == [], f"views without @requires/@public/@before_mfa: {missing}"


def test_each_role_gets_403_exactly_where_it_lacks_the_permission(
    web_app: Any, clients: dict[str, Any]
) -> None:
    checked = 0
    for path, view in _patterns():
        needed = access_of(view)
        if not isinstance(needed, Permission):
            continue
        for role, client in clients.items():
            response = client.get(path)
            granted = _expected(role, web_app)
            if needed in granted:
                assert response.status_code != 403, (role, path)
            else:
                assert response.status_code == 403, (role, path, response.status_code)
            checked += 1
    assert checked >= len(ROLES)


def test_signed_out_visitors_are_sent_to_login_from_every_protected_page(web_app: Any) -> None:
    from django.test import Client

    client = Client()
    for path, view in _patterns():
        if isinstance(access_of(view), Permission):
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith("/login/"), path


def _manifest(
    roles: tuple[str, ...], required: tuple[str, ...] = ("compliance-officer", "engineering-owner")
) -> Any:
    return Manifest.model_validate(
        {
            "organization": {"name": "Clinic"},
            "people": [{"id": "p", "name": "P", "roles": list(roles)}],
            "signoff": {"required_roles": list(required)},
        }
    )


@pytest.mark.parametrize(
    ("roles", "admin", "expected"),
    [
        ((), False, {Permission.READ, Permission.EDIT}),
        (("platform-lead",), False, {Permission.READ, Permission.EDIT}),
        (("security-lead",), False, {Permission.READ, Permission.EDIT, Permission.APPROVE}),
        (
            ("engineering-owner",),
            False,
            {Permission.READ, Permission.EDIT, Permission.APPROVE, Permission.SIGN},
        ),
        (("compliance-officer",), True, set(Permission)),
    ],
)
def test_roles_map_to_permissions(
    roles: tuple[str, ...], admin: bool, expected: set[Permission]
) -> None:
    manifest = _manifest(roles)
    person: Person = manifest.people[0]
    assert permissions_for(is_admin=admin, person=person, manifest=manifest) == expected


def test_the_signing_roles_come_from_the_manifest() -> None:
    manifest = _manifest(("auditor-liaison",), required=("auditor-liaison",))
    granted = permissions_for(is_admin=False, person=manifest.people[0], manifest=manifest)
    assert Permission.SIGN in granted


def test_an_unlinked_user_reads_only_and_an_unlinked_admin_administers() -> None:
    assert permissions_for(is_admin=False, person=None, manifest=None) == {Permission.READ}
    assert permissions_for(is_admin=True, person=None, manifest=None) == {
        Permission.READ,
        Permission.ADMIN,
    }


def test_access_markers_are_distinct_from_permissions() -> None:
    assert {a.value for a in Access}.isdisjoint({p.value for p in Permission})
