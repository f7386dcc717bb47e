"""Management > Carrier > Payments (the tab, Add Payment, Void, the balance) and the carrier
portal's Payments page (scoped to the logged-in carrier, CSV, constant queries)."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Area
from carriers import services as carrier_services
from carriers.models import CarrierPayment
from cdr.models import CarrierCost
from payments import selectors
from tests.factories import AdminFactory, CarrierFactory
from tests.portal.factories import portal_login
from tests.portal.world import HOST, world
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 1)


def pay(carrier, direction="sent", amount="100.00", **kwargs):
    return carrier_services.carrier_payment_create(
        actor=AdminFactory(), carrier=carrier, direction=direction, amount=amount, paid_on=DAY, **kwargs
    )


@pytest.fixture
def carrier_world():
    carrier = CarrierFactory(currency="USD")
    return {"carrier": carrier, "payment": pay(carrier)}


class TestCarrierPaymentViews(ViewTestCases):
    area = Area.CARRIER
    other_area = Area.CUSTOMER
    read_only = {"payments:carrier_payments"}

    @pytest.fixture
    def pages(self, carrier_world):
        c, p = carrier_world["carrier"].pk, carrier_world["payment"].pk
        return [
            ("payments:carrier_payments", {"pk": c}, "get"),
            ("payments:carrier_payment_add", {"carrier_pk": c}, "get"),
            ("payments:carrier_payment_void", {"carrier_pk": c, "pk": p}, "post"),
        ]


def test_balance_is_payments_less_traffic_cost_and_ignores_void(carrier_world):
    carrier = carrier_world["carrier"]
    pay(carrier, direction="received", amount="30.5")
    voided = pay(carrier, amount="1000")
    carrier_services.carrier_payment_void(actor=AdminFactory(), instance=voided, reason="typo")
    CarrierCost.objects.create(carrier=carrier, amount=Decimal("12.3456"), currency="USD", calls=10)
    CarrierCost.objects.create(carrier=carrier, amount=Decimal("0.0044"), currency="USD", calls=1)
    CarrierCost.objects.create(carrier=CarrierFactory(), amount=Decimal("500"), currency="USD", calls=1)
    balance = selectors.carrier_balance(carrier=carrier)
    assert (balance.sent, balance.received, balance.cost) == (
        Decimal("100"),
        Decimal("30.5"),
        Decimal("12.35"),
    )
    assert balance.balance == Decimal("57.15") and balance.currency == "USD"


def test_add_payment_from_the_tab_then_void_it(admin_client, carrier_world):
    carrier = carrier_world["carrier"]
    tab = admin_client.get(reverse("payments:carrier_payments", kwargs={"pk": carrier.pk})).content.decode()
    assert 'data-testid="carrier-balance">100.00 USD' in tab
    add_url = reverse("payments:carrier_payment_add", kwargs={"carrier_pk": carrier.pk})
    assert add_url in tab
    form = admin_client.get(add_url)
    page = form.content.decode()
    for label in ("Type", "Total", "Date", "Reference", "Description"):
        assert re.search(rf">\s*{label}\s*<", page), label
    assert "data-confirm=" in page and "Paid to Carrier" in page and "Received from Carrier" in page
    key = form.context["form"]["idempotency_key"].value()
    data = {
        "idempotency_key": key,
        "direction": "received",
        "amount": "40.25",
        "paid_on": "2026-02-03",
        "reference": "REF-9",
        "description": "Refund",
    }
    response = admin_client.post(add_url, data)
    assert response.status_code == 302 and response.url.endswith(f"/carriers/{carrier.pk}/payments/")
    again = admin_client.post(add_url, data, follow=True)  # the same form again: booked once
    assert "This payment was already saved; it was not booked again." in again.content.decode()
    assert CarrierPayment.objects.filter(carrier=carrier, reference="REF-9").count() == 1
    bad = admin_client.post(add_url, {**data, "idempotency_key": "", "amount": "-1"})
    assert bad.status_code == 200 and "amount" in bad.context["form"].errors
    tab = admin_client.get(reverse("payments:carrier_payments", kwargs={"pk": carrier.pk})).content.decode()
    assert 'data-testid="carrier-balance">59.75 USD' in tab and "REF-9" in tab

    refund = CarrierPayment.objects.get(reference="REF-9")
    void_url = reverse("payments:carrier_payment_void", kwargs={"carrier_pk": carrier.pk, "pk": refund.pk})
    assert void_url in tab
    admin_client.post(void_url, {"reason": ""})
    assert CarrierPayment.objects.get(pk=refund.pk).voided_at is None  # a reason is required
    admin_client.post(void_url, {"reason": "Bank reversed it"})
    tab = admin_client.get(reverse("payments:carrier_payments", kwargs={"pk": carrier.pk})).content.decode()
    assert 'data-testid="carrier-balance">100.00 USD' in tab and "Bank reversed it" in tab


def test_another_carriers_payment_cannot_be_voided_through_this_carriers_url(admin_client, carrier_world):
    other = CarrierFactory()
    url = reverse(
        "payments:carrier_payment_void", kwargs={"carrier_pk": other.pk, "pk": carrier_world["payment"].pk}
    )
    assert admin_client.post(url, {"reason": "x"}).status_code == 404
    assert CarrierPayment.objects.get(pk=carrier_world["payment"].pk).voided_at is None


def test_the_tab_costs_the_same_queries_for_n_and_3n_payments(admin_client, carrier_world):
    carrier = carrier_world["carrier"]
    url = reverse("payments:carrier_payments", kwargs={"pk": carrier.pk})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    for _ in range(2):
        pay(carrier)
    few = queries()
    for _ in range(6):
        pay(carrier, direction="received", amount="1")
    assert queries() == few


# The carrier portal's Payments page.


@pytest.fixture
def tenants(admin_user):
    return world(admin_user)


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_carrier_sees_its_own_payments_only_with_the_private_note_left_out(client, tenants):
    _brand, a, _b, x, y = tenants
    pay(x.carrier, amount="75.5", reference="X-WIRE", description="For January #margin was thin")
    pay(y.carrier, amount="66", reference="Y-WIRE")
    gone = pay(x.carrier, amount="5", reference="X-VOID")
    carrier_services.carrier_payment_void(actor=AdminFactory(), instance=gone, reason="typo")
    CarrierCost.objects.create(carrier=x.carrier, amount=Decimal("20"), currency=x.carrier.currency, calls=3)
    portal_login(client, x.user)
    body = client.get("/carrier/payments/", HTTP_HOST=HOST).content.decode()
    assert "X-WIRE" in body and "For January" in body
    assert "Y-WIRE" not in body and "margin" not in body and "X-VOID" not in body
    assert f'data-testid="carrier-balance">55.50 {x.carrier.currency}' in body
    assert ">Payments</a>" in body  # in the carrier portal's menu
    rows = csv_rows(client.get("/carrier/payments/download/", HTTP_HOST=HOST))
    assert rows == [
        ["date", "type", "amount", "currency", "reference", "description"],
        ["2026-02-01", "Paid to you", "75.5000", x.carrier.currency, "X-WIRE", "For January"],
    ]
    # A customer's contact has no such page.
    customer_client = type(client)()
    portal_login(customer_client, a.user)
    for path in ("/carrier/payments/", "/carrier/payments/download/"):
        assert customer_client.get(path, HTTP_HOST=HOST).status_code == 404, path


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(client, tenants):
    _brand, _a, _b, x, _y = tenants
    pay(x.carrier, reference="=HYPERLINK(1)", description="+cmd")
    portal_login(client, x.user)
    rows = csv_rows(client.get("/carrier/payments/download/", HTTP_HOST=HOST))
    assert rows[1][4:] == ["'=HYPERLINK(1)", "'+cmd"]


def test_the_portal_page_costs_the_same_queries_for_n_and_3n_payments(client, tenants):
    _brand, _a, _b, x, _y = tenants
    portal_login(client, x.user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/carrier/payments/", HTTP_HOST=HOST).status_code == 200
        return len(captured)

    for _ in range(3):
        pay(x.carrier)
    few = queries()
    for _ in range(6):
        pay(x.carrier, direction="received")
    assert queries() == few


def test_carrier_portal_hidden_hides_the_payments_page(client, tenants):
    brand, _a, _b, x, _y = tenants
    portal_login(client, x.user)
    assert client.get("/carrier/payments/", HTTP_HOST=HOST).status_code == 200
    brand.features = {**brand.features, "carrier_portal": False}
    brand.save()
    assert client.get("/carrier/payments/", HTTP_HOST=HOST).status_code == 404
    assert client.get("/carrier/payments/download/", HTTP_HOST=HOST).status_code == 404


def test_the_carrier_list_shows_each_balance_in_constant_queries(admin_client):
    def carrier_with_money(name, sent, cost):
        carrier = CarrierFactory(name=name, currency="GBP")
        pay(carrier, amount=sent)
        pay(carrier, direction="received", amount="1")
        CarrierCost.objects.create(carrier=carrier, amount=Decimal(cost), currency="GBP", calls=1)
        return carrier

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse("carriers:carrier_list"), {"sort": "-balance"})
        assert response.status_code == 200
        return response, len(captured)

    carrier_with_money("Alpha", "10", "2.5")
    carrier_with_money("Bravo", "100", "0")
    response, few = queries()
    balances = [(row.record.name, row.record.balance) for row in response.context["table"].page.object_list]
    assert balances == [("Bravo", Decimal("99")), ("Alpha", Decimal("6.5"))]
    assert "99.00 GBP" in response.content.decode()
    for i in range(4):
        carrier_with_money(f"More {i}", "5", "1")
    assert queries()[1] == few
