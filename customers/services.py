"""Every write to customers, their authentication, contacts and money."""

import hashlib
import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Sum

from connexcs import audit, peers, versioning
from connexcs.money import AMOUNT_DIGITS, AMOUNT_PLACES, ZERO, validate_currency
from connexcs.peers import check_not_negative, check_port, clean_address

from .choices import CustomerStatus, Direction, LedgerKind, PaymentStatus
from .models import Contact, Customer, IPAuth, LedgerEntry, Payment, SIPUser

CUSTOMER_FIELDS = (
    "name",
    "currency",
    "status",
    "debit_limit",
    "channels",
    "cps",
    "tax_percent",
    "minimum_payment",
    "daily_spend_limit",
    "portal_access",
)
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
TECH_PREFIX_RE = re.compile(r"^[0-9#*]{1,20}$")


def _money(field: str, value, *, positive: bool = False, allow_none: bool = False) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise ValidationError({field: "Enter an amount."})
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationError({field: "Enter a number."}) from exc
    if not amount.is_finite():
        raise ValidationError({field: "Enter a number."})
    if amount.as_tuple().exponent < -AMOUNT_PLACES:
        raise ValidationError({field: f"Use at most {AMOUNT_PLACES} decimal places."})
    if abs(amount) >= Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES):
        raise ValidationError({field: "This amount is too large."})
    if positive and amount <= 0:
        raise ValidationError({field: "The amount must be greater than zero."})
    if not positive and amount < 0:
        raise ValidationError({field: "Must be 0 or more."})
    return amount


def _check_currency(currency: str) -> None:
    try:
        validate_currency(currency)
    except ValidationError as exc:
        raise ValidationError({"currency": exc.messages}) from exc


def _customer_values(values: dict) -> dict:
    name = (values.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "Enter the customer's name."})
    values["name"] = name
    _check_currency(values.get("currency", ""))
    if values.get("status", CustomerStatus.ACTIVE) not in CustomerStatus.values:
        raise ValidationError({"status": "Choose a valid status."})
    for field in ("debit_limit", "minimum_payment"):
        if field in values:
            values[field] = _money(field, values[field])
    if "daily_spend_limit" in values:
        values["daily_spend_limit"] = _money(
            "daily_spend_limit", values["daily_spend_limit"], allow_none=True
        )
    if "tax_percent" in values:
        tax = values["tax_percent"] if values["tax_percent"] is not None else ZERO
        if not (0 <= tax <= 100):
            raise ValidationError({"tax_percent": "Tax must be between 0 and 100 %."})
    check_not_negative(channels=values.get("channels"), cps=values.get("cps"))
    return values


def _check_name_free(name: str, exclude_pk=None) -> None:
    if Customer.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": f"A customer named {name!r} already exists."})


@transaction.atomic
def customer_create(*, actor, name: str, currency: str, **fields) -> Customer:
    values = _customer_values({"name": name, "currency": currency, **fields})
    _check_name_free(values["name"])
    customer = Customer.objects.create(**{k: v for k, v in values.items() if k in CUSTOMER_FIELDS})
    audit.record(actor=actor, action="customer.create", obj=customer, after=audit.snapshot(customer))
    versioning.bump("routing")
    return customer


@transaction.atomic
def customer_update(*, actor, instance: Customer, **fields) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(customer)
    values = {f: getattr(customer, f) for f in CUSTOMER_FIELDS}
    values.update({k: v for k, v in fields.items() if k in CUSTOMER_FIELDS})
    values = _customer_values(values)
    _check_name_free(values["name"], exclude_pk=customer.pk)
    if values["currency"] != customer.currency and customer.ledger_entries.exists():
        raise ValidationError(
            {"currency": "The currency cannot change once the customer has payments or charges."}
        )
    for field, value in values.items():
        setattr(customer, field, value)
    customer.save()
    audit.record(
        actor=actor, action="customer.update", obj=customer, before=before, after=audit.snapshot(customer)
    )
    versioning.bump("routing")
    return customer


