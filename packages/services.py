"""Every write of packages: the catalogue, assigning and removing, the billing run (see billing.py)."""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from connexcs import audit, versioning
from connexcs.choices import AuditAction
from connexcs.money import ZERO
from customers.choices import LedgerKind
from customers.models import Customer, LedgerEntry
from routing.patterns import PatternError, compile_pattern

from . import billing
from .choices import ChargeKind, Frequency, PackageType
from .models import CustomerPackage, Package, PackageCharge

PACKAGE_FIELDS = (
    "name",
    "cost",
    "retail",
    "setup_cost",
    "setup_retail",
    "frequency",
    "frequency_match",
    "description",
    "minimum_days",
    "type",
    "destinations",
    "free_minutes",
    "minimum_spend",
    "enabled",
)
PRICE_FIELDS = ("cost", "retail", "setup_cost", "setup_retail")
_PREFIX_LIST = re.compile(r"[\d\s,|]+")


def destination_pattern(destinations: str) -> str:
    """The pattern a Destinations value stands for: a list of prefixes (44, 91, 1) or a pattern as typed."""
    text = destinations.strip()
    if _PREFIX_LIST.fullmatch(text):
        prefixes = [p for p in re.split(r"[\s,|]+", text) if p]
        return "^(?:" + "|".join(prefixes) + ")"
    return text


