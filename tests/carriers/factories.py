import factory
from factory.django import DjangoModelFactory

from carriers.models import Carrier


class CarrierFactory(DjangoModelFactory):
    class Meta:
        model = Carrier

    name = factory.Sequence(lambda n: f"Carrier {n:05d}")
    currency = "USD"
