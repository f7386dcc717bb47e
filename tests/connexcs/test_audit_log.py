"""Setup > Information > Audit Log: every audited change with its user, IP, table and record,
searchable and filterable, each with its data before and after (View Difference). Read-only, for
the Log area."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.choices import Access, Area
from connexcs.audit import record
from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from customers.models import Customer
from tests.factories import AdminFactory, CarrierFactory, CustomerFactory, UserFactory, grant
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db
OFFICE = "203.0.113.5"


@pytest.fixture
def admin(client):
    user = AdminFactory(email="ops@carrier.test")
    client.force_login(user)
    return user


def add_and_rename(client) -> Customer:
    """Acme added, then renamed, through the panel's forms from the office's address."""
    client.post(reverse("customers:customer_add"), {"name": "Acme", "currency": "USD"}, REMOTE_ADDR=OFFICE)
    customer = Customer.objects.get(name="Acme")
    url = reverse("customers:customer_edit", kwargs={"pk": customer.pk})
    form = client.get(url).context["form"]
    values = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in values.items() if value is not None and value is not False}
    response = client.post(url, {**data, "name": "Acme Telecom"}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302, response.context["form"].errors
    return customer


def test_a_panel_change_is_listed_with_its_user_ip_table_and_record(client, admin):
    customer = add_and_rename(client)
    page = client.get(reverse("audit_log")).content.decode()
    assert f"<td >{admin}</td>" in page and f'<td class="font-monospace">{OFFICE}</td>' in page
    assert (
        f"<td >{customer.pk}</td>" in page.replace('class="font-monospace" ', "") or str(customer.pk) in page
    )
    assert "Customer" in page and "Acme Telecom" in page and "View Difference" in page
    updated = AuditEvent.objects.get(action=AuditAction.CUSTOMER_UPDATE, object_id=str(customer.pk))
    assert updated.ip == OFFICE and updated.actor == admin


def test_view_difference_shows_what_changed_first_and_marked(client, admin):
    customer = add_and_rename(client)
    event = AuditEvent.objects.get(action=AuditAction.CUSTOMER_UPDATE, object_id=str(customer.pk))
    page = client.get(reverse("audit_event", kwargs={"pk": event.pk})).content.decode()
    assert "2 fields changed" in page  # the name, and when it was updated
    first_row = page.split("<tbody>")[1].split("</tr>")[0]
    assert '<th scope="row">Name ' in first_row and "Acme" in first_row and "Acme Telecom" in first_row
    assert 'class="table-warning"' in first_row and "(changed)" in first_row
    assert OFFICE in page and f'<dd class="col-sm-9">{admin}</dd>' in page
    unchanged = page.split("</tr>")[3]  # after the header and the two changed rows, alphabetically
    assert "Channels" in unchanged and "table-warning" not in unchanged


def test_a_change_made_outside_a_request_has_no_ip(client, admin):
    record(actor=None, action=AuditAction.CDR_INGEST, note="5 CDRs stored")
    event = AuditEvent.objects.get(action=AuditAction.CDR_INGEST)
    assert event.ip is None and event.actor_repr == "system"
    page = client.get(reverse("audit_event", kwargs={"pk": event.pk})).content.decode()
    assert "This action recorded no data before or after." in page


def test_behind_a_trusted_proxy_the_forwarded_client_is_recorded(client, admin, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    client.post(
        reverse("customers:customer_add"),
        {"name": "Proxied", "currency": "USD"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert AuditEvent.objects.get(action=AuditAction.CUSTOMER_CREATE).ip == "198.51.100.23"
    settings.TRUSTED_PROXIES = []
    client.post(
        reverse("customers:customer_add"),
        {"name": "Spoofing", "currency": "USD"},
        REMOTE_ADDR="192.0.2.8",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    spoofed = AuditEvent.objects.filter(action=AuditAction.CUSTOMER_CREATE).order_by("-id").first()
    assert spoofed.ip == "192.0.2.8"


def test_search_and_filters(client, admin):
    add_and_rename(client)
    other = CustomerFactory(name="Globex")
    record(actor=None, action=AuditAction.CUSTOMER_DELETE, obj=other, before={"name": "Globex"})

    def shown(**query):
        response = client.get(reverse("audit_log"), query)
        assert response.status_code == 200
        return {row.record.pk for row in response.context["table"].page.object_list}

    everything = shown()
    assert len(everything) == 3
    assert shown(q="Globex") == {AuditEvent.objects.get(action=AuditAction.CUSTOMER_DELETE).pk}
    assert shown(q=OFFICE) == set(AuditEvent.objects.filter(ip=OFFICE).values_list("pk", flat=True))
    assert len(shown(q=OFFICE)) == 2
    assert shown(action=AuditAction.CUSTOMER_UPDATE) == {
        AuditEvent.objects.get(action=AuditAction.CUSTOMER_UPDATE).pk
    }
    customer_type = AuditEvent.objects.get(action=AuditAction.CUSTOMER_UPDATE).content_type_id
    assert shown(table=customer_type) == everything
    assert shown(date_from="2000-01-01", date_to="2000-01-02") == set()


def test_bad_filter_input_names_the_field_and_never_errors(client, admin):
    add_and_rename(client)
    for query, field in (
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"date_from": "2026-11-23", "date_to": "2026-11-01"}, "date_to"),
        ({"action": "nonsense"}, "action"),
        ({"table": "999999"}, "table"),
    ):
        response = client.get(reverse("audit_log"), query)
        assert response.status_code == 200, query
        assert response.context["filter"].form.errors.get(field), query
    assert (
        "The end date is before the start date."
        in client.get(
            reverse("audit_log"), {"date_from": "2026-11-23", "date_to": "2026-11-01"}
        ).content.decode()
    )


def test_the_log_cannot_be_changed_from_the_page(client, admin):
    add_and_rename(client)
    event = AuditEvent.objects.first()
    assert client.post(reverse("audit_log")).status_code == 405
    assert client.post(reverse("audit_event", kwargs={"pk": event.pk})).status_code == 405
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queries_do_not_grow_with_the_events_shown(client, admin):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit_log")).status_code == 200
        return len(queries)

    for i in range(3):
        record(actor=admin, action=AuditAction.CUSTOMER_CREATE, obj=CustomerFactory(name=f"C{i}"), after={})
    few = count()
    for _ in range(9):
        record(actor=UserFactory(), action=AuditAction.CUSTOMER_CREATE, obj=CustomerFactory(), after={})
    assert count() == few


class TestAuditLogViews(ViewTestCases):
    area = Area.LOG
    other_area = Area.CUSTOMER
    read_only = {"audit_log", "audit_event"}

    @pytest.fixture
    def pages(self):
        event = record(
            actor=None, action=AuditAction.CUSTOMER_CREATE, obj=CustomerFactory(), after={"name": "x"}
        )
        return [("audit_log", {}, "get"), ("audit_event", {"pk": event.pk}, "get")]


def test_view_audit_log_beside_edit_lists_that_records_changes_only(client, admin):
    customer = add_and_rename(client)
    CustomerFactory(name="Globex")  # another customer's changes stay out
    record(actor=None, action=AuditAction.CUSTOMER_DELETE, obj=Customer.objects.get(name="Globex"))
    carrier = CarrierFactory()
    record(actor=admin, action=AuditAction.CARRIER_UPDATE, obj=carrier, before={}, after={})
    for page_url, obj, actions in (
        (reverse("customers:customer_detail", kwargs={"pk": customer.pk}), customer, 2),
        (reverse("carriers:carrier_detail", kwargs={"pk": carrier.pk}), carrier, 1),
    ):
        page = client.get(page_url).content.decode()
        link = page.split("View Audit Log")[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
        shown = client.get(link).context["table"].page.object_list
        assert {(row.record.content_type.model_class(), row.record.object_id) for row in shown} == {
            (type(obj), str(obj.pk))
        }
        assert len(shown) == actions


def test_view_audit_log_is_offered_only_to_readers_of_the_log(client):
    customer = CustomerFactory()
    clerk = UserFactory()
    grant(clerk, Area.CUSTOMER)
    client.force_login(clerk)
    page = client.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk})).content.decode()
    assert "View Audit Log" not in page
    grant(clerk, Area.LOG, access=Access.READ)
    client.force_login(clerk)
    page = client.get(reverse("customers:customer_detail", kwargs={"pk": customer.pk})).content.decode()
    assert "View Audit Log" in page
