"""Demo carrier with one termination gateway (idempotent, via services)."""

from connexcs.dns import SIP_PORT

from .models import Carrier
from .services import carrier_create, gateway_create

DEMO_NAME = "Demo Carrier"


def seed(*, admin) -> None:
    carrier = Carrier.objects.filter(name=DEMO_NAME).first()
    if carrier is None:
        carrier = carrier_create(actor=admin, name=DEMO_NAME, currency="USD")
    if not carrier.gateways.exists():
        gateway_create(actor=admin, carrier=carrier, address="198.51.100.20", port=SIP_PORT)
