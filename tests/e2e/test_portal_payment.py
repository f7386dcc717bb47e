"""A logged-in contact pays 10.00 through the Stripe fake's hosted page; the signed webhook arrives
at the panel and the balance rises by 10.00, once (desktop and a phone's 390 px)."""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from customers.choices import PaymentStatus
from customers.selectors import customer_balance
from payments.models import OnlinePayment
from tests.e2e.conftest import ARGS, CHROMIUM
from tests.fakes.stripe_server import FakeStripe
from tests.helpers import wait_for
from tests.payments.helpers import STRIPE_SECRET, STRIPE_WEBHOOK_SECRET, make_stripe
from tests.portal.factories import PASSWORD, VerifiedDomainFactory, portal_customer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOST = "pay.brand.test"
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 800}, {"width": 390, "height": 844}])
def test_contact_pays_ten_through_stripe_and_the_balance_rises_once(browser, live_server, settings, viewport):
    brand = VerifiedDomainFactory(domain=HOST, brand_name="Pay Voice")
    customer, user = portal_customer(brand, name="Acme Telecom", currency="USD")
    gateway = make_stripe()
    port = live_server.url.rsplit(":", 1)[1]
    with FakeStripe(
        secret_key=STRIPE_SECRET,
        webhook_secret=STRIPE_WEBHOOK_SECRET,
        webhook_url=f"{live_server.url}/webhooks/stripe/{gateway.pk}/",
    ) as stripe:
        settings.STRIPE_API_BASE = stripe.url
        portal_browser = browser.browser_type.launch(
            executable_path=CHROMIUM, args=[*ARGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1"]
        )
        try:
            page = portal_browser.new_page(viewport=viewport)
            page.set_default_timeout(15_000)
            page.goto(f"http://{HOST}:{port}/")
            page.get_by_label("Email").fill(user.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            balance = page.locator("#portal-balance")
            expect(balance).to_have_text("0.00 USD")

            page.get_by_role("main").get_by_role("link", name="Make Payment").click()  # under the balance
            expect(page.get_by_role("heading", name="Make Payment")).to_be_visible()
            page.get_by_label("Pay via").select_option(label="Stripe")
            page.get_by_label("Amount").fill("10.00")
            expect(page.get_by_label("Currency")).to_have_value("USD")
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/make_payment_{viewport['width']}.png", full_page=True)
            page.get_by_role("button", name="Submit Payment").click()

            # The provider's hosted page (the fake), reached through our own page's refresh.
            expect(page.get_by_role("heading", name="Pay 10.00 USD")).to_be_visible()
            assert page.url.startswith(f"{stripe.url}/pay/cs_test_")
            page.get_by_role("button", name="Pay", exact=True).click()

            # Back on the portal: Pending until the webhook (delivered just after) books it.
            expect(page.get_by_role("heading", name="Payment")).to_be_visible()
            assert page.url.startswith(f"http://{HOST}:{port}/make-payment/")
            online = OnlinePayment.objects.get()
            assert wait_for(
                lambda: online.payment.__class__.objects.get(pk=online.payment_id).status == "complete"
            )
            page.reload()
            expect(page.locator("#payment-status")).to_have_text("Complete")
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/payment_done_{viewport['width']}.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= max(viewport["width"], 390)

            page.goto(f"http://{HOST}:{port}/dashboard/")
            expect(balance).to_have_text("10.00 USD")
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/dashboard_{viewport['width']}.png", full_page=True)
        finally:
            portal_browser.close()
    assert stripe.deliveries == [200]
    online.payment.refresh_from_db()
    assert online.payment.status == PaymentStatus.COMPLETE
    assert online.payment.ledger_entries.count() == 1
    assert customer_balance(customer) == Decimal("10.00")


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 800}, {"width": 390, "height": 844}])
def test_operator_adds_stripe_under_my_account_api_and_refreshes_it(page, settings, viewport):
    from tests.e2e.conftest import log_in
    from tests.factories import PASSWORD as STAFF_PASSWORD
    from tests.factories import AdminFactory

    AdminFactory(email="admin@example.test")
    page.set_viewport_size(viewport)
    with FakeStripe(secret_key=STRIPE_SECRET, webhook_secret=STRIPE_WEBHOOK_SECRET) as stripe:
        settings.STRIPE_API_BASE = stripe.url
        log_in(page, "admin@example.test", STAFF_PASSWORD)
        page.goto("/accounts/my-account/")
        page.get_by_role("link", name="API", exact=True).click()
        expect(page.get_by_role("heading", name="API")).to_be_visible()
        # Seed 002: Add New, select PayPal or Stripe, fill the dialog, Save.
        page.get_by_role("button", name="Add New").click()
        page.get_by_role("link", name="Stripe").click()
        page.get_by_label("Mode").select_option(label="Sandbox")
        page.get_by_label("Public Key").fill("pk_test_fake")
        page.get_by_label("Private Key").fill(STRIPE_SECRET)
        page.get_by_label("Webhook Secret").fill(STRIPE_WEBHOOK_SECRET)
        page.get_by_label("Currencies").select_option(["USD", "EUR"])
        page.get_by_role("button", name="Save").click()
        row = page.get_by_role("row").filter(has_text="pk_test_fake")
        expect(row).to_contain_text("EUR, USD")  # in the list's order
        expect(row).to_contain_text("Not checked")
        # Refresh asks Stripe (the fake) whether it takes the keys.
        page.get_by_role("button", name="Refresh Stripe").click()
        expect(page.get_by_text("Stripe accepted the keys (test mode).")).to_be_visible()
        expect(page.get_by_role("row").filter(has_text="pk_test_fake")).to_contain_text("OK")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/panel_api_{viewport['width']}.png", full_page=True)
        # Edit by clicking the name: the secrets are not shown back.
        page.get_by_role("link", name="Stripe", exact=True).click()
        expect(page.get_by_label("Public Key")).to_have_value("pk_test_fake")
        expect(page.get_by_label("Private Key")).to_have_value("")
        assert STRIPE_SECRET not in page.content() and STRIPE_WEBHOOK_SECRET not in page.content()
        page.goto("/accounts/my-account/")
        page.get_by_role("link", name="Payments", exact=True).click()
        expect(page.get_by_text("No online payments yet.")).to_be_visible()
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/panel_payments_{viewport['width']}.png", full_page=True)
    assert ("GET", "/v1/balance") in stripe.requests
