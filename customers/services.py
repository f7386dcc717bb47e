"""Every write to customers, their authentication, contacts and money."""

import hashlib
import re
import uuid
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from accounts import mail
from accounts.models import AccountSettings, User
from connexcs import audit, bulk_writes, outbox, peers, versioning
from connexcs.choices import AuditAction
from connexcs.dns import SIP_PORT, Transport
from connexcs.money import AMOUNT_DIGITS, AMOUNT_PLACES, ZERO, validate_currency
from connexcs.peers import check_not_negative, check_port, clean_address
from connexcs.unset import UNSET, given

from . import selectors
from .choices import CustomerStatus, Direction, LedgerKind, PaymentStatus
from .models import Contact, Customer, IPAuth, LedgerEntry, NumberBlock, Payment, SIPUser
from .tasks import resolve_ipauth as resolve_ipauth_task
from .tasks import send_payment_confirmation as send_payment_confirmation_task

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


def _money(
    field: str, value, *, positive: bool = False, allow_none: bool = False, signed: bool = False
) -> Decimal | None:
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
    if not positive and not signed and amount < 0:
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
    # A negative debit limit is pre-pay with a buffer (credit-control.md).
    if "debit_limit" in values:
        values["debit_limit"] = _money("debit_limit", values["debit_limit"], signed=True)
    if "minimum_payment" in values:
        values["minimum_payment"] = _money("minimum_payment", values["minimum_payment"])
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
def customer_create(
    *,
    actor: User,
    name: str,
    currency: str,
    status: str = CustomerStatus.ACTIVE,
    debit_limit: Decimal = ZERO,
    channels: int = 0,
    cps: int = 0,
    tax_percent: Decimal = ZERO,
    minimum_payment: Decimal = ZERO,
    daily_spend_limit: Decimal | None = None,
    portal_access: bool = False,
) -> Customer:
    values = _customer_values(
        {
            "name": name,
            "currency": currency,
            "status": status,
            "debit_limit": debit_limit,
            "channels": channels,
            "cps": cps,
            "tax_percent": tax_percent,
            "minimum_payment": minimum_payment,
            "daily_spend_limit": daily_spend_limit,
            "portal_access": portal_access,
        }
    )
    _check_name_free(values["name"])
    customer = Customer.objects.create(**{k: v for k, v in values.items() if k in CUSTOMER_FIELDS})
    audit.record(
        actor=actor, action=AuditAction.CUSTOMER_CREATE, obj=customer, after=audit.snapshot(customer)
    )
    versioning.bump("routing")
    return customer


@transaction.atomic
def customer_update(
    *,
    actor: User,
    instance: Customer,
    name: str = UNSET,
    currency: str = UNSET,
    status: str = UNSET,
    debit_limit: Decimal = UNSET,
    channels: int = UNSET,
    cps: int = UNSET,
    tax_percent: Decimal = UNSET,
    minimum_payment: Decimal = UNSET,
    daily_spend_limit: Decimal | None = UNSET,
    portal_access: bool = UNSET,
) -> Customer:
    """Change the fields passed; the others keep their values."""
    customer = Customer.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(customer)
    values = {f: getattr(customer, f) for f in CUSTOMER_FIELDS}
    values.update(
        given(
            name=name,
            currency=currency,
            status=status,
            debit_limit=debit_limit,
            channels=channels,
            cps=cps,
            tax_percent=tax_percent,
            minimum_payment=minimum_payment,
            daily_spend_limit=daily_spend_limit,
            portal_access=portal_access,
        )
    )
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
        actor=actor,
        action=AuditAction.CUSTOMER_UPDATE,
        obj=customer,
        before=before,
        after=audit.snapshot(customer),
    )
    versioning.bump("routing")
    return customer


def customer_bulk_update(
    *,
    actor: User,
    customers: list[Customer],
    status: str = UNSET,
    channels: int = UNSET,
    cps: int = UNSET,
    portal_access: bool = UNSET,
) -> list[Customer]:
    """Management > Customers > Bulk Edit: the same change on every chosen customer, each audited;
    all or none (one refusal leaves every customer as it was)."""
    changes = given(status=status, channels=channels, cps=cps, portal_access=portal_access)
    return bulk_writes.update_each(
        Customer,
        customers,
        changes=changes,
        update=lambda customer: customer_update(actor=actor, instance=customer, **changes),
        field="customers",
        noun="customer",
    )


