from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_default_roles(sender, **kwargs) -> None:
    from .services import ensure_default_roles

    ensure_default_roles()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # After every migrate (and every test-database flush) the built-in roles exist. Connected to the
        # last app so that every app's permissions have been created by then.
        last_app = list(self.apps.get_app_configs())[-1]
        post_migrate.connect(_create_default_roles, sender=last_app, dispatch_uid="accounts.default_roles")
