from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from .rolecache import role_access


class RoleBackend(ModelBackend):
    """Permissions come from the roles a user holds through RoleAssignment, in any unit.

    Whether a permission applies to a given patient or unit is decided by the services' own scope checks
    (accounts.permissions); this backend answers only "does the user hold it anywhere".
    """

    def get_user(self, user_id):
        # The organisation is read on every request (header, trusted addresses): load it with the user.
        user = get_user_model()._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def _get_user_permissions(self, user_obj):
        # Never granted to a user directly: one query fewer on every request.
        return Permission.objects.none()

    def get_group_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return role_access(user_obj, user_obj._load_role_access)["permissions"]

    def load_group_permissions(self, user_obj) -> set[str]:
        """From the database, bypassing the cache (rolecache fills it with this)."""
        return super().get_group_permissions(user_obj)

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(group__role_assignments__user=user_obj)
