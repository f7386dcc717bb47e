"""Portal pages cost the same number of queries whatever the amount of data behind them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carriers import services as carrier_services
from customers import services as customer_services
from tests.portal.factories import portal_login
from tests.portal.world import HOST, provider_card, world
from tests.routing import factories as rf

pytestmark = pytest.mark.django_db


def count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_HOST=HOST)
    assert response.status_code == 200, path
    return len(queries)


def grow(tenant, admin_user, n: int):
    for i in range(n):
        card = rf.card({f"9{i}": {"rate": "0.5"}}, name=f"Extra {tenant.customer.pk}-{i}")
        rf.route(tenant.customer, card, tech_prefix=f"5{i}{tenant.customer.pk}")
        rf.ip_auth(tenant.customer, f"198.51.100.{i + 1}", tech_prefix=f"{tenant.customer.pk}")
        rf.sip_user(tenant.customer, f"extra{tenant.customer.pk}x{i}")
        customer_services.payment_create(
            actor=admin_user, customer=tenant.customer, description=f"P{i}", amount="1.00", status="complete"
        )


def test_customer_pages_query_counts_do_not_grow(client, admin_user):
    _brand, a, _b, _x, _y = world(admin_user)
    portal_login(client, a.user)
    pages = [
        "/dashboard/",
        "/rate-cards/",
        f"/rate-cards/{a.card.pk}/",
        "/authentication/",
        "/routes/",
        "/payments/",
    ]
    pages += ["/interconnect/", "/profile/", "/cdr/", "/breakout/"]
    before = {p: count(client, p) for p in pages}
    grow(a, admin_user, 6)
    rf.publish_revision(a.card, {f"44{i:03d}": {"rate": "0.01"} for i in range(300)})
    after = {p: count(client, p) for p in pages}
    assert after == before
    assert before["/dashboard/"] <= 20 and before[f"/rate-cards/{a.card.pk}/"] <= 8


def test_carrier_pages_query_counts_do_not_grow(client, admin_user):
    _brand, _a, _b, x, _y = world(admin_user)
    portal_login(client, x.user)
    pages = [
        "/carrier/rate-cards/",
        f"/carrier/rate-cards/{x.card.pk}/",
        "/carrier/traffic/",
        "/carrier/payments/",
    ]
    before = {p: count(client, p) for p in pages}
    for i in range(5):
        provider_card(x.carrier, rows=100, name=f"More {i}")
        carrier_services.carrier_payment_create(
            actor=None,
            carrier=x.carrier,
            direction="sent",
            amount="10",
            paid_on=datetime.date(2026, 1, i + 1),
        )
    after = {p: count(client, p) for p in pages}
    assert after == before


def test_rate_search_by_prefix_finds_exactly_the_prefixes_that_start_with_it(admin_user):
    from portal import site_selectors

    card = rf.card(
        {p: {"rate": "0.1"} for p in ["1", "19", "199", "1999", "19991", "2", "20", "9", "99", "990"]}
    )
    found = {
        q: [row[0] for row in site_selectors.card_rates(card=card, query=q)]
        for q in ["1999", "19", "9", "99", "2"]
    }
    assert found == {
        "1999": ["1999", "19991"],
        "19": ["19", "199", "1999", "19991"],
        "9": ["9", "99", "990"],
        "99": ["99", "990"],
        "2": ["2", "20"],
    }
    by_name = site_selectors.card_rates(card=card, query="99")
    assert by_name.count() == 2
