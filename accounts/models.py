import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mis.models import BaseModel, LocalizedNameModel


class Organisation(BaseModel, LocalizedNameModel):
    """A medical organisation (медицинская организация): the root of the organisation tree."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    bin = models.CharField(_("BIN"), max_length=12, blank=True)
    oid = models.CharField(_("OID"), max_length=128, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Almaty")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("manage_users", _("Can manage users")),
            ("manage_roles", _("Can manage roles")),
            ("view_security_events", _("Can view the security-event journal")),
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
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="ru"
    )
    must_change_password = models.BooleanField(_("must change password at next sign-in"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(fields=["iin"], condition=~Q(iin=""), name="user_iin_unique"),
        ]

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)

    def active_role_assignments(self):
        """The user's role assignments, with role and unit loaded, cached on the instance."""
        if not hasattr(self, "_role_assignments"):
            self._role_assignments = list(
                self.role_assignments.select_related("role", "organisation", "department", "site")
            )
        return self._role_assignments

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
