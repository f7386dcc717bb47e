"""The only code that talks to Stripe and PayPal, through their SDKs.

Each function takes a gateway row and answers plain Python values, so services never see SDK
objects. `settings.STRIPE_API_BASE` / `PAYPAL_API_BASE` point the SDKs at another host (the fakes in
tests/fakes/); empty means the providers' own. Errors become `ProviderError` with a message a person
can read; the secrets never appear in them.
"""

import json
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from paypalserversdk.configuration import Configuration, Environment
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from .choices import GatewayMode
from .minor import from_minor, to_provider_value
from .models import PaymentGateway

STRIPE_TOLERANCE_SECONDS = 300


class ProviderError(Exception):
    """The provider refused or could not be reached; str() is safe to show."""


class SignatureError(Exception):
    """A webhook whose signature does not verify."""


@dataclass(frozen=True)
class Checkout:
    reference: str  # Stripe's Checkout Session id / PayPal's order id
    url: str  # where the customer pays
    payment_id: str = ""  # Stripe's PaymentIntent when already known


# --- Stripe ------------------------------------------------------------------------------------


def _stripe(gateway: PaymentGateway) -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        gateway.secret,
        base_addresses={"api": base} if base else None,
        max_network_retries=1,
        http_client=stripe.RequestsClient(timeout=settings.PAYMENT_PROVIDER_TIMEOUT),
    )


def _stripe_error(exc: stripe.StripeError) -> ProviderError:
    if isinstance(exc, stripe.AuthenticationError):
        return ProviderError("Stripe refused the Private Key.")
    if isinstance(exc, stripe.APIConnectionError):
        return ProviderError("Stripe could not be reached; try again.")
    message = getattr(exc, "user_message", None) or "Stripe refused the request."
    return ProviderError(str(message)[:200])


def stripe_check(gateway: PaymentGateway) -> str:
    try:
        balance = _stripe(gateway).v1.balance.retrieve().to_dict()
    except stripe.StripeError as exc:
        raise _stripe_error(exc) from exc
    mode = "live" if balance.get("livemode") else "test"
    return f"Stripe accepted the keys ({mode} mode)."


def stripe_checkout(
    gateway: PaymentGateway,
    *,
    amount_minor: int,
    currency: str,
    description: str,
    local_reference: str,
    success_url: str,
    cancel_url: str,
) -> Checkout:
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": amount_minor,
                    "product_data": {"name": description},
                },
            }
        ],
        "client_reference_id": local_reference,
        "metadata": {"online_payment": local_reference},
        "payment_intent_data": {"metadata": {"online_payment": local_reference}},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    try:
        session = (
            _stripe(gateway)
            .v1.checkout.sessions.create(params=params, options={"idempotency_key": local_reference})
            .to_dict()
        )
    except stripe.StripeError as exc:
        raise _stripe_error(exc) from exc
    return Checkout(
        reference=session["id"], url=session["url"], payment_id=session.get("payment_intent") or ""
    )


def stripe_event(gateway: PaymentGateway, payload: bytes, signature: str) -> dict:
    """The event in a webhook body, once its `Stripe-Signature` verifies with the webhook secret."""
    if not gateway.webhook_secret:
        raise SignatureError("This gateway has no webhook secret.")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature, gateway.webhook_secret, STRIPE_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise SignatureError("Bad Stripe signature.") from exc
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise SignatureError("Not JSON.") from exc
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        raise SignatureError("Not a Stripe event.")
    return event


def stripe_fee(gateway: PaymentGateway, payment_intent: str) -> Decimal | None:
    """Stripe's fee for a paid PaymentIntent, in the charge's currency; None when unknown."""
    try:
        intent = (
            _stripe(gateway)
            .v1.payment_intents.retrieve(
                payment_intent, params={"expand": ["latest_charge.balance_transaction"]}
            )
            .to_dict()
        )
        transaction = intent["latest_charge"]["balance_transaction"]
        return from_minor(int(transaction["fee"]), str(transaction["currency"]).upper())
    except (stripe.StripeError, KeyError, TypeError, ValueError):
        return None


# --- PayPal ------------------------------------------------------------------------------------


