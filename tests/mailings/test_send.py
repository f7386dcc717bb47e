"""Customers > Send: tick customers, write one email or SMS, and each customer's contacts get their own
copy (never another customer's), with its own rate cards when asked; a retry never sends twice."""

import socket

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import sms
from accounts.choices import Area
from accounts.models import AccountSettings
from connexcs.models import AuditEvent, OutboxMessage
from customers.models import Contact
from mailings import services
from mailings.models import Mailing, MailingResult
from tests.factories import AdminFactory, CustomerFactory
from tests.routing import factories as rf
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db


def customer_with(name: str, *contacts: tuple[str, str]):
    customer = CustomerFactory(name=name, currency="USD")
    for email, phone in contacts:
        Contact.objects.create(customer=customer, name=email.split("@")[0], email=email, phone=phone)
    return customer


@pytest.fixture
def acme():
    return customer_with("Acme Telecom", ("ann@acme.test", "+447911000001"), ("bob@acme.test", ""))


@pytest.fixture
def beta():
    return customer_with("Beta Voice", ("cy@beta.test", "+447911000002"))


def send(client, chosen, **fields):
    data = {"customers": [c.pk for c in chosen], "channel": "email", "subject": "Hi", "body": "Hello"}
    return client.post(reverse("mailings:mailing_send"), {**data, **fields})


class TestMailingViews(ViewTestCases):
    area = Area.CUSTOMER
    other_area = Area.CARRIER
    read_only = {"mailings:mailing_list", "mailings:mailing_detail"}

    @pytest.fixture
    def pages(self, acme):
        mailing = services.mailing_create(
            actor=AdminFactory(), customers=[acme], channel="email", subject="Hi", body="Hello"
        )
        return [
            ("mailings:mailing_send", {}, "get"),
            ("mailings:mailing_list", {}, "get"),
            ("mailings:mailing_detail", {"pk": mailing.pk}, "get"),
        ]


def test_ticked_customers_arrive_chosen_and_each_gets_its_own_email(admin_client, acme, beta):
    listing = admin_client.get(reverse("customers:customer_list")).content.decode()
    assert 'form="tick-form"' in listing and "Email the ticked customers" in listing

    page = admin_client.get(reverse("mailings:mailing_send"), {"pk": [acme.pk, beta.pk], "channel": "email"})
    html = page.content.decode()
    assert "Send Email" in html and "Include Customer Rate Cards" in html
    assert page.context["form"].initial["customers"] == [str(acme.pk), str(beta.pk)]

    response = send(
        admin_client,
        [acme, beta],
        subject="News for {{customer.name}}",
        body="Dear {{customer.name}}, your balance is {{currencyFormat customer.balance customer.currency}}.",
    )
    mailing = Mailing.objects.get()
    assert response.status_code == 302 and response.url == mailing.get_absolute_url()
    assert [m.args for m in OutboxMessage.objects.filter(task="mailings.tasks.run_mailing")] == [[mailing.pk]]
    assert AuditEvent.objects.filter(action="mailing.send", object_id=str(mailing.pk)).count() == 1

    services.mailing_run(mailing_id=mailing.pk)

    by_subject = {m.subject: m for m in mail.outbox}
    assert sorted(by_subject) == ["News for Acme Telecom", "News for Beta Voice"]
    assert by_subject["News for Acme Telecom"].to == ["ann@acme.test", "bob@acme.test"]
    assert by_subject["News for Beta Voice"].to == ["cy@beta.test"]  # never sees Acme's contacts
    assert "Dear Beta Voice, your balance is $0.00." in by_subject["News for Beta Voice"].body
    mailing.refresh_from_db()
    assert mailing.status == "done" and mailing.finished_at
    detail = admin_client.get(mailing.get_absolute_url()).content.decode()
    assert "2 of 2 customers handled: 2 sent, 0 skipped, 0 failed" in detail
    assert "ann@acme.test, bob@acme.test" in detail


def test_a_retry_or_a_second_worker_never_sends_again(admin_user, acme, beta):
    mailing = services.mailing_create(
        actor=admin_user, customers=[acme, beta], channel="email", subject="S", body="B"
    )
    services.mailing_run(mailing_id=mailing.pk)
    services.mailing_run(mailing_id=mailing.pk)  # the task delivered twice
    assert len(mail.outbox) == 2

    # A worker died mid-send: that customer is reported, not mailed again; the rest still go out.
    again = services.mailing_create(
        actor=admin_user, customers=[acme, beta], channel="email", subject="S", body="B"
    )
    MailingResult.objects.create(mailing=again, customer=acme, customer_name=acme.name)  # status "sending"
    services.mailing_run(mailing_id=again.pk)
    assert [m.to for m in mail.outbox[2:]] == [["cy@beta.test"]]
    cut = MailingResult.objects.get(mailing=again, customer=acme)
    assert cut.status == "failed" and "not sent again" in cut.detail


