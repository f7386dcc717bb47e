"""An operator rewords the password-reset email: Setup > Config > Templates, Preview, Save, then
Reset it to the stock wording; at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from notices.stock import STOCK
from tests.e2e.conftest import log_in
from tests.e2e.test_carrier_payments import SHOTS
from tests.e2e.test_phone_width import DESKTOP, PHONE, page_width
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_operator_rewords_the_password_reset_email(page, viewport):
    AdminFactory(email="ops@example.test", name="Olive Ops")
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(viewport)
    log_in(page, "ops@example.test", PASSWORD)

    if viewport is PHONE:
        page.get_by_role("button", name="Menu").click()
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("link", name="Config (Templates)").click()
    expect(page.get_by_role("heading", name="Templates")).to_be_visible()
    row = page.locator("main table tbody tr", has_text="Password Reset").first
    expect(row).to_contain_text("Stock")
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"templates_{viewport['width']}.png"), full_page=True)
    row.get_by_role("link", name="Password Reset").click()

    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()
    page.get_by_label("Subject").fill("{{user.name}}, reset your Acme password")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("not saved")
    expect(preview).to_contain_text("Ann Operator, reset your Acme password")
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"template_preview_{viewport['width']}.png"), full_page=True)

    page.get_by_label("Text").fill("Hello {{user.name}},\n{{#if link}}{{link}}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Line 2, column 1: {{#if}} is never closed.")
    page.get_by_label("Text").fill("Hello {{user.name}},\n{{link}}\n-- Acme NOC")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Template saved")
    expect(page.locator("main table tbody tr", has_text="Password Reset").first).to_contain_text("Customised")

    page.locator("main table tbody tr", has_text="Password Reset").get_by_role("link").first.click()
    page.get_by_role("button", name="Reset").click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Reset Password Reset to the stock wording?")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator("main")).to_contain_text("back to the stock wording")
    expect(page.get_by_label("Subject")).to_have_value(STOCK["user_password_reset"].subject)
