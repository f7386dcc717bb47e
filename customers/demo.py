"""Demo customer with IP authentication, a SIP user and a payment (idempotent, via services)."""

from decimal import Decimal

from .choices import PaymentStatus
from .models import Customer
from .services import customer_create, ipauth_create, payment_create, sipuser_create

DEMO_NAME = "Demo Customer"
DEMO_SIP_PASSWORD = "Demo-Sip-Pass-2026"  # noqa: S105 - published demo data, not a secret


def seed(*, admin) -> None:
    customer = Customer.objects.filter(name=DEMO_NAME).first()
    if customer is None:
        customer = customer_create(actor=admin, name=DEMO_NAME, currency="USD", debit_limit=Decimal("50"))
    if not customer.ip_auths.exists():
        ipauth_create(actor=admin, customer=customer, address="192.0.2.10")
    if not customer.sip_users.exists():
        sipuser_create(actor=admin, customer=customer, username="demo1001", password=DEMO_SIP_PASSWORD)
    if not customer.payments.exists():
        payment_create(
            actor=admin,
            customer=customer,
            description="Opening top-up",
            amount=Decimal("100.00"),
            status=PaymentStatus.COMPLETE,
        )
