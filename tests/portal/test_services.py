import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from connexcs.choices import AuditAction
from connexcs.models import AuditEvent
from portal import services
from portal.choices import DNSStatus
from portal.features import FEATURES
from portal.models import CustomerPortal, PortalDomain
from tests.factories import CustomerFactory
from tests.portal.factories import PortalDomainFactory, VerifiedDomainFactory
from tests.portal.images import image_upload

pytestmark = pytest.mark.django_db


def create(admin_user, **fields):
    values = {"domain": "portal.brand.test", "brand_name": "Brand", **fields}
    return services.domain_create(actor=admin_user, **values)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Portal.Brand.TEST.", "portal.brand.test"),
        ("  portal.brand.test  ", "portal.brand.test"),
        ("portál.bränd.test", "xn--portl-0qa.xn--brnd-moa.test"),
    ],
)
def test_domain_is_normalised(admin_user, typed, stored):
    assert create(admin_user, domain=typed).domain == stored


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("*.brand.test", "Wildcards"),
        ("", "Enter the domain"),
        ("not a domain", "not a valid domain"),
        ("-bad-.test", "not a valid domain"),
        ("203.0.113.9", "not an IP address"),
        ("a" * 64 + ".test", "not a valid domain"),
        ("localhost", "own host names"),
        ("evil.localhost", "own host names"),
        ("panel.example.test", "own host names"),
        ("x.portal.localhost", "own host names"),
    ],
)
def test_bad_domains_are_refused_on_the_domain_field(admin_user, typed, why):
    with pytest.raises(ValidationError) as caught:
        create(admin_user, domain=typed)
    assert why in " ".join(caught.value.message_dict["domain"])
    assert not PortalDomain.objects.exists()


def test_two_brands_cannot_claim_one_name(admin_user):
    create(admin_user)
    with pytest.raises(ValidationError) as caught:
        create(admin_user, domain="PORTAL.brand.test.", brand_name="Other")
    assert "already a portal domain" in caught.value.message_dict["domain"][0]


def test_create_stores_every_tab_and_is_audited(admin_user):
    template = CustomerFactory()
    brand = create(
        admin_user,
        customer_signup=True,
        currencies=["USD", "EUR", "USD"],
        template_customer=template,
        features={"breakout": True, "did": True},
        cdr_customer_columns=["date", "charge"],
        javascript="console.log('hi');",
        css="h1 { color: red; }",
        footer="Copyright My Company",
        smtp_server="smtp.brand.test",
        smtp_username="mailer",
        smtp_password="s3cret-pass",
        smtp_from="noreply@brand.test",
        logo_file=image_upload(),
    )
    brand.refresh_from_db()
    assert brand.currencies == ["USD", "EUR"]
    assert brand.template_customer == template
    assert brand.features["breakout"] and brand.features["did"]
    assert set(brand.features) == {f.key for f in FEATURES}
    assert brand.cdr_customer_columns == ["date", "charge"]
    assert bytes(brand.logo).startswith(b"\x89PNG") and brand.logo_type == "image/png"
    assert brand.smtp_password == "s3cret-pass"
    event = AuditEvent.objects.get(action=AuditAction.PORTAL_DOMAIN_CREATE)
    assert event.after["smtp_password"] == "********"


def test_smtp_password_is_encrypted_at_rest_and_kept_when_left_empty(admin_user):
    from django.db import connection

    brand = create(admin_user, smtp_password="s3cret-pass")
    with connection.cursor() as cursor:
        cursor.execute("SELECT smtp_password FROM portal_portaldomain WHERE id = %s", [brand.pk])
        assert "s3cret" not in cursor.fetchone()[0]
    services.domain_update(actor=admin_user, instance=brand, brand_name="Renamed", smtp_password="")
    brand.refresh_from_db()
    assert brand.smtp_password == "s3cret-pass" and brand.brand_name == "Renamed"


