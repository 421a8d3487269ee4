from allauth.account.forms import LoginForm
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mis import request_context

from .choices import AccessLevel, Outcome, SecurityEventType
from .journal import security_event
from .models import Department, Organisation, Site, User, WorkingHours
from .policy import refusal_for


class SignInForm(LoginForm):
    """allauth's sign-in form that also refuses a banned user, one outside working hours and staff from
    an untrusted address, saying why (the password was right, so saying so leaks nothing)."""

    def clean(self):
        cleaned = super().clean()
        user = getattr(self, "user", None)
        if user is not None and not self.errors:
            refusal = refusal_for(user, ip=request_context.current().ip)
            if refusal is not None:
                security_event(
                    event=refusal.event,
                    outcome=Outcome.REFUSED,
                    user=user,
                    details={**refusal.details, "at_sign_in": True},
                )
                raise ValidationError(refusal.message, code=refusal.details.get("rule", "refused"))
        return cleaned


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class SetInitialPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    """The forced change after an initial or reset password: the person has just typed the old one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class ChangePasswordForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class CodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


def unit_choices(organisations) -> list[tuple[str, str]]:
    """Units of the organisation tree as "organisation:<uuid>", "department:<uuid>", "site:<uuid>"."""
    choices = []
    departments = Department.objects.filter(organisation__in=organisations).order_by("organisation", "code")
    sites = Site.objects.filter(department__in=departments).order_by("department", "code")
    by_department: dict[int, list[Site]] = {}
    for site in sites:
        by_department.setdefault(site.department_id, []).append(site)
    for organisation in organisations:
        choices.append((f"organisation:{organisation.uuid}", f"{organisation} ({organisation.code})"))
        for department in departments:
            if department.organisation_id != organisation.pk:
                continue
            choices.append((f"department:{department.uuid}", f"— {department} ({department.code})"))
            for site in by_department.get(department.pk, []):
                choices.append((f"site:{site.uuid}", f"— — {site} ({site.code})"))
    return choices


def resolve_unit(value: str, organisations):
    """(organisation, department, site) of a unit choice, within the given organisations."""
    kind, _sep, uuid = value.partition(":")
    try:
        if kind == "organisation":
            organisation = Organisation.objects.get(uuid=uuid, pk__in=[o.pk for o in organisations])
            return organisation, None, None
        if kind == "department":
            department = Department.objects.select_related("organisation").get(uuid=uuid, organisation__in=organisations)
            return department.organisation, department, None
        if kind == "site":
            site = Site.objects.select_related("department__organisation").get(
                uuid=uuid, department__organisation__in=organisations
            )
            return site.department.organisation, site.department, site
    except (Organisation.DoesNotExist, Department.DoesNotExist, Site.DoesNotExist, ValidationError):
        pass
    raise ValidationError(_("Choose a unit of your organisation."))


class UserForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "middle_name", "email", "iin", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["last_name"].required = True
        self.fields["first_name"].required = True
        self._style()

    def clean_iin(self):
        iin = self.cleaned_data.get("iin", "").strip()
        if iin:
            from patients.iin import InvalidIIN, parse_iin

            try:
                parse_iin(iin)
            except InvalidIIN:
                raise ValidationError(_("Enter a valid IIN: 12 digits with a correct check digit.")) from None
        return iin

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another user already has this e-mail."))
        return email


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        from mis.templatetags.mis_tags import role_label

        return role_label(obj.name)


class RoleSingleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        from mis.templatetags.mis_tags import role_label

        return role_label(obj.name)


class UserCreateForm(UserForm):
    unit = forms.ChoiceField(label=_("Unit"))
    roles = RoleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        self.fields["unit"].choices = unit_choices(self.organisations)
        self._style()

    def clean_unit(self):
        return resolve_unit(self.cleaned_data["unit"], self.organisations)


class RoleAssignForm(BootstrapMixin, forms.Form):
    role = RoleSingleChoiceField(label=_("Role"), queryset=Group.objects.order_by("name"))
    unit = forms.ChoiceField(label=_("Unit"))

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = list(organisations)
        self.fields["unit"].choices = unit_choices(self.organisations)
        self._style()

    def clean_unit(self):
        return resolve_unit(self.cleaned_data["unit"], self.organisations)


class BanForm(BootstrapMixin, forms.Form):
    until = forms.DateTimeField(
        label=_("Banned until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise ValidationError(_("The end of the ban must be in the future."))
        return until


class WeeklyWindowForm(BootstrapMixin, forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=WorkingHours.Weekday.choices, coerce=int)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") is not None and cleaned.get("start") == cleaned.get("end"):
            raise ValidationError(_("The window must not start and end at the same time."))
        return cleaned


class ExceptionForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if (start is None) != (end is None):
            raise ValidationError(_("Give both times for other hours, or neither for a day off."))
        if start is not None and start == end:
            raise ValidationError(_("The window must not start and end at the same time."))
        return cleaned


WeeklyFormSet = forms.formset_factory(WeeklyWindowForm, extra=2, can_delete=True)
ExceptionFormSet = forms.formset_factory(ExceptionForm, extra=1, can_delete=True)


class WorkingHoursRestrictionForm(forms.Form):
    restricted = forms.BooleanField(
        label=_("Allow sign-in only during these hours"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


def project_permissions():
    return (
        Permission.objects.filter(content_type__app_label__in=settings.PROJECT_APPS)
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


class RoleForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    access_level = forms.ChoiceField(label=_("Access to patients' data"), choices=AccessLevel.choices)
    is_staff_role = forms.BooleanField(
        label=_("Staff role (second factor required, trusted addresses apply)"), required=False, initial=True
    )
    permissions = forms.ModelMultipleChoiceField(
        label=_("Permissions"),
        queryset=Permission.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = project_permissions()
        self._style()

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class RoleDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, remove this role from the users who hold it"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class TrustedNetworkForm(BootstrapMixin, forms.Form):
    network = forms.CharField(
        label=_("Address or range (CIDR)"),
        max_length=64,
        help_text=_("For example 10.0.0.0/24, 192.0.2.15 or 2001:db8::/32."),
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_network(self):
        from .networks import parse_network

        try:
            return str(parse_network(self.cleaned_data["network"]))
        except ValueError:
            raise ValidationError(_("Enter an address or a range such as 10.0.0.0/24 or 2001:db8::/32.")) from None


class EmergencyAccessForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this patient's record now?"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    minutes = forms.TypedChoiceField(
        label=_("For how long"),
        coerce=int,
        initial=60,
        choices=[
            (15, _("15 minutes")),
            (30, _("30 minutes")),
            (60, _("1 hour")),
            (120, _("2 hours")),
            (240, _("4 hours")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class SecurityEventFilterForm(BootstrapMixin, forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    event = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("All events")), *SecurityEventType.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *Outcome.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    flagged = forms.BooleanField(label=_("Only flagged"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise ValidationError(_("The period ends before it starts."))
        return cleaned


class UserFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Name, user name or e-mail"), required=False, max_length=150)
    role = RoleSingleChoiceField(
        label=_("Role"), queryset=Group.objects.order_by("name"), required=False, empty_label=_("All roles")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("Active")),
            ("inactive", _("Deactivated")),
            ("banned", _("Banned")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
