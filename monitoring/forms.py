from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin
from scheduling.forms import person_label

from .choices import UNIT_LABELS, Indicator
from .models import LIMIT_FIELDS, PlanLimit

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class NumberField(forms.DecimalField):
    """A decimal that also takes a comma, as Russian and Kazakh keyboards type it."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def _number(label, *, required: bool) -> NumberField:
    return NumberField(
        label=label,
        required=required,
        max_digits=7,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ReadingForm(BootstrapMixin, forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=Indicator.choices)
    value = _number(_("Value"), required=True)
    taken_at = forms.DateTimeField(
        label=_("Taken at"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"taken_at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)
        self._style()


class PlanForm(BootstrapMixin, forms.Form):
    """A plan and its limits: one row of four limits per indicator; a row left empty is not watched."""

    monitoring_clinician = forms.ModelChoiceField(
        label=_("Monitoring clinician"),
        queryset=None,
        required=False,
        to_field_name="uuid",
        empty_label=_("— I monitor myself —"),
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty to monitor until you end the plan."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, clinicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monitoring_clinician"].queryset = clinicians
        self.fields["monitoring_clinician"].label_from_instance = person_label
        for indicator in Indicator:
            for name in LIMIT_FIELDS:
                self.fields[f"{indicator}__{name}"] = _number(PlanLimit._meta.get_field(name).verbose_name, required=False)
        self._style()

    def rows(self) -> list[dict]:
        """The limit fields by indicator, for the template's table."""
        return [
            {
                "indicator": indicator.label,
                "unit": UNIT_LABELS[indicator],
                "fields": [self[f"{indicator}__{name}"] for name in LIMIT_FIELDS],
            }
            for indicator in Indicator
        ]

    def limits(self) -> list[dict]:
        """The rows with at least one limit, as plan_start takes them."""
        found = []
        for indicator in Indicator:
            values = {name: self.cleaned_data.get(f"{indicator}__{name}") for name in LIMIT_FIELDS}
            if any(value is not None for value in values.values()):
                found.append({"indicator": indicator.value, **values})
        return found

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        limits = self.limits()
        if not limits:
            raise forms.ValidationError(_("Set limits for at least one indicator."))
        for item in limits:  # the model's rule, shown next to the field it is about
            indicator = item.pop("indicator")
            for name, message in PlanLimit(indicator=indicator, **item).errors().items():
                self.add_error(f"{indicator}__{name}", message)
        return cleaned


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("What was done"), required=False, max_length=1000)
