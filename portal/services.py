"""Every write to portal brands (domains) and to a customer's brand and Portal Access."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from connexcs import audit, hooks
from connexcs.choices import AuditAction
from connexcs.money import validate_currency
from connexcs.unset import UNSET, given
from customers.models import Customer

from .choices import BreakoutColumn, CDRColumn, DNSStatus, Override
from .features import BY_KEY, default_features
from .models import CustomerPortal, PortalDomain
from .validation import check_javascript, check_logo, normalise_domain

TEXT_FIELDS = ("brand_name", "javascript", "css", "footer", "smtp_server", "smtp_username", "smtp_from")
FLAG_FIELDS = ("customer_signup", "carrier_signup", "smtp_tls", "require_two_factor")
DEFAULT_SMTP_PORT = 587  # submission with STARTTLS
COLUMN_FIELDS = {
    "breakout_customer_columns": BreakoutColumn,
    "breakout_carrier_columns": BreakoutColumn,
    "cdr_customer_columns": CDRColumn,
    "cdr_carrier_columns": CDRColumn,
}


def _field_error(field: str, exc: ValidationError) -> ValidationError:
    return ValidationError({field: exc.messages})


def _domain_name(value: str, *, exclude_pk=None) -> str:
    try:
        name = normalise_domain(value)
    except ValidationError as exc:
        raise _field_error("domain", exc) from exc
    if PortalDomain.objects.filter(domain=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"domain": f"{name} is already a portal domain."})
    return name


def _features(values: Mapping[str, bool] | None, current: Mapping[str, bool]) -> dict[str, bool]:
    merged = {**default_features(), **current}
    for key, on in (values or {}).items():
        if key not in BY_KEY:
            raise ValidationError({"features": f"Unknown feature {key!r}."})
        merged[key] = bool(on)
    return merged


def _columns(field: str, values: Iterable[str], choice_class) -> list[str]:
    chosen = list(dict.fromkeys(values))
    unknown = [v for v in chosen if v not in choice_class.values]
    if unknown:
        raise ValidationError({field: f"Unknown column {unknown[0]!r}."})
    return chosen


def _apply(domain: PortalDomain, fields: dict) -> None:
    for name in TEXT_FIELDS:
        if name in fields:
            setattr(domain, name, (fields[name] or "").strip())
    for name in FLAG_FIELDS:
        if name in fields:
            setattr(domain, name, bool(fields[name]))
    if not domain.brand_name:
        raise ValidationError({"brand_name": "Enter the brand name your customers will see."})
    if "currencies" in fields:
        currencies = list(dict.fromkeys(fields["currencies"] or []))
        for code in currencies:
            try:
                validate_currency(code)
            except ValidationError as exc:
                raise _field_error("currencies", exc) from exc
        domain.currencies = currencies
    if "template_customer" in fields:
        template = fields["template_customer"]
        if template is not None and not isinstance(template, Customer):
            raise ValidationError({"template_customer": "Choose a customer."})
        domain.template_customer = template
    if "features" in fields:
        domain.features = _features(fields["features"], domain.features or {})
    for name, choice_class in COLUMN_FIELDS.items():
        if name in fields:
            setattr(domain, name, _columns(name, fields[name] or [], choice_class))
    try:
        check_javascript(domain.javascript)
    except ValidationError as exc:
        raise _field_error("javascript", exc) from exc
    if fields.get("logo_file"):
        try:
            domain.logo, domain.logo_type = check_logo(fields["logo_file"])
        except ValidationError as exc:
            raise _field_error("logo_file", exc) from exc
    elif fields.get("remove_logo"):
        domain.logo, domain.logo_type = b"", ""
    if domain.smtp_from:
        try:
            validate_email(domain.smtp_from)
        except ValidationError as exc:
            raise _field_error("smtp_from", exc) from exc
    if "smtp_port" in fields and fields["smtp_port"] is not None:
        port = fields["smtp_port"]
        if not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValidationError({"smtp_port": "Enter a port between 1 and 65535."})
        domain.smtp_port = port
    # An empty password box keeps the stored password: forms never show it back.
    if fields.get("smtp_password"):
        domain.smtp_password = fields["smtp_password"]


def _enqueue_check(domain: PortalDomain) -> None:
    from .tasks import check_domain

    transaction.on_commit(lambda: check_domain.delay(domain.pk))


@transaction.atomic
def domain_create(
    *,
    actor: User | None,
    domain: str,
    brand_name: str,
    customer_signup: bool = False,
    carrier_signup: bool = False,
    require_two_factor: bool = False,
    currencies: list[str] | None = None,
    template_customer: Customer | None = None,
    features: Mapping[str, bool] | None = None,
    breakout_customer_columns: list[str] | None = None,
    breakout_carrier_columns: list[str] | None = None,
    cdr_customer_columns: list[str] | None = None,
    cdr_carrier_columns: list[str] | None = None,
    javascript: str = "",
    css: str = "",
    logo_file: UploadedFile | None = None,
    remove_logo: bool = False,
    footer: str = "",
    smtp_server: str = "",
    smtp_port: int = DEFAULT_SMTP_PORT,
    smtp_tls: bool = True,
    smtp_username: str = "",
    smtp_password: str = "",
    smtp_from: str = "",
) -> PortalDomain:
    fields = {
        "brand_name": brand_name,
        "customer_signup": customer_signup,
        "carrier_signup": carrier_signup,
        "require_two_factor": require_two_factor,
        "currencies": currencies or [],
        "template_customer": template_customer,
        "features": features,
        "javascript": javascript,
        "css": css,
        "logo_file": logo_file,
        "remove_logo": remove_logo,
        "footer": footer,
        "smtp_server": smtp_server,
        "smtp_port": smtp_port,
        "smtp_tls": smtp_tls,
        "smtp_username": smtp_username,
        "smtp_password": smtp_password,
        "smtp_from": smtp_from,
    }
    columns = {
        "breakout_customer_columns": breakout_customer_columns,
        "breakout_carrier_columns": breakout_carrier_columns,
        "cdr_customer_columns": cdr_customer_columns,
        "cdr_carrier_columns": cdr_carrier_columns,
    }
    fields.update({name: value for name, value in columns.items() if value is not None})
    brand = PortalDomain(domain=_domain_name(domain))
    _apply(brand, fields)
    brand.save()
    audit.record(actor=actor, action=AuditAction.PORTAL_DOMAIN_CREATE, obj=brand, after=audit.snapshot(brand))
    _enqueue_check(brand)
    return brand


@transaction.atomic
def domain_update(
    *,
    actor: User | None,
    instance: PortalDomain,
    domain: str = UNSET,
    brand_name: str = UNSET,
    customer_signup: bool = UNSET,
    carrier_signup: bool = UNSET,
    require_two_factor: bool = UNSET,
    currencies: list[str] = UNSET,
    template_customer: Customer | None = UNSET,
    features: Mapping[str, bool] = UNSET,
    breakout_customer_columns: list[str] = UNSET,
    breakout_carrier_columns: list[str] = UNSET,
    cdr_customer_columns: list[str] = UNSET,
    cdr_carrier_columns: list[str] = UNSET,
    javascript: str = UNSET,
    css: str = UNSET,
    logo_file: UploadedFile | None = None,
    remove_logo: bool = False,
    footer: str = UNSET,
    smtp_server: str = UNSET,
    smtp_port: int = UNSET,
    smtp_tls: bool = UNSET,
    smtp_username: str = UNSET,
    smtp_password: str = "",
    smtp_from: str = UNSET,
) -> PortalDomain:
    """Change the fields passed; the others keep their values (an empty password keeps the stored one)."""
    fields = given(
        brand_name=brand_name,
        customer_signup=customer_signup,
        carrier_signup=carrier_signup,
        require_two_factor=require_two_factor,
        currencies=currencies,
        template_customer=template_customer,
        features=features,
        breakout_customer_columns=breakout_customer_columns,
        breakout_carrier_columns=breakout_carrier_columns,
        cdr_customer_columns=cdr_customer_columns,
        cdr_carrier_columns=cdr_carrier_columns,
        javascript=javascript,
        css=css,
        footer=footer,
        smtp_server=smtp_server,
        smtp_port=smtp_port,
        smtp_tls=smtp_tls,
        smtp_username=smtp_username,
        smtp_from=smtp_from,
    )
    fields.update(logo_file=logo_file, remove_logo=remove_logo, smtp_password=smtp_password)
    brand = PortalDomain.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(brand)
    name_changed = False
    if domain is not UNSET:
        name = _domain_name(domain, exclude_pk=brand.pk)
        name_changed = name != brand.domain
        brand.domain = name
    _apply(brand, fields)
    if name_changed:
        # Ownership of the new name is unproven until the check runs again.
        brand.dns_status, brand.dns_found, brand.dns_checked_at = DNSStatus.PENDING, "", None
        brand.certificate_requested_at = None
    brand.save()
    audit.record(
        actor=actor,
        action=AuditAction.PORTAL_DOMAIN_UPDATE,
        obj=brand,
        before=before,
        after=audit.snapshot(brand),
    )
    _enqueue_check(brand)
    return brand


@transaction.atomic
def domain_delete(*, actor: User | None, instance: PortalDomain) -> None:
    brand = PortalDomain.objects.select_for_update().get(pk=instance.pk)
    audit.record(
        actor=actor, action=AuditAction.PORTAL_DOMAIN_DELETE, obj=brand, before=audit.snapshot(brand)
    )
    brand.delete()


@transaction.atomic
def domain_queue_check(*, actor: User | None, instance: PortalDomain) -> None:
    """Check now: the CNAME check again, in the worker, once this request's transaction commits."""
    audit.record(actor=actor, action=AuditAction.PORTAL_DOMAIN_DNS_CHECK, obj=instance, note="Check now")
    _enqueue_check(instance)


