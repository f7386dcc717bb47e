"""The panel at a phone's width (390 px) and the pages a person meets when something is refused."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.choices import Area
from connexcs.management.commands.seed_demo import DEMO_EMAIL
from customers.services import customer_create
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory, UserFactory, grant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_at_phone_width_the_menu_opens_from_the_toggle_and_tables_scroll_in_their_card(page):
    admin = AdminFactory(email="admin@example.test")
    for n in range(3):
        customer_create(actor=admin, name=f"Wholesale Customer With A Long Name {n}", currency="USD")
    page.set_viewport_size(PHONE)
    log_in(page, "admin@example.test", PASSWORD)
    menu = page.get_by_role("navigation", name="Main menu")
    customers_link = menu.get_by_role("link", name="Customers")
    expect(customers_link).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(customers_link).to_be_visible()
    customers_link.click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    expect(customers_link).to_be_hidden()  # a new page starts with the menu closed
    scroller = page.locator(".table-responsive").first
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth")  # the table is wider than 390 px
    assert page_width(page) <= PHONE["width"]  # ... yet only its card scrolls, not the page
    page.get_by_role("link", name="Add Customer").click()
    inputs = page.locator("main form input.form-control, main form select.form-select")
    lefts = {round(box["x"]) for box in (inputs.nth(i).bounding_box() for i in range(inputs.count()))}
    assert len(lefts) == 1, lefts  # one column
    assert page_width(page) <= PHONE["width"]


def test_at_desktop_width_the_menu_is_always_shown(page):
    AdminFactory(email="admin@example.test")
    page.set_viewport_size(DESKTOP)
    log_in(page, "admin@example.test", PASSWORD)
    expect(
        page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Customers")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_refused_page_names_the_missing_area_and_links_back(page, viewport):
    user = UserFactory(email="eng@example.test")
    grant(user, Area.ROUTING)
    page.set_viewport_size(viewport)
    log_in(page, "eng@example.test", PASSWORD)
    page.goto("/customers/")
    expect(page.get_by_role("heading", name="Access denied")).to_be_visible()
    expect(page.locator("#missing-area")).to_contain_text("Customer")
    assert page_width(page) <= viewport["width"]
    page.get_by_role("link", name="Dashboard", exact=True).last.click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_without_the_account_area_my_account_still_reaches_current_user_and_security(page):
    user = UserFactory(email="eng@example.test", name="Eve Engineer")
    grant(user, Area.ROUTING)
    log_in(page, "eng@example.test", PASSWORD)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="My Account").click()
    expect(page.get_by_role("link", name="Current User", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_text("eng@example.test").first).to_be_visible()
    expect(page.get_by_role("link", name="My Account", exact=True)).to_have_count(1)  # the menu's only
    page.get_by_role("link", name="Security", exact=True).click()
    expect(page.get_by_role("link", name="Security", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Access denied")).to_have_count(0)
    expect(page.get_by_role("link", name="SMTP", exact=True)).to_have_count(0)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_dashboard_shows_figures_not_a_breadcrumb_to_itself(page, viewport):
    admin = AdminFactory(email="admin@example.test")
    customer_create(actor=admin, name="Broke Ltd", currency="USD")  # no credit: out of balance
    page.set_viewport_size(viewport)
    log_in(page, "admin@example.test", PASSWORD)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("navigation", name="breadcrumb")).to_have_count(0)
    out = page.locator('[data-figure="customers_out_of_balance"]')
    expect(out).to_contain_text("Customers Out of Balance")
    expect(out.locator(".figure-value")).to_have_text("1")
    # The admin may read reports: today's traffic figures come from the CDR rollups (none yet).
    expect(page.locator('[data-figure="calls_today"]')).to_contain_text("Today's Calls")
    expect(page.locator('[data-figure="calls_today"] .figure-value')).to_have_text("0")
    expect(page.locator('[data-figure="asr_today"] .figure-value')).to_have_text("—")
    expect(page.locator('[data-figure="stale_customer_cards"]')).to_be_visible()
    expect(page.locator('[data-figure="running_jobs"]')).to_be_visible()
    expect(page.locator('[data-figure="verification"]')).to_contain_text("Not verified")
    assert page_width(page) <= viewport["width"]
    out.get_by_role("link").click()
    expect(page.get_by_role("cell", name="Broke Ltd")).to_be_visible()


def test_no_panel_page_is_wider_than_a_phone(page):
    """Walk the demo pages at 390 px: none scrolls sideways (tables scroll in a card); icons are mute."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    page.set_viewport_size(PHONE)
    log_in(page, DEMO_EMAIL, "connexcs-demo")
    queue, seen, wide, spoken_icons = ["/"], set(), [], []
    while queue and len(seen) < 60:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        page.goto(path)
        if page_width(page) > PHONE["width"]:
            wide.append((path, page_width(page)))
        if page.locator("i.bi:not([aria-hidden='true'])").count():
            spoken_icons.append(path)
        for href in page.locator("main a[href^='/'], nav a[href^='/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        ):
            href = href.split("#")[0]
            if "?" not in href and not href.startswith(("/accounts/logout", "/django-admin", "/api/")):
                queue.append(href)
    assert len(seen) > 20
    assert wide == []
    assert spoken_icons == []  # decorative icons are aria-hidden
