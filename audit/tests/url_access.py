from accounts.roles import Role
from tests.access import Access

JOURNAL_READERS = {Role.ADMINISTRATOR.value, Role.AUDITOR.value}

URL_ACCESS = {
    "audit:journal": Access(roles=JOURNAL_READERS),
    "audit:journal_export": Access(roles=JOURNAL_READERS, kwargs=lambda world: {"file_format": "csv"}),
    "audit:my_access_log": Access(roles={Role.PATIENT.value}),
}
