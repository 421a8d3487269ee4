"""Reads of remote monitoring, always from what the user may see; each read of a patient's readings is
journaled here, so that no page can show them unrecorded."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import ngettext

from accounts.access import patients_visible_to
from accounts.models import User
from accounts.roles import Role
from audit.choices import AuditAction
from audit.services import record, record_many
from patients.choices import ConsentStatus
from patients.models import PersonalDataConsent

from .choices import MONITORING_LEVEL, AlertLevel, AlertStatus
from .models import Alert, MonitoringPlan, Reading

READINGS_PER_PAGE = 50
ALERTS_PER_PAGE = 50
CABINET_ALERTS = 20


def plans_visible_to(user) -> QuerySet[MonitoringPlan]:
    return MonitoringPlan.objects.filter(patient__in=patients_visible_to(user, MONITORING_LEVEL))


def alerts_visible_to(user) -> QuerySet[Alert]:
    return Alert.objects.filter(patient__in=patients_visible_to(user, MONITORING_LEVEL))


def monitored_by(user) -> QuerySet:
    """The ids of the patients whose active plan the user ordered or carries out."""
    return (
        MonitoringPlan.objects.active().filter(Q(ordering_doctor=user) | Q(monitoring_clinician=user)).values("patient_id")
    )


def monitoring_clinicians_for(user) -> QuerySet[User]:
    """Whom a doctor may name to carry out monitoring: the doctors and nurses of their organisations."""
    organisations = {assignment.organisation_id for assignment in user.active_role_assignments()}
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__organisation__in=organisations,
            role_assignments__role__name__in=[Role.DOCTOR, Role.NURSE],
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@dataclass
class PatientMonitoring:
    plans: list[MonitoringPlan]
    readings: Page
    alerts: list[Alert]


def _monitoring(
    *, user, patient, page, plans: QuerySet[MonitoringPlan], alerts: QuerySet[Alert], part: str
) -> PatientMonitoring:
    """The plans (of `plans`), a page of readings and the `alerts` of one patient, journaled as one view."""
    data = PatientMonitoring(
        plans=list(
            plans.filter(patient=patient)
            .select_related("ordering_doctor", "monitoring_clinician")
            .prefetch_related("limits")
            .order_by("status", "-started_on", "-pk")[:20]
        ),
        readings=Paginator(
            Reading.objects.filter(patient=patient).select_related("alert", "entered_by").order_by("-taken_at", "-pk"),
            READINGS_PER_PAGE,
        ).get_page(page),
        alerts=list(alerts),
    )
    fields = {"part": part, "page": data.readings.number}
    record(actor=user, action=AuditAction.VIEW, patient=patient, obj=patient, fields=fields)
    return data


def patient_monitoring(*, user, patient, page=None) -> PatientMonitoring:
    """A patient's plans, readings (newest first, a page at a time) and open alerts, for staff the caller
    has checked may see them; journaled as one view."""
    open_alerts = Alert.objects.filter(patient=patient, status=AlertStatus.OPEN).select_related(
        "reading", "plan__ordering_doctor"
    )
    return _monitoring(
        user=user,
        patient=patient,
        page=page,
        plans=MonitoringPlan.objects.all(),
        alerts=open_alerts.order_by("-created_at")[:100],
        part="monitoring",
    )


def cabinet_monitoring(*, user, patient, page=None) -> PatientMonitoring:
    """What the personal cabinet shows the patient or their representative: their active plans, their
    readings and their latest alerts, open or not; journaled as one view."""
    return _monitoring(
        user=user,
        patient=patient,
        page=page,
        plans=MonitoringPlan.objects.active(),
        alerts=Alert.objects.filter(patient=patient).select_related("reading").order_by("-created_at")[:CABINET_ALERTS],
        part="cabinet_monitoring",
    )


def _consent_not_needed(user) -> Q:
    """Alerts of the patients whose record the user's organisation may open without asking: its own
    patients (registered there or attached to one of its sites) and those who granted it consent — the
    query form of patients.consents.consent_required."""
    organisation = getattr(user, "organisation_id", None)
    if organisation is None:
        return Q()
    granted = PersonalDataConsent.objects.filter(organisation_id=organisation, status=ConsentStatus.GRANTED)
    return (
        Q(patient__organisation_id=organisation)
        | Q(patient__site__department__organisation_id=organisation)
        | Q(patient__in=granted.values("patient_id"))
    )


def clinician_alerts(*, user, page=None) -> Page:
    """The open alerts of the patients the user monitors, critical first, newest first; one journal entry
    per patient shown, written in one statement. Patients whose record needs a personal-data consent the
    organisation does not have are left out: their page asks for it (DSM80-25, DSM80-26)."""
    severity = Case(When(level=AlertLevel.CRITICAL, then=Value(0)), default=Value(1), output_field=IntegerField())
    alerts = (
        Alert.objects.filter(_consent_not_needed(user), status=AlertStatus.OPEN, patient__in=monitored_by(user))
        .select_related("reading", "patient", "plan__ordering_doctor", "plan__monitoring_clinician")
        .order_by(severity, "-created_at", "-pk")
    )
    shown = Paginator(alerts, ALERTS_PER_PAGE).get_page(page)
    patients = {alert.patient_id: alert.patient for alert in shown}
    record_many(
        actor=user,
        action=AuditAction.VIEW,
        entries=[
            {"patient": patient, "obj": patient, "fields": {"part": "monitoring_alerts"}} for patient in patients.values()
        ],
    )
    return shown


def open_alerts_summary(patient) -> str:
    """The cabinet overview's line: how many of the person's alerts no clinician has taken up yet."""
    count = Alert.objects.filter(patient=patient, status=AlertStatus.OPEN).count()
    return ngettext("%(count)s open alert", "%(count)s open alerts", count) % {"count": count} if count else ""
