"""Security walks over EVERY URL of the portal URLconf (found from portal.site_urls, so a new page
is walked without anyone remembering to add it):

- as customer A with customer B's ids (and carrier X with carrier Y's): 404 on GET and POST;
- anonymous: a log-in redirect on every page that is not public;
- each feature hidden: its pages 404 and its menu entry is gone;
- the portal never serves a panel URL and the panel never serves a portal URL.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from customers.models import IPAuth, SIPUser
from portal.models import CustomerPortal
from tests.portal.factories import portal_login
from tests.portal.world import HOST, world

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "login_2fa",
    "logout",
    "password_reset",
    "set_password",
    "signup",
    "signup_verify",
    "brand_css",
    "brand_js",
    "brand_logo",
    "healthz",
}


def portal_patterns():
    """(name, route pattern) of every URL in the portal URLconf, includes followed."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield p.name, prefix + str(p.pattern)

    return list(walk(get_resolver("portal.site_urls").url_patterns))


def fill(route: str, values: dict) -> str:
    import re

    def one(match):
        return str(values[match.group(2)])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


@pytest.fixture
def tenants(admin_user):
    return world(admin_user)


def foreign_ids(name: str, b, y) -> dict:
    """Tenant B's (or carrier Y's) ids for a URL of the portal, by URL name."""
    ids = {
        "rate_card": {"pk": b.card.pk},
        "rate_card_download": {"pk": b.card.pk, "fmt": "csv"},
        "ipauth_delete": {"pk": b.ip_auth.pk},
        "sipuser_delete": {"pk": b.sip_user.pk},
        "route_edit": {"pk": b.route.pk},
        "carrier_rate_card": {"pk": y.card.pk},
        "carrier_rate_card_revision": {"pk": y.card.pk, "number": y.revision.number},
        "carrier_rate_card_download": {"pk": y.card.pk, "number": y.revision.number, "fmt": "csv"},
    }
    # Make Payment's pages (payments.portal_urls): B's own online payment.
    if name in ("payment_status", "payment_return", "payment_cancel"):
        from tests.payments.helpers import online_payment_of

        online = getattr(b, "online", None) or online_payment_of(b.payment)
        b.online = online
        ids[name] = {"reference": online.local_reference}
    assert name in ids, f"portal URL {name!r} takes ids: add it to this tenant-isolation walk"
    return ids[name]


def test_every_portal_url_with_another_tenants_id_is_404(client, tenants):
    _brand, a, b, x, y = tenants
    carrier_client = type(client)()
    portal_login(client, a.user)
    portal_login(carrier_client, x.user)
    walked = 0
    for name, route in portal_patterns():
        if name in PUBLIC or "<" not in route:
            continue
        path = fill(route, foreign_ids(name, b, y))
        who = carrier_client if name.startswith("carrier_") else client
        codes = [who.get(path, HTTP_HOST=HOST).status_code, who.post(path, HTTP_HOST=HOST).status_code]
        # 404 for the method the page answers; the other method may be refused (405) first.
        assert 404 in codes and set(codes) <= {404, 405}, (name, codes)
        walked += 1
    assert walked >= 8
    # Nothing of B's was touched.
    assert (
        IPAuth.objects.filter(pk=b.ip_auth.pk).exists() and SIPUser.objects.filter(pk=b.sip_user.pk).exists()
    )
    b.route.refresh_from_db()
    assert b.route.channels == 0
    b.payment.refresh_from_db()
    assert b.payment.status == "complete"  # B's payment was not cancelled through A's session


def test_own_ids_work_so_the_404s_above_mean_something(client, tenants):
    _brand, a, _b, x, _y = tenants
    portal_login(client, a.user)
    assert client.get(f"/rate-cards/{a.card.pk}/", HTTP_HOST=HOST).status_code == 200
    assert client.get(f"/routes/{a.route.pk}/", HTTP_HOST=HOST).status_code == 200
    assert client.get(f"/rate-cards/{a.card.pk}/download/csv/", HTTP_HOST=HOST).status_code == 200
    carrier_client = type(client)()
    portal_login(carrier_client, x.user)
    assert carrier_client.get(f"/carrier/rate-cards/{x.card.pk}/", HTTP_HOST=HOST).status_code == 200


