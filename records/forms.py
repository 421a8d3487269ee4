from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import BootstrapMixin

from .choices import DocumentKind
from .models import FILE_TYPES
from .services import max_upload_bytes

# What the browser's file picker offers: the accepted types' extensions and content types.
ACCEPT = ",".join([*(extension for kind in FILE_TYPES.values() for extension in kind.extensions), *FILE_TYPES])


class DocumentUploadForm(BootstrapMixin, forms.Form):
    """The fields of a new document; what the file really is, is checked by services.document_add."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    issued_on = forms.DateField(label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    file = forms.FileField(
        label=_("File"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    shared_with_patient = forms.BooleanField(label=_("Show in the patient's personal cabinet"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"issued_on": timezone.localdate(), "shared_with_patient": True})
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, JPEG or PNG, up to %(limit)s.") % {
            "limit": filesizeformat(max_upload_bytes())
        }
        self._style()