def domain_check_dns(*, actor: User | None = None, domain_id: int) -> PortalDomain | None:
    """Look the name up (outside any transaction: a slow resolver must not hold a row lock), then store it."""
    from .dnscheck import check

    name = PortalDomain.objects.filter(pk=domain_id).values_list("domain", flat=True).first()
    if name is None:
        return None
    finding = check(name)
    return _store_finding(actor=actor, domain_id=domain_id, name=name, ok=finding.ok, found=finding.found)


@transaction.atomic
def _store_finding(
    *, actor: User | None, domain_id: int, name: str, ok: bool, found: str
) -> PortalDomain | None:
    brand = PortalDomain.objects.select_for_update().filter(pk=domain_id, domain=name).first()
    if brand is None:
        return None  # deleted or renamed meanwhile: the newer check decides
    before = audit.snapshot(brand, ["dns_status", "dns_found"])
    brand.dns_status = DNSStatus.OK if ok else DNSStatus.FAILED
    brand.dns_found = found[:500]
    brand.dns_checked_at = timezone.now()
    if not ok:
        brand.certificate_requested_at = None
    brand.save(update_fields=["dns_status", "dns_found", "dns_checked_at", "certificate_requested_at"])
    audit.record(
        actor=actor,
        action=AuditAction.PORTAL_DOMAIN_DNS_CHECK,
        obj=brand,
        before=before,
        after=audit.snapshot(brand, ["dns_status", "dns_found"]),
    )
    return brand