def _package_values(values: dict) -> dict:
    """Checked, canonical values of a package, or a ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    values["name"] = (values.get("name") or "").strip()
    if not values["name"]:
        errors.setdefault("name", []).append("Give the package a name.")
    for field in PRICE_FIELDS:
        value = values.get(field)
        if value is None:
            values[field] = value = ZERO
        if Decimal(value) < 0:
            errors.setdefault(field, []).append("Must not be negative.")
    frequency = values.get("frequency") or Frequency.MONTHLY
    values["frequency"] = frequency
    match = sorted(set(values.get("frequency_match") or []))
    values["frequency_match"] = match
    if frequency == Frequency.MONTHLY and any(not 1 <= d <= 31 for d in match):
        errors.setdefault("frequency_match", []).append("Days of the month are 1 to 31.")
    elif frequency == Frequency.WEEKLY and any(not 1 <= d <= 7 for d in match):
        errors.setdefault("frequency_match", []).append("Days of the week are 1 (Monday) to 7 (Sunday).")
    elif frequency not in (Frequency.MONTHLY, Frequency.WEEKLY) and match:
        errors.setdefault("frequency_match", []).append("Frequency Match applies to Weekly and Monthly only.")
    values["destinations"] = (values.get("destinations") or "").strip()
    if values.get("type") == PackageType.FREE_MINUTES:
        if not values["destinations"]:
            errors.setdefault("destinations", []).append("Free Minutes need the destinations they cover.")
        else:
            try:
                compile_pattern(destination_pattern(values["destinations"]))
            except PatternError as exc:
                errors.setdefault("destinations", []).append(str(exc))
        if not values.get("free_minutes"):
            errors.setdefault("free_minutes", []).append("Give the minutes each period includes.")
    if values.get("minimum_spend") and values.get("type") == PackageType.FREE_MINUTES:
        errors.setdefault("minimum_spend", []).append(
            "A Free Minutes package cannot also be a Minimum Spend."
        )
    if errors:
        raise ValidationError(errors)
    return values


def _check_name_free(name: str, exclude_pk: int | None = None) -> None:
    taken = Package.objects.filter(name__iexact=name).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": "Another package has this name."})


@transaction.atomic
def package_create(*, actor: User, **values) -> Package:
    values = _package_values({f: values.get(f) for f in PACKAGE_FIELDS if f in values})
    _check_name_free(values["name"])
    package = Package.objects.create(**values)
    audit.record(actor=actor, action=AuditAction.PACKAGE_CREATE, obj=package, after=audit.snapshot(package))
    return package


@transaction.atomic
def package_update(*, actor: User, instance: Package, **values) -> Package:
    package = Package.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(package)
    merged = {f: values.get(f, getattr(package, f)) for f in PACKAGE_FIELDS}
    merged = _package_values(merged)
    _check_name_free(merged["name"], exclude_pk=package.pk)
    for field, value in merged.items():
        setattr(package, field, value)
    package.save()
    audit.record(
        actor=actor,
        action=AuditAction.PACKAGE_UPDATE,
        obj=package,
        before=before,
        after=audit.snapshot(package),
    )
    return package


@transaction.atomic
def package_delete(*, actor: User, instance: Package) -> None:
    if instance.assignments.exists():
        raise ValidationError("Customers have held this package; disable it instead of deleting it.")
    audit.record(
        actor=actor, action=AuditAction.PACKAGE_DELETE, obj=instance, before=audit.snapshot(instance)
    )
    instance.delete()


def today() -> date:
    return timezone.now().date()


def removable_from(assignment: CustomerPackage) -> date:
    """The first day the assignment may be removed (its Minimum Days have passed)."""
    return assignment.start_date + timedelta(days=assignment.package.minimum_days)


def _charge(
    *, assignment: CustomerPackage, kind: str, period: date, amount: Decimal, description: str
) -> None:
    customer = assignment.customer
    entry = LedgerEntry.objects.create(
        customer=customer,
        kind=LedgerKind.CHARGE,
        amount=-amount,
        currency=customer.currency,
        description=description[:255],
    )
    PackageCharge.objects.create(
        customer_package=assignment,
        kind=kind,
        period=period,
        amount=amount,
        currency=customer.currency,
        ledger_entry=entry,
    )


@transaction.atomic
def customer_package_assign(
    *, actor: User | None, customer: Customer, package: Package, start_date: date | None = None
) -> CustomerPackage:
    """Give the customer the package from `start_date` (today); its Setup Retail is charged now."""
    package = Package.objects.select_for_update().get(pk=package.pk)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not package.enabled:
        raise ValidationError({"package": "This package is disabled; enable it before assigning it."})
    start = start_date or today()
    if CustomerPackage.objects.filter(customer=customer, package=package, removed_at__isnull=True).exists():
        raise ValidationError({"package": "The customer already holds this package."})
    assignment = CustomerPackage.objects.create(
        customer=customer, package=package, start_date=start, assigned_by=actor if actor else None
    )
    if package.setup_retail > 0:
        _charge(
            assignment=assignment,
            kind=ChargeKind.SETUP,
            period=start,
            amount=package.setup_retail,
            description=f"{package.name}: setup",
        )
    audit.record(
        actor=actor,
        action=AuditAction.PACKAGE_ASSIGN,
        obj=assignment,
        after={"customer": customer.pk, "package": package.pk, "start_date": start.isoformat()},
        note=f"Setup Retail charged: {package.setup_retail} {customer.currency}",
    )
    versioning.bump("routing")  # the balance moved
    return assignment


@transaction.atomic
def customer_package_remove(*, actor: User, instance: CustomerPackage) -> CustomerPackage:
    assignment = CustomerPackage.objects.select_for_update().select_related("package").get(pk=instance.pk)
    if assignment.removed_at is not None:
        raise ValidationError("This package was already removed.")
    possible = removable_from(assignment)
    if today() < possible:
        raise ValidationError(
            f"{assignment.package.name} has {assignment.package.minimum_days} Minimum Days: "
            f"it can be removed from {possible.isoformat()}."
        )
    assignment.removed_at = timezone.now()
    assignment.save(update_fields=["removed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.PACKAGE_REMOVE,
        obj=assignment,
        before={"customer": assignment.customer_id, "package": assignment.package_id},
    )
    return assignment


def customer_packages_copy_from_template(
    *, actor: User | None, customer: Customer, template: Customer | None
):
    """Sign-up: the new customer gets the template customer's current, enabled packages (setup charged)."""
    if template is None:
        return
    held = (
        CustomerPackage.objects.filter(customer=template, removed_at__isnull=True, package__enabled=True)
        .select_related("package")
        .order_by("pk")
    )
    for assignment in held:
        customer_package_assign(actor=actor, customer=customer, package=assignment.package)


@transaction.atomic
def packages_bill(*, actor: User | None = None, on: date | None = None) -> billing.BillingResult:
    """The billing run: every due period charged once, Minimum Spend shortfalls of ended periods."""
    result = billing.bill(on or today())
    if result.charges:
        audit.record(
            actor=actor,
            action=AuditAction.PACKAGE_BILLING_RUN,
            note=f"{result.charges} charges for {result.total} on {result.day.isoformat()}",
        )
        versioning.bump("routing")  # after commit (versioning does that)
    return result