def test_rate_cards_are_attached_per_customer(admin_user, acme, beta):
    card = rf.card({"44": {"rate": "0.0100", "name": "UK"}, "=1": {"rate": "0.0200", "name": "=HYPERLINK()"}})
    rf.route(acme, card, tech_prefix="77")
    mailing = services.mailing_create(
        actor=admin_user,
        customers=[acme, beta],
        channel="email",
        subject="Rates",
        body="Attached.",
        include_rate_card=True,
    )
    services.mailing_run(mailing_id=mailing.pk)
    sent = {m.to[0]: m for m in mail.outbox}
    [(name, content, mimetype)] = sent["ann@acme.test"].attachments
    assert name == f"{card.name}.csv" and mimetype == "text/csv"
    lines = content.decode().splitlines() if isinstance(content, bytes) else content.splitlines()
    assert lines[0] == "prefix,name,rate,connect_cost,billing,status"
    assert any(line.startswith("44,UK,0.01") for line in lines)
    assert not any(",=" in line for line in lines)  # a formula-like name is defused
    assert sent["cy@beta.test"].attachments == []  # Beta has no card of Acme's
    beta_result = MailingResult.objects.get(mailing=mailing, customer=beta)
    assert beta_result.detail == "Emailed; no published rate card to attach."


def test_sms_goes_to_each_mobile_and_contactless_customers_are_skipped(admin_user, acme, beta, settings):
    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    nobody = CustomerFactory(name="Quiet Ltd")
    mailing = services.mailing_create(
        actor=admin_user,
        customers=[acme, beta, nobody],
        channel="sms",
        body="{{customer.name}}: work at 02:00",
    )
    services.mailing_run(mailing_id=mailing.pk)
    assert sorted((m.to, m.body) for m in sms.outbox) == [
        ("+447911000001", "Acme Telecom: work at 02:00"),
        ("+447911000002", "Beta Voice: work at 02:00"),
    ]
    skipped = MailingResult.objects.get(mailing=mailing, customer=nobody)
    assert skipped.status == "skipped" and skipped.detail == "No contact has a mobile number."
    assert mail.outbox == []


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_failures_are_reported_per_customer(admin_user, acme, settings):
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{closed_port()}/send"
    texted = services.mailing_create(actor=admin_user, customers=[acme], channel="sms", body="Hi")
    services.mailing_run(mailing_id=texted.pk)
    result = MailingResult.objects.get(mailing=texted)
    assert result.status == "failed" and "could not be reached" in result.detail

    row = AccountSettings.load()
    row.smtp_server, row.smtp_port = "127.0.0.1", closed_port()
    row.save()
    emailed = services.mailing_create(
        actor=admin_user, customers=[acme], channel="email", subject="S", body="B"
    )
    services.mailing_run(mailing_id=emailed.pk)
    result = MailingResult.objects.get(mailing=emailed)
    assert result.status == "failed" and f"127.0.0.1:{row.smtp_port}" in result.detail


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"customers": []}, "customers", "required"),
        ({"subject": ""}, "subject", "This field is required."),
        ({"body": "Hi {{#if customer.name}}"}, "body", "Line 1, column 4: {{#if}} is never closed."),
        ({"channel": "sms", "body": "x" * 481}, "body", "at most 480 characters; this is 481"),
        ({"channel": "fax"}, "channel", "not one of the available choices"),
    ],
)
def test_bad_input_names_the_field_and_sends_nothing(admin_client, acme, fields, field, words):
    response = send(admin_client, [acme], **fields)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not Mailing.objects.exists() and not OutboxMessage.objects.exists()


def test_the_service_refuses_what_the_form_would(admin_user, acme):
    with pytest.raises(ValidationError) as caught:
        services.mailing_create(
            actor=admin_user, customers=[acme], channel="sms", body="Hi", include_rate_card=True
        )
    assert "include_rate_card" in caught.value.message_dict
    assert not Mailing.objects.exists()
