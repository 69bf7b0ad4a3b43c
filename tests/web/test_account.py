"""A user's own account page, and the password reset link an administrator hands out."""

from __future__ import annotations

import re
import time
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from hipaa_sra.web.models import AuditEntry

from .conftest import PASSWORD, WebUser, totp_code

NEW_PASSWORD = "another-long-passphrase-77"


def test_changing_the_password_needs_the_old_one(
    web_users: dict[str, WebUser], clients: dict[str, Any]
) -> None:
    client = clients["editor"]
    wrong = client.post(
        "/account/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert (
        wrong.status_code == 200
        and "Your old password was entered incorrectly" in wrong.content.decode()
    )
    done = client.post(
        "/account/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password was changed." in done.content.decode()
    assert User.objects.get(username="editor").check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200  # still signed in here
    assert AuditEntry.objects.filter(action="user.password-changed").exists()


def test_new_backup_codes_need_a_code_from_the_app(
    web_users: dict[str, WebUser], clients: dict[str, Any]
) -> None:
    from hipaa_sra.web.mfa import issue_backup_codes

    old = issue_backup_codes(web_users["reader"].user)
    client = clients["reader"]
    refused = client.post("/account/backup-codes/", {"code": old[0]}, follow=True)
    assert "not a backup code" in refused.content.decode()
    time.sleep(1.1)  # the failed code throttles the device for a second
    page = client.post(
        "/account/backup-codes/", {"code": totp_code(web_users["reader"].device)}, follow=True
    )
    codes = re.findall(r"<li><code>(\w+)</code></li>", page.content.decode())
    assert len(codes) == 10 and not set(codes) & set(old)


def test_a_password_reset_link_sets_a_new_password_then_asks_for_the_code(
    web_users: dict[str, WebUser], clients: dict[str, Any]
) -> None:
    signer = web_users["signer"]
    page = clients["admin"].post(f"/users/{signer.user.pk}/password-reset/").content.decode()
    assert "Password reset link for signer" in page
    path = page.split('id="invite-link">')[1].split("<")[0].removeprefix("http://testserver")
    client = Client()
    assert "New password for signer" in client.get(path).content.decode()
    response = client.post(
        path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/login/code/"
    assert User.objects.get(username="signer").check_password(NEW_PASSWORD)
    assert client.post("/login/code/", {"code": totp_code(signer.device)})["Location"] == "/"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"user.password-reset-link", "user.password-reset"} <= actions
    assert Client().get(path).status_code == 410
