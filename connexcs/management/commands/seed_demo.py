"""Load the demo data set. Safe to run again: it only adds what is missing.

The command makes the demo administrator; then every installed app that has a `demo` module gets
`seed(*, admin)` called, in INSTALLED_APPS order. A seed may return lines to print (e.g. logins).
"""

import importlib

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

DEMO_EMAIL = "admin@connexcs.local"


def _demo_admin(password: str):
    user_model = get_user_model()
    admin = user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": DEMO_EMAIL}).first()
    if admin is None:
        admin = user_model._default_manager.create_superuser(DEMO_EMAIL, password, name="Demo Admin")
    return admin


class Command(BaseCommand):
    help = "Create (or complete) the demo data set and print the admin login."

    @transaction.atomic
    def handle(self, *args, **options):
        password = settings.DEMO_ADMIN_PASSWORD
        admin = _demo_admin(password)
        notes = []
        for config in apps.get_app_configs():
            if not module_has_submodule(config.module, "demo"):
                continue
            module = importlib.import_module(f"{config.name}.demo")
            notes.extend(module.seed(admin=admin) or [])
            self.stdout.write(f"  seeded {config.label}")

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Panel login: {DEMO_EMAIL} / {password}")
        for note in notes:
            self.stdout.write(f"  {note}")