def customer_bulk_delete(*, actor: User, customers: list[Customer]) -> int:
    """Management > Customers > Delete with several ticked: all or none. One that must be kept
    (payments, charges, ingress routes) refuses the whole delete, naming each such customer."""
    return bulk_writes.delete_each(
        Customer,
        customers,
        refusals=lambda rows: selectors.customer_delete_refusals(customers=rows),
        delete=lambda customer: customer_delete(actor=actor, instance=customer),
        field="customers",
        noun="customer",
    )


@transaction.atomic
def customer_delete(*, actor: User, instance: Customer) -> None:
    """Delete a customer with its contacts and authentication; never one with money history or routes."""
    customer = Customer.objects.select_for_update().get(pk=instance.pk)
    refusal = selectors.customer_delete_refusal(customer)
    if refusal:
        raise ValidationError(refusal)
    before = audit.snapshot(customer)
    before["ip_auths"] = list(customer.ip_auths.values_list("address", flat=True))
    before["sip_users"] = list(customer.sip_users.values_list("username", flat=True))
    before["contacts"] = list(customer.contacts.values_list("email", flat=True))
    audit.record(actor=actor, action=AuditAction.CUSTOMER_DELETE, obj=customer, before=before)
    customer.delete()
    versioning.bump("routing")


# Contacts


@transaction.atomic
def contact_create(*, actor: User, customer: Customer, name: str, email: str, phone: str = "") -> Contact:
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
    audit.record(actor=actor, action=AuditAction.CONTACT_CREATE, obj=contact, after=audit.snapshot(contact))
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
def contact_delete(*, actor: User, instance: Contact) -> None:
    audit.record(
        actor=actor, action=AuditAction.CONTACT_DELETE, obj=instance, before=audit.snapshot(instance)
    )
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
    peers.enqueue_resolution(ipauth, resolve_ipauth_task)


@transaction.atomic
def ipauth_create(
    *,
    actor: User,
    customer: Customer,
    address: str,
    direction: str = Direction.INBOUND,
    protocol: str = Transport.UDP,
    port: int = SIP_PORT,
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
    audit.record(actor=actor, action=AuditAction.IPAUTH_CREATE, obj=ipauth, after=audit.snapshot(ipauth))
    _enqueue_resolution(ipauth)
    versioning.bump("routing")
    return ipauth


@transaction.atomic
def ipauth_update(
    *,
    actor: User,
    instance: IPAuth,
    address: str = UNSET,
    direction: str = UNSET,
    protocol: str = UNSET,
    port: int = UNSET,
    channels: int = UNSET,
    cps: int = UNSET,
    tech_prefix: str = UNSET,
) -> IPAuth:
    """Change the fields passed; the others keep their values."""
    ipauth = IPAuth.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(ipauth)
    keys = ("address", "direction", "protocol", "port", "channels", "cps", "tech_prefix")
    values = {k: getattr(ipauth, k) for k in keys}
    values.update(
        given(
            address=address,
            direction=direction,
            protocol=protocol,
            port=port,
            channels=channels,
            cps=cps,
            tech_prefix=tech_prefix,
        )
    )
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
    audit.record(
        actor=actor, action=AuditAction.IPAUTH_UPDATE, obj=ipauth, before=before, after=audit.snapshot(ipauth)
    )
    if address_changed:
        _enqueue_resolution(ipauth)
    versioning.bump("routing")
    return ipauth


@transaction.atomic
def ipauth_delete(*, actor: User, instance: IPAuth) -> None:
    audit.record(actor=actor, action=AuditAction.IPAUTH_DELETE, obj=instance, before=audit.snapshot(instance))
    instance.delete()
    versioning.bump("routing")


def ipauth_resolve(*, ipauth_id: int) -> IPAuth | None:
    """Look the entry's name up in DNS (outside any transaction) and store what was found."""
    return peers.resolve_and_store(IPAuth, ipauth_id, action=AuditAction.IPAUTH_RESOLVE)


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
def number_block_assign(*, actor: User, customer: Customer) -> NumberBlock:
    """Customer > Main > Internal Number Block "+": the next free block of the account's size, from its
    Number Range Start (My Account > Config > General Information)."""
    settings_row = AccountSettings.load()
    if not settings_row.number_block_size:
        raise ValidationError(
            "Set Number Range Start and Block Size under My Account > Config > General Information first."
        )
    with connection.cursor() as cursor:  # one allocator at a time: two "+" never get the same block
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('number_block'))")
    start, size = settings_row.number_range_start, settings_row.number_block_size
    for block in NumberBlock.objects.filter(end__gte=start).order_by("start").only("start", "end"):
        if block.start > start + size - 1:
            break  # the gap before this block holds a whole block
        start = max(start, block.end + 1)
    block = NumberBlock.objects.create(customer=customer, start=start, end=start + size - 1)
    audit.record(actor=actor, action=AuditAction.NUMBER_BLOCK_ASSIGN, obj=block, after=audit.snapshot(block))
    return block


