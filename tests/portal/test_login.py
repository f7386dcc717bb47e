"""Contacts log in on their own brand's domain only, with a session that means nothing elsewhere."""

import pytest
from django.core import mail

from portal.models import PortalUser
from portal.sessions import PORTAL_SESSION_COOKIE
from tests.portal.factories import PASSWORD, VerifiedDomainFactory, portal_customer, portal_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand():
    return VerifiedDomainFactory(domain="acme.brand.test", brand_name="Acme Voice")


def test_contact_logs_in_and_sees_the_dashboard(client, brand):
    _customer, user = portal_customer(brand)
    response = portal_login(client, user)
    assert response["Location"] == "/home/"
    assert PORTAL_SESSION_COOKIE in response.cookies and "sessionid" not in response.cookies
    page = client.get("/dashboard/", HTTP_HOST="acme.brand.test")
    assert page.status_code == 200 and "Balance" in page.content.decode()
    assert "Content-Security-Policy" in page


def test_wrong_password_is_refused_with_one_message(client, brand):
    _customer, user = portal_customer(brand)
    response = client.post("/", {"email": user.email, "password": "nope"}, HTTP_HOST="acme.brand.test")
    assert response.status_code == 200
    assert "do not match an account on this portal" in response.content.decode()
    assert client.get("/dashboard/", HTTP_HOST="acme.brand.test").status_code == 302


def test_another_brand_refuses_the_contact(client, brand):
    other = VerifiedDomainFactory(domain="other.brand.test")
    _customer, user = portal_customer(brand)
    response = client.post("/", {"email": user.email, "password": PASSWORD}, HTTP_HOST="other.brand.test")
    assert response.status_code == 200 and "do not match" in response.content.decode()
    assert other.pk != brand.pk


def test_session_of_one_brand_is_worth_nothing_on_another(client, brand):
    VerifiedDomainFactory(domain="other.brand.test")
    _customer, user = portal_customer(brand)
    portal_login(client, user)
    # The same cookie jar sent to the other brand's host: not logged in there.
    response = client.get("/dashboard/", HTTP_HOST="other.brand.test")
    assert response.status_code == 302 and response["Location"].startswith("/?next=")


def test_panel_session_never_counts_on_the_portal_and_back(client, admin_client, brand):
    _customer, user = portal_customer(brand)
    # A logged-in panel cookie replayed on the portal host (under both names): no portal user.
    panel_session = admin_client.cookies["sessionid"].value
    client.cookies["sessionid"] = panel_session
    client.cookies[PORTAL_SESSION_COOKIE] = panel_session
    assert client.get("/dashboard/", HTTP_HOST="acme.brand.test").status_code == 302
    # A portal session replayed on the panel: anonymous there.
    portal_client = type(client)()
    portal_login(portal_client, user)
    portal_session = portal_client.cookies[PORTAL_SESSION_COOKIE].value
    panel = type(client)()
    panel.cookies["sessionid"] = portal_session
    assert panel.get("/").status_code == 302  # the panel sends it to its own log-in
    assert panel.get("/dashboard/").status_code in (302, 404)


def test_customer_moved_off_the_brand_is_logged_out(client, brand):
    customer, user = portal_customer(brand)
    portal_login(client, user)
    from portal.models import CustomerPortal

    CustomerPortal.objects.filter(customer=customer).update(domain=VerifiedDomainFactory())
    assert client.get("/dashboard/", HTTP_HOST="acme.brand.test").status_code == 302


def test_password_change_ends_other_sessions(client, brand):
    from portal import user_services

    _customer, user = portal_customer(brand)
    portal_login(client, user)
    user_services.portal_user_set_password(
        user=PortalUser.objects.get(pk=user.pk), password="An0ther-long-pass"
    )
    assert client.get("/dashboard/", HTTP_HOST="acme.brand.test").status_code == 302


def test_lockout_per_address_and_ip(client, brand, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _customer, user = portal_customer(brand)
    for _ in range(3):
        client.post("/", {"email": user.email.upper(), "password": "bad"}, HTTP_HOST="acme.brand.test")
    locked = client.post("/", {"email": user.email, "password": PASSWORD}, HTTP_HOST="acme.brand.test")
    assert locked.status_code == 403 and "Too many failed log-ins" in locked.content.decode()
    assert "Acme Voice" in locked.content.decode()
    # Another address from the same IP is not locked.
    _other, other_user = portal_customer(brand)
    portal_login(client, other_user)
    # The same address from another IP is not locked either.
    fresh = type(client)(REMOTE_ADDR="10.9.9.9")
    portal_login(fresh, user)


def test_logout_needs_post_and_ends_the_session(client, brand):
    _customer, user = portal_customer(brand)
    portal_login(client, user)
    assert client.get("/logout/", HTTP_HOST="acme.brand.test").status_code == 405
    client.post("/logout/", HTTP_HOST="acme.brand.test")
    assert client.get("/dashboard/", HTTP_HOST="acme.brand.test").status_code == 302


def test_open_redirect_refused(client, brand):
    _customer, user = portal_customer(brand)
    response = client.post(
        "/?next=https://evil.test/",
        {"email": user.email, "password": PASSWORD, "next": "https://evil.test/"},
        HTTP_HOST="acme.brand.test",
    )
    assert response["Location"] == "/home/"


def test_no_mail_for_unknown_reset_address(client, brand):
    client.post("/password/reset/", {"email": "nobody@x.test"}, HTTP_HOST="acme.brand.test")
    assert mail.outbox == []
