"""The personal cabinet's sections (DSM39-4.12) and whose cabinet is open.

Each app adds its own section (appointments, documents, readings, "who accessed my data", ...) from its
AppConfig.ready():

    register_section(CabinetSection("appointments", _("Appointments"), "scheduling:my_appointments", 20))

The section's page finds the person through `cabinet_patient(request)`: the patient themself or a person
they legally represent, as chosen with the cabinet's switcher. It never takes a patient id from the URL,
so a patient cannot open another patient's cabinet by editing an address.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext

from .models import Patient

SESSION_KEY = "cabinet_patient"


@dataclass(frozen=True)
class CabinetSection:
    key: str
    title: str
    url_name: str
    order: int = 100
    # `summary(patient)`: one line for the cabinet's overview ("2 unread", "next on 06.12 10:30"), or "".
    # One cheap query at most: the overview calls every section's.
    summary: Callable[[Patient], str] | None = None


_sections: dict[str, CabinetSection] = {}
_representation_providers: list[Callable[[object], Q]] = []


def register_section(section: CabinetSection) -> None:
    _sections[section.key] = section


def sections() -> list[CabinetSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def register_representation(provider: Callable[[object], Q]) -> None:
    """`provider(user)` gives a Q over Patient for the persons that user legally represents."""
    _representation_providers.append(provider)


def cabinet_patients(user) -> QuerySet[Patient]:
    """The persons whose cabinet `user` may open: their own record and those they represent."""
    if not user.is_authenticated:
        return Patient.objects.none()
    q = Q(user=user)
    for provider in _representation_providers:
        q |= provider(user)
    return Patient.objects.filter(q).distinct().order_by("last_name", "first_name")


def cabinet_patient(request) -> Patient | None:
    """The person whose cabinet is open in this session; their own record unless they switched."""
    patients = cabinet_patients(request.user)
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        patient = patients.filter(pk=chosen).first()
        if patient is not None:
            return patient
    own = patients.filter(user=request.user).first()
    return own or patients.first()


def cabinet_switch(request, patient_pk: int) -> Patient | None:
    """Open the cabinet of another person the user represents; None when they may not."""
    patient = cabinet_patients(request.user).filter(pk=patient_pk).first()
    if patient is not None:
        request.session[SESSION_KEY] = patient.pk
    return patient


def next_on(moment) -> str:
    """A summary line for the next appointment or session, in the clinic's time zone and the digits every
    page uses."""
    when = formats.date_format(timezone.localtime(moment), "d.m.Y H:i")
    return gettext("Next: %(when)s") % {"when": when}


def section_summaries(patient: Patient) -> list[tuple[CabinetSection, str]]:
    """Every section with its one-line summary of this person's data, for the overview."""
    return [(section, section.summary(patient) if section.summary else "") for section in sections()]


def cabinet_context(request, patient: Patient | None) -> dict:
    """What the cabinet's layout (templates/patients/cabinet/layout.html) needs: the sections, the persons
    the user may switch between and the one whose cabinet is open. Section views add it to their context."""
    return {
        "cabinet_sections": sections(),
        "cabinet_persons": list(cabinet_patients(request.user)),
        "cabinet_patient": patient,
    }
