"""Demo data for My Account: company details, permission groups and a restricted user. Idempotent."""

from django.conf import settings

from .choices import Access, Area, Level, Role
from .models import AccountSettings, GroupPermission, PermissionGroup, User
from .services import account_settings_update

ENGINEER_EMAIL = "engineer@connexcs.local"


def _company(admin) -> None:
    if AccountSettings.load().company_name:
        return
    account_settings_update(
        actor=admin,
        company_name="Demo Carrier Ltd",
        address_line1="1 Exchange Street",
        city="London",
        county="Greater London",
        country="GB",
        post_code="EC2N 1AA",
        currency="GBP",
    )
    # No SMTP server: codes and resets print to the console until someone saves real details.


def _groups_and_engineer(password: str) -> None:
    engineering, _ = PermissionGroup.objects.get_or_create(name="Engineering")
    for area in (Area.ROUTING, Area.SERVER, Area.CARRIER, Area.CARD):
        GroupPermission.objects.get_or_create(
            group=engineering, area=area, defaults={"level": Level.ALLOW, "access": Access.WRITE}
        )
    billing, _ = PermissionGroup.objects.get_or_create(name="Billing")
    GroupPermission.objects.get_or_create(
        group=billing, area=Area.CUSTOMER, defaults={"level": Level.ALLOW, "access": Access.WRITE}
    )
    GroupPermission.objects.get_or_create(group=billing, area=Area.ROUTING, defaults={"level": Level.DENY})
    if not User.objects.filter(email__iexact=ENGINEER_EMAIL).exists():
        engineer = User.objects.create_user(ENGINEER_EMAIL, password, name="Demo Engineer", role=Role.USER)
        engineering.members.add(engineer)


def seed(*, admin) -> list[str]:
    password = settings.DEMO_ADMIN_PASSWORD
    _company(admin)
    _groups_and_engineer(password)
    return [f"Restricted user: {ENGINEER_EMAIL} / {password}"]
