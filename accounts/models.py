import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from mis.models import BaseModel, LocalizedNameModel

from .choices import AccessLevel, Outcome, SecurityEventType


class Organisation(BaseModel, LocalizedNameModel):
    """A medical organisation (медицинская организация): the root of the organisation tree."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    bin = models.CharField(_("BIN"), max_length=12, blank=True)
    oid = models.CharField(_("OID"), max_length=128, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Almaty")
    restrict_to_trusted_networks = models.BooleanField(_("staff may work only from trusted addresses"), default=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("manage_users", _("Can manage users")),
            ("manage_roles", _("Can manage roles")),
            ("view_security_events", _("Can view the security-event journal")),
            ("manage_trusted_networks", _("Can manage trusted addresses")),
        ]


class Department(BaseModel, LocalizedNameModel):
    """A department (отделение) of an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=32)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="department_code_unique")]


class Site(BaseModel, LocalizedNameModel):
    """A primary-care site (участок) of a department."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="sites")
    code = models.CharField(_("code"), max_length=32)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [models.UniqueConstraint(fields=["department", "code"], name="site_code_unique")]


class User(AbstractUser):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    iin = models.CharField(_("IIN"), max_length=12, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    preferred_language = models.CharField(_("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ru")
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=False)
    banned_until = models.DateTimeField(_("banned until"), null=True, blank=True)
    ban_reason = models.TextField(_("reason for the ban"), blank=True)
    working_hours_restricted = models.BooleanField(_("sign-in only during working hours"), default=False)
    # Part of the session hash: a new value signs the user out of every session ("sign out everywhere").
    session_token = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["iin"], condition=~Q(iin=""), name="user_iin_unique"),
        ]

    def _get_session_auth_hash(self, secret=None):
        key_salt = "accounts.User.get_session_auth_hash"
        return salted_hmac(key_salt, f"{self.password}:{self.session_token}", secret=secret, algorithm="sha256").hexdigest()

    def is_banned(self, at=None) -> bool:
        return self.banned_until is not None and self.banned_until > (at or timezone.now())

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)

    def active_role_assignments(self):
        """The user's role assignments, with role and unit loaded, cached on the instance."""
        if not hasattr(self, "_role_assignments"):
            from .rolecache import role_access

            self._role_assignments = role_access(self, self._load_role_access)["roles"]
        return self._role_assignments

    def _load_role_access(self) -> dict:
        from django.contrib.auth import get_backends

        from .backends import RoleBackend

        roles = list(
            self.role_assignments.select_related("role", "role__profile", "organisation", "department", "site").order_by(
                "pk"
            )
        )
        backend = next(b for b in get_backends() if isinstance(b, RoleBackend))
        return {"roles": roles, "permissions": backend.load_group_permissions(self)}

    def role_names(self) -> set[str]:
        return {assignment.role.name for assignment in self.active_role_assignments()}


class RoleAssignment(BaseModel):
    """A role held by a user within one unit of the organisation tree.

    The unit is the most specific of organisation, department and site that is set; a role on a
    department covers its sites (DSM80-27.6).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="role_assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "department", "site"],
                nulls_distinct=False,
                name="role_assignment_unique",
            ),
        ]

    def __str__(self) -> str:
        unit = self.site or self.department or self.organisation
        return f"{self.role.name} @ {unit}"


class RoleProfile(BaseModel):
    """What a role (a Django group) means beyond its permissions: its access level to patients' data
    (DSM80-10) and whether its holders are staff (second factor required, trusted addresses apply)."""

    role = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="profile")
    access_level = models.CharField(
        _("access to patients' data"), max_length=20, choices=AccessLevel.choices, default=AccessLevel.NONE
    )
    is_staff_role = models.BooleanField(
        _("staff role"),
        default=True,
        help_text=_("Holders must use a second factor and, where switched on, work from trusted addresses."),
    )
    # The built-in default permissions this role has been given once: a permission added to the defaults
    # later (a new app) reaches existing roles, one an administrator removed is not given back.
    offered_defaults = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("role profile")
        verbose_name_plural = _("role profiles")


class WorkingHours(BaseModel):
    """One weekly window in which a user may work (DSM80-22.1), in the organisation's time zone.

    An end before the start crosses midnight: Monday 22:00–06:00 runs into Tuesday morning. An end of
    00:00 means midnight at the end of the day.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday"),
            models.CheckConstraint(condition=~Q(start=models.F("end")), name="working_hours_not_empty"),
        ]


class WorkingHoursException(BaseModel):
    """A date on which the weekly windows do not apply: a day off (no times) or other hours."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="working_hours_exceptions")
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("working hours exception")
        verbose_name_plural = _("working hours exceptions")
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start__isnull=True) & Q(end__isnull=True))
                | (Q(start__isnull=False) & Q(end__isnull=False) & ~Q(start=models.F("end"))),
                name="working_hours_exception_times",
            ),
        ]


class TrustedNetwork(BaseModel):
    """An address range (CIDR, IPv4 or IPv6) from which an organisation's staff may work (DSM80-28.1)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="trusted_networks")
    network = models.CharField(_("address range"), max_length=64)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("trusted address range")
        verbose_name_plural = _("trusted address ranges")
        ordering = ["network"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "network"], name="trusted_network_unique"),
        ]

    def __str__(self) -> str:
        return self.network


class PasswordHistory(models.Model):
    """The hashes of a user's earlier passwords, so that a recent one is not chosen again."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"


class SignInThrottle(models.Model):
    """Failed sign-in attempts for one account or one address, and the lock they have earned."""

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("account")
        ADDRESS = "address", _("address")

    id = models.BigAutoField(primary_key=True)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=255)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="sign_in_throttle_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class SecurityEvent(models.Model):
    """One entry of the security-event journal (DSM80-27.7). Written only by accounts.journal."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=32, choices=SecurityEventType.choices, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="security_events",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=255, blank=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=300, blank=True)
    ip = models.CharField(_("address"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    flagged = models.BooleanField(_("needs the security officer's attention"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security-event journal")
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        indexes = [models.Index(fields=["user", "-created_at"], name="security_event_user_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event} {self.username}"


class EmergencyAccess(BaseModel):
    """Break-the-glass: time-limited access to one patient's full record, with a stated reason."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="emergency_accesses")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="emergency_accesses")
    reason = models.TextField(_("reason"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        permissions = [("use_emergency_access", _("Can open a patient's record in an emergency"))]
        default_permissions = ()
        indexes = [models.Index(fields=["user", "patient", "expires_at"], name="emergency_access_lookup")]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="emergency_access_reason")]
