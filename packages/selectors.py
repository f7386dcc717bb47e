"""Reads of packages, already shaped for their pages."""

from django.db.models import Count, Q, QuerySet

from customers.models import Customer

from .models import CustomerPackage, Package


def package_list(*, actor) -> QuerySet[Package]:
    """Every package with how many customers hold it now."""
    return Package.objects.annotate(
        customers=Count("assignments", filter=Q(assignments__removed_at__isnull=True))
    ).order_by("name")


def customer_package_list(*, actor, customer: Customer) -> QuerySet[CustomerPackage]:
    return (
        CustomerPackage.objects.filter(customer=customer, removed_at__isnull=True)
        .select_related("package", "customer")
        .prefetch_related("usages", "charges")
        .order_by("package__name", "pk")
    )


def assignable_packages(*, actor) -> QuerySet[Package]:
    return Package.objects.filter(enabled=True)
