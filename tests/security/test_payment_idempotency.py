"""Issue 9.8: one payment form, posted twice at once, books one payment."""

import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from customers import services
from customers.choices import PaymentStatus
from customers.models import LedgerEntry, Payment
from tests.factories import AdminFactory, CustomerFactory

from .http import at_once, cookie_dict, csrf_token, hidden, session


def signed_in_cookies(user) -> dict:
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


@pytest.mark.django_db(transaction=True)
def test_two_parallel_posts_of_one_payment_form_book_one_payment(live_server):
    customer = CustomerFactory()
    url = f"/customers/{customer.pk}/payments/add/"
    with session(live_server.url, signed_in_cookies(AdminFactory())) as browser:
        page = browser.get(url)
        assert page.status_code == 200
        form = {
            "csrfmiddlewaretoken": csrf_token(page.text),
            "idempotency_key": hidden(page.text, "idempotency_key"),
            "description": "Wire transfer",
            "amount": "100.00",
            "status": PaymentStatus.COMPLETE,
        }
        cookies = cookie_dict(browser)

    def post():
        with session(live_server.url, cookies) as client:
            return client.post(url, data=form)

    responses = at_once([post, post])
    assert [r.status_code for r in responses] == [302, 302], responses
    assert {r.headers["location"] for r in responses} == {f"/customers/{customer.pk}/payments/"}
    assert Payment.objects.filter(customer=customer).count() == 1
    assert LedgerEntry.objects.filter(customer=customer).count() == 1
    customer.refresh_from_db()
    assert sum(e.amount for e in customer.ledger_entries.all()) == Decimal("100")


@pytest.mark.django_db
def test_the_second_post_shows_the_payment_already_saved():
    admin = AdminFactory()
    customer = CustomerFactory()
    client = Client()
    client.force_login(admin)
    url = f"/customers/{customer.pk}/payments/add/"
    key = hidden(client.get(url).content.decode(), "idempotency_key")
    uuid.UUID(key)
    data = {"idempotency_key": key, "description": "Card", "amount": "5", "status": PaymentStatus.COMPLETE}
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "already saved" in second.content.decode()
    assert Payment.objects.filter(customer=customer).count() == 1
    # A fresh render gives a fresh key, so a deliberate second payment is still possible.
    assert hidden(client.get(url).content.decode(), "idempotency_key") != key


@pytest.mark.django_db
def test_payment_create_with_a_used_key_returns_the_existing_payment():
    admin = AdminFactory()
    customer = CustomerFactory()
    key = uuid.uuid4()
    first = services.payment_create(
        actor=admin, customer=customer, description="A", amount="10", idempotency_key=key
    )
    again = services.payment_create(
        actor=admin, customer=customer, description="A", amount="10", idempotency_key=key
    )
    assert again.pk == first.pk and Payment.objects.count() == 1
