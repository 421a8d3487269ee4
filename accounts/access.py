"""Who may see which patient's data, and how much of it (DSM80-10, DSM80-27.6).

The one service-level check that every view, API and service uses before reading a patient's data:

    can_access_patient(user, patient, level) -> bool
    patients_visible_to(user, level=AccessLevel.DEMOGRAPHICS) -> QuerySet[Patient]
    require_patient_access(user, patient, level)   # Http404 when the patient is not visible at all,
                                                     # PermissionDenied when visible but not at this level
    access_level_for(user, patient) -> AccessLevel

A user reaches a patient through any of:

1. their roles: a role held in the patient's organisation, department (patient.site.department) or site
   (patient.site) opens the level set on the role (RoleProfile.access_level); a role on an organisation
   covers all its departments and sites, a role on a department all its sites;
2. a registered *patient relation*: a function (user) -> Q over patients.Patient, registered by any app
   with `register_patient_relation`. Built in: "self" (patient.user is the user, full record). The
   patients app registers legal representatives (suggested name "legal_representative", a Q such as
   `Q(legal_representatives__user=user)`, level FULL_RECORD); scheduling, telemed and monitoring register
   the treating clinician of an appointment, a remote session or a monitoring plan with level=None,
   which means "the user's own highest staff-role level";
3. an active emergency ("break-the-glass") access, granted by accounts.services.emergency_access_grant
   with a reason, time-limited, journaled and flagged to the security officer: full record.

Register relations in your AppConfig.ready():

    from accounts.access import register_patient_relation
    register_patient_relation("treating_appointment", lambda user: Q(appointments__clinician=user))
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import AccessLevel, highest_level, level_covers


@dataclass(frozen=True)
class PatientRelation:
    name: str
    provider: Callable[[object], Q]
    level: str | None = None  # None: the user's highest staff-role level


_relations: dict[str, PatientRelation] = {}


def register_patient_relation(name: str, provider: Callable[[object], Q], *, level: str | None = None) -> None:
    """Let users related to a patient through `provider(user)` (a Q over Patient) see them at `level`."""
    _relations[name] = PatientRelation(name, provider, AccessLevel(level) if level else None)


def unregister_patient_relation(name: str) -> None:
    _relations.pop(name, None)


def patient_relations() -> list[PatientRelation]:
    return list(_relations.values())


register_patient_relation("self", lambda user: Q(user=user), level=AccessLevel.FULL_RECORD)


def _patient_model():
    from patients.models import Patient

    return Patient


def _role_level(assignment) -> str:
    profile = getattr(assignment.role, "profile", None)
    return profile.access_level if profile is not None else AccessLevel.NONE


def staff_level(user) -> str:
    """The user's highest access level over all the roles they hold, wherever they hold them."""
    return highest_level(_role_level(assignment) for assignment in user.active_role_assignments())


def _units_q(user, level: str) -> Q:
    organisations, departments, sites = set(), set(), set()
    for assignment in user.active_role_assignments():
        if not level_covers(_role_level(assignment), level):
            continue
        if assignment.site_id:
            sites.add(assignment.site_id)
        elif assignment.department_id:
            departments.add(assignment.department_id)
        else:
            organisations.add(assignment.organisation_id)
    q = Q(pk__in=[])
    if organisations:
        q |= Q(organisation_id__in=organisations)
    if departments:
        q |= Q(site__department_id__in=departments)
    if sites:
        q |= Q(site_id__in=sites)
    return q


def _relations_q(user, level: str) -> Q:
    q = Q(pk__in=[])
    own = None
    for relation in _relations.values():
        if relation.level is None:
            own = staff_level(user) if own is None else own
            relation_level = own
        else:
            relation_level = relation.level
        if level_covers(relation_level, level):
            # A subquery each: joining every relation's table into one query multiplies its rows and
            # costs more to plan than to run.
            q |= Q(pk__in=_patient_model().objects.filter(relation.provider(user)).values("pk"))
    if level_covers(AccessLevel.FULL_RECORD, level):
        from .models import EmergencyAccess

        q |= Q(pk__in=EmergencyAccess.objects.filter(user=user, expires_at__gt=timezone.now()).values("patient_id"))
    return q


def patients_visible_to(user, level: str = AccessLevel.DEMOGRAPHICS) -> QuerySet:
    """Every patient the user may see at `level` (each once)."""
    Patient = _patient_model()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Patient.objects.none()
    return Patient.objects.filter(_units_q(user, level) | _relations_q(user, level))


def _units_grant(user, patient, level: str) -> bool:
    for assignment in user.active_role_assignments():
        if not level_covers(_role_level(assignment), level):
            continue
        if assignment.site_id:
            if patient.site_id == assignment.site_id:
                return True
        elif assignment.department_id:
            if patient.site_id is not None and patient.site.department_id == assignment.department_id:
                return True
        elif patient.organisation_id == assignment.organisation_id:
            return True
    return False


def can_access_patient(user, patient, level: str = AccessLevel.DEMOGRAPHICS) -> bool:
    """True when the user may see this patient's data of this level."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    level = AccessLevel(level)
    if _units_grant(user, patient, level):
        return True
    return _patient_model().objects.filter(pk=patient.pk).filter(_relations_q(user, level)).exists()


def access_level_for(user, patient) -> AccessLevel:
    """The most the user may see of this patient."""
    for level in (AccessLevel.FULL_RECORD, AccessLevel.CLINICAL_SUMMARY, AccessLevel.DEMOGRAPHICS):
        if can_access_patient(user, patient, level):
            return level
    return AccessLevel.NONE


def require_patient_access(user, patient, level: str = AccessLevel.DEMOGRAPHICS) -> None:
    """Raise unless the user may see this patient's data of this level.

    A patient the user may not see at all is a 404, so that the refusal does not confirm they exist;
    one they may see, but not this much of, is a 403 that says why.
    """
    if can_access_patient(user, patient, level):
        return
    if level != AccessLevel.DEMOGRAPHICS and can_access_patient(user, patient, AccessLevel.DEMOGRAPHICS):
        raise PermissionDenied(
            _("Your role does not give access to this part of the patient's record (%(level)s).")
            % {"level": AccessLevel(level).label}
        )
    raise Http404(_("No such patient."))
