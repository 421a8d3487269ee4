from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from patients.iin import InvalidIIN, parse_iin
from patients.models import Patient

from .choices import AuditAction

EXPORT_FORMATS = [("csv", "CSV"), ("xlsx", "XLSX")]


class JournalFilterForm(BootstrapMixin, forms.Form):
    """The auditor's filters. Unknown users and patients are errors, not empty pages, so that a typo
    is not mistaken for "nobody did anything"."""

    user = forms.CharField(label=_("User"), required=False, max_length=150, help_text=_("User name or e-mail"))
    patient = forms.CharField(label=_("Patient IIN"), required=False, max_length=12)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices])
    object_type = forms.CharField(
        label=_("Object type"), required=False, max_length=100, help_text=_("For example patients.Patient")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_user(self):
        login = self.cleaned_data["user"].strip()
        if not login:
            return None
        user = get_user_model().objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).first()
        if user is None:
            raise ValidationError(_("No user with this user name or e-mail."))
        return user

    def clean_patient(self):
        iin = self.cleaned_data["patient"].strip()
        if not iin:
            return None
        try:
            parse_iin(iin)
        except InvalidIIN:
            raise ValidationError(_("This is not a valid IIN: check the 12 digits.")) from None
        patient = Patient.objects.filter(iin=iin).first()
        if patient is None:
            raise ValidationError(_("No patient with this IIN."))
        return patient

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise ValidationError(_("The period ends before it starts."))
        return cleaned

    def filters(self) -> dict:
        """The cleaned filters without the cursor, for the selector and the export's own journal entry."""
        return {key: value for key, value in self.cleaned_data.items() if key != "before"}