@transaction.atomic
def number_block_release(*, actor: User, instance: NumberBlock) -> None:
    """Give a block back; refused while one of the customer's SIP users is a number in it."""
    block = NumberBlock.objects.select_for_update().get(pk=instance.pk)
    used = [u for u in selectors.numbered_usernames(block.customer) if block.holds(u)]
    if used:
        listed = ", ".join(str(n) for n in used[:5])
        raise ValidationError(f"SIP users {listed} use numbers of {block}; delete or rename them first.")
    audit.record(
        actor=actor, action=AuditAction.NUMBER_BLOCK_RELEASE, obj=block, before=audit.snapshot(block)
    )
    block.delete()


def _check_in_number_block(customer: Customer, username: str) -> None:
    blocks = list(customer.number_blocks.all())
    if not blocks:
        return  # without a block any username may be used
    if username.isdigit() and any(block.holds(int(username)) for block in blocks):
        return
    ranges = ", ".join(str(block) for block in blocks)
    raise ValidationError(
        {"username": f"Choose a number from this customer's Internal Number Block: {ranges}."}
    )


@transaction.atomic
def sipuser_create(
    *, actor: User, customer: Customer, username: str, password: str, enabled: bool = True
) -> SIPUser:
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise ValidationError(
            {
                "username": "Use 3–64 letters, digits, dots, dashes or underscores, "
                "starting with a letter or digit."
            }
        )
    _check_in_number_block(customer, username)
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
        action=AuditAction.SIPUSER_CREATE,
        obj=sipuser,
        after=audit.snapshot(sipuser, ["username", "enabled"]),
    )
    versioning.bump("routing")
    return sipuser


@transaction.atomic
def sipuser_set_password(*, actor: User, instance: SIPUser, password: str) -> SIPUser:
    sipuser = SIPUser.objects.select_for_update().get(pk=instance.pk)
    _check_sip_password(sipuser.username, password)
    sipuser.password = password
    sipuser.ha1, sipuser.ha1b = sip_digests(sipuser.username, password)
    sipuser.save()
    audit.record(actor=actor, action=AuditAction.SIPUSER_PASSWORD_CHANGE, obj=sipuser)
    versioning.bump("routing")
    return sipuser


@transaction.atomic
def sipuser_set_enabled(*, actor: User, instance: SIPUser, enabled: bool) -> SIPUser:
    sipuser = SIPUser.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(sipuser, ["enabled"])
    sipuser.enabled = enabled
    sipuser.save(update_fields=["enabled", "updated_at"])
    audit.record(
        actor=actor, action=AuditAction.SIPUSER_UPDATE, obj=sipuser, before=before, after={"enabled": enabled}
    )
    versioning.bump("routing")
    return sipuser


@transaction.atomic
def sipuser_update(*, actor: User, instance: SIPUser, enabled: bool, password: str = "") -> SIPUser:
    """The Edit form: a new password only when one is given (empty keeps the current one)."""
    sipuser = SIPUser.objects.select_for_update().get(pk=instance.pk)
    if password:
        sipuser = sipuser_set_password(actor=actor, instance=sipuser, password=password)
    if enabled != sipuser.enabled:
        sipuser = sipuser_set_enabled(actor=actor, instance=sipuser, enabled=enabled)
    return sipuser


@transaction.atomic
def sipuser_reveal_password(*, actor: User, instance: SIPUser) -> str:
    """The stored password, for someone who explicitly asked; the audit log says who and when."""
    audit.record(
        actor=actor, action=AuditAction.SIPUSER_REVEAL_PASSWORD, obj=instance, note="SIP password revealed"
    )
    return SIPUser.objects.get(pk=instance.pk).password


@transaction.atomic
def sipuser_delete(*, actor: User, instance: SIPUser) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.SIPUSER_DELETE,
        obj=instance,
        before=audit.snapshot(instance, ["username"]),
    )
    instance.delete()
    versioning.bump("routing")


# Payments and the ledger


def _ledger_sync(payment: Payment) -> None:
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


