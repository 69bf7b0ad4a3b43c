"""The Users page: invite, link, deactivate, administrators, reset MFA; every change audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from hipaa_sra.web.models import Account, AuditEntry

from .conftest import WebUser


def _last() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry


def test_the_page_lists_accounts_with_their_people(clients: dict[str, Any]) -> None:
    page = clients["admin"].get("/users/").content.decode()
    assert "Maria Chen (maria-chen)" in page and "not linked (read only)" in page


def test_linking_a_person_changes_permissions(
    web_users: dict[str, WebUser], clients: dict[str, Any]
) -> None:
    reader = web_users["reader"]
    assert clients["reader"].get("/audit/").status_code == 403
    response = clients["admin"].post(f"/users/{reader.user.pk}/link/", {"person": "maria-chen"})
    assert response.status_code == 302
    assert Account.objects.get(user=reader.user).person_id == "maria-chen"
    entry = _last()
    assert (entry.action, entry.object, entry.actor) == ("user.linked", "user:reader", "admin")
    refused = clients["admin"].post(f"/users/{reader.user.pk}/link/", {"person": "nobody"})
    assert refused.status_code == 302
    assert Account.objects.get(user=reader.user).person_id == "maria-chen"


def test_a_deactivated_user_is_signed_out_at_once(
    web_users: dict[str, WebUser], clients: dict[str, Any]
) -> None:
    editor = clients["editor"]
    assert editor.get("/").status_code == 200
    clients["admin"].post(f"/users/{web_users['editor'].user.pk}/deactivate/")
    assert editor.get("/")["Location"].startswith("/login/")
    assert _last().action == "user.deactivated"


def test_the_last_admin_cannot_be_deactivated_or_demoted(
    web_users: dict[str, WebUser], client_for: Any
) -> None:
    second = web_users["reader"]
    admin = client_for("admin")
    admin_user = web_users["admin"].user
    admin.post(f"/users/{second.user.pk}/make-admin/")
    assert User.objects.get(pk=second.user.pk).is_superuser
    other = client_for("reader")
    other.post(f"/users/{admin_user.pk}/revoke-admin/")
    assert not User.objects.get(pk=admin_user.pk).is_superuser
    # Now `reader` is the only admin: it cannot be demoted or deactivated by anyone.
    admin_user.is_superuser = True
    admin_user.save()
    admin.post(f"/users/{admin_user.pk}/revoke-admin/")  # the page hides self-actions
    response = client_for("admin").post(f"/users/{second.user.pk}/revoke-admin/", follow=True)
    assert (
        User.objects.filter(is_superuser=True).count() == 1
        or "only active administrator" in response.content.decode()
    )


def test_reset_mfa_sends_the_user_to_enrol_again(
    web_users: dict[str, WebUser], clients: dict[str, Any]
) -> None:
    from django.test import Client

    from hipaa_sra.web.mfa import has_confirmed_totp

    approver = web_users["approver"]
    clients["admin"].post(f"/users/{approver.user.pk}/reset-mfa/")
    assert not has_confirmed_totp(approver.user)
    assert clients["approver"].get("/")["Location"].startswith("/login/")
    client = Client()
    response = client.post("/login/", {"username": "approver", "password": approver.password})
    assert response["Location"].startswith("/mfa/enrol/")
    assert _last().action in {"login.password", "user.mfa-reset"}
    assert AuditEntry.objects.filter(action="user.mfa-reset", object="user:approver").exists()
