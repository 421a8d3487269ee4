from django import forms
from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.forms import BootstrapMixin
from accounts.models import Site

from .choices import Language
from .iin import InvalidIIN, parse_iin
from .models import LegalRepresentative, Patient
from .services import _normalise_phone
from .transliteration import is_cyrillic_name

IIN_ERRORS = {
    "format": gettext_lazy("An IIN is twelve digits."),
    "century": gettext_lazy("The seventh digit of an IIN (century and sex) must be 1 to 6."),
    "date": gettext_lazy("The first six digits of the IIN are not a valid birth date."),
    "checksum": gettext_lazy("The IIN's check digit is wrong: check the number against the document."),
    "unissuable": gettext_lazy("No IIN is issued with these digits: check the number against the document."),
}


def iin_info(value: str):
    """The birth date and sex an IIN encodes, or a form error saying what is wrong with it."""
    try:
        return parse_iin(value)
    except InvalidIIN as error:
        raise forms.ValidationError(IIN_ERRORS[error.reason], code=f"iin_{error.reason}") from None


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PatientForm(BootstrapMixin, forms.ModelForm):
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False, label=gettext_lazy("site"))

    class Meta:
        model = Patient
        fields = [
            "iin",
            "without_iin",
            "document_type",
            "document_number",
            "last_name",
            "first_name",
            "middle_name",
            "last_name_latin",
            "first_name_latin",
            "middle_name_latin",
            "birth_date",
            "sex",
            "citizenship",
            "registration_address",
            "actual_address",
            "phone",
            "phone_secondary",
            "email",
            "preferred_language",
            "insurance_status",
            "site",
        ]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["site"].queryset = (
            Site.objects.filter(department__organisation=organisation)
            .select_related("department")
            .order_by("department__code", "code")
        )
        self.fields["iin"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": 12})
        self.fields["last_name_latin"].help_text = _("Filled from the Cyrillic spelling when left blank.")

    def clean_iin(self):
        iin = self.cleaned_data.get("iin", "").strip()
        if iin:
            iin_info(iin)
            duplicates = Patient.objects.filter(iin=iin, merged_into__isnull=True)
            if self.instance.pk:
                duplicates = duplicates.exclude(pk=self.instance.pk)
            if duplicates.exists():
                raise forms.ValidationError(_("A patient with this IIN is already registered."), code="iin_duplicate")
        return iin

    def clean_phone(self):
        return _normalise_phone(self.cleaned_data.get("phone", ""))

    def clean_phone_secondary(self):
        return _normalise_phone(self.cleaned_data.get("phone_secondary", ""))

    def clean_citizenship(self):
        return self.cleaned_data.get("citizenship", "").strip().upper()

    def clean(self):
        data = super().clean()
        iin = data.get("iin", "")
        if data.get("without_iin"):
            if iin:
                self.add_error("iin", _("Leave the IIN blank for a person registered without one."))
            if not data.get("document_type"):
                self.add_error("document_type", _("Choose the document the person is identified by."))
            if not data.get("document_number", "").strip():
                self.add_error("document_number", _("Enter the number of the identity document."))
        else:
            if not iin and "iin" not in self.errors:
                self.add_error("iin", _("Enter the IIN, or tick “no IIN” for a person without one."))
            for name in ("last_name", "first_name", "middle_name"):
                value = data.get(name, "")
                if value and not is_cyrillic_name(value):
                    self.add_error(name, _("Write the name in Cyrillic letters, as in the identity document."))
        if iin and "iin" not in self.errors:
            info = parse_iin(iin)
            if data.get("birth_date") and data["birth_date"] != info.birth_date:
                self.add_error(
                    "birth_date",
                    _("The IIN gives the birth date %(date)s; check the IIN or the date.")
                    % {"date": info.birth_date.strftime("%d.%m.%Y")},
                )
            if data.get("sex") and data["sex"] != info.sex:
                self.add_error("sex", _("The IIN gives the other sex; check the IIN or the sex."))
        return data


class RepresentativeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = LegalRepresentative
        fields = [
            "kind",
            "iin",
            "last_name",
            "first_name",
            "middle_name",
            "phone",
            "document_name",
            "document_number",
            "document_date",
            "valid_until",
        ]
        widgets = {"document_date": DateInput(), "valid_until": DateInput()}
        error_messages = {
            "document_name": {"required": gettext_lazy("Name the document that gives the right to represent the patient.")},
            "document_number": {"required": gettext_lazy("Enter the number of the document that gives the right.")},
            "document_date": {"required": gettext_lazy("Enter the date of the document that gives the right.")},
        }

    def __init__(self, *args, patient, **kwargs):
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_iin(self):
        iin = self.cleaned_data.get("iin", "").strip()
        iin_info(iin)
        if iin == self.patient.iin:
            raise forms.ValidationError(_("A patient cannot be their own representative."))
        if LegalRepresentative.objects.filter(patient=self.patient, iin=iin).exists():
            raise forms.ValidationError(_("This person is already a representative of the patient."))
        return iin

    def clean_phone(self):
        return _normalise_phone(self.cleaned_data.get("phone", ""))


def merge_candidates(patient: Patient, visible) -> "Q":
    """Records that may be the same person: the same birth date and surname, or the same phone."""
    q = Q(birth_date=patient.birth_date, last_name__iexact=patient.last_name)
    if patient.phone:
        q |= Q(phone=patient.phone)
    return visible.filter(q, is_active=True).exclude(pk=patient.pk).order_by("created_at")


class MergeForm(BootstrapMixin, forms.Form):
    duplicate = forms.ModelChoiceField(
        queryset=Patient.objects.none(),
        label=gettext_lazy("Duplicate record"),
        to_field_name="uuid",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255, required=False)
    confirm = forms.BooleanField(label=gettext_lazy("I have checked that both records are the same person"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].queryset = candidates
        self.fields["duplicate"].label_from_instance = lambda p: (
            f"{p.full_name}, {p.birth_date:%d.%m.%Y}, {p.iin or p.document_number}, {p.phone}"
        )


class ReattachForm(BootstrapMixin, forms.Form):
    """Many patients, by IIN, moved to one site. Every IIN must be valid and visible, or nothing moves."""

    site = forms.ModelChoiceField(queryset=Site.objects.none(), label=gettext_lazy("New site"))
    iins = forms.CharField(
        label=gettext_lazy("IINs"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("One IIN per line, or separated by spaces or commas; up to 5000."),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)

    MAX_PATIENTS = 5000

    def __init__(self, *args, sites, patients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.visible_patients = patients
        self._style()

    def clean_iins(self):
        iins = list(dict.fromkeys(self.cleaned_data["iins"].replace(",", " ").split()))
        if len(iins) > self.MAX_PATIENTS:
            raise forms.ValidationError(_("At most %(max)d patients at once.") % {"max": self.MAX_PATIENTS})
        invalid = []
        for iin in iins:
            try:
                parse_iin(iin)
            except InvalidIIN:
                invalid.append(iin)
        if invalid:
            raise forms.ValidationError(_("Not valid IINs: %(iins)s") % {"iins": ", ".join(invalid[:20])})
        found = {patient.iin: patient for patient in self.visible_patients.filter(iin__in=iins, is_active=True)}
        missing = [iin for iin in iins if iin not in found]
        if missing:
            raise forms.ValidationError(
                _("No patient of yours with these IINs: %(iins)s") % {"iins": ", ".join(missing[:20])}
            )
        return [found[iin] for iin in iins]


class CardLanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices, required=False)


class SignUpForm(BootstrapMixin, forms.Form):
    iin = forms.CharField(label=gettext_lazy("IIN"), max_length=12, min_length=12)
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=20,
        help_text=gettext_lazy("The number given at the clinic's registry."),
    )

    def clean_iin(self):
        iin = self.cleaned_data["iin"].strip()
        iin_info(iin)
        return iin


class SignUpCodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from the SMS"), max_length=6, min_length=6)
    password1 = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=gettext_lazy("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
