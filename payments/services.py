"""Every write of online payments: gateways (My Account > API), checkouts and the providers' events.

Money reaches the balance only through customers.services (payment_create / payment_set_status),
so the ledger rules live in one place: a payment adds its entry once when it becomes Complete and a
refund appends the reversing entry.

Two services talk to a provider *between* transactions (a checkout, a Refresh): an HTTP call must
never hold a row lock or an open transaction, so they commit their own steps in short atomic blocks.
"""

import contextlib
import json
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from connexcs import audit
from connexcs.choices import AuditAction
from connexcs.money import validate_currency
from connexcs.unset import UNSET
from customers import services as customer_services
from customers.choices import PaymentStatus
from customers.models import Customer, Payment
from portal.models import PortalDomain

from . import providers, selectors
from .choices import CheckStatus, GatewayKind, GatewayMode
from .minor import exponent, to_minor
from .models import BrandPaymentLimit, OnlinePayment, PaymentGateway, ProviderEvent

GATEWAY_FIELDS = ["kind", "name", "mode", "public_key", "currencies"]


class WebhookRefused(Exception):
    """A webhook we will not act on: bad signature, not an event, or the provider denies it (400)."""


# --- Gateways (My Account > API) -----------------------------------------------------------------


def _currencies(values) -> list[str]:
    codes = []
    for value in values or []:
        code = str(value).strip().upper()
        try:
            validate_currency(code)
        except ValidationError as exc:
            raise ValidationError({"currencies": f"{code or 'An empty code'} is not a currency."}) from exc
        if code not in codes:
            codes.append(code)
    if not codes:
        raise ValidationError({"currencies": "Choose at least one currency to accept."})
    return codes


def _gateway_values(*, kind: str, name: str, mode: str, public_key: str, currencies) -> dict:
    if kind not in GatewayKind.values:
        raise ValidationError({"kind": "Choose PayPal or Stripe."})
    if mode not in GatewayMode.values:
        raise ValidationError({"mode": "Choose Live or Sandbox."})
    name = (name or "").strip() or GatewayKind(kind).label
    public_key = (public_key or "").strip()
    label = "Client ID" if kind == GatewayKind.PAYPAL else "Public Key"
    if not public_key:
        raise ValidationError({"public_key": f"Enter the {label}."})
    if kind == GatewayKind.STRIPE and not public_key.startswith("pk_"):
        raise ValidationError({"public_key": "A Stripe Public Key starts with pk_."})
    return {
        "kind": kind,
        "name": name[:100],
        "mode": mode,
        "public_key": public_key[:255],
        "currencies": _currencies(currencies),
    }


def _check_secrets(kind: str, secret: str, webhook_secret: str) -> None:
    if kind == GatewayKind.STRIPE:
        if secret and not secret.startswith(("sk_", "rk_")):
            raise ValidationError({"secret": "A Stripe Private Key starts with sk_ (or rk_ if restricted)."})
        if webhook_secret and not webhook_secret.startswith("whsec_"):
            raise ValidationError({"webhook_secret": "A Stripe webhook secret starts with whsec_."})


def _name_free(name: str, exclude_pk=None) -> None:
    if PaymentGateway.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise ValidationError({"name": "Another gateway has this name."})


@transaction.atomic
def gateway_create(
    *,
    actor: User,
    kind: str,
    mode: str,
    public_key: str,
    secret: str,
    currencies: list[str],
    name: str = "",
    webhook_secret: str = "",
) -> PaymentGateway:
    values = _gateway_values(kind=kind, name=name, mode=mode, public_key=public_key, currencies=currencies)
    secret = (secret or "").strip()
    webhook_secret = (webhook_secret or "").strip()
    label = "Secret" if kind == GatewayKind.PAYPAL else "Private Key"
    if not secret:
        raise ValidationError({"secret": f"Enter the {label}."})
    if kind == GatewayKind.STRIPE and not webhook_secret:
        raise ValidationError({"webhook_secret": "Enter the webhook secret Stripe shows for this endpoint."})
    _check_secrets(kind, secret, webhook_secret)
    _name_free(values["name"])
    gateway = PaymentGateway.objects.create(
        **values, secret=secret, webhook_secret=webhook_secret if kind == GatewayKind.STRIPE else ""
    )
    audit.record(
        actor=actor, action=AuditAction.PAYMENT_GATEWAY_CREATE, obj=gateway, after=audit.snapshot(gateway)
    )
    return gateway


