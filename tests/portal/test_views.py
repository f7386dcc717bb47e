import pytest
from django.urls import reverse

from accounts.choices import Access, Area
from portal.features import FEATURES
from portal.models import CustomerPortal, PortalDomain
from tests.factories import CustomerFactory, UserFactory, grant
from tests.portal.factories import PortalDomainFactory, VerifiedDomainFactory
from tests.portal.images import image_upload

pytestmark = pytest.mark.django_db


def domain_post(**overrides):
    data = {
        "domain": "portal.brand.test",
        "brand_name": "Brand",
        "currencies": ["USD", "EUR"],
        "smtp_port": "587",
        "feature_balance": "on",
        "feature_did": "on",
        "cdr_customer_columns": ["date", "charge"],
        "footer": "Copyright My Company",
        "smtp_server": "smtp.brand.test",
        "smtp_username": "mailer",
        "smtp_password": "s3cret-pass",
        "smtp_from": "noreply@brand.test",
    }
    data.update(overrides)
    return data


def test_list_shows_domain_brand_cname_certificate_and_customers(admin_client, admin_user):
    from portal import services

    brand = VerifiedDomainFactory(domain="ok.brand.test", brand_name="Okay Brand")
    PortalDomainFactory(domain="pending.brand.test")
    services.customer_portal_set(actor=admin_user, customer=CustomerFactory(), domain=brand, overrides={})
    html = admin_client.get(reverse("portal:domain_list")).content.decode()
    for text in (
        "ok.brand.test",
        "Okay Brand",
        "CNAME verified",
        "Allowed, not requested yet",
        "Checking",
        "Waiting for the CNAME",
        "Add Domain",
    ):
        assert text in html, text


def test_list_query_count_does_not_grow_with_domains(admin_client, django_assert_max_num_queries):
    PortalDomainFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(reverse("portal:domain_list"))
    PortalDomainFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("portal:domain_list"))


def test_form_has_the_seeds_tabs_and_every_feature(admin_client):
    html = admin_client.get(reverse("portal:domain_add")).content.decode()
    for tab in ("Basic", "User Access Area", "Breakout", "CDR", "Advanced", "SMTP"):
        assert f">{tab}</button>" in html, tab
    for feature in FEATURES:
        assert feature.label in html, feature.label
    assert html.count("Not available yet") == sum(not f.available for f in FEATURES)
    assert "its routes, and its complete payments" in html  # what the Template Customer copies
    assert '<script src="https://...">' not in html  # help texts that mention a tag are escaped


def test_add_saves_and_never_shows_the_smtp_password_back(admin_client):
    response = admin_client.post(reverse("portal:domain_add"), domain_post(logo_file=image_upload()))
    brand = PortalDomain.objects.get()
    assert response.status_code == 302 and response.url == reverse("portal:domain_edit", args=[brand.pk])
    assert brand.features["did"] and brand.features["balance"] and not brand.features["cdr"]
    assert brand.smtp_password == "s3cret-pass" and brand.logo_type == "image/png"
    html = admin_client.get(response.url).content.decode()
    assert "s3cret-pass" not in html
    assert "portal.localhost" in html and "Checking" in html  # what to point the CNAME at, and its state
    logo = admin_client.get(reverse("portal:domain_logo", args=[brand.pk]))
    assert logo["Content-Type"] == "image/png" and bytes(logo.content) == bytes(brand.logo)


