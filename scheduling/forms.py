from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from accounts.models import Department

from .choices import ServiceForm
from .models import Service


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