@transaction.atomic
def gateway_update(
    *,
    actor: User,
    instance: PaymentGateway,
    mode: str,
    public_key: str,
    currencies: list[str],
    name: str = "",
    secret: str = "",
    webhook_secret: str = "",
    kind: str = UNSET,  # noqa: ARG001 - the edit form sends it; a gateway keeps its kind
) -> PaymentGateway:
    """Edit a gateway; a blank Secret / Private Key / webhook secret keeps the stored one. The kind
    never changes (delete and add instead)."""
    gateway = PaymentGateway.objects.select_for_update().get(pk=instance.pk)
    values = _gateway_values(
        kind=gateway.kind, name=name, mode=mode, public_key=public_key, currencies=currencies
    )
    secret = (secret or "").strip()
    webhook_secret = (webhook_secret or "").strip()
    _check_secrets(gateway.kind, secret, webhook_secret)
    _name_free(values["name"], exclude_pk=gateway.pk)
    before = audit.snapshot(gateway)
    for field, value in values.items():
        setattr(gateway, field, value)
    credentials_changed = values["public_key"] != instance.public_key or values["mode"] != instance.mode
    if secret:
        gateway.secret = secret
        credentials_changed = True
    if webhook_secret and gateway.kind == GatewayKind.STRIPE:
        gateway.webhook_secret = webhook_secret
    if credentials_changed:
        gateway.check_status, gateway.check_message, gateway.checked_at = CheckStatus.UNCHECKED, "", None
    gateway.save()
    audit.record(
        actor=actor,
        action=AuditAction.PAYMENT_GATEWAY_UPDATE,
        obj=gateway,
        before=before,
        after=audit.snapshot(gateway),
    )
    return gateway


@transaction.atomic
def gateway_delete(*, actor: User, instance: PaymentGateway) -> None:
    gateway = PaymentGateway.objects.select_for_update().get(pk=instance.pk)
    if gateway.payments.exists():
        raise ValidationError(
            "Payments were made through this gateway and keep it for their history; it cannot be deleted."
        )
    audit.record(
        actor=actor, action=AuditAction.PAYMENT_GATEWAY_DELETE, obj=gateway, before=audit.snapshot(gateway)
    )
    gateway.delete()


def gateway_check(*, actor: User, instance: PaymentGateway) -> PaymentGateway:
    """Refresh: ask the provider whether it accepts the stored credentials, and remember the answer."""
    check = providers.stripe_check if instance.kind == GatewayKind.STRIPE else providers.paypal_check
    try:
        status, message = CheckStatus.OK, check(instance)
    except providers.ProviderError as exc:
        status, message = CheckStatus.FAILED, str(exc)
    with transaction.atomic():
        gateway = PaymentGateway.objects.select_for_update().get(pk=instance.pk)
        gateway.check_status, gateway.check_message = status, message[:255]
        gateway.checked_at = timezone.now()
        gateway.save(update_fields=["check_status", "check_message", "checked_at", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.PAYMENT_GATEWAY_CHECK,
            obj=gateway,
            after={"check_status": status},
            note=message[:255],
        )
    return gateway


@transaction.atomic
def payment_limit_set(
    *, actor: User, brand: PortalDomain, minimum_amount: Decimal | str, maximum_amount: Decimal | str
) -> BrandPaymentLimit:
    minimum = _amount("minimum_amount", minimum_amount)
    maximum = _amount("maximum_amount", maximum_amount)
    if maximum < minimum:
        raise ValidationError({"maximum_amount": "The maximum must be at least the minimum."})
    limit, _ = BrandPaymentLimit.objects.select_for_update().get_or_create(brand=brand)
    before = audit.snapshot(limit)
    limit.minimum_amount, limit.maximum_amount = minimum, maximum
    limit.save()
    audit.record(
        actor=actor,
        action=AuditAction.PAYMENT_LIMIT_SET,
        obj=limit,
        before=before,
        after=audit.snapshot(limit),
    )
    return limit


# --- Checkout ------------------------------------------------------------------------------------


def _amount(field: str, value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: "Enter an amount."}) from exc
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: "The amount must be greater than zero."})
    if amount >= Decimal("1e10"):
        raise ValidationError({field: "This amount is too large."})
    return amount


def _check_checkout(
    *, gateway: PaymentGateway, customer: Customer, amount, currency: str
) -> tuple[Decimal, int]:
    if gateway.pk not in {g.pk for g in selectors.gateways_for_customer(customer=customer)}:
        raise ValidationError({"gateway": "This way of paying is not offered to you."})
    if currency != customer.currency:
        raise ValidationError({"currency": f"Pay in your account's currency, {customer.currency}."})
    amount = _amount("amount", amount)
    minor = to_minor(amount, currency)
    if minor is None:
        places = exponent(currency)
        raise ValidationError({"amount": f"{currency} amounts have at most {places} decimal places."})
    minimum, maximum = selectors.amount_limits(customer=customer)
    if amount < minimum:
        raise ValidationError({"amount": f"The smallest payment is {minimum} {currency}."})
    if amount > maximum:
        raise ValidationError({"amount": f"The largest payment is {maximum} {currency}."})
    return amount, minor


