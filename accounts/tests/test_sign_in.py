"""Sign-in: password, second factor, lock-out, bans, initial passwords, trusted addresses."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import SecurityEvent, SignInThrottle, TrustedNetwork, User
from accounts.roles import Role
from accounts.tests.helpers import current_totp, force_login_verified

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def sign_in(client, login, password, **extra):
    return client.post(reverse("account_login"), {"login": login, "password": password}, **{**EN, **extra})


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="totp", confirmed=True)


def events(kind, **filters):
    return SecurityEvent.objects.filter(event=kind, **filters)


@pytest.mark.req("DSM80-27.4")
@pytest.mark.req("DSM80-27.7")
@pytest.mark.req("DSM39-4.4")
def test_staff_sign_in_takes_a_password_and_then_a_code_from_the_app(client, make_user, password):
    doctor = make_user(Role.DOCTOR)
    device = enrolled(doctor)

    response = sign_in(client, doctor.username, password)
    assert response.status_code == 302
    # Signed in with the password only, every page leads to the second step.
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_verify"))

    response = client.post(reverse("accounts:mfa_verify") + "?next=/", {"code": current_totp(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert events("sign_in", user=doctor).exists() and events("mfa_verified", user=doctor).exists()


@pytest.mark.req("DSM80-27.4")
def test_the_e_mail_works_as_the_login_too(client, make_user, password):
    registrar = make_user(Role.REGISTRAR)
    enrolled(registrar)
    assert sign_in(client, registrar.email, password).status_code == 302
    assert client.session["_auth_user_id"] == str(registrar.pk)


@pytest.mark.req("DSM80-27.4")
def test_staff_without_a_second_factor_must_enrol_one_before_anything_else(client, make_user, password):
    nurse = make_user(Role.NURSE)
    sign_in(client, nurse.username, password)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:mfa_enrol"))

    page = client.get(reverse("accounts:mfa_enrol"), **EN)
    content = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in content  # the QR code is inline, from this server
    device = TOTPDevice.objects.get(user=nurse, confirmed=False)
    wrong = client.post(reverse("accounts:mfa_enrol"), {"code": "000000"}, **EN)
    assert "does not match" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()

    response = client.post(reverse("accounts:mfa_enrol"), {"code": current_totp(device)}, **EN)
    assert response.status_code == 200 and "backup-codes" in response.content.decode()
    assert TOTPDevice.objects.get(user=nurse).confirmed
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.req("DSM80-27.4")
def test_a_patient_may_sign_in_without_a_second_factor(client, make_user, password):
    patient = make_user(Role.PATIENT)
    sign_in(client, patient.username, password)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.req("DSM80-27.4")
def test_a_backup_code_works_once(client, make_user, password):
    from accounts.mfa import issue_backup_codes

    doctor = make_user(Role.DOCTOR)
    enrolled(doctor)
    code = issue_backup_codes(doctor)[0]
    sign_in(client, doctor.username, password)
    assert client.post(reverse("accounts:mfa_verify"), {"code": code[:5] + "-" + code[5:]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    other = Client()
    sign_in(other, doctor.username, password)
    response = other.post(reverse("accounts:mfa_verify"), {"code": code}, **EN)
    assert response.status_code == 200 and "not right" in response.content.decode()


@pytest.mark.req("DSM80-27.5")
@pytest.mark.req("DSM80-27.7")
def test_repeated_wrong_passwords_lock_the_account_with_back_off_even_for_the_right_password(
    client, make_user, password, settings
):
    settings.ACCOUNTS_LOCKOUT = {"account_threshold": 3, "base_seconds": 60}
    doctor = make_user(Role.DOCTOR)
    for _ in range(2):
        response = sign_in(client, doctor.username, "wrong-password-1")
        assert "_auth_user_id" not in client.session and "locked" not in response.content.decode().lower()
    response = sign_in(client, doctor.username, "wrong-password-1")
    assert "Too many failed sign-in attempts for this account" in response.content.decode()

    response = sign_in(client, doctor.username, password)
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-in attempts for this account" in response.content.decode()
    assert events("sign_in_failed", user=doctor).count() == 3
    assert events("locked_out", user=doctor).count() == 1
    assert events("sign_in_refused", user=doctor, details__rule="lockout").exists()

    # Back-off: each further failure doubles the lock.
    throttle = SignInThrottle.objects.get(scope="account", key=f"user:{doctor.pk}")
    first_lock = throttle.locked_until - throttle.last_failure_at
    SignInThrottle.objects.filter(pk=throttle.pk).update(locked_until=timezone.now())
    sign_in(client, doctor.username, "wrong-password-1")
    throttle.refresh_from_db()
    assert throttle.locked_until - throttle.last_failure_at == 2 * first_lock

    # Once the lock runs out, the right password works and the count starts again.
    SignInThrottle.objects.filter(pk=throttle.pk).update(locked_until=timezone.now())
    enrolled(doctor)
    sign_in(client, doctor.username, password)
    assert client.session["_auth_user_id"] == str(doctor.pk)


@pytest.mark.req("DSM80-27.5")
def test_failures_from_one_address_lock_that_address_for_every_account(client, make_user, password, settings):
    settings.ACCOUNTS_LOCKOUT = {"account_threshold": 100, "address_threshold": 3}
    victim = make_user(Role.REGISTRAR)
    for n in range(3):
        sign_in(client, f"nobody{n}", "wrong-password-1", REMOTE_ADDR="198.51.100.7")
    response = sign_in(client, victim.username, password, REMOTE_ADDR="198.51.100.7")
    assert "from this address" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    sign_in(client, victim.username, password, REMOTE_ADDR="198.51.100.8")
    assert client.session["_auth_user_id"] == str(victim.pk)


@pytest.mark.req("DSM80-27.4")
@pytest.mark.req("DSM80-27.5")
def test_wrong_codes_count_towards_the_lock_out_and_end_the_session(client, make_user, password, settings):
    settings.ACCOUNTS_LOCKOUT = {"account_threshold": 3}
    doctor = make_user(Role.DOCTOR)
    enrolled(doctor)
    sign_in(client, doctor.username, password)
    client.post(reverse("accounts:mfa_verify"), {"code": "111111"}, **EN)
    client.post(reverse("accounts:mfa_verify"), {"code": "222222"}, **EN)
    response = client.post(reverse("accounts:mfa_verify"), {"code": "333333"}, **EN)
    assert response.status_code == 403 and "Too many failed" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert events("mfa_failed", user=doctor).count() == 3
    assert "Too many failed" in sign_in(client, doctor.username, password).content.decode()


@pytest.mark.req("DSM80-22.6")
@pytest.mark.req("DSM80-27.7")
def test_a_banned_user_is_refused_with_the_reason_until_the_ban_is_lifted(client_as, make_user, password):
    admin = client_as(Role.ADMINISTRATOR)
    client = Client()
    doctor = make_user(Role.DOCTOR)
    enrolled(doctor)
    doctors_session = force_login_verified(Client(), doctor)
    assert doctors_session.get(reverse("home")).status_code == 200

    until = timezone.localtime() + datetime.timedelta(days=2)
    response = admin.post(
        reverse("accounts:user_ban", kwargs={"uuid": doctor.uuid}),
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Investigation of an incident"},
    )
    assert response.status_code == 302
    doctor.refresh_from_db()
    assert doctor.is_banned()
    assert events("banned", user=doctor, actor=admin.user, details__reason="Investigation of an incident").exists()

    # The session the doctor had is over, and a new sign-in is refused saying why and until when.
    assert doctors_session.get(reverse("home")).status_code == 302
    response = sign_in(client, doctor.username, password)
    content = response.content.decode()
    assert "suspended until" in content and "Investigation of an incident" in content
    assert "_auth_user_id" not in client.session

    response = admin.post(reverse("accounts:user_unban", kwargs={"uuid": doctor.uuid}))
    assert response.status_code == 302
    sign_in(client, doctor.username, password)
    assert client.session["_auth_user_id"] == str(doctor.pk)
    assert events("unbanned", user=doctor).exists()


@pytest.mark.req("DSM80-22.6")
def test_a_ban_must_end_in_the_future_and_have_a_reason(client_as, make_user):
    admin = client_as(Role.ADMINISTRATOR)
    doctor = make_user(Role.DOCTOR)
    response = admin.post(
        reverse("accounts:user_ban", kwargs={"uuid": doctor.uuid}),
        {"until": "2001-01-01T10:00", "reason": ""},
        **EN,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "must be in the future" in content and "This field is required" in content
    doctor.refresh_from_db()
    assert doctor.banned_until is None


@pytest.mark.req("DSM80-22.7")
@pytest.mark.req("DSM80-22.8")
def test_an_initial_password_must_be_changed_at_first_sign_in_by_the_rules(client, org):
    admin = User.objects.create(username="chief", organisation=org.organisation)
    user, initial = services.user_create(
        actor=admin,
        organisation=org.organisation,
        roles=[],
        username="newdoc",
        last_name="Серикова",
        first_name="Алия",
        email="newdoc@test.mis.local",
    )
    assert user.must_change_password and len(initial) >= 12

    sign_in(client, "newdoc", initial)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:password_change"))

    url = reverse("accounts:password_change")
    weak = client.post(url, {"new_password1": "short1", "new_password2": "short1"}, **EN)
    assert "at least 12 characters" in weak.content.decode()
    reused = client.post(url, {"new_password1": initial, "new_password2": initial}, **EN)
    assert "used this password recently" in reused.content.decode()
    assert events("password_rejected", user=user).count() == 2

    response = client.post(url, {"new_password1": "Steppe-Eagle-2026!", "new_password2": "Steppe-Eagle-2026!"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Steppe-Eagle-2026!")
    assert events("password_changed", user=user, details__initial=True).exists()
    # Staff: the second factor is enrolled next.
    assert client.get(reverse("home"))["Location"].startswith(reverse("accounts:mfa_enrol"))


@pytest.mark.req("DSM80-22.8")
def test_the_last_five_passwords_cannot_be_chosen_again(client_as):
    client = client_as(Role.PATIENT)
    user = client.user
    passwords = [f"Kazakh-Steppe-{n}-Wind" for n in range(6)]
    for new in passwords:
        services.password_change(user=user, new_password=new)
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for recent in passwords[-5:]:
        with pytest.raises(ValidationError):
            validate_password(recent, user)
    validate_password(passwords[0], user)  # the sixth back is allowed again


@pytest.mark.req("DSM80-22.8")
def test_a_user_changes_their_own_password_with_the_old_one_and_stays_signed_in(client_as, password):
    client = client_as(Role.DOCTOR)
    url = reverse("accounts:password_change")
    response = client.post(
        url,
        {
            "old_password": "not-it",
            "new_password1": "Snow-Leopard-4242",
            "new_password2": "Snow-Leopard-4242",
        },
        **EN,
    )
    assert "old password was entered incorrectly" in response.content.decode()
    response = client.post(
        url,
        {
            "old_password": password,
            "new_password1": "Snow-Leopard-4242",
            "new_password2": "Snow-Leopard-4242",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.req("DSM80-22.8")
@pytest.mark.req("DSM80-22.7")
def test_an_administrator_resets_a_password_and_every_session_of_the_user_ends(client_as, make_user):
    admin = client_as(Role.ADMINISTRATOR)
    nurse = make_user(Role.NURSE)
    nurses_session = force_login_verified(Client(), nurse)
    response = admin.post(reverse("accounts:user_password_reset", kwargs={"uuid": nurse.uuid}))
    assert response.status_code == 302
    page = admin.get(response["Location"])
    new_password = page.context["initial_password"]
    assert new_password and 'data-testid="initial-password"' in page.content.decode()
    assert admin.get(response["Location"]).context["initial_password"] is None  # shown once
    nurse.refresh_from_db()
    assert nurse.must_change_password and nurse.check_password(new_password)
    assert nurses_session.get(reverse("home")).status_code == 302
    assert events("password_reset", user=nurse, actor=admin.user).exists()


@pytest.mark.req("DSM80-27.5")
def test_sign_out_everywhere_ends_every_session(client_as):
    client = client_as(Role.DOCTOR)
    other = force_login_verified(Client(), client.user)
    response = client.post(reverse("accounts:sign_out_everywhere"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert other.get(reverse("home")).status_code == 302
    assert events("sign_out_everywhere", user=client.user).exists()


@pytest.mark.req("DSM80-28.1")
@pytest.mark.req("DSM80-27.7")
def test_staff_are_refused_from_outside_the_trusted_ranges_ipv4_and_ipv6(client_as, org, make_user, settings):
    client = client_as(Role.DOCTOR)
    TrustedNetwork.objects.create(organisation=org.organisation, network="192.0.2.0/24")
    TrustedNetwork.objects.create(organisation=org.organisation, network="2001:db8::/32")
    org.organisation.restrict_to_trusted_networks = True
    org.organisation.save()

    assert client.get(reverse("home"), REMOTE_ADDR="192.0.2.10").status_code == 200
    assert client.get(reverse("home"), REMOTE_ADDR="2001:db8::1").status_code == 200
    assert client.get(reverse("home"), REMOTE_ADDR="::ffff:192.0.2.11").status_code == 200
    response = client.get(reverse("home"), REMOTE_ADDR="203.0.113.5", **EN)
    assert response.status_code == 403 and "203.0.113.5" in response.content.decode()
    event = SecurityEvent.objects.get(event="trusted_network_refused")
    assert event.ip == "203.0.113.5" and event.user == client.user

    # Patients are not staff: the restriction does not apply to them.
    patient = force_login_verified(Client(), make_user(Role.PATIENT))
    assert patient.get(reverse("home"), REMOTE_ADDR="203.0.113.5").status_code == 200


@pytest.mark.req("DSM80-28.1")
def test_the_address_comes_from_x_forwarded_for_only_behind_the_configured_proxy(client_as, org, settings):
    client = client_as(Role.REGISTRAR)
    TrustedNetwork.objects.create(organisation=org.organisation, network="192.0.2.0/24")
    org.organisation.restrict_to_trusted_networks = True
    org.organisation.save()

    settings.TRUSTED_PROXY = ""
    spoofed = client.get(reverse("home"), REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.10")
    assert spoofed.status_code == 403  # a header from anyone is not believed

    client = client_as(Role.REGISTRAR)
    settings.TRUSTED_PROXY = "10.1.1.1"
    forwarded = client.get(reverse("home"), REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10")
    assert forwarded.status_code == 200
    spoofed_through_proxy = client.get(
        reverse("home"), REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.10, 203.0.113.9"
    )
    assert spoofed_through_proxy.status_code == 403


@pytest.mark.req("DSM80-28.1")
def test_the_administrator_cannot_switch_the_restriction_on_from_an_untrusted_address(client_as, org):
    admin = client_as(Role.ADMINISTRATOR)
    url = reverse("accounts:trusted_networks")
    response = admin.post(url, {"action": "add", "network": "not-an-address"}, **EN)
    assert "Enter an address or a range" in response.content.decode()
    admin.post(url, {"action": "add", "network": "192.0.2.7/24", "description": "Main building"})
    assert list(TrustedNetwork.objects.values_list("network", flat=True)) == ["192.0.2.0/24"]

    response = admin.post(url, {"action": "enable"}, REMOTE_ADDR="203.0.113.1", **EN)
    assert response.status_code == 400 and "lock yourself out" in response.content.decode()
    org.organisation.refresh_from_db()
    assert not org.organisation.restrict_to_trusted_networks
    assert admin.post(url, {"action": "enable"}, REMOTE_ADDR="192.0.2.1").status_code == 302
    org.organisation.refresh_from_db()
    assert org.organisation.restrict_to_trusted_networks
    assert events("trusted_networks_changed", details__enabled=True).exists()


@pytest.mark.req("DSM80-22.8")
def test_allauths_password_page_follows_the_same_rules_and_journal(client_as, password):
    client = client_as(Role.NURSE)
    url = reverse("account_change_password")
    reused = client.post(url, {"oldpassword": password, "password1": password, "password2": password}, **EN)
    assert "used this password recently" in reused.content.decode()
    client.post(url, {"oldpassword": password, "password1": "Snow-Leopard-4242", "password2": "Snow-Leopard-4242"})
    assert events("password_changed", user=client.user).exists()
    assert client.user.password_history.count() == 1