def test_customer_pages_are_404_for_a_carrier_and_back(client, tenants):
    _brand, a, _b, x, _y = tenants
    portal_login(client, a.user)
    assert client.get(f"/carrier/rate-cards/{x.card.pk}/", HTTP_HOST=HOST).status_code == 404
    assert client.get("/carrier/rate-cards/", HTTP_HOST=HOST).status_code == 404
    assert client.get("/carrier/payments/", HTTP_HOST=HOST).status_code == 404
    carrier_client = type(client)()
    portal_login(carrier_client, x.user)
    for path in ("/dashboard/", "/rate-cards/", "/payments/", "/routes/", "/authentication/"):
        assert carrier_client.get(path, HTTP_HOST=HOST).status_code == 404, path


def test_anonymous_gets_the_login_page_for_every_private_url(client, tenants):
    _brand, a, _b, x, _y = tenants
    own = {
        "pk": a.card.pk,
        "fmt": "csv",
        "number": x.revision.number,
        "reference": "00000000-0000-0000-0000-000000000001",
    }
    for name, route in portal_patterns():
        if name in PUBLIC:
            continue
        path = fill(route, own)
        response = client.get(path, HTTP_HOST=HOST)
        assert response.status_code == 302 and response["Location"].startswith("/?next="), name


# Feature walk: the pages and menu entry of each feature.
FEATURE_PAGES = {
    "rate_cards": (
        ["/rate-cards/", "/rate-cards/{card}/", "/rate-cards/{card}/download/xlsx/"],
        "Rate Cards",
    ),
    "payments": (["/payments/", "/payments/download/"], "Payments"),
    "interconnect_info": (["/interconnect/"], "Interconnect Info"),
    "cdr": (["/cdr/", "/cdr/download/"], "CDR"),
    "breakout": (["/breakout/"], "Breakout"),
    "packages": (["/packages/"], "Packages"),
    "routes_editable": (["/routes/{route}/"], None),
    "ip_auth_editable": (["POST /authentication/ip/add/", "POST /authentication/ip/{ip}/delete/"], None),
    "sip_auth_editable": (["POST /authentication/sip/add/", "POST /authentication/sip/{sip}/delete/"], None),
}


@pytest.mark.parametrize("feature", sorted(FEATURE_PAGES))
def test_hidden_feature_pages_are_404_and_its_menu_entry_is_gone(client, tenants, feature):
    _brand, a, _b, _x, _y = tenants
    portal_login(client, a.user)
    paths, label = FEATURE_PAGES[feature]
    ids = {"card": a.card.pk, "route": a.route.pk, "ip": a.ip_auth.pk, "sip": a.sip_user.pk}

    def visit(entry):
        method, _sep, path = entry.rpartition(" ")
        call = client.post if method == "POST" else client.get
        return call(path.format(**ids), HTTP_HOST=HOST)

    shown = [visit(p).status_code for p in paths]
    assert all(code in (200, 302) for code in shown), shown
    if label:
        assert f">{label}</a>" in client.get("/dashboard/", HTTP_HOST=HOST).content.decode()
    # The customer's Portal Access says Hide.
    CustomerPortal.objects.filter(customer=a.customer).update(overrides={feature: "hide"})
    hidden = [visit(p).status_code for p in paths]
    assert hidden == [404] * len(paths), hidden
    if label:
        assert f">{label}</a>" not in client.get("/dashboard/", HTTP_HOST=HOST).content.decode()


