"""The second factor (DSM80-27.4) with django-otp: a TOTP app enrolled by QR code, and one-time backup
codes. Required for staff, optional for patients (once a patient enrols, it is required for them too).

Second factors are listed in SECOND_FACTORS; the EDS-certificate factor (the EDS issue) registers itself
there with the URL of its own verification page, and the verify page offers every registered factor.
"""

import base64
import io
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
BACKUP_CODE_LENGTH = 10
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes
TOTP_DEVICE_NAME = "totp"
BACKUP_DEVICE_NAME = "backup"


@dataclass(frozen=True)
class SecondFactor:
    code: str
    label: object
    url_name: str  # the page that verifies this factor; "" for the codes typed on the verify page


SECOND_FACTORS: list[SecondFactor] = [
    SecondFactor("totp", _("Code from the authenticator app"), ""),
    SecondFactor("backup", _("Backup code"), ""),
]


def register_second_factor(factor: SecondFactor) -> None:
    if all(existing.code != factor.code for existing in SECOND_FACTORS):
        SECOND_FACTORS.append(factor)


def has_second_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled, created on first call and kept until confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def base32_key(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG QR code, inline as a data: URI (nothing leaves the server)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def verify_code(user, code: str):
    """The device that accepts the code (TOTP, then backup codes), or None. Each device's own throttling
    applies; a backup code is spent by its use."""
    code = "".join(code.split()).replace("-", "").lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            # Each kind sees only codes of its own shape, so that a backup code does not count as a
            # failed TOTP code (which would slow the app's next code down by django-otp's throttling).
            if isinstance(device, TOTPDevice) and not (code.isdigit() and len(code) == device.digits):
                continue
            if isinstance(device, StaticDevice) and len(code) != BACKUP_CODE_LENGTH:
                continue
            if device.verify_token(code):
                return device
    return None


@transaction.atomic
def confirm_totp(device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with the first code from the app; other TOTP devices of the user are removed."""
    if not device.verify_token("".join(code.split())):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


@transaction.atomic
def issue_backup_codes(user) -> list[str]:
    """A fresh set of one-time backup codes; the earlier set stops working. The page shows them once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = ["".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_CODE_LENGTH)) for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def format_backup_code(code: str) -> str:
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def remaining_backup_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
