"""What a portal user changes is audited under their name (not "system"), with a link to them.

Kept with the payments tests because the sweep covers Make Payment, whose provider is faked here.
"""

import time

import pyotp
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from portal import user_services
from portal.models import PortalUser
from portal.user_services import set_password_url
from tests.portal.factories import PASSWORD, portal_login
from tests.portal.world import HOST, world

pytestmark = pytest.mark.django_db

# Portal URLs that take a POST and change nothing: leaving, and the two that only send an email.
POSTS_WITHOUT_WRITES = {"logout", "password_reset", "signup"}
# Function views of the portal (no class to inspect); a new one must be sorted into the lists here.
IP_FORM = {
    "address": "198.51.100.9",
    "direction": "ingress",
    "protocol": "udp",
    "port": 5060,
    "tech_prefix": "",
}
FUNCTION_VIEWS = {"logout", "brand_css", "brand_js", "brand_logo", "healthz"}


def portal_post_urls() -> set[str]:
    """Names of the portal URLs whose view answers POST."""

    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p

    names = set()
    for pattern in walk(get_resolver("portal.site_urls").url_patterns):
        cls = getattr(pattern.callback, "view_class", None)
        if cls is None:
            assert pattern.name in FUNCTION_VIEWS, f"sort the function view {pattern.name!r} into this test"
            names |= {pattern.name} & {"logout"}
        elif "post" in cls.http_method_names and hasattr(cls, "post"):
            names.add(pattern.name)
    return names


@pytest.fixture
def tenants(admin_user):
    return world(admin_user)


def label_of(user: PortalUser, tenant: str) -> str:
    return f"{user.name} <{user.email}> ({tenant})"


def test_a_portal_edit_names_the_contact_and_links_to_them(client, tenants):
    _brand, a, _b, _x, _y = tenants
    portal_login(client, a.user)
    response = client.post("/authentication/ip/add/", {**IP_FORM, "address": "198.51.100.77"}, HTTP_HOST=HOST)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.IPAUTH_CREATE, object_repr__contains="198.51.100.77")
    assert event.actor is None
    assert event.actor_repr == label_of(a.user, "customer: Customer a")
    assert event.actor_object == a.user.contact
    assert event.actor_object.get_absolute_url() == f"/customers/{a.customer.pk}/contacts/"


def test_a_carrier_contacts_changes_name_the_carrier(client, tenants):
    _brand, _a, _b, x, _y = tenants
    portal_login(client, x.user)
    client.post("/profile/", {"form": "details", "name": "Xavier Ops", "phone": ""}, HTTP_HOST=HOST)
    event = AuditEvent.objects.get(action=AuditAction.PORTAL_USER_PROFILE_UPDATE)
    assert event.actor_repr == f"Xavier Ops <{x.user.email}> (carrier: Carrier x)"
    assert event.actor_object == x.user
    assert event.actor_object.get_absolute_url() == f"/portal/carriers/{x.carrier.pk}/portal/"


def test_the_audit_log_links_the_portal_contact_in_constant_queries(rf, admin_user, tenants):
    """The panel's audit log (the Django admin's list) shows the label linked to the contact."""
    from django.contrib import admin

    from connexcs.admin import AuditEventAdmin

    _brand, a, b, _x, _y = tenants
    for who in (a, b):
        portal_login(Client(), who.user)
    log = AuditEventAdmin(AuditEvent, admin.site)
    request = rf.get("/django-admin/connexcs/auditevent/")
    request.user = admin_user

    def cells():
        with CaptureQueriesContext(connection) as queries:
            shown = [
                log.who(e) for e in log.get_queryset(request).filter(action=AuditAction.PORTAL_USER_LOGIN)
            ]
        return shown, len(queries)

    shown, few = cells()
    link = (
        f'<a href="/customers/{a.customer.pk}/contacts/">{a.user.name} &lt;{a.user.email}&gt; '
        "(customer: Customer a)</a>"
    )
    assert link in shown
    for _ in range(3):
        portal_login(Client(), b.user)
    assert len(cells()[0]) == 5 and cells()[1] == few
    assert log.who(AuditEvent(actor_repr="system")) == "system"


