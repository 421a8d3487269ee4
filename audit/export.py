"""The auditor's exports of the journal: CSV streamed, XLSX written in openpyxl's streaming mode."""

import csv
import io
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .masking import masked_fields


def export_header() -> list[str]:
    return [
        _("Entry"),
        _("Time"),
        _("User"),
        _("Role"),
        _("Action"),
        _("Patient IIN"),
        _("Patient"),
        _("Object type"),
        _("Object id"),
        _("Fields"),
        _("Reason"),
        _("Counterpart system"),
        _("Outcome"),
        _("Address"),
        _("Hash"),
    ]


def export_rows(entries) -> Iterator[list]:
    zone = timezone.get_current_timezone()
    limit = settings.AUDIT_EXPORT_MAX_ROWS
    for entry in entries[:limit].iterator(chunk_size=2000):
        patient = entry.patient
        yield [
            entry.id,
            entry.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_name,
            entry.actor_role,
            entry.get_action_display(),
            patient.iin if patient else "",
            patient.full_name if patient else "",
            entry.object_type,
            entry.object_id,
            "; ".join(f"{name}: {value}" for name, value in masked_fields(entry.fields).items()),
            entry.reason,
            entry.counterpart,
            entry.outcome,
            entry.ip,
            entry.hash,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(entries) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read the Cyrillic as UTF-8
    yield writer.writerow(export_header())
    for row in export_rows(entries):
        yield writer.writerow(row)


def xlsx_bytes(entries) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Audit journal")[:31])
    sheet.append(export_header())
    for row in export_rows(entries):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
