"""Report > Breakout and Report > CDR in a browser, at desktop width and at a phone's (390 px):
the chart draws from the vendored Chart.js, the tables scroll inside their card, the search pages
forward by keyset and the Customer > CDR tab shows only that customer's calls. Screenshots go to
$SCREENSHOT_DIR (default /tmp/connexcs-screens) for a person to look at."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from routing.engine import engine
from tests.cdr.report_factories import ingest_traffic
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/connexcs-screens"))


@pytest.fixture
def traffic(settings):
    settings.ROUTING_BACKGROUND_RELOAD = False
    engine.reset()
    yield ingest_traffic(calls=80)
    engine.reset()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_breakout_report_with_its_chart(page, traffic, viewport):
    AdminFactory(email="admin@example.test")
    page.set_viewport_size(viewport)
    log_in(page, "admin@example.test", PASSWORD)
    if viewport is PHONE:
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Breakout").click()
    expect(page.get_by_role("heading", name="Breakout")).to_be_visible()
    page.get_by_label("From").fill((traffic["now"].date().replace(day=1)).isoformat())
    page.get_by_label("Destination").check()
    page.get_by_label("Per").select_option("day")
    page.get_by_role("button", name="Refresh").click()
    canvas = page.locator("#breakout-chart")
    expect(canvas).to_have_attribute("data-ready", "1")  # Chart.js loaded (vendored) and drew
    assert int(canvas.get_attribute("data-points")) >= 1
    box = canvas.bounding_box()
    assert box["width"] > 200 and box["height"] > 150
    table = page.locator("#breakout-table")
    expect(table.get_by_role("cell", name="Acme", exact=True).first).to_be_visible()
    expect(table.get_by_role("cell", name="United Kingdom Mobile").first).to_be_attached()
    assert page_width(page) <= viewport["width"]  # only the table's card scrolls sideways
    shot(page, f"breakout-{viewport['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_cdr_search_pages_forward_and_the_customer_tab(page, traffic, viewport):
    AdminFactory(email="admin@example.test")
    page.set_viewport_size(viewport)
    log_in(page, "admin@example.test", PASSWORD)
    page.goto("/cdr/?per_page=25")
    expect(page.get_by_role("heading", name="CDR", exact=True)).to_be_visible()
    rows = page.locator("#cdr-table tbody tr")
    expect(rows).to_have_count(25)
    first_page = rows.evaluate_all("rs => rs.map(r => r.dataset.cdr)")
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2")).to_be_visible()
    second_page = rows.evaluate_all("rs => rs.map(r => r.dataset.cdr)")
    assert len(second_page) == 25 and not set(first_page) & set(second_page)
    page.get_by_role("link", name="Previous").click()
    expect(page.get_by_text("Page 1")).to_be_visible()
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.cdr)") == first_page
    assert page_width(page) <= viewport["width"]
    shot(page, f"cdr-search-{viewport['width']}")

    page.goto(f"/customers/{traffic['acme'].pk}/")
    page.get_by_role("link", name="CDR", exact=True).last.click()
    expect(page.get_by_role("link", name="CDR", exact=True).last).to_have_attribute("aria-current", "page")
    page.get_by_label("Connected Only").check()
    page.get_by_role("button", name="Search").click()
    codes = page.locator("#cdr-table tbody tr td .badge").all_inner_texts()
    assert codes and set(codes) == {"200"}
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.startswith("customer-cdr-")
    shot(page, f"customer-cdr-{viewport['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_customer_summary_tab_by_day_with_its_chart(page, traffic, viewport):
    AdminFactory(email="admin@example.test")
    page.set_viewport_size(viewport)
    log_in(page, "admin@example.test", PASSWORD)
    page.goto(f"/customers/{traffic['acme'].pk}/")
    page.get_by_role("link", name="Summary").click()
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    page.get_by_role("link", name="Daily").click()
    table = page.locator("#summary-table")
    expect(table.locator("tbody tr").first).to_contain_text(traffic["now"].date().isoformat())
    expect(page.locator("#summary-totals")).to_contain_text("Customer Charge")
    drawn = page.locator("#breakout-chart").evaluate("c => c.width > 0 && !!Chart.getChart(c)")
    assert drawn
    assert page_width(page) <= viewport["width"]
    shot(page, f"customer_summary_{viewport['width']}")
