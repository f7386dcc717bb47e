"""Setup > Config > Packages, then Customer > Packages: create a package, assign it, see the setup
charge and the next billing date, at desktop width and at a phone's 390 px."""

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.dates import panel_date
from packages import schedule
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory, CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}
SHOTS = Path("/tmp/connexcs-screenshots")  # looked at by a person, not kept


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_create_a_package_assign_it_and_see_the_setup_charge(page, viewport):
    AdminFactory(email="admin@example.test")
    CustomerFactory(name="Acme", currency="EUR")
    page.set_viewport_size(viewport)
    log_in(page, "admin@example.test", PASSWORD)
    menu = page.get_by_role("navigation", name="Main menu")
    if viewport is PHONE:
        page.get_by_role("button", name="Menu").click()
    menu.get_by_role("link", name="Config (Packages)").click()
    expect(page.get_by_role("heading", name="Packages")).to_be_visible()
    page.get_by_role("link", name="Add Package").click()
    page.get_by_label("Name").fill("Gold DID")
    page.get_by_label(re.compile(r"^\s*Retail\W*$")).fill("12.50")
    page.get_by_label("Setup Retail").fill("30")
    page.get_by_label(re.compile(r"^\s*Frequency\W*$")).select_option(label="Monthly")
    page.get_by_label("Frequency Match").fill("15, 31")
    expect(page.get_by_text("bills on that month's last day")).to_be_visible()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Package saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Gold DID")).to_be_visible()

    page.goto("/customers/")
    page.get_by_role("link", name="Acme").click()
    page.get_by_role("main").get_by_role("link", name="Packages").click()
    expect(page.get_by_text("This customer holds no packages.")).to_be_visible()
    page.get_by_role("link", name="Assign Package").click()
    page.get_by_label("Package").select_option(label="Gold DID")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Package assigned")).to_be_visible()
    today = dt.datetime.now(dt.UTC).date()
    upcoming = schedule.upcoming("monthly", [15, 31], today, None, today)
    row = page.get_by_role("row", name="Gold DID")
    expect(row).to_contain_text("30.00 EUR")  # Setup Charged
    expect(row).to_contain_text(panel_date(upcoming))  # Next Billing Date
    expect(page.get_by_test_id("customer-balance")).to_have_text("-30.00 EUR")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"packages_tab_{viewport['width']}.png"), full_page=True)
