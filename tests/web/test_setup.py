"""The one-time setup link that creates the first administrator, and invitations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from hipaa_sra.web.links import create_link
from hipaa_sra.web.models import AuditEntry, LinkPurpose, OneTimeLink

from .conftest import PASSWORD, totp_code

ADMIN = {
    "username": "maria",
    "email": "maria@example.com",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def test_the_setup_link_creates_the_first_admin_once(web_app: Any) -> None:
    token = create_link(LinkPurpose.SETUP)
    assert not OneTimeLink.objects.filter(token_hash=token).exists()  # only its hash is kept
    client = Client()
    assert "Create the first administrator" in client.get(f"/setup/{token}/").content.decode()
    response = client.post(f"/setup/{token}/", ADMIN)
    assert response["Location"] == "/mfa/enrol/"
    admin = User.objects.get(username="maria")
    assert admin.is_superuser and admin.check_password(PASSWORD)
    # Before enrolling TOTP the new admin can open nothing else.
    assert client.get("/users/")["Location"] == "/mfa/enrol/"
    again = Client().get(f"/setup/{token}/")
    assert again.status_code == 410 and "was used already" in again.content.decode()
    entry = AuditEntry.objects.get(action="user.created")
    assert entry.actor == "maria" and '"admin":true' in entry.detail


def test_an_expired_setup_link_is_refused(web_app: Any) -> None:
    token = create_link(LinkPurpose.SETUP, now=datetime.now(UTC) - timedelta(minutes=61))
    response = Client().post(f"/setup/{token}/", ADMIN)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not User.objects.exists()


def test_a_link_just_inside_the_hour_still_works(web_app: Any) -> None:
    token = create_link(LinkPurpose.SETUP, now=datetime.now(UTC) - timedelta(minutes=59))
    assert Client().get(f"/setup/{token}/").status_code == 200


def test_an_unknown_token_is_not_found(web_app: Any) -> None:
    response = Client().get("/setup/not-a-token/")
    assert response.status_code == 404 and "not valid" in response.content.decode()


def test_a_new_setup_link_voids_the_previous_one(web_app: Any) -> None:
    old = create_link(LinkPurpose.SETUP)
    create_link(LinkPurpose.SETUP)
    assert Client().get(f"/setup/{old}/").status_code == 410


def test_weak_passwords_are_refused_with_the_reason(web_app: Any) -> None:
    for weak, reason in (
        ("short1!", "too short"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
    ):
        token = create_link(LinkPurpose.SETUP)
        response = Client().post(
            f"/setup/{token}/", {**ADMIN, "password1": weak, "password2": weak}
        )
        assert response.status_code == 200 and reason in response.content.decode(), weak
    assert not User.objects.exists()


def test_an_invited_user_sets_a_password_then_enrols(clients: dict[str, Any]) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = clients["admin"]
    page = admin.post(
        "/users/", {"username": "hannah", "email": "hannah@example.com", "person": "hannah-kim"}
    ).content.decode()
    link = page.split('id="invite-link">')[1].split("<")[0]
    path = link.removeprefix("http://testserver")
    invited = User.objects.get(username="hannah")
    assert not invited.is_active and not invited.has_usable_password()
    client = Client()
    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response["Location"] == "/mfa/enrol/"
    client.get("/mfa/enrol/")
    device = TOTPDevice.objects.get(user__username="hannah")
    assert (
        client.post("/mfa/enrol/", {"code": totp_code(device)})["Location"] == "/mfa/backup-codes/"
    )
    assert Client().get(path).status_code == 410
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert {"user.invited", "user.invitation-accepted", "mfa.enrolled"} <= set(actions)
