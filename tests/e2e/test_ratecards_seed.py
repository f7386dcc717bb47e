"""Seed 000, "Provider Card" then "Customer Card", step by step as a person would: 441 ends at 0.007."""

import re

import pytest
from playwright.sync_api import expect

from carriers.models import Carrier
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_provider_card_then_customer_card(page, celery_worker):
    admin = AdminFactory()
    Carrier.objects.create(name="Demo Carrier", currency="USD")
    log_in(page, admin.email, PASSWORD)
    menu = page.get_by_role("navigation", name="Main menu")

    # Provider Card
    menu.get_by_role("link", name="Rate Cards").click()  # 1. Management > Rate Card
    page.get_by_role("link", name="Add Provider Card").click()  # 2.
    page.get_by_label("Name").fill("UK Wholesale")  # 3.
    page.get_by_role("tab", name="Properties").click()  # 4.
    page.get_by_label("Carrier").select_option(label="Demo Carrier")  # 5.
    page.get_by_label("Currency").select_option("USD")  # 6.
    page.get_by_role("button", name="Save").click()  # 7.
    page.get_by_role("link", name="Rate Card", exact=True).click()  # 8. the provider rate card
    page.get_by_role("button", name="Create Draft").click()  # 9.
    page.get_by_role("button", name="Add Row").click()  # 8. (sic)
    page.get_by_label("Prefix", exact=True).fill("441")  # 9.
    page.get_by_label("Name", exact=True).fill("UK Landline")
    page.get_by_label("Cost", exact=True).fill("0.006")
    page.get_by_label("Billing", exact=True).fill("1/1")
    page.get_by_role("button", name="Save").click()  # 10. publish
    expect(page.get_by_text("Published revision 1.")).to_be_visible()
    expect(page.get_by_role("cell", name="UK Landline")).to_be_visible()

    # Customer Card
    menu.get_by_role("link", name="Rate Cards").click()  # 1.
    page.get_by_role("link", name="Add Customer Card").click()  # 2.
    page.get_by_label("Name").fill("UK Retail")  # 3.
    page.get_by_label("Carrier Cards").select_option(label="UK Wholesale")  # 4. (LCR by default)
    page.get_by_label("Currency").select_option("USD")  # 5.
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Profits").click()  # 6.
    page.get_by_role("link", name="Add New Row").click()
    page.get_by_label("Prefix").fill("441")  # 7.
    page.get_by_label(re.compile(r"^\s*Cost\W*$")).fill("0.007")  # the seed calls the value Cost
    page.get_by_label("Profit Type").select_option(label="Absolute")
    page.get_by_label("Billing").fill("1/1")
    page.get_by_label("Status").select_option(label="Profit")
    page.get_by_label("Apply To").select_option(label="Cost")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="441")).to_be_visible()

    page.get_by_role("link", name="Build From Carrier Cards").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text(re.compile(r"Published revision 1 with 1 prefixes"))).to_be_visible(
        timeout=30_000
    )
    page.get_by_role("link", name="Back to UK Retail").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="441", exact=True))
    expect(row.get_by_role("cell", name=re.compile(r"^0\.007"))).to_be_visible()
