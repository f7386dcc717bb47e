"""Management > Customers (and Carriers) > Bulk Edit: tick two, set Status (and Flow Speed), confirm;
both change and the third does not. Then Delete with the third ticked. At desktop and phone width."""

import pytest
from playwright.sync_api import expect

from carriers import services as carrier_services
from carriers.models import Carrier
from customers.models import Customer
from tests.e2e.conftest import log_in
from tests.e2e.test_carrier_payments import SHOTS
from tests.e2e.test_phone_width import DESKTOP, PHONE, page_width
from tests.factories import PASSWORD, AdminFactory, CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_operator_bulk_edits_two_customers(page, viewport):
    AdminFactory(email="ops@example.test")
    for name in ("Acme Telecom", "Beta Voice", "Gamma Untouched"):
        CustomerFactory(name=name, cps=3)
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(viewport)
    log_in(page, "ops@example.test", PASSWORD)
    page.goto("/customers/")

    for name in ("Acme Telecom", "Beta Voice"):
        page.locator("main table tbody tr", has_text=name).get_by_role("checkbox").check()
    page.get_by_role("button", name="Bulk Edit").click()

    expect(page.get_by_role("heading", name="Bulk Edit")).to_be_visible()
    page.get_by_label("Status").select_option(label="Penalty")
    page.get_by_label("Flow Speed (CPS)").fill("0")
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"bulk_edit_{viewport['width']}.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Change the chosen fields on every chosen customer?")
    dialog.get_by_role("button", name="Confirm").click()

    expect(page.locator("main")).to_contain_text("Updated 2 customers.")
    expect(page.locator("main table tbody tr", has_text="Acme Telecom")).to_contain_text("Penalty")
    expect(page.locator("main table tbody tr", has_text="Gamma Untouched")).to_contain_text("Active")
    values = {c.name: (c.status, c.cps) for c in Customer.objects.all()}
    assert values == {
        "Acme Telecom": ("penalty", 0),
        "Beta Voice": ("penalty", 0),
        "Gamma Untouched": ("active", 3),
    }

    page.locator("main table tbody tr", has_text="Gamma Untouched").get_by_role("checkbox").check()
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"bulk_list_{viewport['width']}.png"), full_page=True)
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete Customers")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Gamma Untouched")
    page.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Delete 1 customer? This cannot be undone.")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator("main")).to_contain_text("Deleted 1 customer.")
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["Acme Telecom", "Beta Voice"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_operator_bulk_edits_and_deletes_carriers(page, viewport):
    admin = AdminFactory(email="ops@example.test")
    for name in ("Alpha Transit", "Bravo Wholesale", "Charlie Voice"):
        carrier_services.carrier_create(actor=admin, name=name, currency="USD")
    page.set_viewport_size(viewport)
    log_in(page, "ops@example.test", PASSWORD)
    page.goto("/carriers/")

    for name in ("Alpha Transit", "Bravo Wholesale"):
        page.locator("main table tbody tr", has_text=name).get_by_role("checkbox").check()
    page.get_by_role("button", name="Bulk Edit").click()
    page.get_by_label("Status").select_option(label="Inactive")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("dialog", name="Please confirm").get_by_role("button", name="Confirm").click()
    expect(page.locator("main")).to_contain_text("Updated 2 carriers.")
    expect(page.locator("main table tbody tr", has_text="Bravo Wholesale")).to_contain_text("Inactive")

    page.locator("main table tbody tr", has_text="Charlie Voice").get_by_role("checkbox").check()
    page.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Delete 1 carrier? This cannot be undone.")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator("main")).to_contain_text("Deleted 1 carrier.")
    assert page_width(page) <= viewport["width"]
    assert sorted(Carrier.objects.values_list("name", flat=True)) == ["Alpha Transit", "Bravo Wholesale"]