class _PaypalConfiguration(Configuration):
    """PayPal's SDK with the base URL from settings when one is set."""

    def get_base_uri(self, server=None):
        if settings.PAYPAL_API_BASE:
            return settings.PAYPAL_API_BASE.rstrip("/")
        return super().get_base_uri() if server is None else super().get_base_uri(server)


def _paypal(gateway: PaymentGateway) -> PaypalServersdkClient:
    environment = Environment.PRODUCTION if gateway.mode == GatewayMode.LIVE else Environment.SANDBOX
    config = _PaypalConfiguration(
        environment=environment,
        timeout=settings.PAYMENT_PROVIDER_TIMEOUT,
        client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
            o_auth_client_id=gateway.public_key, o_auth_client_secret=gateway.secret
        ),
    )
    return PaypalServersdkClient(config=config)


def _paypal_call(call, what: str) -> dict:
    try:
        response = call()
    except ApiException as exc:
        code = getattr(exc, "response_code", None)
        if code == 401:
            raise ProviderError("PayPal refused the Client ID and Secret.") from exc
        raise ProviderError(f"PayPal refused to {what} (HTTP {code}).") from exc
    except Exception as exc:  # requests' connection errors and the SDK's auth errors
        raise ProviderError(f"PayPal could not be reached to {what}; try again.") from exc
    try:
        return json.loads(response.text or "{}")
    except ValueError as exc:
        raise ProviderError("PayPal answered something that is not JSON.") from exc


def paypal_check(gateway: PaymentGateway) -> str:
    client = _paypal(gateway)
    auth = client.auth_managers["Oauth2"]

    def fetch():
        token = auth.fetch_token()
        if not getattr(token, "access_token", None):
            raise ProviderError("PayPal gave no access token.")
        return token

    try:
        fetch()
    except ProviderError:
        raise
    except ApiException as exc:
        raise ProviderError("PayPal refused the Client ID and Secret.") from exc
    except Exception as exc:
        raise ProviderError("PayPal could not be reached; try again.") from exc
    return f"PayPal accepted the credentials ({GatewayMode(gateway.mode).label} mode)."


def paypal_checkout(
    gateway: PaymentGateway,
    *,
    amount_minor: int,
    currency: str,
    description: str,
    local_reference: str,
    success_url: str,
    cancel_url: str,
) -> Checkout:
    body = {
        "intent": "CAPTURE",
        "purchase_units": [
            {
                "reference_id": local_reference,
                "custom_id": local_reference,
                "description": description[:127],
                "amount": {"currency_code": currency, "value": to_provider_value(amount_minor, currency)},
            }
        ],
        "payment_source": {
            "paypal": {"experience_context": {"return_url": success_url, "cancel_url": cancel_url}}
        },
    }
    client = _paypal(gateway)
    order = _paypal_call(
        lambda: client.orders.create_order(
            {"body": body, "paypal_request_id": local_reference, "prefer": "return=representation"}
        ),
        "create the order",
    )
    links = {link.get("rel"): link.get("href") for link in order.get("links") or [] if isinstance(link, dict)}
    url = links.get("payer-action") or links.get("approve")
    if not order.get("id") or not url:
        raise ProviderError("PayPal gave no page to pay on.")
    return Checkout(reference=order["id"], url=url)


def paypal_order(gateway: PaymentGateway, order_id: str) -> dict:
    client = _paypal(gateway)
    return _paypal_call(lambda: client.orders.get_order({"id": order_id}), "read the order")


def paypal_capture(gateway: PaymentGateway, order_id: str) -> dict:
    """Capture an approved order; an order captured already is read back instead."""
    client = _paypal(gateway)
    try:
        return _paypal_call(
            lambda: client.orders.capture_order(
                {
                    "id": order_id,
                    "prefer": "return=representation",
                    "paypal_request_id": f"capture-{order_id}",
                }
            ),
            "capture the order",
        )
    except ProviderError:
        return paypal_order(gateway, order_id)


def paypal_captured_payment(gateway: PaymentGateway, capture_id: str) -> dict:
    client = _paypal(gateway)
    return _paypal_call(
        lambda: client.payments.get_captured_payment({"capture_id": capture_id}), "read the capture"
    )
