"""Demo data: `manage.py seed_demo` runs each app's `demo.seed(context)` in INSTALLED_APPS order.

Every seed is idempotent: running it again finds what exists and adds only what is missing.
"""

import importlib
import importlib.util
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings


@dataclass
class DemoContext:
    patients: int = 50
    organisation: object = None
    departments: dict = field(default_factory=dict)
    sites: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # role -> user
    passwords: dict = field(default_factory=dict)  # username -> password, printed for the person
    log: list = field(default_factory=list)


def seed_all(context: DemoContext) -> DemoContext:
    for config in apps.get_app_configs():
        if config.name not in settings.PROJECT_APPS:
            continue
        module_name = f"{config.name}.demo"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).seed(context)
    return context