def test_bad_logo_is_shown_on_its_tab_and_nothing_is_saved(admin_client):
    response = admin_client.post(reverse("portal:domain_add"), domain_post(logo_file=image_upload(width=900)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "900 px wide" in html and "Advanced <span" in html
    assert not PortalDomain.objects.exists()


def test_edit_keeps_password_when_left_empty(admin_client):
    admin_client.post(reverse("portal:domain_add"), domain_post())
    brand = PortalDomain.objects.get()
    admin_client.post(
        reverse("portal:domain_edit", args=[brand.pk]), domain_post(brand_name="New", smtp_password="")
    )
    brand.refresh_from_db()
    assert brand.brand_name == "New" and brand.smtp_password == "s3cret-pass"


def test_permission_matrix(client):
    brand = PortalDomainFactory()
    urls = [
        reverse("portal:domain_list"),
        reverse("portal:domain_add"),
        reverse("portal:domain_edit", args=[brand.pk]),
        reverse("portal:domain_delete", args=[brand.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    reader = UserFactory()
    grant(reader, Area.PORTAL, access=Access.READ)
    client.force_login(reader)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[2]).status_code == 403  # the edit form needs write
    assert client.post(urls[1], domain_post()).status_code == 403
    assert client.post(reverse("portal:domain_check", args=[brand.pk])).status_code == 403
    assert not PortalDomain.objects.exclude(pk=brand.pk).exists()
    writer = UserFactory()
    grant(writer, Area.PORTAL)
    client.force_login(writer)
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("portal:domain_edit", args=[brand.pk + 99])).status_code == 404


def test_delete(admin_client):
    brand = PortalDomainFactory()
    response = admin_client.post(reverse("portal:domain_delete", args=[brand.pk]))
    assert response.status_code == 302 and not PortalDomain.objects.exists()


def test_my_account_keeps_a_domains_entry(admin_client):
    html = admin_client.get(reverse("accounts:profile")).content.decode()
    assert f'href="{reverse("portal:domain_list")}">Domains<' in html


def test_customer_config_sets_domain_and_overrides(admin_client):
    customer = CustomerFactory()
    brand = PortalDomainFactory(domain="portal.brand.test")
    edit = admin_client.get(reverse("customers:customer_edit", args=[customer.pk])).content.decode()
    config_url = reverse("portal:customer_config", args=[customer.pk])
    assert f'href="{config_url}">Config<' in edit
    response = admin_client.post(
        config_url, {"domain": brand.pk, "feature_cdr": "hide", "feature_summary": "show"}
    )
    assert response.status_code == 302
    link = CustomerPortal.objects.get(customer=customer)
    assert link.domain == brand and link.overrides == {"cdr": "hide", "summary": "show"}
    html = admin_client.get(config_url).content.decode()
    assert 'value="hide" selected' in html


def test_customer_config_needs_customer_write(client):
    customer = CustomerFactory()
    user = UserFactory()
    grant(user, Area.CUSTOMER, access=Access.READ)
    client.force_login(user)
    url = reverse("portal:customer_config", args=[customer.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"domain": ""}).status_code == 403


@pytest.mark.parametrize(
    ("address", "domain", "status"),
    [
        ("127.0.0.1", "ok.brand.test", 200),
        ("::1", "ok.brand.test", 200),
        ("127.0.0.1", "pending.brand.test", 404),
        ("127.0.0.1", "nowhere.test", 404),
        ("203.0.113.7", "ok.brand.test", 403),
    ],
)
def test_caddy_ask(client, address, domain, status):
    VerifiedDomainFactory(domain="ok.brand.test")
    PortalDomainFactory(domain="pending.brand.test")
    response = client.get(reverse("portal:caddy_ask"), {"domain": domain}, REMOTE_ADDR=address)
    assert response.status_code == status


def test_caddy_ask_from_a_configured_address(client, settings):
    VerifiedDomainFactory(domain="ok.brand.test")
    settings.PORTAL_ASK_ALLOWED = ["203.0.113.7"]
    response = client.get(reverse("portal:caddy_ask"), {"domain": "ok.brand.test"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200


def test_check_now_queues_the_check_after_commit(admin_client, django_capture_on_commit_callbacks):
    brand = PortalDomainFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(reverse("portal:domain_check", args=[brand.pk]))
    assert response.status_code == 302 and response.url == reverse("portal:domain_edit", args=[brand.pk])
    assert len(callbacks) == 1
