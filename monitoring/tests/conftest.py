import datetime

import pytest
from django.utils import timezone

from monitoring.services import plan_start, reading_record
from patients.tests.factories import PatientFactory

# Heart rate: no alert within 50–100, a warning outside it, critical below 40 or above 130.
HEART_RATE = {"indicator": "heart_rate", "warning_low": 50, "warning_high": 100, "critical_low": 40, "critical_high": 130}


class Team:
    """A treating doctor, a nurse of another department who carries out the monitoring, and their patient."""

    def start(self, **kwargs):
        kwargs.setdefault("monitoring_clinician", self.nurse)
        kwargs.setdefault("limits", [HEART_RATE])
        return plan_start(actor=self.doctor, patient=self.patient, **kwargs)

    def reading(self, value, *, indicator="heart_rate", actor=None, taken_at=None, source="manual_staff"):
        return reading_record(
            actor=actor or self.doctor,
            patient=self.patient,
            indicator=indicator,
            value=value,
            taken_at=taken_at or timezone.now() - datetime.timedelta(minutes=1),
            source=source,
        )


@pytest.fixture
def team(org, make_user):
    team = Team()
    team.org = org
    team.doctor = make_user("doctor", department=org.departments[0], email="doctor@example.kz", preferred_language="en")
    # The paediatrics department's nurse has no role over the therapy patient: only the plan opens them.
    team.nurse = make_user("nurse", department=org.departments[1], email="nurse@example.kz", preferred_language="ru")
    team.patient = PatientFactory(
        organisation=org.organisation,
        site=org.sites[0],
        phone="+77010000011",
        preferred_language="kk",
        user=make_user("patient"),
    )
    return team
