from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from mis.navigation import NavItem


def _create_default_roles(sender, **kwargs) -> None:
    from .services import ensure_default_roles

    ensure_default_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    nav_items = (
        NavItem(_("Users"), "accounts:user_list", "accounts.manage_users", order=900),
        NavItem(_("Roles"), "accounts:role_list", "accounts.manage_roles", order=910),
        NavItem(_("Security journal"), "accounts:security_events", "accounts.view_security_events", order=920),
        NavItem(_("Trusted addresses"), "accounts:trusted_networks", "accounts.manage_trusted_networks", order=930),
    )

    def ready(self) -> None:
        from . import rolecache

        rolecache.connect()
        # After every migrate (and every test-database flush) the built-in roles exist. Connected to the
        # last app so that every app's permissions have been created by then.
        last_app = list(self.apps.get_app_configs())[-1]
        post_migrate.connect(_create_default_roles, sender=last_app, dispatch_uid="accounts.default_roles")
