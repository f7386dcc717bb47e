"""CDR, Breakout and the Dashboard summary in the customer portal, Traffic in the carrier portal:
only the tenant's own calls, the brand's columns, the same numbers as the reports."""

import csv
import datetime as dt
import io

import pytest

from cdr import report_selectors as reports
from cdr.models import Cdr
from portal.models import CustomerPortal, PortalUser
from tests.cdr.report_factories import ingest_traffic
from tests.portal.factories import PASSWORD, VerifiedDomainFactory, portal_login
from tests.portal.world import ALL_FEATURES

pytestmark = pytest.mark.django_db
HOST = "calls.brand.test"


@pytest.fixture(autouse=True)
def fresh_engine(settings):
    from routing.engine import engine

    settings.ROUTING_BACKGROUND_RELOAD = False
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def traffic():
    from django.contrib.auth.hashers import make_password

    from customers.models import Contact

    data = ingest_traffic(120)
    brand = VerifiedDomainFactory(domain=HOST, features=ALL_FEATURES)
    users = {}
    for key in ("acme", "euro"):
        customer = data[key]
        CustomerPortal.objects.create(customer=customer, domain=brand)
        contact = Contact.objects.create(customer=customer, name=key, email=f"{key}@calls.test")
        users[key] = PortalUser.objects.create(
            domain=brand, contact=contact, name=key, email=contact.email, password=make_password(PASSWORD)
        )
    users["cheap"] = PortalUser.objects.create(
        domain=brand,
        carrier=data["cheap"],
        name="cheap",
        email="cheap@calls.test",
        password=make_password(PASSWORD),
    )
    return {**data, "brand": brand, "users": users}


def _range(data) -> dict:
    today = data["now"].date()
    return {"date_from": (today - dt.timedelta(days=3)).isoformat(), "date_to": today.isoformat()}


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_cdr_download_has_exactly_the_customers_calls_in_the_brands_columns(client, traffic):
    brand, acme = traffic["brand"], traffic["acme"]
    brand.cdr_customer_columns = ["date", "call_id", "dest_number", "charge", "status"]
    brand.save()
    portal_login(client, traffic["users"]["acme"])
    page = client.get("/cdr/", _range(traffic), HTTP_HOST=HOST)
    html = page.content.decode()
    assert page.status_code == 200 and "<th>Call ID</th>" in html and ">Cost<" not in html
    rows = _csv(client.get("/cdr/download/", _range(traffic), HTTP_HOST=HOST))
    assert rows[0] == ["Date", "Call ID", "Dest Number", "Charge", "Status"]
    mine = set(Cdr.objects.filter(customer=acme).values_list("call_id", flat=True))
    assert {r[1] for r in rows[1:]} == mine and len(rows) - 1 == len(mine)


def test_cdr_pages_walk_every_call_once(client, traffic):
    portal_login(client, traffic["users"]["euro"])
    seen, params = [], _range(traffic)
    brand = traffic["brand"]
    brand.cdr_customer_columns = ["call_id"]
    brand.save()
    import re

    while True:
        html = client.get("/cdr/", params, HTTP_HOST=HOST).content.decode()
        seen += re.findall(r"<td>(breakout-\d+)</td>", html)
        token = re.search(r"after=([^\"&]+)", html)
        if not token:
            break
        from urllib.parse import unquote

        params = {**_range(traffic), "after": unquote(token.group(1))}
    expected = Cdr.objects.filter(customer=traffic["euro"]).count()
    assert len(seen) == len(set(seen)) == expected


def test_breakout_and_summary_match_the_reports(client, traffic):
    acme = traffic["acme"]
    portal_login(client, traffic["users"]["acme"])
    html = client.get("/breakout/", _range(traffic), HTTP_HOST=HOST).content.decode()
    today = traffic["now"].date()
    start = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(tzinfo=dt.UTC))
    report = reports.breakout(
        start=start, end=start + dt.timedelta(days=4), customer=acme, groups=["destination"]
    )
    assert report.rows
    for row in report.rows:
        assert f"<td>{row.destination}</td>" in html
    dashboard = client.get("/dashboard/", HTTP_HOST=HOST).content.decode()
    today_figures = reports.today_summary(customer=acme)
    assert 'id="portal-summary"' in dashboard
    assert f'<th scope="row">Today</th><td class="text-end">{today_figures.answered}</td>' in dashboard


def test_carrier_traffic_is_its_own_calls_cost_side_only(client, traffic):
    cheap, brand = traffic["cheap"], traffic["brand"]
    # Even if the brand ticks Charge for carriers, the sell side never reaches them.
    brand.cdr_carrier_columns = ["date", "call_id", "billed_duration", "rate", "charge", "cost"]
    brand.save()
    portal_login(client, traffic["users"]["cheap"])
    rows = _csv(client.get("/carrier/traffic/download/", _range(traffic), HTTP_HOST=HOST))
    assert rows[0] == ["Date", "Call ID", "Billed Duration", "Rate", "Cost"]
    mine = Cdr.objects.filter(carrier=cheap)
    assert sorted(r[1] for r in rows[1:]) == sorted(mine.values_list("call_id", flat=True))
    costs = {c.call_id: (str(c.carrier_rate), str(c.cost)) for c in mine}
    assert all((r[3], r[4]) == costs[r[1]] for r in rows[1:])
    assert "Traffic" in client.get("/carrier/traffic/", HTTP_HOST=HOST).content.decode()
    assert client.get("/cdr/", HTTP_HOST=HOST).status_code == 404


def test_bad_dates_are_field_errors_not_500(client, traffic):
    portal_login(client, traffic["users"]["acme"])
    response = client.get("/cdr/", {"date_from": "2026-05-01", "date_to": "2026-01-01"}, HTTP_HOST=HOST)
    assert response.status_code == 200 and "The end is before the start" in response.content.decode()
    response = client.get("/breakout/", {"date_from": "nonsense"}, HTTP_HOST=HOST)
    assert response.status_code == 200 and "Enter a valid date" in response.content.decode()


def test_the_cli_column_shows_the_callers_number(client, traffic):
    brand, acme = traffic["brand"], traffic["acme"]
    brand.cdr_customer_columns = ["date", "cli", "call_id"]
    brand.save()
    portal_login(client, traffic["users"]["acme"])
    html = client.get("/cdr/", _range(traffic), HTTP_HOST=HOST).content.decode()
    call = Cdr.objects.filter(customer=acme).order_by("-start").first()
    assert "<th>CLI</th>" in html and call.cli.startswith("+4420") and call.cli in html
    rows = _csv(client.get("/cdr/download/", _range(traffic), HTTP_HOST=HOST))
    assert rows[0] == ["Date", "CLI", "Call ID"]
    assert {r[1] for r in rows[1:]} == set(Cdr.objects.filter(customer=acme).values_list("cli", flat=True))
