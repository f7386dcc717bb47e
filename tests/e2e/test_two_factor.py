"""Enable two factor authentication from My Account, then log in with the second step."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_enable_two_factor_then_log_in_with_a_recovery_code(page):
    AdminFactory(email="admin@example.test")
    log_in(page, "admin@example.test", PASSWORD)
    page.get_by_role("navigation", name="Main menu").get_by_text("My Account").click()
    page.get_by_role("link", name="Security").click()
    page.get_by_role("link", name="Enable Two Factor Authentication").click()
    expect(page.locator("svg")).to_be_visible()
    secret = page.get_by_label("Secret").inner_text()
    page.get_by_label("Authentication Code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That code does not match")).to_be_visible()
    page.get_by_label("Authentication Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Two factor authentication is on.")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").inner_text().split()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", c) for c in codes)

    page.get_by_role("button", name="Log out").click()
    log_in(page, "admin@example.test", PASSWORD)
    expect(page.get_by_role("heading", name="Two factor authentication")).to_be_visible()
    page.get_by_label("Authentication Code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