@transaction.atomic
def domain_certificate_ask(*, actor: User | None = None, domain: str) -> bool:
    """Caddy's on-demand TLS question: may a certificate be issued for `domain`? Yes only once verified."""
    brand = (
        PortalDomain.objects.select_for_update()
        .filter(domain=domain.lower().rstrip("."), dns_status=DNSStatus.OK)
        .first()
    )
    if brand is None:
        return False
    brand.certificate_requested_at = timezone.now()
    brand.save(update_fields=["certificate_requested_at"])
    audit.record(actor=actor, action=AuditAction.PORTAL_DOMAIN_CERTIFICATE_ASK, obj=brand)
    return True


@transaction.atomic
def customer_portal_set(
    *, actor: User | None, customer: Customer, domain: PortalDomain | None, overrides: Mapping[str, str]
) -> CustomerPortal | None:
    """Put the customer under one brand (or none) with its Portal Access Show/Hide overrides."""
    Customer.objects.select_for_update().get(pk=customer.pk)
    clean = {}
    for key, choice in overrides.items():
        if key not in BY_KEY:
            raise ValidationError({"overrides": f"Unknown feature {key!r}."})
        if choice in ("", None):
            continue
        if choice not in Override.values:
            raise ValidationError({"overrides": f"Choose Show or Hide for {BY_KEY[key].label}."})
        clean[key] = choice
    link = CustomerPortal.objects.filter(customer=customer).first()
    before = {"domain": link.domain_id, "overrides": link.overrides} if link else None
    if domain is None:
        if link is not None:
            link.delete()
        link = None
    elif link is None:
        link = CustomerPortal.objects.create(customer=customer, domain=domain, overrides=clean)
    else:
        link.domain, link.overrides = domain, clean
        link.save()
    after = {"domain": link.domain_id, "overrides": link.overrides} if link else None
    audit.record(
        actor=actor, action=AuditAction.CUSTOMER_PORTAL_SET, obj=customer, before=before, after=after
    )
    return link