@transaction.atomic
def customer_delete(*, actor, instance: Customer) -> None:
    """Delete a customer with its contacts and authentication; never one with money history or routes."""
    customer = Customer.objects.select_for_update().get(pk=instance.pk)
    if customer.ledger_entries.exists() or customer.payments.exists():
        raise ValidationError(
            f"{customer} has payments or charges, which must be kept; set its status to Inactive instead."
        )
    if customer.ingress_routes.exists():
        raise ValidationError(
            f"{customer} still has ingress routes; delete them first, or set its status to Inactive instead."
        )
    before = audit.snapshot(customer)
    before["ip_auths"] = list(customer.ip_auths.values_list("address", flat=True))
    before["sip_users"] = list(customer.sip_users.values_list("username", flat=True))
    before["contacts"] = list(customer.contacts.values_list("email", flat=True))
    audit.record(actor=actor, action="customer.delete", obj=customer, before=before)
    customer.delete()
    versioning.bump("routing")


# Contacts


@transaction.atomic
def contact_create(*, actor, customer: Customer, name: str, email: str, phone: str = "") -> Contact:
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        raise ValidationError({"name": "Enter the contact's name."})
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": "Enter a valid email address."}) from exc
    if customer.contacts.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a contact of {customer}."})
    phone = _e164(phone)
    contact = Contact.objects.create(customer=customer, name=name, email=email, phone=phone)
    audit.record(actor=actor, action="contact.create", obj=contact, after=audit.snapshot(contact))
    return contact


