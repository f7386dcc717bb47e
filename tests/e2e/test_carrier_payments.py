"""Carrier payments in Chromium: Management > Carrier > Payments (Add Payment asks first, the balance
follows, Void asks and says what the balance does) and the carrier portal's Payments page (desktop and
390 px: its balance, its rows without the private note, the CSV)."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from carriers.models import CarrierPayment
from carriers.services import carrier_create, carrier_payment_create
from cdr.models import CarrierCost
from tests.e2e.conftest import log_in
from tests.e2e.test_portal_site import WIDTHS, new_page
from tests.factories import PASSWORD, AdminFactory
from tests.portal.factories import PASSWORD as PORTAL_PASSWORD
from tests.portal.factories import VerifiedDomainFactory, portal_carrier

SHOTS = Path("/tmp/connexcs-screenshots")  # looked at by a person, not kept

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
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "carrier_payments_tab.png"), full_page=True)

    payment = CarrierPayment.objects.get()
    page.get_by_label(f"Reason to void payment {payment.pk}").fill("Bank returned it")
    page.get_by_role("button", name="Void").click()
    expect(dialog).to_contain_text("the balance goes down by 1,500.50 EUR")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Payment void; it stays in the history.")).to_be_visible()
    expect(balance).to_have_text("0.00 EUR")
    expect(page.get_by_text("Bank returned it")).to_be_visible()


def test_a_carrier_contact_sees_its_payments_and_downloads_them(portal):
    launched, port = portal
    brand = VerifiedDomainFactory(
        domain="carriers.brand.test", brand_name="Carrier Hub", features={"carrier_portal": True}
    )
    carrier, user = portal_carrier(brand, name="Wholesale One", currency="USD")
    admin = AdminFactory()
    carrier_payment_create(
        actor=admin,
        carrier=carrier,
        direction="sent",
        amount="250",
        paid_on=datetime.date(2026, 1, 31),
        reference="WIRE-7",
        description="January #agreed by phone",
    )
    CarrierCost.objects.create(carrier=carrier, amount=Decimal("40.125"), currency="USD", calls=12)
    for width in ("desktop", "phone"):
        tab = new_page(launched, width)
        tab.goto(f"http://carriers.brand.test:{port}/")
        tab.get_by_label("Email").fill(user.email)
        tab.get_by_label("Password").fill(PORTAL_PASSWORD)
        tab.get_by_role("button", name="Log in").click()
        expect(tab.get_by_role("heading", name="Rate Cards")).to_be_visible()
        if width == "desktop":
            tab.get_by_role("link", name="Payments").click()
        else:
            tab.goto(f"http://carriers.brand.test:{port}/carrier/payments/")
        expect(tab.get_by_test_id("carrier-balance")).to_have_text("209.875 USD")
        expect(tab.get_by_role("cell", name="WIRE-7")).to_be_visible()
        expect(tab.get_by_role("cell", name="January", exact=True)).to_be_visible()
        expect(tab.get_by_text("agreed by phone")).to_have_count(0)
        assert tab.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"]
        SHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SHOTS / f"carrier_portal_payments_{width}.png"), full_page=True)
        with tab.expect_download() as download:
            tab.get_by_role("link", name="Download CSV").click()
        text = Path(download.value.path()).read_text()
        assert text.splitlines()[1] == "2026-01-31,Paid to you,250.0000,USD,WIRE-7,January"
