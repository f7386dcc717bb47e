"""CDR rows for the report tests, written straight to the table (the ingest has its own tests)."""

import datetime as dt
from decimal import Decimal
from itertools import count

from cdr.models import Cdr

_ids = count(1)


def make_cdr(
    customer, *, start: dt.datetime, carrier=None, answered: bool = True, duration: int = 30, **kw
) -> Cdr:
    fields = {
        "call_id": f"report-{next(_ids)}",
        "start": start,
        "answer": start + dt.timedelta(seconds=2) if answered else None,
        "end": start + dt.timedelta(seconds=2 + (duration if answered else 0)),
        "duration": duration if answered else 0,
        "customer_id": customer.pk,
        "carrier_id": carrier.pk if carrier is not None else None,
        "number": "441234567890",
        "prefix": "44",
        "destination": "United Kingdom",
        "currency": customer.currency,
        "rate": Decimal("0.012"),
        "sip_code": 200 if answered else 503,
        "sip_reason": "OK" if answered else "Service Unavailable",
        "billed_seconds": duration if answered else 0,
        "charge": Decimal("0.0060") if answered else Decimal(0),
        "carrier_currency": carrier.currency if carrier is not None else "",
        "cost": Decimal("0.0040") if answered else Decimal(0),
    }
    fields.update(kw)
    return Cdr.objects.create(**fields)
