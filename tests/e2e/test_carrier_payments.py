"""Management > Carrier > Payments in the browser: Add Payment asks first, the balance follows, and
Void asks (saying what the balance does) before it keeps the payment out of the balance."""

import pytest
from playwright.sync_api import expect

from carriers.models import CarrierPayment
from carriers.services import carrier_create
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_add_a_carrier_payment_then_void_it(page):
    admin = AdminFactory(email="admin@example.test")
    carrier = carrier_create(actor=admin, name="Upstream Tel", currency="EUR")
    log_in(page, "admin@example.test", PASSWORD)
    page.goto(f"/carriers/{carrier.pk}/")
    page.get_by_role("link", name="Payments").click()
    balance = page.get_by_test_id("carrier-balance")
    expect(balance).to_have_text("0.00 EUR")
    dialog = page.get_by_role("dialog", name="Please confirm")

    page.get_by_role("link", name="Add Payment").click()
    page.get_by_label("Type").select_option(label="Paid to Carrier")
    page.get_by_label("Total").fill("1500.50")
    page.get_by_label("Reference").fill("WIRE-0042")
    page.get_by_label("Description").fill("March prepay #negotiated 2% off")
    page.get_by_role("button", name="Save").click()
    expect(dialog).to_contain_text("Save this payment for Upstream Tel (in EUR)?")
    dialog.get_by_role("button", name="Cancel").click()
    assert not CarrierPayment.objects.exists()  # cancelled: nothing booked
    page.get_by_role("button", name="Save").click()
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Payment saved.")).to_be_visible()
    expect(balance).to_have_text("1,500.50 EUR")
    expect(page.get_by_role("cell", name="WIRE-0042")).to_be_visible()

    payment = CarrierPayment.objects.get()
    page.get_by_label(f"Reason to void payment {payment.pk}").fill("Bank returned it")
    page.get_by_role("button", name="Void").click()
    expect(dialog).to_contain_text("the balance goes down by 1,500.50 EUR")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Payment void; it stays in the history.")).to_be_visible()
    expect(balance).to_have_text("0.00 EUR")
    expect(page.get_by_text("Bank returned it")).to_be_visible()
