from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import User
from scheduling.forms import person_label
from scheduling.models import Appointment

from .choices import MessageKind, SessionForm


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
        self.fields["clinician"].label_from_instance = person_label
        self.fields["appointment"].queryset = appointments
        self.fields["appointment"].label_from_instance = lambda a: (
            f"{timezone.localtime(a.starts_at):%d.%m.%Y %H:%M} — {a.service_name}, {person_label(a.clinician)}"
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