def payment_checkout_start(
    *,
    actor,
    gateway: PaymentGateway,
    customer: Customer,
    amount: Decimal | str,
    currency: str,
    success_url: str,
    cancel_url: str,
) -> OnlinePayment:
    """A Pending payment and the provider's page to pay it on (`checkout_url`).

    `success_url` / `cancel_url` may hold `{reference}`, replaced by the payment's own reference. The
    rows are committed before the provider is asked, so its webhook always finds them; a provider that
    refuses leaves the payment Failed and raises ValidationError.
    """
    amount, minor = _check_checkout(gateway=gateway, customer=customer, amount=amount, currency=currency)
    reference = uuid.uuid4()
    with transaction.atomic():
        payment = customer_services.payment_create(
            actor=actor,
            customer=customer,
            description=f"Online payment ({gateway.get_kind_display()})",
            amount=amount,
            status=PaymentStatus.PENDING,
        )
        online = OnlinePayment.objects.create(
            payment=payment, gateway=gateway, local_reference=reference, amount_minor=minor, currency=currency
        )
        audit.record(
            actor=actor,
            action=AuditAction.ONLINE_PAYMENT_START,
            obj=online,
            after={"amount": str(amount), "currency": currency, "gateway": gateway.name},
        )
    start = providers.stripe_checkout if gateway.kind == GatewayKind.STRIPE else providers.paypal_checkout
    try:
        checkout = start(
            gateway,
            amount_minor=minor,
            currency=currency,
            description=f"{customer.name}: account payment",
            local_reference=str(reference),
            success_url=success_url.replace("{reference}", str(reference)),
            cancel_url=cancel_url.replace("{reference}", str(reference)),
        )
    except providers.ProviderError as exc:
        _fail(online=online, note=str(exc))
        raise ValidationError(f"{gateway.get_kind_display()} did not start the payment: {exc}") from exc
    with transaction.atomic():
        online = OnlinePayment.objects.select_for_update().get(pk=online.pk)
        online.provider_reference = checkout.reference
        online.provider_payment_id = checkout.payment_id
        online.checkout_url = checkout.url
        online.save(update_fields=["provider_reference", "provider_payment_id", "checkout_url", "updated_at"])
    return online


# --- Confirmation, failure and refund (from the providers' events) --------------------------------


def _locked(queryset) -> OnlinePayment | None:
    """The row locked, and its payment read *after* the lock: a join read with the lock would show
    the payment as it was before a concurrent delivery committed (read committed)."""
    online = queryset.select_for_update().first()
    if online is not None:
        online.payment = Payment.objects.get(pk=online.payment_id)
    return online


def _set_status(online: OnlinePayment, status: str) -> None:
    customer_services.payment_set_status(actor=None, instance=online.payment, status=status)
    online.payment.refresh_from_db(fields=["status"])


@transaction.atomic
def payment_confirm(
    *,
    gateway: PaymentGateway,
    provider_reference: str,
    amount_minor: int,
    currency: str,
    payment_id: str = "",
    fee: Decimal | None = None,
) -> str:
    """The provider says the payment is paid: Complete, booked once. Returns what happened."""
    online = _locked(OnlinePayment.objects.filter(gateway=gateway, provider_reference=provider_reference))
    if online is None:
        return "not ours"
    if amount_minor != online.amount_minor or currency.upper() != online.currency:
        return "amount or currency differs from the payment; not booked"
    status = online.payment.status
    if status in (PaymentStatus.COMPLETE, PaymentStatus.REFUNDED):
        return f"already {status}"
    online.provider_payment_id = payment_id or online.provider_payment_id
    if fee is not None:
        online.fee = fee
    online.save(update_fields=["provider_payment_id", "fee", "updated_at"])
    _set_status(online, PaymentStatus.COMPLETE)
    audit.record(
        actor=None,
        action=AuditAction.ONLINE_PAYMENT_CONFIRM,
        obj=online,
        after={"status": PaymentStatus.COMPLETE, "fee": str(fee) if fee is not None else None},
    )
    return "booked"


