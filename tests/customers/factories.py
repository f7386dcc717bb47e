import factory
from factory.django import DjangoModelFactory

from customers.models import Customer


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n:05d}")
    currency = "USD"
