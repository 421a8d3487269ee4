from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("Records")

    def ready(self) -> None:
        from patients.cabinet import CabinetSection, register_section
        from patients.chart import ChartLink, register_chart_link

        from .selectors import documents_summary

        register_chart_link(ChartLink("documents", _("Documents"), "records:patient_documents", "records.view_document", 30))
        register_section(CabinetSection("documents", _("Documents"), "records:my_documents", 40, summary=documents_summary))
