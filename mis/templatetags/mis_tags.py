from django import template

from accounts.roles import Role

register = template.Library()


@register.filter
def role_label(role_name: str) -> str:
    """The translated label of a built-in role; a role an administrator created keeps its own name."""
    try:
        return Role(role_name).label
    except ValueError:
        return role_name
