import pytest
from django.core.management import call_command

from carriers.models import Carrier, Gateway
from customers.models import Customer, IPAuth, LedgerEntry, Payment, SIPUser
from customers.selectors import customer_balance

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Customer, IPAuth, SIPUser, Payment, LedgerEntry, Carrier, Gateway)]


def test_demo_seed_is_idempotent():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first == [1, 1, 1, 1, 1, 1, 1]
    assert customer_balance(Customer.objects.get()) == 100
