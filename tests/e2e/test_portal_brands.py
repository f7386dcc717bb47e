"""Seed 004 "Steps to create a new Domain" and "Steps to add Domain to the Customer", then the portal."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from portal.models import CustomerPortal, PortalDomain
from tests.e2e.conftest import ARGS, CHROMIUM, log_in
from tests.factories import PASSWORD, AdminFactory, CustomerFactory
from tests.helpers import wait_for
from tests.portal.dns import portal_dns_fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

portal_dns = pytest.fixture(portal_dns_fixture)
DOMAIN_LABEL = re.compile(r"^\s*Domain\*?\s*$")  # crispy marks required fields with *


def test_create_a_domain_add_it_to_a_customer_and_open_its_portal(
    page, browser, live_server, celery_worker, portal_dns, tmp_path
):
    AdminFactory(email="admin@example.test")
    CustomerFactory(name="Acme Telecom")
    logo = tmp_path / "logo.png"
    buffer = io.BytesIO()
    Image.new("RGB", (200, 60), (20, 90, 200)).save(buffer, format="PNG")
    logo.write_bytes(buffer.getvalue())
    log_in(page, "admin@example.test", PASSWORD)
    menu = page.get_by_role("navigation", name="Main menu")

    # Steps to create a new Domain
    # 1. Go to Setup > Integrations > Portal.
    menu.get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", name="Portal")).to_be_visible()
    # 2. Click on + button and click on the SMTP tab.
    page.get_by_role("link", name="+").click()
    page.get_by_label(DOMAIN_LABEL).fill("shop.brand.test")
    page.get_by_label("Brand Name").fill("Shop Voice")
    page.get_by_role("tab", name="Advanced").click()
    page.get_by_label("Upload Logo").set_input_files(str(logo))
    page.get_by_label("Footer").fill("Copyright Shop Voice Ltd")
    page.get_by_role("tab", name="SMTP").click()
    # 3. A window with several fields will appear. You need to fill out the fields:
    # 3.1 Server, 3.2 Username, 3.3 Password, 3.4 From Email Address.
    page.get_by_label("Server", exact=True).fill("smtp.shop.test")
    page.get_by_label("Username", exact=True).fill("mailer")
    page.get_by_label("Password", exact=True).fill("Smtp-Secret-1")
    page.get_by_label("From Email Address").fill("noreply@shop.test")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Its CNAME is being checked")).to_be_visible()
    brand = PortalDomain.objects.get(domain="shop.brand.test")
    assert brand.smtp_password == "Smtp-Secret-1"
    # Saving started the CNAME check in the worker; the page shows what was found.
    assert wait_for(lambda: PortalDomain.objects.get(pk=brand.pk).verified)
    page.reload()
    expect(page.get_by_test_id("domain-status")).to_contain_text("CNAME to portal.localhost.")
    expect(page.get_by_text("Smtp-Secret-1")).to_have_count(0)

    # Steps to add Domain to the Customer
    # 1. Go to Management > Customer > Customer Name. 2. Select the customer.
    menu.get_by_role("link", name="Customers").click()
    page.get_by_role("link", name="Acme Telecom").click()
    # 3. Click on Edit.
    page.get_by_role("link", name="Edit").click()
    # 4. Click on Config and in the Domain field select the domain from the dropdown menu.
    page.get_by_role("main").get_by_role("link", name="Config", exact=True).click()
    page.get_by_label(DOMAIN_LABEL).select_option(label="shop.brand.test")
    # 5. Click on Save.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert CustomerPortal.objects.get(customer__name="Acme Telecom").domain == brand

    # The portal login on that domain: the brand's name, logo and footer.
    port = live_server.url.rsplit(":", 1)[1]
    portal_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*ARGS, "--host-resolver-rules=MAP shop.brand.test 127.0.0.1"]
    )
    try:
        portal = portal_browser.new_page()
        portal.goto(f"http://shop.brand.test:{port}/")
        expect(portal.get_by_role("heading", name="Shop Voice")).to_be_visible()
        expect(portal.get_by_text("Copyright Shop Voice Ltd")).to_be_visible()
        logo_image = portal.get_by_role("img", name="Shop Voice logo")
        expect(logo_image).to_be_visible()
        assert logo_image.evaluate("img => img.naturalWidth") == 200
        expect(portal.get_by_label("Email")).to_be_visible()
    finally:
        portal_browser.close()
