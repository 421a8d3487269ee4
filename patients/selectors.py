"""Reads of the patients app, always from the patients the user may see."""

import re

from django.db.models import Q
from django.db.models.functions import Upper

from accounts.access import can_access_patient, patients_visible_to

from .models import Patient, search_name_expression

SEARCH_LIMIT = 20
_PHONE_CHARS = re.compile(r"[\s()\-]")


def patient_search(user, query: str, *, limit: int = SEARCH_LIMIT) -> list[Patient]:
    """One search box: a full IIN or its first digits, a surname or "surname name" fragment, or a phone.

    At most `limit` active patients in alphabetical order, in one query (plus the user's role
    assignments, loaded once). The query has no ORDER BY, so that the index scan stops at the first
    `limit` matches however many there are; ask for one more than you show to know that there are more.
    """
    query = " ".join(query.split())
    if len(query) < 2:
        return []
    compact = _PHONE_CHARS.sub("", query)
    if compact.startswith("+") and compact[1:].isdigit():
        condition = Q(phone__startswith=compact)
    elif compact.isdigit():
        condition = Q(iin=compact) if len(compact) == 12 else Q(iin__startswith=compact)
        if len(compact) >= 10 and compact[0] in "78":
            condition |= Q(phone__startswith="+7" + compact[1:])
    elif " " in query:
        condition = Q(search_name__contains=query.upper())
    else:
        condition = Q(last_name_upper__contains=query.upper())
    # The same expressions as the trigram indexes, so that the planner uses them.
    visible = (
        patients_visible_to(user)
        .filter(is_active=True)
        .alias(search_name=search_name_expression(), last_name_upper=Upper("last_name"))
    )
    found = visible.filter(condition).select_related("site")[:limit]
    return sorted(found, key=lambda p: (p.last_name, p.first_name, p.birth_date, p.pk))


def patient_for_staff(user, uuid) -> Patient | None:
    """The patient with this UUID when the user may see them, else None. Fetched by its key and then
    checked: most staff reach a patient through their unit, which needs no query, where filtering through
    every way a user may reach a patient costs more to build and plan than to run."""
    try:
        patient = Patient.objects.select_related("site", "organisation").get(uuid=uuid)
    except Patient.DoesNotExist:
        return None
    return patient if can_access_patient(user, patient) else None
