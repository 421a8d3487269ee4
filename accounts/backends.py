from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class RoleBackend(ModelBackend):
    """Permissions come from the roles a user holds through RoleAssignment, in any unit.

    Whether a permission applies to a given patient or unit is decided by the services' own scope checks
    (accounts.permissions); this backend answers only "does the user hold it anywhere".
    """

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(group__role_assignments__user=user_obj)
