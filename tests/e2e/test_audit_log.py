"""An operator finds who renamed a customer: Setup > Information > Audit Log, search, View Difference;
at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.e2e.test_carrier_payments import SHOTS
from tests.e2e.test_phone_width import DESKTOP, PHONE, page_width
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_who_renamed_a_customer_is_found_in_the_audit_log(page, viewport):
    AdminFactory(email="ops@example.test", name="Olive Ops")
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(viewport)
    log_in(page, "ops@example.test", PASSWORD)
    page.goto("/customers/add/")
    page.get_by_label("Name").fill("Acme")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    page.locator("main").get_by_role("link", name="Edit").click()
    page.get_by_label("Name").fill("Acme Telecom")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Acme Telecom")).to_be_visible()

    if viewport is PHONE:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Information (Audit Log)"
    ).click()
    expect(page.get_by_role("heading", name="Audit Log")).to_be_visible()
    page.get_by_label("Search").fill("Acme Telecom")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_contain_text("Olive Ops")
    expect(rows.first).to_contain_text("Customer")
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"audit_log_{viewport['width']}.png"), full_page=True)
    rows.first.get_by_role("link", name="View Difference").click()
    expect(page.get_by_role("heading", name="Difference")).to_be_visible()
    changed = page.locator("tbody tr.table-warning").first
    expect(changed).to_contain_text("Name")
    expect(changed).to_contain_text("Acme Telecom")
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"audit_difference_{viewport['width']}.png"), full_page=True)