def _fail(*, online: OnlinePayment, note: str, actor=None) -> str:
    with transaction.atomic():
        online = _locked(OnlinePayment.objects.filter(pk=online.pk))
        if online.payment.status != PaymentStatus.PENDING:
            return f"already {online.payment.status}"
        _set_status(online, PaymentStatus.FAILED)
        audit.record(actor=actor, action=AuditAction.ONLINE_PAYMENT_FAIL, obj=online, note=note[:255])
    return "failed"


def payment_fail(*, gateway: PaymentGateway, provider_reference: str, note: str) -> str:
    """The checkout expired or the payment failed: a Pending payment becomes Failed (nothing booked)."""
    online = OnlinePayment.objects.filter(gateway=gateway, provider_reference=provider_reference).first()
    return "not ours" if online is None else _fail(online=online, note=note)


@transaction.atomic
def payment_refund(*, gateway: PaymentGateway, payment_id: str) -> str:
    """The provider refunded the payment in full: Refunded, and the ledger entry is reversed."""
    if not payment_id:
        return "not ours"
    online = _locked(OnlinePayment.objects.filter(gateway=gateway, provider_payment_id=payment_id))
    if online is None:
        return "not ours"
    if online.payment.status == PaymentStatus.REFUNDED:
        return "already refunded"
    _set_status(online, PaymentStatus.REFUNDED)
    audit.record(
        actor=None, action=AuditAction.ONLINE_PAYMENT_REFUND, obj=online, after={"status": "refunded"}
    )
    return "refunded"


# --- Webhooks ------------------------------------------------------------------------------------


def _seen(gateway: PaymentGateway, event_id: str, event_type: str) -> bool:
    """Record the event id; True when it was handled before (a redelivery)."""
    try:
        with transaction.atomic():
            ProviderEvent.objects.create(
                gateway=gateway, event_id=event_id[:255], event_type=event_type[:100]
            )
    except IntegrityError:
        return True
    return False


def _note_outcome(gateway: PaymentGateway, event_id: str, outcome: str) -> None:
    ProviderEvent.objects.filter(gateway=gateway, event_id=event_id[:255]).update(outcome=outcome[:255])


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise WebhookRefused("Not a Stripe amount.") from exc


def stripe_webhook_handle(*, gateway: PaymentGateway, payload: bytes, signature: str) -> str:
    """Verify and act on one Stripe delivery. Raises WebhookRefused (-> 400) for a bad signature."""
    try:
        event = providers.stripe_event(gateway, payload, signature)
    except providers.SignatureError as exc:
        raise WebhookRefused(str(exc)) from exc
    event_id, event_type = str(event.get("id") or ""), str(event.get("type") or "")
    obj = event["data"].get("object")
    if not event_id or not isinstance(obj, dict):
        raise WebhookRefused("Not a Stripe event.")
    handled = {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
        "charge.refunded",
    }
    if event_type not in handled:
        return "ignored"
    fee = None
    if event_type != "charge.refunded" and obj.get("payment_status") == "paid" and obj.get("payment_intent"):
        fee = providers.stripe_fee(gateway, str(obj["payment_intent"]))  # before any lock: HTTP
    with transaction.atomic():
        if _seen(gateway, event_id, event_type):
            return "duplicate"
        if event_type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
            if obj.get("payment_status") != "paid":
                outcome = "waiting for the payment"
            else:
                outcome = payment_confirm(
                    gateway=gateway,
                    provider_reference=str(obj.get("id") or ""),
                    amount_minor=_int(obj.get("amount_total")),
                    currency=str(obj.get("currency") or ""),
                    payment_id=str(obj.get("payment_intent") or ""),
                    fee=fee,
                )
        elif event_type == "charge.refunded":
            if obj.get("refunded") is True and obj.get("payment_intent"):
                outcome = payment_refund(gateway=gateway, payment_id=str(obj["payment_intent"]))
            else:
                outcome = "partial refund: not booked"
        else:
            outcome = payment_fail(
                gateway=gateway, provider_reference=str(obj.get("id") or ""), note=f"Stripe: {event_type}"
            )
        _note_outcome(gateway, event_id, outcome)
    return outcome


def _paypal_completed(order: dict) -> tuple[int, str, str, Decimal | None] | None:
    """(amount in minor units, currency, capture id, fee) of a completed order, else None."""
    if order.get("status") != "COMPLETED":
        return None
    try:
        unit = order["purchase_units"][0]
        capture = unit["payments"]["captures"][0]
        if capture.get("status") not in ("COMPLETED", "REFUNDED", "PARTIALLY_REFUNDED"):
            return None
        amount = capture.get("amount") or unit["amount"]
        currency = str(amount["currency_code"]).upper()
        minor = to_minor(Decimal(str(amount["value"])), currency)
        breakdown = capture.get("seller_receivable_breakdown") or {}
        fee = breakdown.get("paypal_fee", {}).get("value")
        return (minor, currency, str(capture["id"]), Decimal(str(fee)) if fee is not None else None)
    except (KeyError, IndexError, TypeError, InvalidOperation):
        return None