def test_every_portal_post_that_writes_is_audited_under_the_users_name(client, tenants, stripe_gateway):
    """Each POST below is a portal page's real form; every POST URL of the portal must be here or
    in POSTS_WITHOUT_WRITES, so a new page is swept as soon as it exists."""
    brand, a, _b, _x, _y = tenants
    user, contact = a.user, a.user.contact
    posts = {
        "login": lambda c: c.post("/", {"email": user.email, "password": PASSWORD}, HTTP_HOST=HOST),
        "profile": lambda c: c.post(
            "/profile/", {"form": "details", "name": "Ann A", "phone": ""}, HTTP_HOST=HOST
        ),
        "ipauth_add": lambda c: c.post("/authentication/ip/add/", IP_FORM, HTTP_HOST=HOST),
        "ipauth_delete": lambda c: c.post(f"/authentication/ip/{a.ip_auth.pk}/delete/", HTTP_HOST=HOST),
        "sipuser_add": lambda c: c.post(
            "/authentication/sip/add/", {"username": "ann-new", "password": "Sip-pass-2026!x"}, HTTP_HOST=HOST
        ),
        "sipuser_delete": lambda c: c.post(f"/authentication/sip/{a.sip_user.pk}/delete/", HTTP_HOST=HOST),
        "route_edit": lambda c: c.post(
            f"/routes/{a.route.pk}/", {"channels": 5, "max_duration": 3600, "cps": 2}, HTTP_HOST=HOST
        ),
        "make_payment": lambda c: c.post(
            "/make-payment/", {"gateway": stripe_gateway.pk, "amount": "10.00"}, HTTP_HOST=HOST
        ),
        "two_factor": lambda c: enrol(c),
        "login_2fa": lambda c: second_factor(c),
        "set_password": lambda c: c.post(
            set_password_url(PortalUser.objects.get(pk=user.pk)).split(HOST, 1)[1],
            {"new_password1": "Few-secret-2026!", "new_password2": "Few-secret-2026!"},
            HTTP_HOST=HOST,
        ),
    }
    secret = {}

    def enrol(c):
        page = c.get("/profile/two-factor/", HTTP_HOST=HOST).content.decode()
        secret["value"] = page.split('<code id="totp-secret">', 1)[1].split("<", 1)[0]
        return c.post("/profile/two-factor/", {"code": pyotp.TOTP(secret["value"]).now()}, HTTP_HOST=HOST)

    def second_factor(c):
        fresh = type(c)()
        fresh.post("/", {"email": user.email, "password": PASSWORD}, HTTP_HOST=HOST)
        code = pyotp.TOTP(secret["value"]).at(time.time() + 30)  # the enrolment code is spent
        return fresh.post("/login/code/", {"code": code}, HTTP_HOST=HOST)

    brand.customer_signup = True
    brand.save(update_fields=["customer_signup"])
    link = user_services.signup_request(
        brand=brand,
        company="Newco",
        currency="USD",
        name="Nia New",
        email="nia@newco.test",
        password=PASSWORD,
    )
    posts["signup_verify"] = lambda _c: Client().post(link.split(HOST, 1)[1], HTTP_HOST=HOST)

    assert portal_post_urls() - POSTS_WITHOUT_WRITES == set(posts)
    portal_login(client, user)
    expected = label_of(user, f"customer: {a.customer.name}")
    for name, send in posts.items():  # in this order: 2FA is enrolled before it is used
        since = timezone.now()
        response = send(client)
        assert response.status_code == 302, (name, response.status_code)
        events = list(AuditEvent.objects.filter(created_at__gte=since))
        assert events, f"{name} wrote no audit event"
        named = [e for e in events if e.actor_repr != "system"]
        assert named == events, (name, [(e.action, e.actor_repr) for e in events])
        if name == "signup_verify":  # the new customer's own contact signed up
            assert {e.actor_repr for e in events} == {
                "Nia New <nia@newco.test> (sign-up: Newco)",  # the customer, its contact and user
                "Nia New <nia@newco.test> (customer: Newco)",  # then the log-in, as that user
            }
            continue
        assert {e.actor_repr.split(" <", 1)[1] for e in events} == {expected.split(" <", 1)[1]}, name
        assert all(e.actor_object == contact for e in events), name
    assert brand.pk  # the brand the sweep ran on
