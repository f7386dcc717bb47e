"""Demo ingress route: the demo customer on the demo customer card, and a demo API token (idempotent)."""

from customers.models import Customer
from ratecards.models import CustomerCard

from .models import IngressRoute
from .services import ingress_route_create


def _demo_card():
    try:
        from ratecards import demo as ratecards_demo
    except ImportError:
        ratecards_demo = None
    name = getattr(ratecards_demo, "CUSTOMER", None)
    cards = CustomerCard.objects.order_by("pk")
    return (name and cards.filter(name=name).first()) or cards.filter(name__icontains="demo").first()


def seed(*, admin) -> None:
    from customers.demo import DEMO_NAME

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
