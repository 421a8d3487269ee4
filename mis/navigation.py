"""The navigation registry: each app's AppConfig lists its menu entries in `nav_items`."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str  # the user sees the entry only with this permission ("" = any signed-in user)
    order: int = 100


def nav_items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if not item.permission or user.has_perm(item.permission):
                items.append(item)
    items.sort(key=lambda item: (item.order, item.url_name))
    return [{"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name} for item in items]