def _e164(phone: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            {"phone": "Enter the number in international form, e.g. +442071234567."}
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError({"phone": "This is not a valid phone number."})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@transaction.atomic
def contact_delete(*, actor, instance: Contact) -> None:
    audit.record(actor=actor, action="contact.delete", obj=instance, before=audit.snapshot(instance))
    instance.delete()


# IP authentication


def _ipauth_conflicts(*, customer: Customer, address: str, direction: str, tech_prefix: str, exclude_pk=None):
    same = IPAuth.objects.filter(address=address).exclude(pk=exclude_pk)
    if same.filter(customer=customer, direction=direction, tech_prefix=tech_prefix).exists():
        raise ValidationError({"address": f"{address} is already in this customer's IP authentication."})
    if direction != Direction.INBOUND:
        return
    others = same.filter(direction=Direction.INBOUND).exclude(customer=customer)
    if not others.exists():
        return
    if not tech_prefix:
        owner = others.select_related("customer").first().customer
        raise ValidationError(
            {
                "tech_prefix": f"{address} already sends calls for {owner}; "
                "give this entry a tech prefix to tell them apart."
            }
        )
    if others.filter(tech_prefix=tech_prefix).exists():
        raise ValidationError(
            {"tech_prefix": f"Another customer already uses {address} with tech prefix {tech_prefix}."}
        )


def _ipauth_values(values: dict) -> dict:
    values["kind"], values["address"] = clean_address(values.get("address", ""))
    values["port"] = check_port(values.get("port"))
    check_not_negative(channels=values.get("channels"), cps=values.get("cps"))
    if values.get("direction") not in Direction.values:
        raise ValidationError({"direction": "Choose a valid direction."})
    prefix = (values.get("tech_prefix") or "").strip()
    if prefix and not TECH_PREFIX_RE.match(prefix):
        raise ValidationError({"tech_prefix": "A tech prefix is up to 20 digits, # or *."})
    values["tech_prefix"] = prefix
    return values


def _lock_address(address: str) -> None:
    """Serialise claims on one address (any customer) until commit, so two concurrent saves
    cannot both pass the sharing checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["ipauth:" + address])


def _enqueue_resolution(ipauth: IPAuth) -> None:
    from .tasks import resolve_ipauth

    peers.enqueue_resolution(ipauth, resolve_ipauth)


@transaction.atomic
def ipauth_create(
    *,
    actor,
    customer: Customer,
    address: str,
    direction: str = Direction.INBOUND,
    protocol: str = "udp",
    port: int = 5060,
    channels: int = 0,
    cps: int = 0,
    tech_prefix: str = "",
) -> IPAuth:
    values = _ipauth_values(
        {
            "address": address,
            "direction": direction,
            "protocol": protocol,
            "port": port,
            "channels": channels,
            "cps": cps,
            "tech_prefix": tech_prefix,
        }
    )
    _lock_address(values["address"])
    _ipauth_conflicts(
        customer=customer,
        address=values["address"],
        direction=values["direction"],
        tech_prefix=values["tech_prefix"],
    )
    ipauth = IPAuth(customer=customer, **values)
    peers.reset_resolution(ipauth)
    ipauth.save()
    audit.record(actor=actor, action="ipauth.create", obj=ipauth, after=audit.snapshot(ipauth))
    _enqueue_resolution(ipauth)
    versioning.bump("routing")
    return ipauth


@transaction.atomic
def ipauth_update(*, actor, instance: IPAuth, **fields) -> IPAuth:
    ipauth = IPAuth.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(ipauth)
    keys = ("address", "direction", "protocol", "port", "channels", "cps", "tech_prefix")
    values = {k: getattr(ipauth, k) for k in keys}
    values.update({k: v for k, v in fields.items() if k in keys})
    values = _ipauth_values(values)
    _lock_address(values["address"])
    _ipauth_conflicts(
        customer=ipauth.customer,
        address=values["address"],
        direction=values["direction"],
        tech_prefix=values["tech_prefix"],
        exclude_pk=ipauth.pk,
    )
    address_changed = peers.apply_values(ipauth, values)
    ipauth.save()
    audit.record(actor=actor, action="ipauth.update", obj=ipauth, before=before, after=audit.snapshot(ipauth))
    if address_changed:
        _enqueue_resolution(ipauth)
    versioning.bump("routing")
    return ipauth


@transaction.atomic
def ipauth_delete(*, actor, instance: IPAuth) -> None:
    audit.record(actor=actor, action="ipauth.delete", obj=instance, before=audit.snapshot(instance))
    instance.delete()
    versioning.bump("routing")


def ipauth_resolve(*, ipauth_id: int) -> IPAuth | None:
    """Look the entry's name up in DNS (outside any transaction) and store what was found."""
    return peers.resolve_and_store(IPAuth, ipauth_id, action="ipauth.resolve")


# SIP users


def sip_digests(username: str, password: str, realm: str | None = None) -> tuple[str, str]:
    """(HA1, HA1B) as Kamailio's auth_db expects them for `realm`."""
    realm = realm or settings.SIP_REALM
    ha1 = hashlib.md5(f"{username}:{realm}:{password}".encode(), usedforsecurity=False).hexdigest()
    ha1b = hashlib.md5(f"{username}@{realm}:{realm}:{password}".encode(), usedforsecurity=False).hexdigest()
    return ha1, ha1b


def _check_sip_password(username: str, password: str) -> None:
    if not password:
        raise ValidationError({"password": "Enter a password."})
    problems = []
    try:
        validate_password(password)
    except ValidationError as exc:
        problems.extend(exc.messages)
    if len(password) < 10:
        problems.append("A SIP password must be at least 10 characters long.")
    classes = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^A-Za-z0-9]"))
    if classes < 3:
        problems.append("Use at least three of: lower case, upper case, digits, symbols.")
    if username.lower() in password.lower():
        problems.append("The password must not contain the username.")
    if problems:
        raise ValidationError({"password": list(dict.fromkeys(problems))})


@transaction.atomic
def sipuser_create(
    *, actor, customer: Customer, username: str, password: str, enabled: bool = True
) -> SIPUser:
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            {
                "username": "Use 3–64 letters, digits, dots, dashes or underscores, "
                "starting with a letter or digit."
            }
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["sipuser:" + username.lower()])
    if SIPUser.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"The SIP username {username!r} is already taken."})
    _check_sip_password(username, password)
    ha1, ha1b = sip_digests(username, password)
    sipuser = SIPUser.objects.create(
        customer=customer, username=username, password=password, ha1=ha1, ha1b=ha1b, enabled=enabled
    )
    audit.record(
        actor=actor,
        action="sipuser.create",
        obj=sipuser,
        after=audit.snapshot(sipuser, ["username", "enabled"]),
    )
    versioning.bump("routing")
    return sipuser


@transaction.atomic
def sipuser_set_password(*, actor, instance: SIPUser, password: str) -> SIPUser:
    sipuser = SIPUser.objects.select_for_update().get(pk=instance.pk)
    _check_sip_password(sipuser.username, password)
    sipuser.password = password
    sipuser.ha1, sipuser.ha1b = sip_digests(sipuser.username, password)
    sipuser.save()
    audit.record(actor=actor, action="sipuser.password_change", obj=sipuser)
    versioning.bump("routing")
    return sipuser


