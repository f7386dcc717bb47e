"""A verified portal domain is served by the portal's own URLconf, with the brand's look; others get 400."""

import pytest

from portal import services
from tests.portal.factories import PortalDomainFactory, VerifiedDomainFactory
from tests.portal.images import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def brand(admin_user):
    brand = services.domain_create(
        actor=admin_user,
        domain="ok.brand.test",
        brand_name="Acme Voice",
        footer="Copyright Acme Voice Ltd",
        css="h1 { color: rebeccapurple; }",
        javascript='<script src="https://cdn.acme.test/custom.js"></script>\nwindow.acme = 1;',
        logo_file=image_upload(),
    )
    brand.dns_status = "ok"
    brand.save()
    return brand


def test_login_page_has_brand_name_logo_css_js_and_footer(client, brand):
    response = client.get("/", HTTP_HOST="ok.brand.test")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="h4">Acme Voice</h1>' in html and "Copyright Acme Voice Ltd" in html
    assert 'href="/brand.css"' in html and 'src="/brand.js"' in html and 'src="/brand-logo"' in html
    assert '<script src="https://cdn.acme.test/custom.js"></script>' in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' https://cdn.acme.test/custom.js;" in csp and "style-src 'self'" in csp


def test_brand_files_have_their_content_types(client, brand):
    css = client.get("/brand.css", HTTP_HOST="ok.brand.test:443")
    assert css["Content-Type"].startswith("text/css") and b"rebeccapurple" in css.content
    js = client.get("/brand.js", HTTP_HOST="ok.brand.test")
    assert js["Content-Type"].startswith("text/javascript") and js.content == b"window.acme = 1;"
    logo = client.get("/brand-logo", HTTP_HOST="ok.brand.test")
    assert logo["Content-Type"] == "image/png" and logo.content.startswith(b"\x89PNG")


def test_brand_js_and_css_never_reach_the_panel(admin_client, brand):
    for path in ("/brand.js", "/brand.css", "/brand-logo"):
        assert admin_client.get(path).status_code == 404
    html = admin_client.get(f"/portal/{brand.pk}/").content.decode()
    assert 'src="/brand.js"' not in html and 'https://cdn.acme.test/custom.js"></script>' not in html
    assert "cdn.acme.test" not in admin_client.get("/").headers.get("Content-Security-Policy", "")


def test_each_brand_gets_only_its_own_look(client, brand):
    VerifiedDomainFactory(domain="other.brand.test", brand_name="Other Tel", footer="Other footer")
    html = client.get("/", HTTP_HOST="other.brand.test").content.decode()
    assert "Other Tel" in html and "Other footer" in html
    assert "Acme" not in html and "brand.js" not in html and "cdn.acme.test" not in html
    assert client.get("/brand.js", HTTP_HOST="other.brand.test").content == b""


def test_portal_host_serves_no_panel_page(client, brand):
    assert client.get("/accounts/login/", HTTP_HOST="ok.brand.test").status_code == 404
    assert client.get("/portal/", HTTP_HOST="ok.brand.test").status_code == 404


@pytest.mark.parametrize("host", ["pending.brand.test", "unknown.brand.test", "failed.brand.test"])
def test_unverified_or_unknown_host_gets_400(client, host):
    PortalDomainFactory(domain="pending.brand.test")
    PortalDomainFactory(domain="failed.brand.test", dns_status="failed")
    assert client.get("/", HTTP_HOST=host).status_code == 400


def test_unknown_sign_in_is_refused_and_keeps_the_email(client, brand):
    response = client.post("/", {"email": "me@acme.test", "password": "x"}, HTTP_HOST="ok.brand.test")
    html = response.content.decode()
    assert response.status_code == 200 and "do not match an account" in html and "me@acme.test" in html
