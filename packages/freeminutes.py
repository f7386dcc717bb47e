"""Free minutes in rating: the seconds of a call a customer's Free Minutes packages cover.

`free_minutes_take(customer_id, number, seconds, at)` is called by rating for each call. The call's
billed seconds follow the card's MCD/Pulse (routing.billing.billed_seconds); the packages cover as many
of them as they have left in their current period (schedule.period_start), and the caller charges the
card's rate for the rest. Several packages may cover a number; the rule for overlaps:

    the package whose Destinations match the longest part of the number goes first (^447 before ^44);
    on a tie, the one assigned first; when it runs out, the next one covers what is left.

Consuming is atomic: the period's usage row is locked (SELECT ... FOR UPDATE) while its seconds are
taken, so two calls ending at once never spend the same minute.
"""

from datetime import datetime
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Q

from routing.billing import billed_seconds

from . import schedule
from .choices import PackageType
from .models import CustomerPackage
from .services import destination_pattern


@lru_cache(maxsize=1024)
def _compiled(destinations: str):
    from routing.patterns import compile_pattern

    return compile_pattern(destination_pattern(destinations))


def match_length(destinations: str, number: str) -> int | None:
    """How much of `number` the destinations match (None: no match)."""
    found = _compiled(destinations).search(number)
    return None if found is None else found.end() - found.start()


def covering_packages(customer_id: int, number: str, at: datetime) -> list[CustomerPackage]:
    """The customer's Free Minutes packages covering `number` at `at`, in the order they are used."""
    held = (
        CustomerPackage.objects.filter(
            customer_id=customer_id,
            package__type=PackageType.FREE_MINUTES,
            start_date__lte=at.date(),
        )
        .filter(Q(removed_at__isnull=True) | Q(removed_at__gt=at))
        .select_related("package")
        .order_by("pk")
    )
    ranked = []
    for assignment in held:
        length = match_length(assignment.package.destinations, number)
        if length is not None:
            ranked.append((-length, assignment.pk, assignment))
    return [a for *_, a in sorted(ranked, key=lambda r: r[:2])]


def current_period(assignment: CustomerPackage, day) -> object:
    package = assignment.package
    return schedule.period_start(package.frequency, package.frequency_match, assignment.start_date, day)


_TAKE = """
UPDATE packages_freeminutesusage SET seconds_used = seconds_used + %(take)s WHERE id = %(id)s
"""


def _take_from(assignment: CustomerPackage, period, wanted: int) -> int:
    allowance = assignment.package.free_minutes * 60
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO packages_freeminutesusage (customer_package_id, period_start, seconds_used) "
            "VALUES (%s, %s, 0) ON CONFLICT (customer_package_id, period_start) DO NOTHING",
            [assignment.pk, period],
        )
        cursor.execute(
            "SELECT id, seconds_used FROM packages_freeminutesusage "
            "WHERE customer_package_id = %s AND period_start = %s FOR UPDATE",
            [assignment.pk, period],
        )
        usage_id, used = cursor.fetchone()
        take = max(0, min(wanted, allowance - used))
        if take:
            cursor.execute(_TAKE, {"take": take, "id": usage_id})
    return take


def free_minutes_take(
    customer_id: int, number: str, seconds: int, at: datetime, *, mcd: int = 1, pulse: int = 1
) -> int:
    """Seconds of this call (billed by MCD/Pulse) the customer's free minutes cover; they are used up."""
    wanted = billed_seconds(seconds, mcd, pulse)
    covered = 0
    for assignment in covering_packages(customer_id, number, at):
        if covered >= wanted:
            break
        covered += _take_from(assignment, current_period(assignment, at.date()), wanted - covered)
    return covered


def free_seconds_for_calls(*, calls: list[dict]) -> list[int]:
    """Rating's batch form: for each call (customer_id, number, seconds, at, mcd, pulse), the seconds
    free minutes cover, spent now. One query finds the customers holding Free Minutes packages; only
    their calls look further."""
    holders = set(
        CustomerPackage.objects.filter(
            customer_id__in={c["customer_id"] for c in calls}, package__type=PackageType.FREE_MINUTES
        ).values_list("customer_id", flat=True)
    )
    return [free_minutes_take(**call) if call["customer_id"] in holders else 0 for call in calls]
