"""Every write to carriers and their termination gateways."""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from connexcs import audit, bulk_writes, peers, versioning
from connexcs.choices import AuditAction
from connexcs.dns import SIP_PORT, AddressKind, Transport
from connexcs.money import AMOUNT_DIGITS, AMOUNT_PLACES, validate_currency
from connexcs.peers import check_not_negative, check_port, clean_address
from connexcs.unset import UNSET, given

from . import selectors
from .choices import CarrierPaymentDirection, CarrierStatus
from .models import (
    DEFAULT_FIRST_REPLY_TIMEOUT,
    DEFAULT_PDD_TIMEOUT,
    DEFAULT_RING_TIMEOUT,
    Carrier,
    CarrierPayment,
    Gateway,
)
from .tasks import resolve_gateway as resolve_gateway_task

CARRIER_FIELDS = (
    "name",
    "currency",
    "status",
    "channels",
    "cps",
    "first_reply_timeout",
    "pdd_timeout",
    "ring_timeout",
)
TIMEOUT_LIMITS = {"first_reply_timeout": 60, "pdd_timeout": 120, "ring_timeout": 600}
GATEWAY_FIELDS = ("address", "port", "protocol", "weight", "enabled")


def _carrier_values(values: dict, *, exclude_pk=None) -> dict:
    name = (values.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": "Enter the carrier's name."})
    if Carrier.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": f"A carrier named {name!r} already exists."})
    values["name"] = name
    try:
        validate_currency(values.get("currency", ""))
    except ValidationError as exc:
        raise ValidationError({"currency": exc.messages}) from exc
    if values.get("status", CarrierStatus.ACTIVE) not in CarrierStatus.values:
        raise ValidationError({"status": "Choose a valid status."})
    check_not_negative(channels=values.get("channels"), cps=values.get("cps"))
    for field, limit in TIMEOUT_LIMITS.items():
        value = values.get(field)
        if value is not None and not (1 <= value <= limit):
            raise ValidationError({field: f"Must be between 1 and {limit} seconds."})
    return values


@transaction.atomic
def carrier_create(
    *,
    actor: User,
    name: str,
    currency: str,
    status: str = CarrierStatus.ACTIVE,
    channels: int = 0,
    cps: int = 0,
    first_reply_timeout: int = DEFAULT_FIRST_REPLY_TIMEOUT,
    pdd_timeout: int = DEFAULT_PDD_TIMEOUT,
    ring_timeout: int = DEFAULT_RING_TIMEOUT,
) -> Carrier:
    values = _carrier_values(
        {
            "name": name,
            "currency": currency,
            "status": status,
            "channels": channels,
            "cps": cps,
            "first_reply_timeout": first_reply_timeout,
            "pdd_timeout": pdd_timeout,
            "ring_timeout": ring_timeout,
        }
    )
    carrier = Carrier.objects.create(
        **{k: v for k, v in values.items() if k in CARRIER_FIELDS and v is not None}
    )
    audit.record(actor=actor, action=AuditAction.CARRIER_CREATE, obj=carrier, after=audit.snapshot(carrier))
    versioning.bump("routing")
    return carrier


@transaction.atomic
def carrier_update(
    *,
    actor: User,
    instance: Carrier,
    name: str = UNSET,
    currency: str = UNSET,
    status: str = UNSET,
    channels: int | None = UNSET,
    cps: int | None = UNSET,
    first_reply_timeout: int | None = UNSET,
    pdd_timeout: int | None = UNSET,
    ring_timeout: int | None = UNSET,
) -> Carrier:
    """Change the fields passed; the others (and any passed as None, an empty form field) are kept."""
    carrier = Carrier.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(carrier)
    values = {f: getattr(carrier, f) for f in CARRIER_FIELDS}
    changes = given(
        name=name,
        currency=currency,
        status=status,
        channels=channels,
        cps=cps,
        first_reply_timeout=first_reply_timeout,
        pdd_timeout=pdd_timeout,
        ring_timeout=ring_timeout,
    )
    values.update({k: v for k, v in changes.items() if v is not None})
    values = _carrier_values(values, exclude_pk=carrier.pk)
    for field, value in values.items():
        setattr(carrier, field, value)
    carrier.save()
    audit.record(
        actor=actor,
        action=AuditAction.CARRIER_UPDATE,
        obj=carrier,
        before=before,
        after=audit.snapshot(carrier),
    )
    versioning.bump("routing")
    return carrier


def carrier_bulk_update(
    *, actor: User, carriers: list[Carrier], status: str = UNSET, channels: int = UNSET, cps: int = UNSET
) -> list[Carrier]:
    """Management > Carriers > Bulk Edit: one change on every chosen carrier, each audited; all or none."""
    changes = given(status=status, channels=channels, cps=cps)
    return bulk_writes.update_each(
        Carrier,
        carriers,
        changes=changes,
        update=lambda carrier: carrier_update(actor=actor, instance=carrier, **changes),
        field="carriers",
        noun="carrier",
    )


def carrier_bulk_delete(*, actor: User, carriers: list[Carrier]) -> int:
    """Management > Carriers > Delete with several ticked: all or none; one with provider rate cards or
    payments refuses the whole delete, naming each such carrier."""
    return bulk_writes.delete_each(
        Carrier,
        carriers,
        refusals=lambda rows: selectors.carrier_delete_refusals(carriers=rows),
        delete=lambda carrier: carrier_delete(actor=actor, instance=carrier),
        field="carriers",
        noun="carrier",
    )


@transaction.atomic
def carrier_delete(*, actor: User, instance: Carrier) -> None:
    """Delete a carrier with its gateways; never one that rate cards still price or that has payments."""
    carrier = Carrier.objects.select_for_update().get(pk=instance.pk)
    refusal = selectors.carrier_delete_refusal(carrier)
    if refusal:
        raise ValidationError(refusal)
    before = audit.snapshot(carrier)
    before["gateways"] = [str(g) for g in carrier.gateways.all()]
    audit.record(actor=actor, action=AuditAction.CARRIER_DELETE, obj=carrier, before=before)
    carrier.delete()
    versioning.bump("routing")


def _gateway_values(values: dict, *, carrier: Carrier, exclude_pk=None) -> dict:
    values["kind"], values["address"] = clean_address(values.get("address", ""))
    values["port"] = check_port(values.get("port"))
    if values.get("protocol") not in Transport.values:
        raise ValidationError({"protocol": "Choose UDP, TCP or TLS."})
    weight = values.get("weight")
    if weight is None or weight < 1:
        raise ValidationError({"weight": "Weight must be 1 or more."})
    if values["kind"] == AddressKind.CIDR:
        raise ValidationError(
            {"address": "A termination gateway is one host: give an IP, host name or SRV record."}
        )
    if (
        Gateway.objects.filter(carrier=carrier, address=values["address"], port=values["port"])
        .exclude(pk=exclude_pk)
        .exists()
    ):
        raise ValidationError(
            {"address": f"{values['address']}:{values['port']} is already a gateway of {carrier}."}
        )
    return values


def _enqueue_resolution(gateway: Gateway) -> None:
    peers.enqueue_resolution(gateway, resolve_gateway_task)


@transaction.atomic
def gateway_create(
    *,
    actor: User,
    carrier: Carrier,
    address: str,
    port: int = SIP_PORT,
    protocol: str = Transport.UDP,
    weight: int = 1,
    enabled: bool = True,
) -> Gateway:
    Carrier.objects.select_for_update().filter(pk=carrier.pk).first()
    values = _gateway_values(
        {"address": address, "port": port, "protocol": protocol, "weight": weight, "enabled": enabled},
        carrier=carrier,
    )
    gateway = Gateway(carrier=carrier, **values)
    peers.reset_resolution(gateway)
    gateway.save()
    audit.record(actor=actor, action=AuditAction.GATEWAY_CREATE, obj=gateway, after=audit.snapshot(gateway))
    _enqueue_resolution(gateway)
    versioning.bump("routing")
    return gateway


@transaction.atomic
def gateway_update(
    *,
    actor: User,
    instance: Gateway,
    address: str = UNSET,
    port: int = UNSET,
    protocol: str = UNSET,
    weight: int = UNSET,
    enabled: bool = UNSET,
) -> Gateway:
    """Change the fields passed; the others keep their values."""
    gateway = Gateway.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(gateway)
    values = {k: getattr(gateway, k) for k in GATEWAY_FIELDS}
    values.update(given(address=address, port=port, protocol=protocol, weight=weight, enabled=enabled))
    values = _gateway_values(values, carrier=gateway.carrier, exclude_pk=gateway.pk)
    address_changed = peers.apply_values(gateway, values)
    gateway.save()
    audit.record(
        actor=actor,
        action=AuditAction.GATEWAY_UPDATE,
        obj=gateway,
        before=before,
        after=audit.snapshot(gateway),
    )
    if address_changed:
        _enqueue_resolution(gateway)
    versioning.bump("routing")
    return gateway


@transaction.atomic
def gateway_delete(*, actor: User, instance: Gateway) -> None:
    audit.record(
        actor=actor, action=AuditAction.GATEWAY_DELETE, obj=instance, before=audit.snapshot(instance)
    )
    instance.delete()
    versioning.bump("routing")


def gateway_resolve(*, gateway_id: int) -> Gateway | None:
    """Look the gateway's name up in DNS (outside any transaction) and store what was found."""
    return peers.resolve_and_store(Gateway, gateway_id, action=AuditAction.GATEWAY_RESOLVE)


def gateway_queue_due_resolutions(*, older_than_seconds: int) -> int:
    """Queue a re-resolution of every host/SRV gateway not looked up for a while; returns how many."""
    return peers.queue_due_resolutions(Gateway, resolve_gateway_task, older_than_seconds=older_than_seconds)


# Payments to and from a carrier (Management > Carrier > Payments).


def _payment_amount_error(value) -> str:
    """Why `value` is not a payment amount, or "" when it is one."""
    try:
        amount = Decimal(str(value).strip()) if value not in (None, "") else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        return "Enter an amount, e.g. 1250.00."
    if amount <= 0:
        return "The amount must be greater than zero."
    if amount.as_tuple().exponent < -AMOUNT_PLACES:
        return f"Use at most {AMOUNT_PLACES} decimal places."
    if amount >= Decimal(10) ** (AMOUNT_DIGITS - AMOUNT_PLACES):
        return "This amount is too large."
    return ""


def _payment_already_saved(carrier: Carrier, key: uuid.UUID) -> CarrierPayment | None:
    payment = CarrierPayment.objects.filter(idempotency_key=key).first()
    if payment is None:
        return None
    if payment.carrier_id != carrier.pk:
        raise ValidationError("This form was already used for another carrier; open it again.")
    payment.already_saved = True  # not stored: tells the view to say so instead of "saved"
    return payment


def _payment_values(*, direction, amount, paid_on, reference, description) -> dict:
    """The cleaned fields, or a ValidationError naming every bad one."""
    errors = {}
    if amount_error := _payment_amount_error(amount):
        errors["amount"] = amount_error
    if direction not in CarrierPaymentDirection.values:
        errors["direction"] = "Choose Paid to Carrier or Received from Carrier."
    if not isinstance(paid_on, datetime.date):
        errors["paid_on"] = "Enter the date of the payment."
    elif paid_on > timezone.localdate():
        errors["paid_on"] = "The date cannot be in the future."
    reference, description = (reference or "").strip(), (description or "").strip()
    if len(reference) > CarrierPayment._meta.get_field("reference").max_length:
        errors["reference"] = "Use at most 100 characters."
    if len(description) > CarrierPayment._meta.get_field("description").max_length:
        errors["description"] = "Use at most 255 characters."
    if errors:
        raise ValidationError(errors)
    return {
        "direction": direction,
        "amount": Decimal(str(amount).strip()),
        "paid_on": paid_on,
        "reference": reference,
        "description": description,
    }


@transaction.atomic
def carrier_payment_create(
    *,
    actor: User,
    carrier: Carrier,
    direction: str,
    amount: Decimal | str,
    paid_on: datetime.date,
    reference: str = "",
    description: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> CarrierPayment:
    """Record money paid to (or received from) `carrier`, in its currency. With an idempotency key,
    the same key again returns the first payment, even when both requests arrive together."""
    if idempotency_key is not None and (existing := _payment_already_saved(carrier, idempotency_key)):
        return existing
    values = _payment_values(
        direction=direction, amount=amount, paid_on=paid_on, reference=reference, description=description
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer transaction usable
            payment = CarrierPayment.objects.create(
                carrier=carrier,
                currency=carrier.currency,
                actor=actor if isinstance(actor, User) else None,
                idempotency_key=idempotency_key,
                **values,
            )
    except IntegrityError:
        existing = _payment_already_saved(carrier, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing
    audit.record(
        actor=actor, action=AuditAction.CARRIER_PAYMENT_CREATE, obj=payment, after=audit.snapshot(payment)
    )
    return payment


@transaction.atomic
def carrier_payment_void(*, actor: User, instance: CarrierPayment, reason: str) -> CarrierPayment:
    """Void a payment entered by mistake: it stays in the history, out of the balance."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the payment is void."})
    payment = CarrierPayment.objects.select_for_update().get(pk=instance.pk)
    if payment.voided_at is not None:
        raise ValidationError("This payment is already void.")
    CarrierPayment.objects.filter(pk=payment.pk).update(voided_at=timezone.now(), void_reason=reason[:255])
    payment.refresh_from_db()
    audit.record(
        actor=actor,
        action=AuditAction.CARRIER_PAYMENT_VOID,
        obj=payment,
        before={"voided_at": None},
        after=audit.snapshot(payment, ["voided_at", "void_reason"]),
    )
    return payment
