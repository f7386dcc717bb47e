"""Load the demo data set. Safe to run again: it only adds what is missing.

Each app may provide `<app>/demo.py` with `seed(*, admin) -> None`; they run in INSTALLED_APPS order.
"""

import importlib
import os

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.choices import Access, Area, Level, Role
from accounts.models import GroupPermission, PermissionGroup, User

DEMO_EMAIL = "admin@connexcs.local"


class Command(BaseCommand):
    help = "Create (or complete) the demo data set and print the admin login."

    @transaction.atomic
    def handle(self, *args, **options):
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "connexcs-demo")
        admin = User.objects.filter(email__iexact=DEMO_EMAIL).first()
        if admin is None:
            admin = User.objects.create_superuser(DEMO_EMAIL, password, name="Demo Admin")
        engineering, _ = PermissionGroup.objects.get_or_create(name="Engineering")
        for area in (Area.ROUTING, Area.SERVER, Area.CARRIER, Area.CARD):
            GroupPermission.objects.get_or_create(
                group=engineering,
                area=area,
                defaults={"level": Level.ALLOW, "access": Access.WRITE},
            )
        billing, _ = PermissionGroup.objects.get_or_create(name="Billing")
        GroupPermission.objects.get_or_create(
            group=billing,
            area=Area.CUSTOMER,
            defaults={"level": Level.ALLOW, "access": Access.WRITE},
        )
        GroupPermission.objects.get_or_create(
            group=billing, area=Area.ROUTING, defaults={"level": Level.DENY}
        )
        if not User.objects.filter(email__iexact="engineer@connexcs.local").exists():
            engineer = User.objects.create_user(
                "engineer@connexcs.local", password, name="Demo Engineer", role=Role.USER
            )
            engineering.members.add(engineer)

        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            module.seed(admin=admin)
            self.stdout.write(f"  seeded {config.label}")

        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"  Panel login: {DEMO_EMAIL} / {password}")
        self.stdout.write(f"  Restricted user: engineer@connexcs.local / {password}")
