"""An operator disables a SIP user, gives it a new password, then deletes the customer."""

import pytest
from playwright.sync_api import expect

from customers import services
from customers.models import Customer, SIPUser
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_disable_change_password_and_delete(page):
    admin = AdminFactory(email="admin@example.test")
    customer = services.customer_create(actor=admin, name="Acme Telecom", currency="GBP")
    services.sipuser_create(actor=admin, customer=customer, username="acme1001", password="Sip-Secret-2026!")
    log_in(page, "admin@example.test", PASSWORD)
    page.goto(customer.get_absolute_url())
    page.get_by_role("link", name="Authentication", exact=True).click()

    page.get_by_role("button", name="Disable acme1001").click()
    expect(page.get_by_text("SIP user acme1001 disabled.")).to_be_visible()
    expect(page.get_by_role("button", name="Enable acme1001")).to_be_visible()
    assert not SIPUser.objects.get(username="acme1001").enabled

    page.get_by_role("link", name="Edit acme1001").click()
    expect(page.get_by_label("Enabled")).not_to_be_checked()
    page.get_by_label("Enabled").check()
    page.get_by_label("New Password").fill("Brand-New-2026!")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Disable acme1001")).to_be_visible()
    expect(page.get_by_text("Brand-New-2026!")).to_have_count(0)
    sipuser = SIPUser.objects.get(username="acme1001")
    assert sipuser.enabled and sipuser.password == "Brand-New-2026!"

    page.get_by_role("link", name="Main", exact=True).click()
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted Acme Telecom.")).to_be_visible()
    assert not Customer.objects.exists() and not SIPUser.objects.exists()