@pytest.mark.parametrize(
    ("upload", "why"),
    [
        (lambda: image_upload(width=351), "351 px wide"),
        (lambda: image_upload(fmt="BMP", name="logo.bmp"), "upload a JPG, PNG or GIF"),
        (lambda: SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>"), "not a readable"),
        (lambda: SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "not a readable"),
    ],
)
def test_logo_is_checked_by_reading_it(admin_user, upload, why):
    with pytest.raises(ValidationError) as caught:
        create(admin_user, logo_file=upload())
    assert why in caught.value.message_dict["logo_file"][0]


@pytest.mark.parametrize(
    ("fmt", "mime"), [("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("PNG", "image/png")]
)
def test_logo_formats_accepted_up_to_350_px(admin_user, fmt, mime):
    brand = create(admin_user, logo_file=image_upload(fmt=fmt, width=350))
    assert brand.logo_type == mime


def test_javascript_may_reference_an_https_file_but_not_other_tags(admin_user):
    create(admin_user, javascript='<script src="https://cdn.brand.test/custom.js"></script>\nalert(1);')
    with pytest.raises(ValidationError) as caught:
        create(admin_user, domain="other.brand.test", javascript='<script src="http://x.test/a.js"></script>')
    assert "raw JavaScript" in caught.value.message_dict["javascript"][0]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"currencies": ["XXQ"]}, "currencies"),
        ({"features": {"teleport": True}}, "features"),
        ({"cdr_customer_columns": ["secret"]}, "cdr_customer_columns"),
        ({"smtp_from": "not-mail"}, "smtp_from"),
        ({"smtp_port": 70000}, "smtp_port"),
        ({"brand_name": "  "}, "brand_name"),
    ],
)
def test_bad_values_name_their_field(admin_user, fields, field):
    with pytest.raises(ValidationError) as caught:
        create(admin_user, **fields)
    assert field in caught.value.message_dict


def test_renaming_a_verified_domain_makes_it_unverified(admin_user):
    brand = VerifiedDomainFactory()
    services.domain_update(actor=admin_user, instance=brand, domain="new.brand.test")
    brand.refresh_from_db()
    assert brand.dns_status == DNSStatus.PENDING and brand.dns_found == ""


def test_certificate_is_allowed_only_for_verified_domains(admin_user):
    verified = VerifiedDomainFactory(domain="ok.brand.test")
    PortalDomainFactory(domain="pending.brand.test")
    assert services.domain_certificate_ask(domain="OK.brand.test.") is True
    assert services.domain_certificate_ask(domain="pending.brand.test") is False
    assert services.domain_certificate_ask(domain="unknown.brand.test") is False
    verified.refresh_from_db()
    assert verified.certificate_requested_at is not None
    assert verified.certificate_status == "Issued on demand"


def test_customer_belongs_to_at_most_one_brand(admin_user):
    customer = CustomerFactory()
    first, second = PortalDomainFactory(), PortalDomainFactory()
    services.customer_portal_set(actor=admin_user, customer=customer, domain=first, overrides={})
    services.customer_portal_set(
        actor=admin_user, customer=customer, domain=second, overrides={"cdr": "hide"}
    )
    link = CustomerPortal.objects.get(customer=customer)
    assert link.domain == second and link.overrides == {"cdr": "hide"}
    assert CustomerPortal.objects.count() == 1
    services.customer_portal_set(actor=admin_user, customer=customer, domain=None, overrides={})
    assert not CustomerPortal.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.CUSTOMER_PORTAL_SET).count() == 3


@pytest.mark.parametrize("overrides", [{"teleport": "show"}, {"cdr": "maybe"}])
def test_bad_overrides_are_refused(admin_user, overrides):
    with pytest.raises(ValidationError):
        services.customer_portal_set(
            actor=admin_user, customer=CustomerFactory(), domain=PortalDomainFactory(), overrides=overrides
        )
    assert not CustomerPortal.objects.exists()


def test_deleting_a_brand_unlinks_its_customers(admin_user):
    brand = PortalDomainFactory()
    customer = CustomerFactory()
    services.customer_portal_set(actor=admin_user, customer=customer, domain=brand, overrides={})
    services.domain_delete(actor=admin_user, instance=brand)
    assert not CustomerPortal.objects.exists()
    customer.refresh_from_db()


def test_services_take_only_typed_keyword_arguments():
    import inspect

    checked = 0
    for name, func in inspect.getmembers(services, inspect.isfunction):
        if func.__module__ != services.__name__ or name.startswith("_"):
            continue
        if "actor" not in inspect.signature(func).parameters:
            continue
        for param in inspect.signature(func).parameters.values():
            assert param.kind is inspect.Parameter.KEYWORD_ONLY, f"{name}({param.name})"
            assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name}) has no type"
        checked += 1
    assert checked >= 7


def test_update_changes_only_what_it_is_given_and_refuses_misspelt_fields(admin_user):
    brand = create(admin_user, footer="Old footer", css="h1 {}", currencies=["USD"])
    services.domain_update(actor=admin_user, instance=brand, customer_signup=True)
    brand.refresh_from_db()
    assert (brand.footer, brand.css, brand.currencies, brand.customer_signup) == (
        "Old footer",
        "h1 {}",
        ["USD"],
        True,
    )
    with pytest.raises(TypeError):
        services.domain_update(actor=admin_user, instance=brand, foter="typo")
