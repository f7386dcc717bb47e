"""The customer and carrier portal in Chromium, on the brand's own domain (host-resolver rules),
at desktop width and at 390 px: an invited contact sets a password, logs in and sees the balance;
a sign-up from the template customer gets its $5.00; a carrier contact sees its rates."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from customers import services as customer_services
from customers.models import Contact
from portal.models import CustomerPortal
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory, CustomerFactory
from tests.portal.factories import VerifiedDomainFactory, portal_carrier
from tests.portal.world import provider_card

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/portal2_shots")
HOST = "acme.brand.test"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def new_page(launched, width):
    context = launched.new_context(viewport=WIDTHS[width])
    context.set_default_timeout(15_000)
    return context.new_page()


def mailed_link() -> str:
    return re.search(r"(http://\S+/)\s", mail.outbox[-1].body).group(1)


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_invited_contact_sets_a_password_logs_in_and_sees_the_balance(page, portal, admin_user, width):
    launched, port = portal
    AdminFactory(email="admin@example.test")
    brand = VerifiedDomainFactory(domain=HOST, brand_name="Acme Voice", footer="Acme Voice Ltd")
    customer = CustomerFactory(name="Caller Ltd", currency="USD")
    CustomerPortal.objects.create(customer=customer, domain=brand)
    Contact.objects.create(customer=customer, name="Ann Lee", email="ann@caller.test")
    customer_services.payment_create(
        actor=admin_user, customer=customer, description="Top-up", amount="42.50", status="complete"
    )
    # The panel: customer > Contacts > Invite to portal.
    log_in(page, "admin@example.test", PASSWORD)
    page.goto(f"/customers/{customer.pk}/contacts/")
    page.get_by_role("button", name="Invite to portal").click()
    expect(page.get_by_text("Invitation sent to ann@caller.test")).to_be_visible()
    link = mailed_link()
    assert link.startswith(f"http://{HOST}:{port}/password/set/")

    tab = new_page(launched, width)
    tab.goto(link)
    expect(tab.get_by_role("heading", name="Acme Voice")).to_be_visible()
    tab.get_by_label("New password", exact=True).fill("Sturdy-horse-42")
    tab.get_by_label("Repeat the new password").fill("Sturdy-horse-42")
    tab.get_by_role("button", name="Set password").click()
    expect(tab.get_by_text("Your password is set")).to_be_visible()
    tab.get_by_label("Email").fill("ann@caller.test")
    tab.get_by_label("Password", exact=True).fill("Sturdy-horse-42")
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(tab.locator("#portal-balance")).to_have_text("42.50 USD")
    tab.screenshot(path=str(SHOTS / f"dashboard-{width}.png"), full_page=True)
    # The menu leads to the other pages (behind "Menu" on a phone).
    if width == "phone":
        tab.get_by_text("Menu", exact=True).click()
        tab.locator("#portal-menu-small").get_by_role("link", name="Payments").click()
    else:
        tab.locator("#portal-menu").get_by_role("link", name="Payments").click()
    expect(tab.get_by_role("cell", name="Top-up")).to_be_visible()
    tab.screenshot(path=str(SHOTS / f"payments-{width}.png"), full_page=True)
    no_overflow = tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert no_overflow, "the page scrolls sideways"


def test_signup_from_the_template_customer_gets_five_dollars(portal, admin_user):
    launched, _port = portal
    template = CustomerFactory(name="Template", currency="USD")
    customer_services.payment_create(
        actor=admin_user, customer=template, description="Welcome credit", amount="5.00", status="complete"
    )
    VerifiedDomainFactory(
        domain="join.brand.test",
        brand_name="Join Tel",
        customer_signup=True,
        currencies=["USD"],
        template_customer=template,
    )
    for width in ("phone", "desktop"):
        tab = new_page(launched, width)
        tab.goto(f"http://join.brand.test:{_port}/")
        tab.get_by_role("link", name="Sign up").click()
        tab.get_by_label("Company Name").fill(f"New Caller {width}")
        tab.get_by_label("Your Name").fill("Ann Caller")
        tab.get_by_label("Email").fill(f"ann-{width}@newcaller.test")
        tab.get_by_label("Password", exact=True).fill("Strong-signup-77")
        tab.get_by_role("button", name="Sign up").click()
        expect(tab.get_by_text("We sent a link")).to_be_visible()
        tab.goto(mailed_link())
        tab.get_by_role("button", name="Confirm").click()
        expect(tab.get_by_role("heading", name="Dashboard")).to_be_visible()
        expect(tab.locator("#portal-balance")).to_have_text("5.00 USD")
        tab.screenshot(path=str(SHOTS / f"signup-dashboard-{width}.png"), full_page=True)


def test_carrier_contact_sees_its_rates(portal):
    launched, port = portal
    brand = VerifiedDomainFactory(
        domain="carriers.brand.test", brand_name="Carrier Hub", features={"carrier_portal": True}
    )
    carrier, user = portal_carrier(brand, name="Wholesale One")
    provider_card(carrier, rows=30, name="Wholesale One UK")
    for width in ("desktop", "phone"):
        tab = new_page(launched, width)
        tab.goto(f"http://carriers.brand.test:{port}/")
        tab.get_by_label("Email").fill(user.email)
        tab.get_by_label("Password").fill("Portal-pass-2026!")
        tab.get_by_role("button", name="Log in").click()
        expect(tab.get_by_role("heading", name="Rate Cards")).to_be_visible()
        tab.get_by_role("link", name="Wholesale One UK").click()
        expect(tab.get_by_role("cell", name="440000", exact=True)).to_be_visible()
        tab.get_by_label("Search rates").fill("440029")
        tab.get_by_role("button", name="Search").click()
        expect(tab.locator("#rates tbody tr")).to_have_count(1)
        tab.screenshot(path=str(SHOTS / f"carrier-rates-{width}.png"), full_page=True)
