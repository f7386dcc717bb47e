"""The draft rate sheet at 1366 px: Add Row fits, a row saves or cancels on its own, publishing is apart."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ratecards.models import ProviderRate
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory
from tests.ratecards.factories import make_provider_card

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTH = 1366


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_draft_sheet_at_laptop_width(page):
    admin = AdminFactory()
    card = make_provider_card([("44", "0.01")], actor=admin, name="UK Wholesale")
    page.set_viewport_size({"width": WIDTH, "height": 768})
    log_in(page, admin.email, PASSWORD)
    page.goto(card.get_absolute_url())
    page.get_by_role("button", name="Create Draft").click()

    page.get_by_role("button", name="Add Row").click()
    new_row = page.locator("#new-row")
    add = new_row.get_by_role("button", name="Add", exact=True)
    expect(add).to_be_visible()
    box = add.bounding_box()
    assert box["x"] + box["width"] <= WIDTH and fits(page)

    # A new row's own Cancel takes it away and saves nothing.
    new_row.get_by_role("button", name="Cancel").click()
    expect(page.locator("#new-row")).to_have_count(0)

    # A new row's own save adds it to the draft; nothing is published yet.
    page.get_by_role("button", name="Add Row").click()
    page.get_by_label("Prefix", exact=True).fill("441")
    page.get_by_label("Cost", exact=True).fill("0.006")
    page.locator("#new-row").get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Row added to the draft.")).to_be_visible()
    card.refresh_from_db()
    assert card.current_revision.number == 1

    # An existing row: Edit gives Save row and Cancel; Cancel puts the row back unchanged.
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="441", exact=True))
    row.get_by_role("button", name="Edit").click()
    cost = page.get_by_label("Cost of 441", exact=True)
    cost.fill("9")
    expect(page.get_by_role("button", name="Save row")).to_be_visible()
    assert fits(page)
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_label("Cost of 441", exact=True)).to_have_count(0)
    assert ProviderRate.objects.get(
        revision__card=card, revision__state="draft", prefix="441"
    ).cost == Decimal("0.006")

    # Publishing is its own, clearly labelled button.
    publish = page.get_by_role("button", name="Save and Publish")
    expect(publish).to_be_visible()
    publish.click()
    expect(page.get_by_text("Published revision 2.")).to_be_visible()