def paypal_order_settle(*, gateway: PaymentGateway, order_id: str, capture: bool) -> str:
    """Ask PayPal about an order (capturing it first when `capture`) and book what PayPal says."""
    if not OnlinePayment.objects.filter(gateway=gateway, provider_reference=order_id).exists():
        return "not ours"
    order = (providers.paypal_capture if capture else providers.paypal_order)(gateway, order_id)
    done = _paypal_completed(order)
    if done is None:
        return f"PayPal says the order is {order.get('status') or 'unknown'}"
    minor, currency, capture_id, fee = done
    return payment_confirm(
        gateway=gateway,
        provider_reference=order_id,
        amount_minor=minor if minor is not None else -1,
        currency=currency,
        payment_id=capture_id,
        fee=fee,
    )


def _refund_capture_id(event_type: str, resource: dict) -> str:
    if event_type == "PAYMENT.CAPTURE.REVERSED":
        return str(resource.get("id") or "")
    for link in resource.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == "up" and "/captures/" in str(link.get("href")):
            return str(link["href"]).rstrip("/").rsplit("/", 1)[-1]
    return ""


def paypal_webhook_handle(*, gateway: PaymentGateway, payload: bytes) -> str:
    """Act on one PayPal delivery. The body is only a hint: every fact is read back from PayPal's API
    with the gateway's credentials, so a forged event finds nothing to confirm (WebhookRefused)."""
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise WebhookRefused("Not JSON.") from exc
    if not isinstance(event, dict) or not isinstance(event.get("resource"), dict) or not event.get("id"):
        raise WebhookRefused("Not a PayPal event.")
    event_id, event_type, resource = str(event["id"]), str(event.get("event_type") or ""), event["resource"]
    if event_type == "CHECKOUT.ORDER.APPROVED":
        order_id, verb = str(resource.get("id") or ""), "capture"
    elif event_type == "PAYMENT.CAPTURE.COMPLETED":
        related = (resource.get("supplementary_data") or {}).get("related_ids") or {}
        order_id, verb = str(related.get("order_id") or ""), "read"
    elif event_type in ("PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED"):
        order_id, verb = "", "refund"
    else:
        return "ignored"
    if ProviderEvent.objects.filter(gateway=gateway, event_id=event_id[:255]).exists():
        return "duplicate"
    if verb == "refund":
        capture_id = _refund_capture_id(event_type, resource)
        ours = OnlinePayment.objects.filter(gateway=gateway, provider_payment_id=capture_id)
        if not capture_id or not ours.exists():
            return "not ours"
        captured = providers.paypal_captured_payment(gateway, capture_id)
        if captured.get("status") not in ("REFUNDED", "REVERSED"):
            raise WebhookRefused(f"PayPal says the capture is {captured.get('status') or 'unknown'}.")
        with transaction.atomic():
            if _seen(gateway, event_id, event_type):
                return "duplicate"
            outcome = payment_refund(gateway=gateway, payment_id=capture_id)
            _note_outcome(gateway, event_id, outcome)
        return outcome
    try:
        outcome = paypal_order_settle(gateway=gateway, order_id=order_id, capture=verb == "capture")
    except providers.ProviderError as exc:
        raise WebhookRefused(str(exc)) from exc
    if outcome.startswith("PayPal says"):
        raise WebhookRefused(outcome)
    with transaction.atomic():
        if not _seen(gateway, event_id, event_type):
            _note_outcome(gateway, event_id, outcome)
    return outcome


def payment_return(*, online: OnlinePayment) -> OnlinePayment:
    """The customer is back from the provider's page. A PayPal order is captured now (PayPal's
    hosted page only approves it); Stripe's payment waits for its webhook."""
    if online.gateway.kind == GatewayKind.PAYPAL and online.provider_reference:
        # PayPal unreachable: it stays Pending; PayPal's webhook or the next visit settles it.
        with contextlib.suppress(providers.ProviderError):
            paypal_order_settle(gateway=online.gateway, order_id=online.provider_reference, capture=True)
    return OnlinePayment.objects.select_related("payment", "gateway").get(pk=online.pk)


def payment_cancel(*, online: OnlinePayment, actor=None) -> str:
    """The customer (`actor`, a portal user) left the provider's page without paying."""
    return _fail(online=online, note="Cancelled on the provider's page.", actor=actor)
