from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    # The person's own account
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("mfa/", views.mfa, name="mfa"),
    path("mfa/enrol/", views.mfa_enrol, name="mfa_enrol"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("mfa/backup-codes/", views.mfa_backup_codes, name="mfa_backup_codes"),
    path("sessions/end-all/", views.sign_out_everywhere, name="sign_out_everywhere"),
    # Administration of users
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:uuid>/", views.user_detail, name="user_detail"),
    path("users/<uuid:uuid>/roles/", views.user_roles, name="user_roles"),
    path(
        "users/<uuid:uuid>/roles/<uuid:assignment_uuid>/remove/",
        views.user_role_remove,
        name="user_role_remove",
    ),
    path("users/<uuid:uuid>/working-hours/", views.user_working_hours, name="user_working_hours"),
    path("users/<uuid:uuid>/ban/", views.user_ban, name="user_ban"),
    path("users/<uuid:uuid>/unban/", views.user_unban, name="user_unban"),
    path("users/<uuid:uuid>/password-reset/", views.user_password_reset, name="user_password_reset"),
    path("users/<uuid:uuid>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<uuid:uuid>/activate/", views.user_activate, name="user_activate"),
    path("users/<uuid:uuid>/delete/", views.user_delete, name="user_delete"),
    # Administration of roles
    path("roles/", views.role_list, name="role_list"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    # Security
    path("security/events/", views.security_events, name="security_events"),
    path("security/events/<int:pk>/review/", views.security_event_review, name="security_event_review"),
    path("security/networks/", views.trusted_networks, name="trusted_networks"),
    path("security/networks/<uuid:uuid>/remove/", views.trusted_network_remove, name="trusted_network_remove"),
    path("patients/<uuid:uuid>/emergency-access/", views.emergency_access, name="emergency_access"),
]
