"""Second factor: TOTP enrolment (QR code and secret), one-time backup codes, verification."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import segno
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django_otp.models import Device

BACKUP_CODES = 10
"""One-time backup codes issued at enrolment (each works once, for a lost phone)."""

TOTP_NAME = "authenticator app"
BACKUP_NAME = "backup codes"


def has_confirmed_totp(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user has finished TOTP enrolment."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_totp(user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled, created with a fresh secret if none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The device's secret as authenticator apps take it typed in (base32, no padding)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL of the device as an inline SVG QR code (no script, no image file)."""
    qr = segno.make(device.config_url, error="m")
    svg: str = qr.svg_inline(scale=5, dark="#000", light="#fff", title="TOTP enrolment QR code")
    return svg


def confirm_totp(device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment when `token` is the device's current code."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def issue_backup_codes(user: AbstractBaseUser) -> list[str]:
    """Replace the user's backup codes with `BACKUP_CODES` new ones, returned once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify_code(user: AbstractBaseUser, token: str) -> Device | None:
    """The device (TOTP or backup codes) that accepts `token`, consuming a backup code."""
    cleaned = token.strip().replace(" ", "").replace("-", "")
    if not cleaned:
        return None
    device: Device | None = match_token(user, cleaned)
    return device


def verify_totp(user: AbstractBaseUser, token: str) -> TOTPDevice | None:
    """The confirmed TOTP device when `token` is its current code (backup codes untouched)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    cleaned = token.strip().replace(" ", "")
    return device if device is not None and cleaned and device.verify_token(cleaned) else None


def reset_mfa(user: AbstractBaseUser) -> None:
    """Remove every device of the user: the next sign-in enrols afresh."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
