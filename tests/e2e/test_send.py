"""Customers > Send, as the reference describes it: tick customers, click Send, choose Email, write
it, attach their rate cards, confirm; the real worker sends each its own copy while the page shows
progress. At desktop and phone width."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from customers.models import Contact
from tests.e2e.conftest import log_in
from tests.e2e.test_carrier_payments import SHOTS
from tests.e2e.test_phone_width import DESKTOP, PHONE, page_width
from tests.factories import PASSWORD, AdminFactory, CustomerFactory
from tests.routing import factories as rf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_operator_emails_two_customers_their_rate_cards(page, viewport, celery_worker):
    AdminFactory(email="ops@example.test", name="Olive Ops")
    acme = CustomerFactory(name="Acme Telecom", currency="USD")
    beta = CustomerFactory(name="Beta Voice", currency="EUR")
    CustomerFactory(name="Gamma Not Ticked")
    Contact.objects.create(customer=acme, name="Ann", email="ann@acme.test")
    Contact.objects.create(customer=beta, name="Cy", email="cy@beta.test")
    rf.route(acme, rf.card({"44": {"rate": "0.0100", "name": "UK"}}, name="Acme UK"), tech_prefix="71")
    mail.outbox.clear()
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(viewport)
    log_in(page, "ops@example.test", PASSWORD)
    page.goto("/customers/")

    for name in ("Acme Telecom", "Beta Voice"):
        page.locator("main table tbody tr", has_text=name).get_by_role("checkbox").check()
    page.get_by_role("button", name="Send").click()
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"send_pick_{viewport['width']}.png"), full_page=True)
    page.get_by_role("button", name="Email the ticked customers").click()

    expect(page.get_by_role("heading", name="Send Email")).to_be_visible()
    chosen = page.get_by_label("Customers").evaluate("s => [...s.selectedOptions].map(o => o.text)")
    assert chosen == ["Acme Telecom", "Beta Voice"]
    page.get_by_label("Subject").fill("Your rates, {{customer.name}}")
    page.get_by_label("Body").fill("Dear {{customer.name}}, your new rates are attached.")
    page.get_by_label("Include Customer Rate Cards").check()
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"send_email_{viewport['width']}.png"), full_page=True)
    page.get_by_role("button", name="Send", exact=True).click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Send an email to every contact of the chosen customers?")
    dialog.get_by_role("button", name="Confirm").click()

    expect(page.locator("main")).to_contain_text("Queued: each customer gets its own message")
    status = page.locator("#mailing-status")
    expect(status).to_contain_text("2 of 2 customers handled: 2 sent", timeout=20_000)
    expect(status).to_contain_text("Status: Done")
    expect(status.locator("tr", has_text="Acme Telecom")).to_contain_text("attached Acme UK.csv")
    expect(status.locator("tr", has_text="Beta Voice")).to_contain_text("no published rate card to attach")
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"send_done_{viewport['width']}.png"), full_page=True)
    assert sorted(m.subject for m in mail.outbox) == ["Your rates, Acme Telecom", "Your rates, Beta Voice"]