def test_editable_features_hidden_leave_read_only_pages(client, tenants):
    _brand, a, _b, _x, _y = tenants
    portal_login(client, a.user)
    hide = {"ip_auth_editable": "hide", "sip_auth_editable": "hide", "routes_editable": "hide"}
    CustomerPortal.objects.filter(customer=a.customer).update(overrides=hide)
    auth = client.get("/authentication/", HTTP_HOST=HOST).content.decode()
    assert a.ip_auth.address in auth and "sipa" in auth and "Delete" not in auth and "Add IP" not in auth
    routes = client.get("/routes/", HTTP_HOST=HOST).content.decode()
    assert "Card a" in routes and "/routes/" + str(a.route.pk) not in routes


def test_balance_hidden_leaves_the_dashboard_without_it(client, tenants):
    _brand, a, _b, _x, _y = tenants
    portal_login(client, a.user)
    assert 'id="portal-balance"' in client.get("/dashboard/", HTTP_HOST=HOST).content.decode()
    CustomerPortal.objects.filter(customer=a.customer).update(overrides={"balance": "hide"})
    assert 'id="portal-balance"' not in client.get("/dashboard/", HTTP_HOST=HOST).content.decode()


def test_carrier_portal_hidden_is_404_and_refuses_log_in(client, tenants):
    brand, _a, _b, x, _y = tenants
    portal_login(client, x.user)
    assert client.get("/carrier/rate-cards/", HTTP_HOST=HOST).status_code == 200
    brand.features = {**brand.features, "carrier_portal": False}
    brand.save()
    assert client.get("/carrier/rate-cards/", HTTP_HOST=HOST).status_code == 404
    assert client.get("/carrier/payments/", HTTP_HOST=HOST).status_code == 404
    fresh = type(client)()
    refused = fresh.post("/", {"email": x.user.email, "password": "Portal-pass-2026!"}, HTTP_HOST=HOST)
    assert refused.status_code == 200 and "do not match" in refused.content.decode()


def test_portal_never_serves_panel_urls_and_panel_never_serves_portal_urls(client, admin_client, tenants):
    _brand, a, _b, _x, _y = tenants
    portal_login(client, a.user)
    portal_views = {p[0] for p in portal_patterns()}
    # Panel pages asked on the portal host: not found (the portal URLconf has no such path).
    for path in ("/customers/", "/admin/", "/portal/", f"/customers/{a.customer.pk}/", "/accounts/login/"):
        assert client.get(path, HTTP_HOST=HOST).status_code == 404, path
    # Every portal path asked on the panel: never a portal view.
    for name, route in portal_patterns():
        path = fill(
            route,
            {
                "pk": 1,
                "fmt": "csv",
                "number": 1,
                "uid": "x",
                "token": "y",
                "reference": "00000000-0000-0000-0000-000000000001",
            },
        )
        try:
            match = resolve(path)  # the panel's ROOT_URLCONF
        except Resolver404:
            continue
        assert not match.func.__module__.startswith("portal.site"), (name, path)
        assert match.url_name not in portal_views or match.namespace != "portal_site"
    assert admin_client.get("/rate-cards/").status_code == 404


def test_every_portal_form_needs_its_csrf_token(tenants):
    """With CSRF enforced (as browsers get it), a POST without the token is refused on every URL."""
    from django.test import Client

    _brand, a, _b, x, _y = tenants
    customer, carrier = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for who, user in ((customer, a.user), (carrier, x.user)):
        page = who.get("/", HTTP_HOST=HOST)
        token = who.cookies["portal_csrftoken"].value
        assert "csrftoken" not in who.cookies
        login = who.post(
            "/",
            {"email": user.email, "password": "Portal-pass-2026!"},
            HTTP_HOST=HOST,
            HTTP_X_CSRFTOKEN=token,
        )
        assert page.status_code == 200 and login.status_code == 302
    own = {
        "pk": a.card.pk,
        "fmt": "csv",
        "number": x.revision.number,
        "uid": "x",
        "token": "y",
        "reference": "00000000-0000-0000-0000-000000000001",
    }
    for name, route in portal_patterns():
        who = carrier if name.startswith("carrier_") else customer
        response = who.post(fill(route, own), {"email": "a@b.test"}, HTTP_HOST=HOST)
        assert response.status_code == 403, (name, response.status_code)
