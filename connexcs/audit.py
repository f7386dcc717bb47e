"""Audit helper every service calls after a write."""

import json
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .choices import AuditAction
from .clientip import client_ip
from .fields import EncryptedTextField
from .models import AuditEvent


class _AuditEncoder(DjangoJSONEncoder):
    """Values of third-party field types (e.g. django-countries' Country) are kept as text."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


_request_ip: ContextVar[str] = ContextVar("audit_request_ip", default="")


class AuditContextMiddleware:
    """Every event recorded while a request is served carries the address it came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _request_ip.reset(token)


SECRET_MASK = "********"  # noqa: S105 - a mask, not a password


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """JSON-safe field values of `obj`; secrets are masked, Decimals become strings."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if isinstance(field, EncryptedTextField) or field.name in {"password", "password_hash"}:
            data[field.name] = SECRET_MASK if field.value_from_object(obj) else ""
            continue
        data[field.attname] = field.value_from_object(obj)
    return json.loads(json.dumps(data, cls=_AuditEncoder))


@dataclass(frozen=True)
class Named:
    """An actor who has no row yet (someone confirming a sign-up): recorded by this label alone."""

    audit_label: str


def _actor_fields(actor) -> dict[str, Any]:
    """A panel user goes in `actor`; an actor naming itself by `audit_label` (a portal user) is kept
    as that label, with a generic reference to its row (`audit_ref`) if it has one; nobody is "system"."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return {"actor": actor, "actor_repr": str(actor)[:255]}
    label = getattr(actor, "audit_label", "")
    if not label:
        return {"actor_repr": "system"}
    ref = getattr(actor, "audit_ref", actor)  # e.g. a portal user's Contact, which the panel shows
    if not isinstance(ref, models.Model):
        return {"actor_repr": label[:255]}
    return {
        "actor_repr": label[:255],
        "actor_content_type": ContentType.objects.get_for_model(ref),
        "actor_object_id": str(ref.pk),
    }


def record(
    *,
    actor,
    action: AuditAction,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEvent:
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit action must be an AuditAction, not {action!r}")
    return AuditEvent.objects.create(
        **_actor_fields(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        before=before,
        after=after,
        note=note,
        ip=_request_ip.get() or None,
    )
