from accounts.roles import Role
from tests.access import Access

URL_ACCESS = {
    "integrations:outbox_list": Access(roles={Role.ADMINISTRATOR}),
}
