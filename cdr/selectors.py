"""Scoped reads of CDRs and their hourly rollups.

Staff see every CDR; a caller that passes `customer` (a portal page, the Customer > CDR tab) sees
only that customer's. Lists are ordered newest first on (start, id), the partitioned table's key,
so pages can be cut by keyset (start, id) < (last start, last id) rather than OFFSET.
"""

from datetime import datetime

from django.db.models import Q, QuerySet

from .models import Cdr, CdrHourly


def cdr_list(
    *,
    actor,
    customer_id: int | None = None,
    carrier_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Cdr]:
    """CDRs the actor may see, newest first; `since`/`until` bound `start` (until excluded).

    Give a date range whenever possible: PostgreSQL then reads only the months it covers.
    """
    qs = Cdr.objects.order_by("-start", "-id")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if carrier_id is not None:
        qs = qs.filter(carrier_id=carrier_id)
    if since is not None:
        qs = qs.filter(start__gte=since)
    if until is not None:
        qs = qs.filter(start__lt=until)
    return qs


def cdr_after(qs: QuerySet[Cdr], *, start: datetime, pk: int) -> QuerySet[Cdr]:
    """The rows after (start, pk) in the newest-first order: one keyset page step."""
    return qs.filter(Q(start__lt=start) | Q(start=start, id__lt=pk))


def hourly_list(
    *,
    actor,
    customer_id: int | None = None,
    carrier_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[CdrHourly]:
    """Hourly rollup rows the actor may see; what reports aggregate instead of raw CDRs."""
    qs = CdrHourly.objects.order_by("-hour", "customer_id", "carrier_id", "prefix")
    if customer_id is not None:
        qs = qs.filter(customer_id=customer_id)
    if carrier_id is not None:
        qs = qs.filter(carrier_id=carrier_id)
    if since is not None:
        qs = qs.filter(hour__gte=since)
    if until is not None:
        qs = qs.filter(hour__lt=until)
    return qs
