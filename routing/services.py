"""Every write of the routing app. Each one bumps the routing version, so every worker reloads."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from connexcs import versioning
from connexcs.audit import record, snapshot
from connexcs.choices import AuditAction
from connexcs.unset import UNSET, given
from customers.choices import Direction
from customers.models import Customer, IPAuth
from ratecards.models import CustomerCard

from .models import DEFAULT_MAX_DURATION, TECH_PREFIX_RE, ApiToken, IngressRoute
from .patterns import PatternError, compile_pattern

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


def _clean_route(*, customer, data: dict) -> dict:
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
            compile_pattern(pattern)
        except PatternError as exc:
            errors["dial_pattern"] = str(exc)
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
def ingress_route_create(
    *,
    actor: User,
    customer: Customer,
    card: CustomerCard,
    tech_prefix: str = "",
    dial_prefixes: str = "",
    dial_pattern: str = "",
    enabled: bool = True,
    channels: int = 0,
    cps: int = 0,
    max_duration: int = DEFAULT_MAX_DURATION,
    profit_assurance: bool = True,
    public_notes: str = "",
    private_notes: str = "",
) -> IngressRoute:
    data = _clean_route(
        customer=customer,
        data={
            "card": card,
            "tech_prefix": tech_prefix,
            "dial_prefixes": dial_prefixes,
            "dial_pattern": dial_pattern,
            "enabled": enabled,
            "channels": channels,
            "cps": cps,
            "max_duration": max_duration,
            "profit_assurance": profit_assurance,
            "public_notes": public_notes,
            "private_notes": private_notes,
        },
    )
    route = IngressRoute(customer=customer, **data)
    route.full_clean()
    route.save()
    record(actor=actor, action=AuditAction.INGRESS_ROUTE_CREATE, obj=route, after=snapshot(route))
    versioning.bump("routing")
    return route


@transaction.atomic
def ingress_route_update(
    *,
    actor: User,
    instance: IngressRoute,
    card: CustomerCard = UNSET,
    tech_prefix: str = UNSET,
    dial_prefixes: str = UNSET,
    dial_pattern: str = UNSET,
    enabled: bool = UNSET,
    channels: int = UNSET,
    cps: int = UNSET,
    max_duration: int = UNSET,
    profit_assurance: bool = UNSET,
    public_notes: str = UNSET,
    private_notes: str = UNSET,
) -> IngressRoute:
    """Change the fields passed; the others keep their values (and are checked again with them)."""
    route = IngressRoute.objects.select_for_update().get(pk=instance.pk)
    before = snapshot(route)
    current = {name: getattr(route, name) for name in ROUTE_FIELDS}
    changes = given(
        card=card,
        tech_prefix=tech_prefix,
        dial_prefixes=dial_prefixes,
        dial_pattern=dial_pattern,
        enabled=enabled,
        channels=channels,
        cps=cps,
        max_duration=max_duration,
        profit_assurance=profit_assurance,
        public_notes=public_notes,
        private_notes=private_notes,
    )
    data = _clean_route(customer=route.customer, data={**current, **changes})
    for name, value in data.items():
        if name in ROUTE_FIELDS:
            setattr(route, name, value)
    route.full_clean()
    route.save()
    record(
        actor=actor, action=AuditAction.INGRESS_ROUTE_UPDATE, obj=route, before=before, after=snapshot(route)
    )
    versioning.bump("routing")
    return route


@transaction.atomic
def ingress_route_delete(*, actor: User, instance: IngressRoute) -> None:
    before = snapshot(instance)
    record(actor=actor, action=AuditAction.INGRESS_ROUTE_DELETE, obj=instance, before=before)
    instance.delete()
    versioning.bump("routing")


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """The new token and its secret, which is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name, token_hash=hash_token(secret), hint=secret[:10], created_by=actor
    )
    record(
        actor=actor, action=AuditAction.API_TOKEN_CREATE, obj=token, after=snapshot(token, ["name", "hint"])
    )
    versioning.bump("routing")
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: User, instance: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=instance.pk)
    if token.revoked_at is not None:
        raise ValidationError("This token is already revoked.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, action=AuditAction.API_TOKEN_REVOKE, obj=token, note=token.hint)
    versioning.bump("routing")
    return token
