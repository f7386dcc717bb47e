"""Every write of the routing app. Each one bumps the routing version, so every worker reloads."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from connexcs import versioning
from connexcs.audit import record, snapshot

from .models import TECH_PREFIX_RE, ApiToken, IngressRoute

ROUTE_FIELDS = [
    "card",
    "tech_prefix",
    "dial_prefixes",
    "dial_pattern",
    "enabled",
    "channels",
    "cps",
    "max_duration",
    "profit_assurance",
    "public_notes",
    "private_notes",
]
TOKEN_PREFIX = "cxr_"  # noqa: S105 - a visible marker, not a secret


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _networks(address: str, resolved) -> list:
    found = []
    for value in [address, *(resolved or ())]:
        try:
            found.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            continue
    return found


def customers_sharing_an_ip(customer_id: int) -> set[int]:
    """Other customers whose inbound IP auth overlaps this one's without a tech prefix telling them apart."""
    from customers.choices import Direction
    from customers.models import IPAuth

    rows = list(
        IPAuth.objects.filter(direction=Direction.INBOUND).values_list(
            "customer_id", "address", "resolved_addresses", "tech_prefix"
        )
    )
    mine = [(_networks(a, r), tp) for c, a, r, tp in rows if c == customer_id]
    shared = set()
    for other, address, resolved, tp in rows:
        if other == customer_id or other in shared:
            continue
        theirs = _networks(address, resolved)
        for nets, my_tp in mine:
            told_apart = my_tp and tp and my_tp != tp
            if not told_apart and any(a.overlaps(b) for a in nets for b in theirs if a.version == b.version):
                shared.add(other)
                break
    return shared


def _clean_route(*, customer, data: dict, instance: IngressRoute | None = None) -> dict:
    errors = {}
    tech_prefix = (data.get("tech_prefix") or "").strip()
    if not re.fullmatch(TECH_PREFIX_RE, tech_prefix):
        errors["tech_prefix"] = "Use up to 20 digits, * or #."
    prefixes = [p for p in re.split(r"[\s,]+", data.get("dial_prefixes") or "") if p]
    bad = [p for p in prefixes if not p.isdigit()]
    if bad:
        errors["dial_prefixes"] = f"Prefixes are digits only: {', '.join(bad[:5])}."
    pattern = (data.get("dial_pattern") or "").strip()
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            errors["dial_pattern"] = f"Not a valid regular expression: {exc}."
    if data.get("max_duration") is not None and data["max_duration"] < 1:
        errors["max_duration"] = "At least one second."
    if not errors and data.get("enabled", True):
        shared = customers_sharing_an_ip(customer.pk)
        clash = IngressRoute.objects.filter(customer_id__in=shared, tech_prefix=tech_prefix, enabled=True)
        if clash.exists():
            other = clash.select_related("customer").first().customer
            errors["tech_prefix"] = (
                f"{other} shares an IP with this customer and already uses "
                f"{'this tech prefix' if tech_prefix else 'no tech prefix'}; choose a different one."
            )
    if errors:
        raise ValidationError(errors)
    return {**data, "tech_prefix": tech_prefix, "dial_prefixes": ",".join(prefixes), "dial_pattern": pattern}


@transaction.atomic
def ingress_route_create(*, actor, customer, card, **fields) -> IngressRoute:
    data = _clean_route(customer=customer, data={"card": card, **fields})
    route = IngressRoute(customer=customer, **data)
    route.full_clean()
    route.save()
    record(actor=actor, action="ingress_route.create", obj=route, after=snapshot(route))
    versioning.bump("routing")
    return route


@transaction.atomic
def ingress_route_update(*, actor, instance: IngressRoute, **fields) -> IngressRoute:
    route = IngressRoute.objects.select_for_update().get(pk=instance.pk)
    before = snapshot(route)
    data = _clean_route(customer=route.customer, data=fields, instance=route)
    for name, value in data.items():
        if name in ROUTE_FIELDS:
            setattr(route, name, value)
    route.full_clean()
    route.save()
    record(actor=actor, action="ingress_route.update", obj=route, before=before, after=snapshot(route))
    versioning.bump("routing")
    return route


@transaction.atomic
def ingress_route_delete(*, actor, instance: IngressRoute) -> None:
    before = snapshot(instance)
    record(actor=actor, action="ingress_route.delete", obj=instance, before=before)
    instance.delete()
    versioning.bump("routing")


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """The new token and its secret, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, token_hash=hash_token(secret), hint=secret[:10], created_by=actor
    )
    record(actor=actor, action="api_token.create", obj=token, after=snapshot(token, ["name", "hint"]))
    versioning.bump("routing")
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor, instance: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=instance.pk)
    if token.revoked_at is not None:
        raise ValidationError("This token is already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, action="api_token.revoke", obj=token, note=token.hint)
    versioning.bump("routing")
    return token
