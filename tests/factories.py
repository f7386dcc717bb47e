"""One factory per model, shared by every app's tests (rate-card and routing helpers build on these)."""

import factory
from factory.django import DjangoModelFactory

from accounts.choices import Access, Level, Role
from accounts.models import GroupPermission, PermissionGroup, User
from carriers.models import Carrier
from customers.models import Customer

PASSWORD = "Corr3ct-Horse-Battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name")
    role = Role.USER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AdminFactory(UserFactory):
    role = Role.ADMIN


class PermissionGroupFactory(DjangoModelFactory):
    class Meta:
        model = PermissionGroup

    name = factory.Sequence(lambda n: f"Group {n}")


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n:05d}")
    currency = "USD"


class CarrierFactory(DjangoModelFactory):
    class Meta:
        model = Carrier

    name = factory.Sequence(lambda n: f"Carrier {n:05d}")
    currency = "USD"


def grant(user, area: str, level: str = Level.ALLOW, access: str = Access.WRITE) -> PermissionGroup:
    """Put `user` in a new group holding one level for one area."""
    group = PermissionGroupFactory()
    GroupPermission.objects.create(group=group, area=area, level=level, access=access)
    group.members.add(user)
    return group


class PackageFactory(DjangoModelFactory):
    class Meta:
        model = "packages.Package"

    name = factory.Sequence(lambda n: f"Package {n:05d}")
    retail = 10
    frequency = "monthly"
