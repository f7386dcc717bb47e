"""Every write to carriers and their termination gateways."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from connexcs import audit, peers, versioning
from connexcs.choices import AuditAction
from connexcs.dns import SIP_PORT, AddressKind, Transport
from connexcs.money import validate_currency
from connexcs.peers import check_not_negative, check_port, clean_address
from connexcs.unset import UNSET, given

from . import selectors
from .choices import CarrierStatus
from .models import (
    DEFAULT_FIRST_REPLY_TIMEOUT,
    DEFAULT_PDD_TIMEOUT,
    DEFAULT_RING_TIMEOUT,
    Carrier,
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


@transaction.atomic
def carrier_delete(*, actor: User, instance: Carrier) -> None:
    """Delete a carrier with its gateways; never one that rate cards still price."""
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
