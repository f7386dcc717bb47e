"""Setup > Information > Certificate, as the reference describes it: Add, User Provided "Yes", paste the
certificate, key and CA certificate, Save; a key that does not match is named. Desktop and phone."""

import pytest
from playwright.sync_api import expect

from tests.certificates.pki import CA
from tests.e2e.conftest import log_in
from tests.e2e.test_carrier_payments import SHOTS
from tests.e2e.test_phone_width import DESKTOP, PHONE, page_width
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_operator_adds_a_user_provided_certificate(page, viewport):
    AdminFactory(email="ops@example.test")
    ca = CA("Acme Private CA")
    good, other = ca.issue("portal.acme.test"), ca.issue("portal.acme.test")
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(viewport)
    log_in(page, "ops@example.test", PASSWORD)
    if viewport is PHONE:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Information (Certificate)"
    ).click()
    expect(page.get_by_role("heading", name="Certificate")).to_be_visible()
    page.get_by_role("link", name="Add Certificate").click()

    page.get_by_label("Domain").fill("portal.acme.test")
    page.get_by_label("User Provided").select_option(label="Yes: I paste my own")
    page.get_by_label("Certificate", exact=True).fill(good.certificate)
    page.get_by_label("Key").fill(other.key)
    page.get_by_label("CA Certificate").fill(ca.pem)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("This key does not belong to the certificate.")
    expect(page.get_by_label("Key")).to_have_value("")  # a posted key is not echoed back either
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"certificate_error_{viewport['width']}.png"), full_page=True)

    page.get_by_label("Key").fill(good.key)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Certificate saved.")
    row = page.locator("main table tbody tr", has_text="portal.acme.test")
    expect(row).to_contain_text("All checks passed")
    expect(row).to_contain_text("Acme Private CA")
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"certificates_{viewport['width']}.png"), full_page=True)
