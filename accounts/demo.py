from django.db import transaction
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from .mfa import TOTP_DEVICE_NAME, base32_key
from .models import Department, Organisation, Site, User
from .roles import Role
from .services import ensure_default_roles, role_assign

DEPARTMENTS = {
    "THER": ("Терапевтическое отделение", "Терапия бөлімшесі", "Therapy"),
    "PED": ("Педиатрическое отделение", "Педиатрия бөлімшесі", "Paediatrics"),
}
SITES = {"THER": ["01", "02", "03"], "PED": ["11", "12"]}

# role -> (username, surname, name, patronymic, department code or None for the whole organisation)
DEMO_USERS = {
    Role.ADMINISTRATOR: ("admin", "Сейткали", "Ерлан", "Маратович", None),
    Role.REGISTRAR: ("registrar", "Иванова", "Анна", "Петровна", None),
    Role.DOCTOR: ("doctor", "Ахметова", "Айгерим", "Нурлановна", "THER"),
    Role.NURSE: ("nurse", "Касымова", "Динара", "Ериковна", "THER"),
    Role.PATIENT: ("patient", "Омаров", "Арман", "Серикович", None),
    Role.PHARMACIST: ("pharmacist", "Смирнова", "Ольга", "Игоревна", None),
    Role.AUDITOR: ("auditor", "Жумабаев", "Даурен", "Асханович", None),
}


def demo_password(username: str) -> str:
    return f"{username.capitalize()}-Demo-2026"


@transaction.atomic
def seed(context) -> None:
    ensure_default_roles()
    organisation, _ = Organisation.objects.get_or_create(
        code="DEMO",
        defaults={
            "name_ru": "Городская поликлиника №1",
            "name_kk": "№1 қалалық емхана",
            "name_en": "City Polyclinic No. 1",
            "bin": "990340001234",
        },
    )
    context.organisation = organisation
    for code, (name_ru, name_kk, name_en) in DEPARTMENTS.items():
        department, _ = Department.objects.get_or_create(
            organisation=organisation,
            code=code,
            defaults={"name_ru": name_ru, "name_kk": name_kk, "name_en": name_en},
        )
        context.departments[code] = department
        for number in SITES[code]:
            site, _ = Site.objects.get_or_create(
                department=department,
                code=number,
                defaults={
                    "name_ru": f"Участок №{number}",
                    "name_kk": f"№{number} учаске",
                    "name_en": f"Site {number}",
                },
            )
            context.sites[number] = site
    context.log.append(gettext("Authenticator (TOTP) keys of the demo staff, for any TOTP app:"))
    for role, (username, last_name, first_name, middle_name, department_code) in DEMO_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                last_name=last_name,
                first_name=first_name,
                middle_name=middle_name,
                email=f"{username}@demo.mis.local",
                organisation=None if role == Role.PATIENT else organisation,
            )
            user.set_password(demo_password(username))
            user.save()
        role_assign(
            user=user,
            role=role,
            organisation=organisation,
            department=context.departments[department_code] if department_code else None,
        )
        context.users[role.value] = user
        context.passwords[username] = demo_password(username)
        if role != Role.PATIENT:
            device = demo_totp_device(user)
            context.log.append(f"  {username:<14} TOTP key {base32_key(device)}")


def demo_totp_device(user: User) -> TOTPDevice:
    """Staff sign in with a second factor: each demo staff member gets an enrolled authenticator whose
    key seed_demo prints (add it to any TOTP app), so that the demo is a real two-factor sign-in."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=True)
    return device
