"""Customer > Main > Internal Number Block, as customer_main.md describes it: click "+" next to Internal
Number Block, the next block is assigned, and Authentication's new SIP user takes a number from it.
At desktop and phone width."""

import pytest
from playwright.sync_api import expect

from accounts.models import AccountSettings
from customers.models import SIPUser
from tests.e2e.conftest import log_in
from tests.e2e.test_carrier_payments import SHOTS
from tests.e2e.test_phone_width import DESKTOP, PHONE, page_width
from tests.factories import PASSWORD, AdminFactory, CustomerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_operator_assigns_a_block_and_adds_a_numbered_sip_user(page, viewport):
    AdminFactory(email="ops@example.test")
    row = AccountSettings.load()
    row.number_range_start, row.number_block_size = 2000, 50
    row.save()
    acme = CustomerFactory(name="Acme Telecom")
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(viewport)
    log_in(page, "ops@example.test", PASSWORD)
    page.goto(f"/customers/{acme.pk}/")

    blocks = page.locator("#number-blocks")
    expect(blocks).to_contain_text("None: this customer's SIP users may have any username.")
    blocks.get_by_role("button", name="Add Internal Number Block").click()
    dialog = page.get_by_role("dialog", name="Please confirm")
    expect(dialog).to_contain_text("Assign the next free Internal Number Block to Acme Telecom?")
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.locator("main")).to_contain_text("Internal Number Block 2000–2049 assigned to Acme Telecom.")
    expect(blocks).to_contain_text("2000–2049")
    assert page_width(page) <= viewport["width"]
    page.screenshot(path=str(SHOTS / f"number_block_{viewport['width']}.png"), full_page=True)

    page.get_by_role("link", name="Authentication").click()
    page.get_by_role("link", name="Add SIP User Authentication").click()
    expect(page.get_by_label("Username")).to_have_value("2000")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("Tr0ub4dor&3-Horse")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text(
        "Choose a number from this customer's Internal Number Block: 2000–2049."
    )
    page.get_by_label("Username").fill("2000")
    page.get_by_label("Password").fill("Tr0ub4dor&3-Horse")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("SIP user saved.")
    assert list(SIPUser.objects.values_list("username", flat=True)) == ["2000"]
