"""Money and data changes ask first and say what will happen; Delete is not offered where refused."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from carriers.services import carrier_create
from customers.models import Payment
from customers.services import customer_create, payment_create
from ratecards.services import provider_card_create
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 800}])
def test_a_payment_status_change_says_what_happens_to_the_balance_first(page, viewport):
    admin = AdminFactory(email="admin@example.test")
    customer = customer_create(actor=admin, name="Acme", currency="USD")
    payment = payment_create(actor=admin, customer=customer, description="Wire 42", amount=Decimal("25.50"))
    page.set_viewport_size(viewport)
    log_in(page, "admin@example.test", PASSWORD)
    page.goto(f"/customers/{customer.pk}/payments/")
    balance = page.get_by_test_id("customer-balance")
    expect(balance).to_have_text("0.00 USD")
    # The table's hidden labels stay inside its scrolling card.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    status = page.get_by_label(f"Status of payment {payment.pk}")
    dialog = page.get_by_role("dialog", name="Please confirm")

    status.select_option(label="Complete")
    page.get_by_role("button", name="Update").click()
    expect(dialog).to_contain_text("Mark the payment “Wire 42” as Complete?")
    expect(dialog).to_contain_text("The customer's balance goes up by 25.50 USD.")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    payment.refresh_from_db()
    assert payment.status == "pending"  # cancelled: nothing changed
    expect(balance).to_have_text("0.00 USD")

    page.get_by_role("button", name="Update").click()
    dialog.get_by_role("button", name="Confirm").click()
    expect(balance).to_have_text("25.50 USD")
    assert Payment.objects.get(pk=payment.pk).status == "complete"

    page.get_by_label(f"Status of payment {payment.pk}").select_option(label="Refunded")
    page.get_by_role("button", name="Update").click()
    expect(dialog).to_contain_text("goes down by 25.50 USD")
    expect(dialog).to_contain_text("cannot change status again")


def test_delete_is_not_offered_with_the_reason_where_it_would_be_refused(page):
    admin = AdminFactory(email="admin@example.test")
    paid = customer_create(actor=admin, name="Paid Ltd", currency="USD")
    payment_create(actor=admin, customer=paid, description="Top-up", amount=Decimal("5"))
    fresh = customer_create(actor=admin, name="Fresh Ltd", currency="USD")
    priced = carrier_create(actor=admin, name="Priced Carrier", currency="USD")
    provider_card_create(actor=admin, name="Main", carrier=priced, currency="USD")
    log_in(page, "admin@example.test", PASSWORD)
    delete = page.get_by_role("link", name="Delete")

    page.goto(f"/customers/{paid.pk}/")
    expect(delete).to_have_count(0)
    expect(page.locator("#delete-refusal")).to_contain_text("has payments or charges")

    page.goto(f"/customers/{paid.pk}/delete/")  # typed by hand: still no Delete, and why
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    expect(page.locator("#delete-refusal")).to_contain_text("Paid Ltd cannot be deleted")

    page.goto(f"/carriers/{priced.pk}/")
    expect(delete).to_have_count(0)
    expect(page.locator("#delete-refusal")).to_contain_text("has provider rate cards")

    page.goto(f"/customers/{fresh.pk}/")
    expect(page.locator("#delete-refusal")).to_have_count(0)
    delete.click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted Fresh Ltd.")).to_be_visible()
