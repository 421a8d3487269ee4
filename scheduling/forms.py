from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import Department, Site, User
from accounts.roles import Role

from .choices import WEEKDAYS, ExceptionKind, ServiceForm
from .models import Schedule, Service
from .services import WeekdayHours


def person_label(user) -> str:
    """How a person is named in choice lists across the apps."""
    return user.get_full_name() or user.get_username()


TIME_INPUT = {"widget": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
DATE_INPUT = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class DayGridForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, to_field_name="uuid", empty_label=None
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
        empty_label=_("All services"),
    )
    form = forms.ChoiceField(label=_("Form"), required=False, choices=[("", _("Any form")), *ServiceForm.choices])

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self._style()

    def clean_date(self):
        return self.cleaned_data["date"] or timezone.localdate()


class BookForm(BootstrapMixin, forms.Form):
    patient_iin = forms.CharField(label=_("Patient IIN"), max_length=12)
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), to_field_name="code", empty_label=None
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self._style()


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class EmergencyVisitForm(BootstrapMixin, forms.Form):
    emergency_reason = forms.CharField(
        label=_("What is the emergency"), widget=forms.Textarea(attrs={"rows": 3}), min_length=10
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class WeekForm(BootstrapMixin, forms.Form):
    """Whose week, and which week (any date in it)."""

    clinician = forms.ModelChoiceField(label=_("Clinician"), queryset=User.objects.none(), to_field_name="uuid")
    date = forms.DateField(label=_("Week of"), required=False, **DATE_INPUT)

    def __init__(self, *args, clinicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians
        self.fields["clinician"].label_from_instance = person_label
        self._style()

    def clean_date(self):
        return self.cleaned_data["date"] or timezone.localdate()


class ScheduleForm(BootstrapMixin, forms.ModelForm):
    """A clinician's weekly template at one place; the hours of each weekday come in HoursFormSet."""

    class Meta:
        model = Schedule
        fields = [
            "clinician",
            "department",
            "site",
            "room",
            "is_remote",
            "services",
            "slot_minutes",
            "valid_from",
            "valid_until",
            "primary_care",
        ]
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "valid_from": DATE_INPUT["widget"],
            "valid_until": DATE_INPUT["widget"],
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(organisation__in=organisations).order_by("code")
        self.fields["department"].queryset = departments
        self.fields["department"].to_field_name = "uuid"
        self.fields["site"].queryset = Site.objects.filter(department__in=departments).order_by("code")
        self.fields["site"].to_field_name = "uuid"
        self.fields["clinician"].queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__organisation__in=organisations,
                role_assignments__role__name__in=[Role.DOCTOR, Role.NURSE],
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["clinician"].to_field_name = "uuid"
        self.fields["clinician"].label_from_instance = person_label
        self.fields["services"].queryset = Service.objects.filter(is_active=True)
        self.fields["services"].label_from_instance = lambda s: f"{s.code} {s.name} ({s.get_form_display()})"
        if self.instance.pk:  # the choices are keyed by UUID, the instance's values by id
            for name in ("clinician", "department", "site"):
                related = getattr(self.instance, name)
                self.initial[name] = related.uuid if related else None
        self.fields["slot_minutes"].validators += [MinValueValidator(5), MaxValueValidator(480)]
        self._style()

    def clean(self):
        cleaned = super().clean()
        remote, room = cleaned.get("is_remote"), (cleaned.get("room") or "").strip()
        if not remote and not room:
            self.add_error("room", _("Give the room, or mark the schedule as remote."))
        services = cleaned.get("services") or []
        wrong_form = [s for s in services if (s.form != ServiceForm.IN_PERSON) != bool(remote)]
        if wrong_form:
            self.add_error(
                "services",
                _("These services do not match the schedule's form (in person or remote): %(codes)s.")
                % {"codes": ", ".join(s.code for s in wrong_form)},
            )
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The schedule cannot end before it starts."))
        return cleaned


class HoursForm(BootstrapMixin, forms.Form):
    """One weekday's hours; left blank, the day is off."""

    weekday = forms.IntegerField(min_value=0, max_value=6, widget=forms.HiddenInput)
    start = forms.TimeField(label=_("From"), required=False, **TIME_INPUT)
    end = forms.TimeField(label=_("To"), required=False, **TIME_INPUT)
    break_start = forms.TimeField(label=_("Break from"), required=False, **TIME_INPUT)
    break_end = forms.TimeField(label=_("Break to"), required=False, **TIME_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    @property
    def day_name(self) -> str:
        weekday = self["weekday"].value()
        return WEEKDAYS[int(weekday)] if str(weekday).isdigit() and int(weekday) < 7 else ""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        break_start, break_end = cleaned.get("break_start"), cleaned.get("break_end")
        if (start is None) != (end is None):
            raise ValidationError(_("Give both the start and the end of the day, or neither for a day off."))
        if start is not None and end <= start:
            raise ValidationError(_("The day must end after it starts."))
        if (break_start is None) != (break_end is None):
            raise ValidationError(_("Give both ends of the break, or neither."))
        if break_start is not None:
            if start is None:
                raise ValidationError(_("A day off has no break."))
            if not start < break_start < break_end < end:
                raise ValidationError(_("The break must lie inside the working hours."))
        return cleaned

    def hours(self) -> WeekdayHours | None:
        data = self.cleaned_data
        if data.get("start") is None:
            return None
        return WeekdayHours(data["weekday"], data["start"], data["end"], data.get("break_start"), data.get("break_end"))


HoursFormSet = forms.formset_factory(HoursForm, extra=0, min_num=7, max_num=7, validate_min=True, validate_max=True)


def hours_formset(data=None, schedule: Schedule | None = None):
    """The seven weekdays of a template, Monday first, filled from the schedule's rules."""
    rules = {rule.weekday: rule for rule in schedule.rules.all()} if schedule and schedule.pk else {}
    initial = [
        {
            "weekday": day,
            "start": getattr(rules.get(day), "start", None),
            "end": getattr(rules.get(day), "end", None),
            "break_start": getattr(rules.get(day), "break_start", None),
            "break_end": getattr(rules.get(day), "break_end", None),
        }
        for day in range(7)
    ]
    return HoursFormSet(data, initial=initial, prefix="hours")


class ScheduleExceptionForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), **DATE_INPUT)
    kind = forms.ChoiceField(label=_("Kind"), choices=ExceptionKind.choices)
    start = forms.TimeField(label=_("From"), required=False, help_text=_("Only for extra hours."), **TIME_INPUT)
    end = forms.TimeField(label=_("To"), required=False, **TIME_INPUT)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()
