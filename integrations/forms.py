from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import OutboxStatus


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + OutboxStatus.choices)
    channel = forms.CharField(label=_("Channel"), required=False, max_length=64)
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
