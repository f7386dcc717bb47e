import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_in_see_the_menu_log_out(page):
    AdminFactory(email="admin@example.test", name="Ada Admin")
    log_in(page, "admin@example.test", PASSWORD)
    menu = page.get_by_role("navigation", name="Main menu")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    for label in [
        "Dashboard",
        "Customers",
        "Carriers",
        "Rate Cards",
        "Settings",
        "Integrations",
        "My Account",
    ]:
        expect(menu.get_by_text(label).first).to_be_visible()
    expect(menu.get_by_text("Management")).to_be_visible()
    expect(menu.get_by_text("Setup")).to_be_visible()
    page.get_by_role("button", name="Notifications").click()
    expect(page.get_by_text("Verify Email")).to_be_visible()
    expect(page.get_by_text("Verify Mobile")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_an_error(page):
    AdminFactory(email="admin@example.test")
    log_in(page, "admin@example.test", "not-the-password")
    expect(page.get_by_text("Please enter a correct email and password")).to_be_visible()
