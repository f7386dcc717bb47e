"""Demo ingress route: the demo customer on the demo customer card, and a demo API token (idempotent)."""

from customers.demo import DEMO_NAME
from customers.models import Customer
from ratecards.demo import CUSTOMER as DEMO_CARD
from ratecards.models import CustomerCard

from .models import IngressRoute
from .services import ingress_route_create


def _demo_card():
    return CustomerCard.objects.filter(name=DEMO_CARD).first()


def seed(*, admin) -> None:
    customer = Customer.objects.filter(name=DEMO_NAME).first()
    card = _demo_card()
    if customer is None or card is None:
        return
    if not IngressRoute.objects.filter(customer=customer, card=card).exists():
        ingress_route_create(
            actor=admin,
            customer=customer,
            card=card,
            public_notes="Demo route to the demo tariff.",
        )
