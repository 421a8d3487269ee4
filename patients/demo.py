"""Demo patients with valid IINs and Kazakh and Russian names, loaded in bulk with COPY."""

import datetime
import uuid
from collections.abc import Iterator

from django.db import connection, transaction
from django.utils import timezone

from .iin import make_iin
from .models import Patient
from .transliteration import to_latin

SURNAMES = [
    "Ахметов",
    "Нурланов",
    "Касымов",
    "Жумабаев",
    "Омаров",
    "Абдрахманов",
    "Сулейменов",
    "Тулегенов",
    "Искаков",
    "Бекмагамбетов",
    "Иванов",
    "Петров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Козлов",
    "Новиков",
    "Морозов",
    "Серикбаев",
    "Есенов",
    "Байжанов",
]
MALE_NAMES = [
    "Нурсултан",
    "Арман",
    "Ерлан",
    "Даурен",
    "Айдос",
    "Алибек",
    "Асхат",
    "Иван",
    "Сергей",
    "Дмитрий",
    "Алексей",
    "Андрей",
    "Тимур",
    "Марат",
]
FEMALE_NAMES = [
    "Айгерим",
    "Айжан",
    "Динара",
    "Гульнара",
    "Асель",
    "Жанар",
    "Мадина",
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Мария",
    "Дана",
    "Сауле",
]
FATHER_STEMS = ["Нурлан", "Серик", "Ерлан", "Марат", "Иван", "Болат", "Кайрат", "Петр", "Асхат"]

COLUMNS = (
    "uuid",
    "created_at",
    "updated_at",
    "organisation_id",
    "iin",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "phone",
    "email",
    "preferred_language",
    "site_id",
    "without_iin",
    "document_type",
    "document_number",
    "last_name_latin",
    "first_name_latin",
    "middle_name_latin",
    "citizenship",
    "registration_address",
    "actual_address",
    "phone_secondary",
    "insurance_status",
    "oid_identifier",
    "is_active",
)


def demo_identity(index: int) -> tuple[str, datetime.date, str]:
    """IIN, birth date and sex of demo patient number `index`: a pure function, so reruns never collide.

    Even numbers are men, odd ones women; birth dates spread over 1940–2022 by a permutation of the days;
    each (date, sex) pair gets blocks of ten serials and takes the first whose check digit can be issued.
    """
    pair, odd = divmod(index, 2)
    block, day_number = divmod(pair, 30000)
    sex = "F" if odd else "M"
    birth_date = datetime.date(1940, 1, 1) + datetime.timedelta(days=(day_number * 4999) % 30000)
    for attempt in range(10):
        iin = make_iin(birth_date, sex, block * 10 + attempt)
        if iin is not None:
            return iin, birth_date, sex
    raise AssertionError("ten consecutive serials cannot all be unissuable")


def _rows(context, start: int, count: int) -> Iterator[tuple]:
    now = timezone.now()
    sites = list(context.sites.values())
    for number in range(start, start + count):
        iin, birth_date, sex = demo_identity(number)
        surname = SURNAMES[number % len(SURNAMES)]
        stem = FATHER_STEMS[(number // 7) % len(FATHER_STEMS)]
        if sex == "M":
            first_name, patronymic = MALE_NAMES[number % len(MALE_NAMES)], f"{stem}ович"
        else:
            surname += "а"
            first_name, patronymic = FEMALE_NAMES[number % len(FEMALE_NAMES)], f"{stem}овна"
        yield (
            uuid.uuid4(),
            now,
            now,
            context.organisation.pk,
            iin,
            surname,
            first_name,
            patronymic,
            birth_date,
            sex,
            f"+7701{number % 10_000_000:07d}",
            "",
            "kk" if number % 3 == 0 else "ru",
            sites[number % len(sites)].pk,
            False,
            "",
            "",
            to_latin(surname),
            to_latin(first_name),
            to_latin(patronymic),
            "KZ",
            "г. Алматы",
            "",
            "",
            "insured" if number % 5 else "unknown",
            "",
            True,
        )


@transaction.atomic
def seed(context) -> None:
    existing = Patient.objects.filter(organisation=context.organisation).count()
    missing = context.patients - existing
    if missing > 0:
        with connection.cursor() as cursor:
            copy_sql = f"COPY patients_patient ({', '.join(COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in _rows(context, existing, missing):
                    copy.write_row(row)
            # Each demo patient's attachment to their site opens the attachment history.
            cursor.execute(
                "INSERT INTO patients_attachmenthistory (uuid, created_at, updated_at, patient_id, site_id, attached_at,"
                " reason) SELECT gen_random_uuid(), now(), now(), p.id, p.site_id, p.created_at, '' FROM patients_patient p"
                " WHERE p.organisation_id = %s AND p.site_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
                " patients_attachmenthistory a WHERE a.patient_id = p.id AND a.detached_at IS NULL)",
                [context.organisation.pk],
            )
        context.log.append(f"patients: {missing} added, {existing + missing} in all")
    demo_user = context.users.get("patient")
    if demo_user is not None and not Patient.objects.filter(user=demo_user).exists():
        patient = Patient.objects.filter(organisation=context.organisation, user__isnull=True).order_by("pk").first()
        if patient is not None:
            Patient.objects.filter(pk=patient.pk).update(
                user=demo_user,
                last_name=demo_user.last_name,
                first_name=demo_user.first_name,
                middle_name=demo_user.middle_name,
            )
