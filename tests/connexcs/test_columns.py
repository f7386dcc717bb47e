"""Lists say "Unlimited" where 0 means no limit, and durations carry their unit."""

import pytest

from carriers.services import carrier_create
from connexcs.columns import SecondsColumn
from customers.services import customer_create
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def cells(response, column: str) -> list[str]:
    table = response.context["table"]
    return [str(row.get_cell(column)) for row in table.rows]


def test_zero_limits_read_unlimited_and_limits_keep_their_number(client):
    admin = AdminFactory()
    customer_create(actor=admin, name="Open", currency="USD")
    customer_create(actor=admin, name="Capped", currency="USD", channels=30)
    carrier_create(actor=admin, name="Carrier", currency="USD", cps=5)
    client.force_login(admin)
    assert cells(client.get("/customers/?sort=name"), "channels") == ["30", "Unlimited"]
    carriers = client.get("/carriers/")
    assert cells(carriers, "channels") == ["Unlimited"] and cells(carriers, "cps") == ["5"]


def test_max_duration_has_its_unit():
    column = SecondsColumn()
    assert column.render(7200) == "7200 s" and column.render(0) == "Unlimited"
