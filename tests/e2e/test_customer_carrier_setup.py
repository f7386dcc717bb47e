"""Seed 000 from "Customer Setup" through the carrier's "Authentication", step by step."""

import re

import pytest
from playwright.sync_api import expect

from carriers.models import Gateway
from customers.models import IPAuth, SIPUser
from tests.dnsserver import dns_server_fixture
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

dns_server = pytest.fixture(dns_server_fixture)


def test_customer_and_carrier_setup_as_the_guide_says(page, celery_worker, dns_server):
    AdminFactory(email="admin@example.test")
    log_in(page, "admin@example.test", PASSWORD)
    menu = page.get_by_role("navigation", name="Main menu")

    # Customer Setup
    # 1. Click on Management > Customers.
    menu.get_by_role("link", name="Customers").click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    # 2. Click on Add Customer.
    page.get_by_role("link", name="Add Customer").click()
    # 3. Enter the Customer name.
    page.get_by_label("Name").fill("Acme Telecom")
    # 4. Select the currency that you wish to setup the account in.
    page.get_by_label("Currency").select_option("GBP")
    # 5. Click Save.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Acme Telecom")).to_be_visible()

    # Authentication
    # 1. Click on Authentication.
    page.get_by_role("link", name="Authentication", exact=True).click()
    # 2. Click '+' under IP Authentication.
    page.get_by_role("link", name="Add IP Authentication").click()
    # 3. Enter the Origination/customer IP address (We support SRV records & domains too).
    page.get_by_label("IP Address").fill("192.0.2.50")
    # 4. Click Save.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="192.0.2.50", exact=True)).to_be_visible()

    # ... and a domain too: resolved by the worker, shown on the tab.
    page.get_by_role("link", name="Add IP Authentication").click()
    page.get_by_label("IP Address").fill("pbx.example.test")
    page.get_by_label("Tech prefix").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="pbx.example.test", exact=True)).to_be_visible()
    from tests.helpers import wait_for

    assert wait_for(
        lambda: IPAuth.objects.filter(address="pbx.example.test", resolved_at__isnull=False).exists()
    )
    page.reload()
    expect(page.get_by_test_id("resolved-addresses")).to_have_text("203.0.113.5, 2001:db8::5")

    # SIP User Authentication
    # 1. Click on Authentication.
    page.get_by_role("link", name="Authentication", exact=True).click()
    # 2. Click '+' SIP User Authentication.
    page.get_by_role("link", name="Add SIP User Authentication").click()
    # 3. Enter the username of your choice.
    page.get_by_label("Username").fill("acme1001")
    # 4. Enter the password.
    page.get_by_label("Password").fill("Sip-Secret-2026!")
    # 5. Click Save.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="acme1001", exact=True)).to_be_visible()
    expect(page.get_by_text("Sip-Secret-2026!")).to_have_count(0)
    assert SIPUser.objects.get(username="acme1001").password == "Sip-Secret-2026!"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reveal password of acme1001").click()
    expect(page.get_by_test_id("revealed-password")).to_have_text("Sip-Secret-2026!")

    # Payments
    # 1. Click on Payments
    page.get_by_role("link", name="Payments", exact=True).click()
    # 2. Click '+'
    page.get_by_role("link", name="Add Payment").click()
    # 3. Enter the description and the amount in the appropriate field
    page.get_by_label("Description").fill("First top-up")
    page.get_by_label("Amount").fill("150.25")
    # 4. Select the Status as complete & click Save
    page.get_by_label("Status").select_option(label="Complete")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="First top-up", exact=True)).to_be_visible()
    expect(page.get_by_test_id("customer-balance")).to_have_text("150.25 GBP")

    # Carrier Setup
    # 1. Click on Management> Carrier
    menu.get_by_role("link", name="Carriers").click()
    page.get_by_role("link", name="Add Carrier").click()
    # 2. Enter the Carrier Name
    page.get_by_label("Carrier Name").fill("Upstream Wholesale")
    # 3. Select the Carrier currency
    page.get_by_label("Currency").select_option("USD")
    # 4. Click Save
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Upstream Wholesale")).to_be_visible()

    # Authentication
    # 1. Click on Authentication
    page.get_by_role("link", name="Authentication", exact=True).click()
    # 2. Click '+' under IP Authentication
    page.get_by_role("link", name="Add IP Authentication").click()
    # 3. Enter the termination IP address (We support SRV records & domains too)
    page.get_by_label("IP Address").fill("_sip._udp.example.test")
    # 4. Click Save
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="_sip._udp.example.test", exact=True)).to_be_visible()
    assert wait_for(lambda: Gateway.objects.filter(resolved_at__isnull=False).exists())
    page.reload()
    expect(page.get_by_test_id("resolved-addresses")).to_have_text(
        re.compile(r"203\.0\.113\.11, 203\.0\.113\.12")
    )
