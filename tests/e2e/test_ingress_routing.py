"""The seed's Ingress Routing steps, then the Route Simulator, in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory
from tests.routing import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_add_ingress_route_then_simulate_a_call(page, settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    AdminFactory(email="admin@example.test")
    carrier = f.carrier("Cheap")
    f.card(
        {"44": {"rate": "0.0200", "mcd": 30, "pulse": 6, "providers": [f.provider(carrier, "0.01", "44")]}},
        name="UK Retail",
    )
    customer = f.customer("Acme")
    f.ip_auth(customer, "198.51.100.7")

    log_in(page, "admin@example.test", PASSWORD)
    # 1. Management > Customer; 2. the customer's name > Routing
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Customers").click()
    page.get_by_role("link", name="Acme").click()
    page.get_by_role("main").get_by_role("link", name="Routing").click()
    expect(page.get_by_role("heading", name="Ingress Routing")).to_be_visible()
    # 3. '+' under Ingress Routing; 4. choose the card from the tariff list and Save
    page.get_by_role("link", name="+").click()
    page.get_by_label("Rate Card").select_option(label="UK Retail")
    page.get_by_label("Tech Prefix").fill("9#")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Ingress route saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="UK Retail", exact=True)).to_be_visible()

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Routing").click()
    page.get_by_label("Source IP").fill("198.51.100.7")
    page.get_by_label("Number").fill("9#442071234567")
    page.get_by_label("Call Duration (s)").fill("31")
    page.get_by_role("button", name="Simulate").click()
    expect(page.get_by_test_id("decision-code")).to_have_text("200")
    expect(page.get_by_test_id("decision-prefix")).to_have_text("44")
    expect(page.get_by_test_id("charge")).to_contain_text("billed 36 s")
    expect(page.get_by_test_id("charge")).to_contain_text("0.0120 USD")
