from .administration import (  # noqa: F401
    role_create,
    role_delete,
    role_edit,
    role_list,
    user_activate,
    user_ban,
    user_create,
    user_deactivate,
    user_delete,
    user_detail,
    user_list,
    user_password_reset,
    user_role_remove,
    user_roles,
    user_unban,
    user_working_hours,
)
from .own import (  # noqa: F401
    mfa,
    mfa_backup_codes,
    mfa_enrol,
    mfa_verify,
    password_change,
    profile,
    sign_out_everywhere,
)
from .security import (  # noqa: F401
    emergency_access,
    security_event_review,
    security_events,
    trusted_network_remove,
    trusted_networks,
)