def _payment_already_saved(customer: Customer, key: uuid.UUID) -> Payment | None:
    payment = Payment.objects.filter(idempotency_key=key).first()
    if payment is None:
        return None
    if payment.customer_id != customer.pk:
        raise ValidationError("This form was already used for another customer; open it again.")
    payment.already_saved = True  # not stored: tells the view to say so instead of "saved"
    return payment


@transaction.atomic
def payment_create(
    *,
    actor: User,
    customer: Customer,
    description: str,
    amount: Decimal | str,
    status: str = PaymentStatus.PENDING,
    idempotency_key: uuid.UUID | None = None,
    email_confirmation: bool = False,
) -> Payment:
    """Book a payment. With an idempotency key, the same key again returns the first payment
    (even when both requests arrive together: the unique constraint decides, not a prior read)."""
    if idempotency_key is not None and (existing := _payment_already_saved(customer, idempotency_key)):
        return existing
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Enter a description."})
    amount = _money("amount", amount, positive=True)
    if status not in PaymentStatus.values:
        raise ValidationError({"status": "Choose a valid status."})
    if email_confirmation and not customer.contacts.exists():
        raise ValidationError(
            {"email_confirmation": f"{customer.name} has no contacts to email: add one under Contacts first."}
        )
    try:
        with transaction.atomic():  # a savepoint, so a lost race leaves this transaction usable
            payment = Payment.objects.create(
                customer=customer,
                description=description[:255],
                amount=amount,
                currency=customer.currency,
                status=status,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                idempotency_key=idempotency_key,
                email_confirmation=email_confirmation,
            )
    except IntegrityError:
        # The other request committed first; its row is visible now (read committed).
        existing = _payment_already_saved(customer, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing
    _ledger_sync(payment)
    _queue_confirmation(payment)
    audit.record(actor=actor, action=AuditAction.PAYMENT_CREATE, obj=payment, after=audit.snapshot(payment))
    versioning.bump("routing")
    return payment


def _queue_confirmation(payment: Payment) -> None:
    """The Email Confirmation goes out (after commit) once a payment that asks for it is Complete."""
    if (
        payment.email_confirmation
        and payment.status == PaymentStatus.COMPLETE
        and not payment.confirmation_sent_at
    ):
        outbox.enqueue(send_payment_confirmation_task, payment.pk)


def payment_send_confirmation(*, payment_id: int) -> None:
    """Email the customer's contacts that the payment was received and applied (once)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("customer").filter(pk=payment_id).first()
        if (
            payment is None
            or not payment.email_confirmation
            or payment.confirmation_sent_at
            or payment.status != PaymentStatus.COMPLETE
        ):
            return
        customer = payment.customer
        to = sorted(customer.contacts.values_list("email", flat=True))
        if not to:
            return
        payment.confirmation_sent_at = timezone.now()
        payment.save(update_fields=["confirmation_sent_at"])
        context = {
            "customer": {
                "id": customer.pk,
                "name": customer.name,
                "currency": customer.currency,
                "balance": selectors.customer_balance(customer),
            },
            "payment": {
                "id": payment.pk,
                "description": payment.public_description,
                "amount": payment.amount,
                "currency": payment.currency,
                "date": payment.created_at,
            },
        }
        # Sent inside the transaction: a failed send rolls back the sent mark and the task retries.
        mail.send_message("payment_confirmation", context, to)
    audit.record(actor=None, action=AuditAction.PAYMENT_CONFIRMATION_SENT, obj=payment, note=", ".join(to))


@transaction.atomic
def payment_set_status(*, actor: User, instance: Payment, status: str) -> Payment:
    if status not in PaymentStatus.values:
        raise ValidationError({"status": "Choose a valid status."})
    payment = Payment.objects.select_for_update().get(pk=instance.pk)
    if payment.status == PaymentStatus.REFUNDED and status != PaymentStatus.REFUNDED:
        raise ValidationError({"status": "A refunded payment cannot change status again."})
    before = audit.snapshot(payment, ["status"])
    payment.status = status
    payment.save(update_fields=["status"])
    _ledger_sync(payment)
    _queue_confirmation(payment)
    audit.record(
        actor=actor, action=AuditAction.PAYMENT_STATUS, obj=payment, before=before, after={"status": status}
    )
    versioning.bump("routing")
    return payment


def ipauth_queue_due_resolutions(*, older_than_seconds: int) -> int:
    """Queue a re-resolution of every host/SRV entry not looked up for a while; returns how many."""
    return peers.queue_due_resolutions(IPAuth, resolve_ipauth_task, older_than_seconds=older_than_seconds)
