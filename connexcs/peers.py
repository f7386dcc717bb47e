"""What customer IP auth entries and carrier gateways share: checks of their address fields and the
DNS resolution of host names and SRV records into `resolved_addresses`."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import audit, outbox, versioning
from .choices import AuditAction
from .dns import MAX_PORT, AddressKind, classify, needs_resolution, resolve

RESOLUTION_FIELDS = ["resolved_addresses", "resolve_error"]


def clean_address(address: str) -> tuple[str, str]:
    """(kind, canonical address) or ValidationError naming the `address` field."""
    try:
        return classify(address)
    except ValidationError as exc:
        raise ValidationError({"address": exc.messages}) from exc


def check_port(port) -> int:
    if port is None or not (1 <= int(port) <= MAX_PORT):
        raise ValidationError({"port": f"Port must be between 1 and {MAX_PORT}."})
    return int(port)


def check_not_negative(**values) -> None:
    errors = {name: "Must be 0 or more." for name, value in values.items() if value is not None and value < 0}
    if errors:
        raise ValidationError(errors)


def reset_resolution(peer) -> None:
    """A new or re-pointed address: an IP is its own answer, a name waits for the task."""
    peer.resolved_addresses = [peer.address] if peer.kind == AddressKind.IP else []
    peer.resolved_at, peer.resolve_error = None, ""


def apply_values(peer, values: dict) -> bool:
    """Set `values` on `peer`; True when its address moved, which voids the old resolution."""
    address_changed = values["address"] != peer.address
    for key, value in values.items():
        setattr(peer, key, value)
    if address_changed:
        reset_resolution(peer)
    return address_changed


def enqueue_resolution(peer, task) -> None:
    if needs_resolution(peer.kind):
        outbox.enqueue(task, peer.pk)


def resolve_and_store(model, pk: int, *, action: AuditAction):
    """Look the peer's name up in DNS (outside any transaction) and store what was found.

    A changed answer is audited as `action` and bumps the routing version.
    """
    peer = model.objects.filter(pk=pk).first()
    if peer is None or not needs_resolution(peer.kind):
        return peer
    result = resolve(peer.kind, peer.address)
    with transaction.atomic():
        current = model.objects.select_for_update().filter(pk=pk, address=peer.address).first()
        if current is None:  # deleted or re-pointed meanwhile; its own task will resolve it
            return None
        before = audit.snapshot(current, RESOLUTION_FIELDS)
        current.resolved_addresses = result.addresses
        current.resolve_error = result.error
        current.resolved_at = timezone.now()
        current.save(update_fields=[*RESOLUTION_FIELDS, "resolved_at"])
        after = audit.snapshot(current, RESOLUTION_FIELDS)
        if before != after:
            audit.record(actor=None, action=action, obj=current, before=before, after=after)
            versioning.bump("routing")
    return current


def queue_due_resolutions(model, task, *, older_than_seconds: int) -> int:
    """Queue `task` for every host/SRV peer not looked up for a while; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    due = model.objects.filter(kind__in=[AddressKind.HOST, AddressKind.SRV]).filter(
        models.Q(resolved_at__isnull=True) | models.Q(resolved_at__lt=cutoff)
    )
    ids = list(due.values_list("pk", flat=True))
    for pk in ids:
        task.delay(pk)
    return len(ids)
