"""Test helpers shared by every app's tests (imported by the root conftest)."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def force_login_verified(client, user):
    """Sign the test client in as `user` with the second factor given, as after a real sign-in: a
    confirmed TOTP device is created for the user (once) and the session is marked verified with it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_totp(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now for this device (as a zero-padded string)."""
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + offset_steps,
    )
    return f"{code:0{device.digits}d}"
