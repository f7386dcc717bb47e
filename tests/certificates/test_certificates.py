"""Setup > Information > Certificate: Let's Encrypt (Caddy obtains it) or User Provided (checked, the key
encrypted, served to Caddy at handshake over loopback only)."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Area
from certificates import selectors, services
from certificates.models import Certificate
from certificates.pem import covers
from connexcs.models import AuditEvent
from tests.viewtests import ViewTestCases

from .pki import CA

pytestmark = pytest.mark.django_db
ADD = reverse("certificates:certificate_add")


@pytest.fixture(scope="module")
def ca():
    return CA()


def form(**fields):
    return {
        "domain": "",
        "user_provided": "no",
        "certificate": "",
        "private_key": "",
        "ca_certificate": "",
        **fields,
    }


def provided(ca, domain="portal.acme.test", issued=None, **fields):
    issued = issued or ca.issue(domain)
    return form(
        domain=domain,
        user_provided="yes",
        certificate=issued.certificate,
        private_key=issued.key,
        ca_certificate=ca.pem,
        **fields,
    )


class TestCertificateViews(ViewTestCases):
    area = Area.PORTAL
    other_area = Area.CUSTOMER
    read_only = {"certificates:certificate_list"}

    @pytest.fixture
    def pages(self, admin_user):
        cert = services.certificate_create(actor=admin_user, domain="le.acme.test")
        return [
            ("certificates:certificate_list", {}, "get"),
            ("certificates:certificate_add", {}, "get"),
            ("certificates:certificate_edit", {"pk": cert.pk}, "get"),
            ("certificates:certificate_delete", {"pk": cert.pk}, "get"),
        ]


def test_user_provided_certificate_is_checked_and_its_key_kept_secret(admin_client, ca):
    data = provided(ca)
    response = admin_client.post(ADD, data)
    assert response.status_code == 302
    cert = Certificate.objects.get()
    assert cert.names == ["portal.acme.test"] and "Test Root CA" in cert.issuer
    assert cert.not_after > timezone.now() and len(cert.fingerprint) == 95
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM certificates_certificate")
        stored = cursor.fetchone()[0]
    assert "PRIVATE KEY" not in stored and cert.private_key == data["private_key"].strip()
    event = AuditEvent.objects.get(action="certificate.create")
    assert "PRIVATE KEY" not in str(event.after)

    listing = admin_client.get(reverse("certificates:certificate_list")).content.decode()
    assert "All checks passed" in listing and "portal.acme.test" in listing
    edit = admin_client.get(cert.get_absolute_url()).content.decode()
    assert "PRIVATE KEY-----\n" not in edit and "A key is stored; leave this empty to keep it." in edit

    # Saving again without the key keeps the stored one.
    again = admin_client.post(cert.get_absolute_url(), {**data, "private_key": ""})
    assert again.status_code == 302
    cert.refresh_from_db()
    assert cert.private_key == data["private_key"].strip()


def bad_cases(ca):
    other = ca.issue("other.acme.test")
    expired = ca.issue("portal.acme.test", days=(-30, -1))
    locked = ca.issue("portal.acme.test", password=b"secret")
    return [
        ({"certificate": "hello"}, "certificate", "Paste the certificate in PEM"),
        (
            {"certificate": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"},
            "certificate",
            "not a readable PEM certificate",
        ),
        (
            {"certificate": other.certificate, "private_key": other.key},
            "certificate",
            "for other.acme.test, not for portal.acme.test",
        ),
        ({"certificate": expired.certificate, "private_key": expired.key}, "certificate", "expired on"),
        ({"private_key": other.key}, "private_key", "does not belong to the certificate"),
        ({"private_key": locked.key}, "private_key", "protected by a passphrase"),
        ({"private_key": ""}, "private_key", "Paste the private key"),
        ({"ca_certificate": CA("Another CA").pem}, "ca_certificate", "did not issue the certificate"),
        ({"domain": "not a domain"}, "domain", "Enter a domain name"),
        ({"domain": "*.acme.test", "user_provided": "no"}, "domain", "a wildcard must be User Provided"),
    ]


@pytest.mark.parametrize("case", range(10))
def test_bad_input_names_the_field_and_saves_nothing(admin_client, ca, case):
    fields, field, words = bad_cases(ca)[case]
    response = admin_client.post(ADD, {**provided(ca), **fields})
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert (
        not Certificate.objects.exists()
        and not AuditEvent.objects.filter(action="certificate.create").exists()
    )


def test_a_domain_has_one_certificate(admin_client, admin_user):
    services.certificate_create(actor=admin_user, domain="le.acme.test")
    response = admin_client.post(ADD, form(domain="LE.acme.test."))
    assert "already has a certificate" in " ".join(response.context["form"].errors["domain"])


def test_wildcards_cover_one_label():
    assert covers("*.acme.test", "portal.acme.test")
    assert not covers("*.acme.test", "a.portal.acme.test") and not covers("*.acme.test", "acme.test")


def test_caddy_gets_the_chain_and_key_for_the_name_exact_before_wildcard(client, admin_user, ca):
    star = ca.issue("*.acme.test")
    exact = ca.issue("portal.acme.test")
    services.certificate_create(
        actor=admin_user,
        domain="*.acme.test",
        user_provided=True,
        certificate=star.certificate,
        private_key=star.key,
    )
    services.certificate_create(
        actor=admin_user,
        domain="portal.acme.test",
        user_provided=True,
        certificate=exact.certificate,
        private_key=exact.key,
        ca_certificate=ca.pem,
    )
    url = reverse("portal:caddy_certificate")

    body = client.get(url, {"server_name": "Portal.acme.test"}).content.decode()
    assert body.startswith(exact.certificate.strip()) and ca.pem.strip() in body and exact.key.strip() in body
    body = client.get(url, {"server_name": "api.acme.test"}).content.decode()
    assert body.startswith(star.certificate.strip()) and star.key.strip() in body
    assert client.get(url, {"server_name": "other.test"}).status_code == 204
    assert client.get(url).status_code == 204
    # Only Caddy, on loopback, may ask: the key never goes elsewhere.
    assert client.get(url, {"server_name": "portal.acme.test"}, REMOTE_ADDR="203.0.113.9").status_code == 403
    # ...nor through Caddy's public proxy, which reaches the panel from loopback with X-Forwarded-For.
    proxied = client.get(url, {"server_name": "portal.acme.test"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 403 and b"PRIVATE KEY" not in proxied.content
    ask = reverse("portal:caddy_ask")
    assert (
        client.get(ask, {"domain": "portal.acme.test"}, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    )

    Certificate.objects.filter(domain="portal.acme.test").update(not_after=timezone.now())
    assert selectors.served_for("portal.acme.test").startswith(star.certificate.strip())


def test_lets_encrypt_domains_may_be_issued_and_expiry_is_warned(client, admin_client, admin_user, ca):
    services.certificate_create(actor=admin_user, domain="le.acme.test")
    ask = reverse("portal:caddy_ask")
    assert client.get(ask, {"domain": "le.acme.test"}).status_code == 200
    assert client.get(ask, {"domain": "nope.acme.test"}).status_code == 404

    soon = ca.issue("soon.acme.test", days=(-80, 5))
    services.certificate_create(
        actor=admin_user,
        domain="soon.acme.test",
        user_provided=True,
        certificate=soon.certificate,
        private_key=soon.key,
    )
    listing = admin_client.get(reverse("certificates:certificate_list")).content.decode()
    assert "Expires in 4 days" in listing or "Expires in 5 days" in listing
    assert "Let's Encrypt, renewed automatically" in listing


def test_delete_is_audited(admin_client, admin_user):
    cert = services.certificate_create(actor=admin_user, domain="le.acme.test")
    response = admin_client.post(reverse("certificates:certificate_delete", args=[cert.pk]))
    assert response.status_code == 302 and not Certificate.objects.exists()
    assert AuditEvent.objects.filter(action="certificate.delete", object_id=str(cert.pk)).exists()