@transaction.atomic
def customer_signup(
    *,
    actor: User | None,
    domain: PortalDomain,
    name: str,
    currency: str,
    contact_name: str,
    contact_email: str,
) -> Customer:
    """A customer signing up on a brand's portal, made from the brand's Template Customer.

    Copied from the template: its customer fields (see TEMPLATE_FIELDS), its routes, and its
    complete payments in the same currency (the seeds' "$5.00 credit" example; a payment in
    another currency is not converted, so it is left out). The person signing up becomes the
    first contact. The customer belongs to this brand.
    """
    from customers import services as customer_services
    from customers.choices import PaymentStatus
    from routing import services as routing_services
    from routing.models import IngressRoute

    brand = PortalDomain.objects.select_related("template_customer").get(pk=domain.pk)
    if not brand.customer_signup:
        raise ValidationError("Sign-up is not open on this portal.")
    if brand.currencies and currency not in brand.currencies:
        raise ValidationError({"currency": f"Choose one of {', '.join(brand.currencies)}."})
    template = brand.template_customer
    fields = {f: getattr(template, f) for f in TEMPLATE_FIELDS} if template else {}
    customer = customer_services.customer_create(actor=actor, name=name, currency=currency, **fields)
    customer_services.contact_create(actor=actor, customer=customer, name=contact_name, email=contact_email)
    if template is not None:
        for route in IngressRoute.objects.filter(customer=template).order_by("pk"):
            routing_services.ingress_route_create(
                actor=actor,
                customer=customer,
                card=route.card,
                **{f: getattr(route, f) for f in TEMPLATE_ROUTE_FIELDS},
            )
        payments = template.payments.filter(status=PaymentStatus.COMPLETE, currency=currency).order_by("pk")
        for payment in payments:
            customer_services.payment_create(
                actor=actor,
                customer=customer,
                description=payment.description,
                amount=payment.amount,
                status=PaymentStatus.COMPLETE,
            )
    # Apps on portal's layer (packages) copy their part of the template through a named hook.
    hooks.run("customer_signed_up", actor=actor, customer=customer, template=template)
    customer_portal_set(actor=actor, customer=customer, domain=brand, overrides={})
    return customer


TEMPLATE_FIELDS = ("debit_limit", "channels", "cps", "tax_percent", "minimum_payment", "daily_spend_limit")
TEMPLATE_ROUTE_FIELDS = (
    "tech_prefix",
    "dial_prefixes",
    "dial_pattern",
    "enabled",
    "channels",
    "cps",
    "max_duration",
    "profit_assurance",
    "public_notes",
)
