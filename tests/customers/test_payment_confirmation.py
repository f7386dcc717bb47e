"""Add Payment > Email Confirmation: the customer's contacts are told once the payment is Complete,
and a description's private note (after #) never reaches them, in mail or on the portal."""

from decimal import Decimal

import pytest
from django.core import mail

from connexcs.models import AuditEvent, OutboxMessage
from customers import services
from customers.models import Contact, Payment
from notices.models import MessageTemplate
from tests.factories import AdminFactory, CustomerFactory
from tests.portal.factories import portal_login
from tests.portal.world import HOST, world

pytestmark = pytest.mark.django_db
TASK = "customers.tasks.send_payment_confirmation"


@pytest.fixture
def customer():
    customer = CustomerFactory(name="Acme Telecom", currency="EUR")
    Contact.objects.create(customer=customer, name="Ann", email="ann@acme.test")
    Contact.objects.create(customer=customer, name="Bob", email="bob@acme.test")
    return customer


def add_payment(client, customer, **fields):
    data = {
        "description": "Wire 42 #bank ref 7781, checked by Olive",
        "amount": "500.00",
        "status": "complete",
    }
    return client.post(f"/customers/{customer.pk}/payments/add/", {**data, **fields})


def queued() -> list:
    return [m.args for m in OutboxMessage.objects.filter(task=TASK)]


def test_a_complete_payment_emails_every_contact_once(admin_client, customer):
    response = add_payment(admin_client, customer, email_confirmation="on")
    assert response.status_code == 302
    payment = Payment.objects.get(customer=customer)
    assert payment.email_confirmation and queued() == [[payment.pk]]

    services.payment_send_confirmation(payment_id=payment.pk)
    services.payment_send_confirmation(payment_id=payment.pk)  # the task delivered twice

    [sent] = mail.outbox
    assert sent.to == ["ann@acme.test", "bob@acme.test"]
    assert sent.subject == "Payment received: €500.00"
    assert "payment of €500.00 (Wire 42) and applied it to your account" in sent.body
    assert "Your balance is now €500.00." in sent.body
    assert "bank ref" not in sent.body + sent.subject  # the private note stays in the panel
    payment.refresh_from_db()
    assert payment.confirmation_sent_at is not None
    assert (
        AuditEvent.objects.filter(action="payment.confirmation_sent", object_id=str(payment.pk)).count() == 1
    )


def test_a_pending_payment_is_confirmed_when_it_becomes_complete(admin_client, customer):
    add_payment(admin_client, customer, email_confirmation="on", status="pending")
    payment = Payment.objects.get(customer=customer)
    assert queued() == []
    services.payment_send_confirmation(payment_id=payment.pk)
    assert mail.outbox == []  # not Complete: nothing to confirm yet

    services.payment_set_status(actor=AdminFactory(), instance=payment, status="complete")

    assert queued() == [[payment.pk]]
    services.payment_send_confirmation(payment_id=payment.pk)
    assert len(mail.outbox) == 1


def test_without_the_box_nobody_is_emailed(admin_client, customer):
    add_payment(admin_client, customer)
    payment = Payment.objects.get(customer=customer)
    assert not payment.email_confirmation and queued() == []
    services.payment_send_confirmation(payment_id=payment.pk)
    assert mail.outbox == []


def test_a_customer_without_contacts_gets_a_field_error_and_nothing_is_booked(admin_client):
    lonely = CustomerFactory(name="Lonely Ltd")
    response = add_payment(admin_client, lonely, email_confirmation="on")
    assert response.status_code == 200
    assert response.context["form"].errors["email_confirmation"] == [
        "Lonely Ltd has no contacts to email: add one under Contacts first."
    ]
    assert not Payment.objects.filter(customer=lonely).exists() and queued() == []


def test_the_operator_words_the_confirmation(customer):
    MessageTemplate.objects.filter(key="payment_confirmation").update(
        subject="Thanks {{customer.name}}", text="{{numberFormat payment.amount 2}} {{payment.currency}} in."
    )
    payment = services.payment_create(
        actor=AdminFactory(),
        customer=customer,
        description="Top-up",
        amount=Decimal("1234.5"),
        status="complete",
        email_confirmation=True,
    )
    services.payment_send_confirmation(payment_id=payment.pk)
    assert (mail.outbox[0].subject, mail.outbox[0].body) == ("Thanks Acme Telecom", "1,234.50 EUR in.")


def test_the_portal_shows_the_description_without_its_private_note(client, admin_user):
    _brand, a, *_ = world(admin_user)
    Payment.objects.filter(pk=a.payment.pk).update(description="Top-up a #approved by Olive, ticket 99")
    portal_login(client, a.user)

    page = client.get("/payments/", HTTP_HOST=HOST).content.decode()
    download = b"".join(client.get("/payments/download/", HTTP_HOST=HOST).streaming_content).decode()

    assert "Top-up a" in page and "Top-up a" in download
    assert "Olive" not in page and "ticket 99" not in download
