"""Invite from the panel (customer > Contacts > Invite to portal), set the password once, log in."""

import re

import pytest
from django.core import mail

from connexcs.models import AuditEvent
from customers.models import Contact
from portal.models import CustomerPortal, PortalUser
from tests.factories import CarrierFactory, CustomerFactory, UserFactory, grant
from tests.portal.factories import PortalDomainFactory, VerifiedDomainFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    return VerifiedDomainFactory(domain="acme.brand.test", brand_name="Acme Voice")


@pytest.fixture
def contact(brand):
    customer = CustomerFactory()
    CustomerPortal.objects.create(customer=customer, domain=brand)
    return Contact.objects.create(customer=customer, name="Ann Lee", email="Ann@Customer.test")


def _link(message) -> str:
    return re.search(r"http://acme\.brand\.test(/password/set/[^\s]+/)", message.body).group(1)


def test_invite_mails_a_one_time_link_that_sets_the_password(admin_client, client, contact):
    response = admin_client.post(f"/portal/customers/{contact.customer_id}/contacts/{contact.pk}/invite/")
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{contact.customer_id}/contacts/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ann@customer.test"]
    assert "Acme Voice" in mail.outbox[0].subject
    path = _link(mail.outbox[0])
    user = PortalUser.objects.get(contact=contact)
    assert user.email == "ann@customer.test" and user.password == ""
    assert AuditEvent.objects.filter(action="portal_user.invite").count() == 1

    page = client.get(path, HTTP_HOST="acme.brand.test")
    assert page.status_code == 200 and "ann@customer.test" in page.content.decode()
    weak = client.post(path, {"new_password1": "123", "new_password2": "123"}, HTTP_HOST="acme.brand.test")
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    done = client.post(
        path,
        {"new_password1": "Sturdy-horse-42", "new_password2": "Sturdy-horse-42"},
        HTTP_HOST="acme.brand.test",
    )
    assert done.status_code == 302 and done["Location"] == "/"
    # The link works once.
    assert client.get(path, HTTP_HOST="acme.brand.test").status_code == 404
    login = client.post(
        "/", {"email": "ANN@customer.test", "password": "Sturdy-horse-42"}, HTTP_HOST="acme.brand.test"
    )
    assert login.status_code == 302
    assert client.get("/dashboard/", HTTP_HOST="acme.brand.test").status_code == 200


def test_invite_link_only_works_on_its_brand(admin_client, client, contact):
    VerifiedDomainFactory(domain="other.brand.test")
    admin_client.post(f"/portal/customers/{contact.customer_id}/contacts/{contact.pk}/invite/")
    path = _link(mail.outbox[0])
    assert client.get(path, HTTP_HOST="other.brand.test").status_code == 404


def test_invite_refused_without_a_verified_brand(admin_client):
    customer = CustomerFactory()
    contact = Contact.objects.create(customer=customer, name="Bo", email="bo@x.test")
    response = admin_client.post(
        f"/portal/customers/{customer.pk}/contacts/{contact.pk}/invite/", follow=True
    )
    assert "has no portal domain" in response.content.decode()
    CustomerPortal.objects.create(customer=customer, domain=PortalDomainFactory())
    response = admin_client.post(
        f"/portal/customers/{customer.pk}/contacts/{contact.pk}/invite/", follow=True
    )
    assert "has not passed its CNAME check" in response.content.decode()
    assert mail.outbox == [] and not PortalUser.objects.exists()


def test_invite_needs_customer_write_and_the_right_customer(admin_client, client, contact):
    other = CustomerFactory()
    url = f"/portal/customers/{other.pk}/contacts/{contact.pk}/invite/"
    assert admin_client.post(url).status_code == 404  # the contact is not the other customer's
    reader = UserFactory()
    grant(reader, "customer", access="read")
    client.force_login(reader)
    assert (
        client.post(f"/portal/customers/{contact.customer_id}/contacts/{contact.pk}/invite/").status_code
        == 403
    )
    assert mail.outbox == []


def test_contacts_tab_has_the_invite_button(admin_client, contact):
    html = admin_client.get(f"/customers/{contact.customer_id}/contacts/").content.decode()
    assert f"/portal/customers/{contact.customer_id}/contacts/{contact.pk}/invite/" in html
    assert "Invite to portal" in html


def test_reset_through_the_brand(client, brand, contact):
    from tests.portal.factories import portal_customer

    _customer, user = portal_customer(brand, email="reset@customer.test")
    client.post("/password/reset/", {"email": "Reset@customer.test"}, HTTP_HOST="acme.brand.test")
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Reset your Acme Voice portal password"
    path = _link(mail.outbox[0])
    client.post(
        path,
        {"new_password1": "New-long-pass-9", "new_password2": "New-long-pass-9"},
        HTTP_HOST="acme.brand.test",
    )
    login = client.post(
        "/", {"email": user.email, "password": "New-long-pass-9"}, HTTP_HOST="acme.brand.test"
    )
    assert login.status_code == 302


def test_carrier_contact_invite_needs_carrier_portal(admin_user, brand):
    from django.core.exceptions import ValidationError

    from portal import user_services

    carrier = CarrierFactory()
    with pytest.raises(ValidationError, match="Switch on Carrier Portal"):
        user_services.carrier_user_invite(
            actor=admin_user, carrier=carrier, domain=brand, name="C", email="c@x.test"
        )
    brand.features = {**brand.features, "carrier_portal": True}
    brand.save()
    user = user_services.carrier_user_invite(
        actor=admin_user, carrier=carrier, domain=brand, name="Cara", email="C@X.test"
    )
    assert user.carrier == carrier and user.email == "c@x.test" and len(mail.outbox) == 1


def test_carrier_portal_tab_invites_a_carrier_contact(admin_client, client, brand):
    brand.features = {**brand.features, "carrier_portal": True}
    brand.save()
    carrier = CarrierFactory()
    page = admin_client.get(f"/portal/carriers/{carrier.pk}/portal/")
    assert page.status_code == 200 and "Invite to carrier portal" in page.content.decode()
    response = admin_client.post(
        f"/portal/carriers/{carrier.pk}/portal/invite/",
        {"domain": brand.pk, "name": "Cara Rier", "email": "cara@carrier.test"},
    )
    assert response.status_code == 302 and response["Location"] == f"/portal/carriers/{carrier.pk}/portal/"
    path = _link(mail.outbox[0])
    client.post(
        path, {"new_password1": "Carrier-pass-77", "new_password2": "Carrier-pass-77"}, HTTP_HOST=brand.domain
    )
    login = client.post(
        "/", {"email": "cara@carrier.test", "password": "Carrier-pass-77"}, HTTP_HOST=brand.domain
    )
    assert login["Location"] == "/home/"
    assert client.get("/home/", HTTP_HOST=brand.domain)["Location"] == "/carrier/rate-cards/"
    assert client.get("/carrier/rate-cards/", HTTP_HOST=brand.domain).status_code == 200
    assert "cara@carrier.test" in admin_client.get(f"/portal/carriers/{carrier.pk}/portal/").content.decode()
