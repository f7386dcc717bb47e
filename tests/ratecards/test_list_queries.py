"""Every rate-card list page costs the same number of queries whatever the number of rows on it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ratecards import services
from tests.ratecards.factories import make_carrier, make_provider_card, publish_rows

pytestmark = pytest.mark.django_db

CURRENCIES = ["EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF"]


def world(actor, k: int, first_currency: int = 0) -> dict:
    """One carrier with k provider cards; the first has k rows and k revisions; a customer card built
    k times with k profit rules; k exchange rates."""
    carrier = make_carrier()
    rows = [(f"44{i}", "0.01") for i in range(k)]
    provider = make_provider_card(rows, actor=actor, carrier=carrier)
    for _ in range(k - 1):
        publish_rows(provider, rows, actor=actor)
    for _ in range(k - 1):
        make_provider_card(actor=actor, carrier=carrier)
    card = services.customer_card_create(actor=actor, name=f"Sell {k}", currency="USD", providers=[provider])
    for i in range(k):
        services.profit_rule_create(
            actor=actor, card=card, prefix=f"44{i}", profit_type="relative", value=Decimal("0.001")
        )
    for _ in range(k):
        job = services.build_job_create(actor=actor, card=card, run=False)
        services.build_run(job_id=job.pk)
    for code in CURRENCIES[first_currency : first_currency + k]:
        services.exchange_rate_set(actor=actor, from_currency="USD", to_currency=code, rate=Decimal("1.1"))
    return {"carrier": carrier, "provider": provider, "card": card}


PAGES = {
    "ratecards:carrier_cards": "carrier",
    "ratecards:provider_detail": "provider",
    "ratecards:provider_revisions": "provider",
    "ratecards:customer_detail": "card",
    "ratecards:customer_profits": "card",
    "ratecards:customer_revisions": "card",
    "ratecards:exchange_rates": None,
}


def queries(client, name, obj) -> int:
    url = reverse(name, kwargs={"pk": obj.pk}) if obj is not None else reverse(name)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_list_page_query_count_does_not_grow(admin_client, admin_user, name):
    key = PAGES[name]
    small = world(admin_user, 2)
    before = queries(admin_client, name, small[key] if key else None)  # before the large world exists
    large = world(admin_user, 6, first_currency=2)
    assert queries(admin_client, name, large[key] if key else None) == before
