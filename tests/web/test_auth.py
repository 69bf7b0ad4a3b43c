"""Signing in with password and second factor, backup codes, lockout, logout, timeouts."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.test import Client

from hipaa_sra.web.middleware.session import LAST_SEEN, LOGIN_AT
from hipaa_sra.web.models import AuditEntry

from .conftest import PASSWORD, WebUser, make_user, totp_code


def _actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def _password(client: Client, username: str, password: str = PASSWORD, next_url: str = "") -> Any:
    return client.post("/login/", {"username": username, "password": password, "next": next_url})


def test_password_then_code_signs_in_and_is_audited(web_users: dict[str, WebUser]) -> None:
    reader = web_users["reader"]
    client = Client()
    response = _password(client, reader.username)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/code/")
    # Signed in by password only: every page sends the user to the second factor.
    assert client.get("/")["Location"] == "/login/code/"
    wrong = client.post(
        "/login/code/", {"code": "000000" if totp_code(reader.device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "That code is not valid" in wrong.content.decode()
    # django-otp throttles a device after a wrong code (1 s, doubling with each failure).
    throttled = client.post("/login/code/", {"code": totp_code(reader.device), "next": "/"})
    assert throttled.status_code == 200
    time.sleep(1.1)
    right = client.post("/login/code/", {"code": totp_code(reader.device), "next": "/"})
    assert right.status_code == 302 and right["Location"] == "/"
    assert client.get("/").status_code == 200
    assert _actions()[-4:] == ["login.password", "login.failed", "login.failed", "login"]


def test_wrong_password_is_refused_and_audited(web_users: dict[str, WebUser]) -> None:
    response = _password(Client(), "reader", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None and (last.action, last.actor) == ("login.failed", "reader")


def test_a_backup_code_works_once(web_users: dict[str, WebUser]) -> None:
    from hipaa_sra.web.mfa import issue_backup_codes

    user = web_users["editor"]
    codes = issue_backup_codes(user.user)
    assert len(codes) == 10 and len(set(codes)) == 10
    first = Client()
    _password(first, user.username)
    response = first.post("/login/code/", {"code": codes[0]}, follow=True)
    assert "You signed in with a backup code; 9 left" in response.content.decode()
    again = Client()
    _password(again, user.username)
    refused = again.post("/login/code/", {"code": codes[0]})
    assert refused.status_code == 200 and "not valid" in refused.content.decode()


def test_five_failures_lock_the_user_name_until_an_admin_unlocks_it(
    web_users: dict[str, WebUser], clients: dict[str, Any]
) -> None:
    client = Client()
    for _ in range(5):
        _password(client, "signer", "wrong-password-guess")
    locked = _password(client, "signer")  # the right password no longer helps
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "login.locked-out" in _actions()
    clients["admin"].post(f"/users/{web_users['signer'].user.pk}/unlock/")
    assert _actions()[-1] == "user.unlocked"
    assert _password(Client(), "signer").status_code == 302


def test_logout_needs_post_and_ends_the_session(clients: dict[str, Any]) -> None:
    client = clients["reader"]
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/")["Location"].startswith("/login/")
    assert _actions()[-1] == "logout"


def _age_session(client: Client, *, idle: timedelta, since_login: timedelta) -> None:
    session = client.session
    now = datetime.now(UTC).timestamp()
    session[LAST_SEEN] = now - idle.total_seconds()
    session[LOGIN_AT] = now - since_login.total_seconds()
    session.save()


def test_fifteen_idle_minutes_end_the_session(clients: dict[str, Any]) -> None:
    client = clients["reader"]
    _age_session(client, idle=timedelta(minutes=14), since_login=timedelta(hours=1))
    assert client.get("/").status_code == 200
    _age_session(client, idle=timedelta(minutes=16), since_login=timedelta(hours=1))
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0] == "/login/?next=/"
    assert "Your session ended after 15 minutes without activity" in response.content.decode()
    last = AuditEntry.objects.filter(action="session.expired").last()
    assert last is not None and '"idle"' in last.detail


def test_twelve_hours_end_the_session_however_active(clients: dict[str, Any]) -> None:
    client = clients["reader"]
    _age_session(client, idle=timedelta(seconds=5), since_login=timedelta(hours=12, minutes=1))
    response = client.get("/", follow=True)
    assert "12 hours after you signed in" in response.content.decode()


def test_next_pointing_elsewhere_is_refused(web_app: Any) -> None:
    targets = (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/audit/",
    )
    for index, target in enumerate(targets):
        # A user per attempt: a TOTP code is accepted once (no replay within its 30 s).
        user = make_user(f"visitor{index}")
        client = Client()
        response = _password(client, user.username, next_url=target)
        assert "evil" not in response["Location"] and "javascript" not in response["Location"]
        done = client.post("/login/code/", {"code": totp_code(user.device), "next": target})
        assert done["Location"] == (target if target == "/audit/" else "/"), target


def test_enrolment_comes_before_anything_else(web_app: Any) -> None:
    import re

    from django_otp.plugins.otp_totp.models import TOTPDevice

    newcomer = make_user("newcomer", enrolled=False)
    client = Client()
    response = _password(client, newcomer.username)
    assert response["Location"].startswith("/mfa/enrol/")
    for page in ("/", "/audit/", "/users/", "/mfa/backup-codes/"):
        assert client.get(page)["Location"] == "/mfa/enrol/", page
    page = client.get("/mfa/enrol/").content.decode()
    assert "<svg" in page and re.search(r'id="totp-secret">[A-Z2-7]{32}<', page)
    device = TOTPDevice.objects.get(user=newcomer.user, confirmed=False)
    done = client.post("/mfa/enrol/", {"code": totp_code(device)})
    assert done["Location"] == "/mfa/backup-codes/"
    codes = client.get("/mfa/backup-codes/").content.decode()
    assert len(re.findall(r"<li><code>\w+</code></li>", codes)) == 10
    # Shown once: the second visit only says so.
    assert client.get("/mfa/backup-codes/", follow=True).redirect_chain[-1][0] == "/"
    assert client.get("/").status_code == 200
    assert "mfa.enrolled" in _actions()


def test_reauthentication_needs_password_and_code(
    web_users: dict[str, WebUser], client_for: Any
) -> None:
    from django.test import RequestFactory

    from hipaa_sra.web.views.auth import reauthenticated_within

    signer = web_users["signer"]
    client = client_for("signer")
    request = RequestFactory().get("/")
    request.user = signer.user
    assert not reauthenticated_within(request)
    bad = client.post("/reauthenticate/", {"password": "wrong", "code": totp_code(signer.device)})
    assert bad.status_code == 200 and not reauthenticated_within(request)
    good = client.post(
        "/reauthenticate/", {"password": PASSWORD, "code": totp_code(signer.device), "next": "/"}
    )
    assert good["Location"] == "/"
    assert reauthenticated_within(request, minutes=5)
    assert _actions()[-2:] == ["reauthentication.failed", "reauthenticated"]


def test_pages_read_in_quick_succession_do_not_rewrite_the_session(clients: dict[str, Any]) -> None:
    from django.contrib.sessions.models import Session

    client = clients["reader"]
    client.get("/")
    key = client.session.session_key
    before = Session.objects.get(session_key=key).session_data
    client.get("/")
    assert Session.objects.get(session_key=key).session_data == before
    _age_session(client, idle=timedelta(seconds=20), since_login=timedelta(minutes=5))
    aged = Session.objects.get(session_key=key).session_data
    client.get("/")
    assert Session.objects.get(session_key=key).session_data != aged


def test_an_htmx_request_after_logoff_navigates_the_whole_page_to_sign_in(
    clients: dict[str, Any],
) -> None:
    client = clients["reader"]
    _age_session(client, idle=timedelta(minutes=16), since_login=timedelta(hours=1))
    response = client.get(
        "/audit/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/?tab=1"
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/login/?next=/%3Ftab%3D1"
    signed_out = Client().get("/", HTTP_HX_REQUEST="true")
    assert signed_out["HX-Redirect"] == "/login/?next=/"