@transaction.atomic
def sipuser_set_enabled(*, actor, instance: SIPUser, enabled: bool) -> SIPUser:
    sipuser = SIPUser.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(sipuser, ["enabled"])
    sipuser.enabled = enabled
    sipuser.save(update_fields=["enabled", "updated_at"])
    audit.record(actor=actor, action="sipuser.update", obj=sipuser, before=before, after={"enabled": enabled})
    versioning.bump("routing")
    return sipuser


@transaction.atomic
def sipuser_update(*, actor, instance: SIPUser, enabled: bool, password: str = "") -> SIPUser:
    """The Edit form: a new password only when one is given (empty keeps the current one)."""
    sipuser = SIPUser.objects.select_for_update().get(pk=instance.pk)
    if password:
        sipuser = sipuser_set_password(actor=actor, instance=sipuser, password=password)
    if enabled != sipuser.enabled:
        sipuser = sipuser_set_enabled(actor=actor, instance=sipuser, enabled=enabled)
    return sipuser


@transaction.atomic
def sipuser_reveal_password(*, actor, instance: SIPUser) -> str:
    """The stored password, for someone who explicitly asked; the audit log says who and when."""
    audit.record(actor=actor, action="sipuser.reveal_password", obj=instance, note="SIP password revealed")
    return SIPUser.objects.get(pk=instance.pk).password


@transaction.atomic
def sipuser_delete(*, actor, instance: SIPUser) -> None:
    audit.record(
        actor=actor, action="sipuser.delete", obj=instance, before=audit.snapshot(instance, ["username"])
    )
    instance.delete()
    versioning.bump("routing")


# Payments and the ledger


def _ledger_sync(payment: Payment, *, actor) -> None:
    """Make the payment's ledger entries add up to its amount if Complete, else to zero.

    Entries are never edited: a change of status appends a reversing entry.
    """
    booked = payment.ledger_entries.aggregate(total=Sum("amount"))["total"] or ZERO
    wanted = payment.amount if payment.status == PaymentStatus.COMPLETE else ZERO
    delta = wanted - booked
    if delta == 0:
        return
    LedgerEntry.objects.create(
        customer_id=payment.customer_id,
        kind=LedgerKind.PAYMENT if delta > 0 else LedgerKind.REVERSAL,
        amount=delta,
        currency=payment.currency,
        payment=payment,
        description=payment.description,
    )


@transaction.atomic
def payment_create(
    *, actor, customer: Customer, description: str, amount, status: str = PaymentStatus.PENDING
) -> Payment:
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Enter a description."})
    amount = _money("amount", amount, positive=True)
    if status not in PaymentStatus.values:
        raise ValidationError({"status": "Choose a valid status."})
    payment = Payment.objects.create(
        customer=customer,
        description=description[:255],
        amount=amount,
        currency=customer.currency,
        status=status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _ledger_sync(payment, actor=actor)
    audit.record(actor=actor, action="payment.create", obj=payment, after=audit.snapshot(payment))
    versioning.bump("routing")
    return payment


@transaction.atomic
def payment_set_status(*, actor, instance: Payment, status: str) -> Payment:
    if status not in PaymentStatus.values:
        raise ValidationError({"status": "Choose a valid status."})
    payment = Payment.objects.select_for_update().get(pk=instance.pk)
    if payment.status == PaymentStatus.REFUNDED and status != PaymentStatus.REFUNDED:
        raise ValidationError({"status": "A refunded payment cannot change status again."})
    before = audit.snapshot(payment, ["status"])
    payment.status = status
    payment.save(update_fields=["status"])
    _ledger_sync(payment, actor=actor)
    audit.record(actor=actor, action="payment.status", obj=payment, before=before, after={"status": status})
    versioning.bump("routing")
    return payment


def ipauth_queue_due_resolutions(*, older_than_seconds: int) -> int:
    """Queue a re-resolution of every host/SRV entry not looked up for a while; returns how many."""
    from .tasks import resolve_ipauth

    return peers.queue_due_resolutions(IPAuth, resolve_ipauth, older_than_seconds=older_than_seconds)
