"""Every write to carriers and their termination gateways."""

from django.core.exceptions import ValidationError
from django.db import transaction

from connexcs import audit, peers, versioning
from connexcs.dns import AddressKind, Transport
from connexcs.money import validate_currency
from connexcs.peers import check_not_negative, check_port, clean_address

from .choices import CarrierStatus
from .models import Carrier, Gateway

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
def carrier_create(*, actor, name: str, currency: str, **fields) -> Carrier:
    values = _carrier_values({"name": name, "currency": currency, **fields})
    carrier = Carrier.objects.create(
        **{k: v for k, v in values.items() if k in CARRIER_FIELDS and v is not None}
    )
    audit.record(actor=actor, action="carrier.create", obj=carrier, after=audit.snapshot(carrier))
    versioning.bump("routing")
    return carrier


@transaction.atomic
def carrier_update(*, actor, instance: Carrier, **fields) -> Carrier:
    carrier = Carrier.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(carrier)
    values = {f: getattr(carrier, f) for f in CARRIER_FIELDS}
    values.update({k: v for k, v in fields.items() if k in CARRIER_FIELDS and v is not None})
    values = _carrier_values(values, exclude_pk=carrier.pk)
    for field, value in values.items():
        setattr(carrier, field, value)
    carrier.save()
    audit.record(
        actor=actor, action="carrier.update", obj=carrier, before=before, after=audit.snapshot(carrier)
    )
    versioning.bump("routing")
    return carrier


@transaction.atomic
def carrier_delete(*, actor, instance: Carrier) -> None:
    """Delete a carrier with its gateways; never one that rate cards still price."""
    carrier = Carrier.objects.select_for_update().get(pk=instance.pk)
    if carrier.provider_cards.exists():
        raise ValidationError(
            f"{carrier} has provider rate cards, which must be kept; set its status to Inactive instead."
        )
    before = audit.snapshot(carrier)
    before["gateways"] = [str(g) for g in carrier.gateways.all()]
    audit.record(actor=actor, action="carrier.delete", obj=carrier, before=before)
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
    from .tasks import resolve_gateway

    peers.enqueue_resolution(gateway, resolve_gateway)


@transaction.atomic
def gateway_create(
    *,
    actor,
    carrier: Carrier,
    address: str,
    port: int = 5060,
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
    audit.record(actor=actor, action="gateway.create", obj=gateway, after=audit.snapshot(gateway))
    _enqueue_resolution(gateway)
    versioning.bump("routing")
    return gateway


@transaction.atomic
def gateway_update(*, actor, instance: Gateway, **fields) -> Gateway:
    gateway = Gateway.objects.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(gateway)
    values = {k: getattr(gateway, k) for k in GATEWAY_FIELDS}
    values.update({k: v for k, v in fields.items() if k in GATEWAY_FIELDS})
    values = _gateway_values(values, carrier=gateway.carrier, exclude_pk=gateway.pk)
    address_changed = peers.apply_values(gateway, values)
    gateway.save()
    audit.record(
        actor=actor, action="gateway.update", obj=gateway, before=before, after=audit.snapshot(gateway)
    )
    if address_changed:
        _enqueue_resolution(gateway)
    versioning.bump("routing")
    return gateway


@transaction.atomic
def gateway_delete(*, actor, instance: Gateway) -> None:
    audit.record(actor=actor, action="gateway.delete", obj=instance, before=audit.snapshot(instance))
    instance.delete()
    versioning.bump("routing")


def gateway_resolve(*, gateway_id: int) -> Gateway | None:
    """Look the gateway's name up in DNS (outside any transaction) and store what was found."""
    return peers.resolve_and_store(Gateway, gateway_id, action="gateway.resolve")


def gateway_queue_due_resolutions(*, older_than_seconds: int) -> int:
    """Queue a re-resolution of every host/SRV gateway not looked up for a while; returns how many."""
    from .tasks import resolve_gateway

    return peers.queue_due_resolutions(Gateway, resolve_gateway, older_than_seconds=older_than_seconds)
