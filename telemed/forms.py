from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import User
from scheduling.models import Appointment

from .choices import MessageKind, SessionForm


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def clinicians_in(organisation_ids) -> QuerySet[User]:
    """Active users whose role in one of these organisations lets them conduct remote sessions."""
    return (
        User.objects.filter(
            is_active=True,
            role_assignments__organisation_id__in=organisation_ids,
            role_assignments__role__permissions__content_type__app_label="telemed",
            role_assignments__role__permissions__codename="conduct_remote_session",
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class ScheduleSessionForm(BootstrapMixin, forms.Form):
    clinician = forms.ModelChoiceField(label=_("Clinician"), queryset=User.objects.none(), to_field_name="uuid")
    scheduled_start = forms.DateTimeField(
        label=_("Start"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    form = forms.ChoiceField(label=_("Form"), choices=SessionForm.choices, initial=SessionForm.VIDEO)
    appointment = forms.ModelChoiceField(
        label=_("For the appointment"),
        queryset=Appointment.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Without an appointment"),
    )

    def __init__(self, *args, clinicians, appointments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinician"].queryset = clinicians
        self.fields["clinician"].label_from_instance = _person
        self.fields["appointment"].queryset = appointments
        self.fields["appointment"].label_from_instance = lambda a: (
            f"{timezone.localtime(a.starts_at):%d.%m.%Y %H:%M} — {a.service_name}, {_person(a.clinician)}"
        )
        self._style()


class MessageForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("About"), choices=MessageKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class TransitionForm(forms.Form):
    to = forms.CharField(max_length=16)
    reason = forms.CharField(max_length=255, required=False)
