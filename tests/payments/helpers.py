from decimal import Decimal

from customers.selectors import customer_balance
from payments import services

STRIPE_SECRET = "sk_test_fake_51Hx"
STRIPE_WEBHOOK_SECRET = "whsec_fake_test_secret"
PAYPAL_ID = "AbPayPalClientId"
PAYPAL_SECRET = "EPayPalSecretForTheFake"


def make_stripe(**overrides):
    values = {
        "kind": "stripe",
        "name": "Stripe",
        "mode": "sandbox",
        "public_key": "pk_test_fake",
        "secret": STRIPE_SECRET,
        "webhook_secret": STRIPE_WEBHOOK_SECRET,
        "currencies": ["USD", "EUR"],
        **overrides,
    }
    return services.gateway_create(actor=None, **values)


def make_paypal(**overrides):
    values = {
        "kind": "paypal",
        "name": "PayPal",
        "mode": "sandbox",
        "public_key": PAYPAL_ID,
        "secret": PAYPAL_SECRET,
        "currencies": ["USD"],
        **overrides,
    }
    return services.gateway_create(actor=None, **values)


def balance(customer) -> Decimal:
    return customer_balance(customer)


def start(gateway, customer, amount="10.00"):
    return services.payment_checkout_start(
        actor=None,
        gateway=gateway,
        customer=customer,
        amount=amount,
        currency=customer.currency,
        success_url="http://portal.test/payments/{reference}/done/",
        cancel_url="http://portal.test/payments/{reference}/cancel/",
    )


def online_payment_of(payment):
    """An online payment row for an existing customers.Payment (test data for walks over every URL)."""
    import uuid

    from payments.models import OnlinePayment, PaymentGateway

    gateway = PaymentGateway.objects.filter(name="Walk gateway").first() or PaymentGateway.objects.create(
        kind="stripe",
        name="Walk gateway",
        public_key="pk_test_walk",
        secret=STRIPE_SECRET,
        currencies=["USD"],
    )
    return OnlinePayment.objects.create(
        payment=payment,
        gateway=gateway,
        local_reference=uuid.uuid4(),
        provider_reference=f"cs_walk_{payment.pk}",
        amount_minor=int(payment.amount * 100),
        currency=payment.currency,
    )
