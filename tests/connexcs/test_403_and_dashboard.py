"""The 403 page is the panel's own and names the area; the dashboard's figures cost a fixed few queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Access, Area
from customers.services import customer_create
from tests.factories import AdminFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def test_a_refusal_names_the_area_in_the_panel_layout(client):
    user = UserFactory()
    grant(user, Area.CUSTOMER, access=Access.READ)
    client.force_login(user)
    read = client.get("/carriers/", HTTP_REFERER="http://testserver/customers/")
    assert read.status_code == 403
    html = read.content.decode()
    assert "the <strong>Carrier</strong> area," in html and 'aria-label="Main menu"' in html
    assert 'href="http://testserver/customers/"' in html  # back to where they came from
    write = client.post("/customers/add/", {"name": "X", "currency": "USD"})
    assert write.status_code == 403
    assert "<strong>Customer</strong> area with Read &amp; Write access" in write.content.decode()


def test_a_foreign_referer_is_not_offered_as_the_way_back(client):
    client.force_login(UserFactory())
    html = client.get("/carriers/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in html


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_queries_do_not_grow_with_customers(client):
    admin = AdminFactory()
    client.force_login(admin)
    customer_create(actor=admin, name="One", currency="USD")
    before = dashboard_queries(client)
    for n in range(10):
        customer_create(actor=admin, name=f"More {n}", currency="USD")
    assert dashboard_queries(client) == before
    html = client.get("/").content.decode()
    assert "11</a>" in html  # all eleven are out of balance (no credit yet)
    assert '<nav aria-label="breadcrumb">' not in html


def test_dashboard_shows_only_figures_of_areas_the_user_may_read(client):
    user = UserFactory()
    grant(user, Area.CARD)
    client.force_login(user)
    keys = {figure.key for figure in client.get("/").context["figures"]}
    assert keys == {"calls_today", "stale_customer_cards", "running_jobs", "verification"}
